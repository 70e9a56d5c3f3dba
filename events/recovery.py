"""Deleted statements and events, and their restore from the history (django-simple-history).

Deleting a statement or an event leaves its last values in its history (a "-" record,
with the statement's targets, see HistoricalRecordsWithM2M) and, for an event, a "-"
record of each participant and source the deletion cascaded to. `restore_deleted()`
puts the record back under its old id with those values and children, in one
transaction, recording in the history who restored it. The admin's "Recently deleted"
page and `manage.py restore_deleted` both call it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Subquery

from events.models import Actor, Article, Event, EventParticipant, EventSource, Statement

RESTORABLE = {"statement": Statement, "event": Event}

# Children deleted by the cascade get their "-" records within the same request; a child
# deleted on its own (a participant removed days earlier) is outside this window and stays deleted.
CASCADE_WINDOW = dt.timedelta(seconds=30)


class RestoreError(Exception):
    """Why a deleted record cannot be restored; nothing was changed."""


@dataclass
class Restored:
    record: models.Model
    children: dict[str, int] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)  # what could not come back, and why

    def describe(self) -> str:
        model = type(self.record)._meta.verbose_name
        parts = [f"{model} #{self.record.pk} {label(self.record)} restored"]
        parts += [f"{n} {name}" for name, n in self.children.items()]
        text = ", ".join(parts)
        if self.left_out:
            text += "; left out: " + "; ".join(self.left_out)
        return text


def label(record) -> str:
    """A deleted record (or its history record) named without looking up relations that may be gone."""
    if hasattr(record, "quote"):
        quote = record.quote if len(record.quote) <= 60 else record.quote[:59] + "…"
        return f"{record.ref}: “{quote}”"
    return f"{record.slug}: {record.title}"


def restorable_model(name: str) -> type[models.Model]:
    try:
        return RESTORABLE[name.lower()]
    except KeyError:
        raise RestoreError(f"cannot restore a {name!r}: choose one of {', '.join(RESTORABLE)}") from None


def deleted(model: type[models.Model]):
    """The deletion records of `model` rows that are still deleted, newest first (one per row)."""
    history = model.history.model
    latest = history.objects.filter(id=OuterRef("id")).order_by("-history_date", "-history_id").values("history_id")
    return (
        history.objects.filter(history_type="-", history_id=Subquery(latest[:1]))
        .exclude(id__in=model.objects.values("pk"))
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def restore_deleted(model: type[models.Model], pk: int, *, user=None) -> Restored:
    """Put the deleted `model` row `pk` back as it was when deleted, with its children.

    Refused (RestoreError, nothing changed) when the row exists, was never deleted, or
    points to something that no longer exists (its article, speaker, CAMEO code,
    escalation, or an event source's article). A target or participant whose actor no
    longer exists (merged away) is left out and named in the result.
    """
    name = model._meta.verbose_name
    if model.objects.filter(pk=pk).exists():
        raise RestoreError(f"{name} #{pk} exists: there is nothing to restore")
    deletion = deleted(model).filter(id=pk).first()
    if deletion is None:
        raise RestoreError(f"no deleted {name} #{pk} in the history")
    reason = f"restored (deleted {deletion.history_date:%Y-%m-%d %H:%M} UTC)"
    with transaction.atomic():
        record = deletion.instance
        _require(record, _missing_relations(record), name, pk)
        result = Restored(record=record)
        if isinstance(record, Statement):
            _restore_statement(deletion, result, user=user, reason=reason)
        else:
            _restore_event(deletion, result, user=user, reason=reason)
    return result


def _restore_statement(deletion, result: Restored, *, user, reason: str) -> None:
    statement = result.record
    targets = list(deletion.targets.values_list("actor_id", flat=True))
    existing = set(Actor.objects.filter(pk__in=targets).values_list("pk", flat=True))
    result.left_out += [f"target actor #{actor} no longer exists" for actor in targets if actor not in existing]
    _insert(statement, user, reason, "statement")
    statement.targets.add(*existing)  # recorded in the history by the m2m signal, as this user
    result.children["targets"] = len(existing)


def _restore_event(deletion, result: Restored, *, user, reason: str) -> None:
    event = result.record
    participants = _cascaded(EventParticipant, "event_id", event.pk, deletion.history_date)
    sources = _cascaded(EventSource, "event_id", event.pk, deletion.history_date)
    articles = set(Article.objects.filter(pk__in=[s.article_id for s in sources]).values_list("pk", flat=True))
    missing = [f"the article (#{s.article_id}) of source {s.ref!r}" for s in sources if s.article_id not in articles]
    _require(event, missing, "event", event.pk)
    _insert(event, user, reason, "event")
    actors = set(Actor.objects.filter(pk__in=[p.actor_id for p in participants]).values_list("pk", flat=True))
    restored = 0
    for participant in participants:
        if participant.actor_id not in actors:
            result.left_out.append(f"participant actor #{participant.actor_id} ({participant.role}) no longer exists")
            continue
        _insert(participant, user, reason, "participant")
        restored += 1
    for source in sources:
        _insert(source, user, reason, "source")
    result.children = {"participants": restored, "sources": len(sources)}


def _missing_relations(record: models.Model) -> list[str]:
    """The foreign keys of `record` that point to rows that no longer exist, described."""
    missing = []
    for model_field in record._meta.concrete_fields:
        if not model_field.is_relation:
            continue
        value = getattr(record, model_field.attname)
        if value is not None and not model_field.related_model._default_manager.filter(pk=value).exists():
            missing.append(f"its {model_field.verbose_name} (#{value})")
    return missing


def _require(record, missing: list[str], name: str, pk: int) -> None:
    if missing:
        raise RestoreError(
            f"{name} #{pk} ({label(record)}) cannot be restored: {', '.join(missing)} no longer exist(s); "
            "restore or re-create it first"
        )


def _cascaded(model: type[models.Model], parent_field: str, parent_pk: int, deleted_at: dt.datetime) -> list:
    """The children of a deleted parent that its deletion removed: still deleted, and whose own
    deletion record is the latest one and falls within CASCADE_WINDOW of the parent's."""
    records = deleted(model).filter(
        **{parent_field: parent_pk},
        history_date__gte=deleted_at - CASCADE_WINDOW,
        history_date__lte=deleted_at + CASCADE_WINDOW,
    )
    return [record.instance for record in records.order_by("history_id")]


def _insert(instance: models.Model, user, reason: str, what: str) -> None:
    """Insert a row under its old id after the model's own checks; the history gets who and why."""
    created_at = getattr(instance, "created_at", None)
    try:
        instance.full_clean()
    except ValidationError as error:
        messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
        raise RestoreError(f"the {what} {instance.natural_key()[-1]} cannot be restored: {messages}") from error
    instance._history_user = user
    instance._change_reason = reason
    instance.save(force_insert=True)
    if created_at is not None:
        # auto_now_add stamped "now": the record keeps the day it was first created.
        type(instance).objects.filter(pk=instance.pk).update(created_at=created_at)
        instance.created_at = created_at
