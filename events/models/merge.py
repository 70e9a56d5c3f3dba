"""Merging duplicate actors into one (ActorQuerySet.merge_into): every row that names them moves."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from simple_history.utils import bulk_update_with_history

from events.models.actors import Actor, ActorAlias, Tenure
from events.models.events import EventParticipant
from events.models.statements import Statement
from events.models.versioning import update_with_history


@dataclass
class ActorMerge:
    """What ActorQuerySet.merge_into() did: the counts of rows moved to the survivor."""

    survivor: Actor
    merged: list[str]
    statements: int = 0
    targets: int = 0
    participations: int = 0
    aliases: int = 0
    members: int = 0


def merge_actors(actors: models.QuerySet, survivor: Actor) -> ActorMerge:
    """Merge every actor of `actors` (but `survivor`) into `survivor`: ActorQuerySet.merge_into()."""
    with transaction.atomic():
        duplicates = list(actors.exclude(pk=survivor.pk).order_by("pk"))
        if not duplicates:
            raise ValidationError("Choose at least one actor other than the one that is kept.")
        survivor = Actor.objects.select_for_update().get(pk=survivor.pk)
        merged_ids = [actor.pk for actor in duplicates]
        names = ", ".join(actor.name for actor in duplicates)
        reason = f"merged into {survivor.name} (#{survivor.pk})"
        result = ActorMerge(survivor=survivor, merged=[actor.name for actor in duplicates])

        _refuse_words_credited_twice(survivor, merged_ids, names)
        statements = Statement.objects.filter(speaker__in=merged_ids)
        result.statements = update_with_history(statements, reason=reason, speaker=survivor)
        result.targets = _move_statement_targets(survivor, merged_ids)
        roles = set(EventParticipant.objects.filter(actor=survivor).values_list("event_id", "role"))
        result.participations = _move_to_survivor(
            EventParticipant, merged_ids, survivor, roles, lambda p: (p.event_id, p.role), reason
        )
        result.aliases = _move_aliases(survivor, duplicates, merged_ids, reason)
        members = Actor.objects.filter(affiliation__in=merged_ids).exclude(pk=survivor.pk)
        result.members = update_with_history(members, reason=reason, affiliation=survivor)
        _move_offices(survivor, merged_ids, reason)
        _complete_survivor(survivor, duplicates, merged_ids)
        survivor._change_reason = f"merged {names} into it"
        survivor.save()

        for actor in duplicates:
            actor._change_reason = reason
            actor.delete()
    return result


def _refuse_words_credited_twice(survivor: Actor, merged_ids: list[int], names: str) -> None:
    """ValidationError when two of the actors have a statement at the same span of an article: the
    same words recorded twice, for the curator to settle before the merge."""
    twice = (
        Statement.objects.filter(speaker__in=[survivor.pk, *merged_ids])
        .values("article", "start", "end")
        .annotate(n=models.Count("id"))
        .filter(n__gt=1)
    )
    if clashes := list(twice[:5]):
        spans = "; ".join(f"article {c['article']} characters {c['start']}–{c['end']}" for c in clashes)
        raise ValidationError(
            f"{survivor.name} and {names} are both credited with the same words ({spans}): "
            "delete or reject one of the two statements first."
        )


def _move_statement_targets(survivor: Actor, merged_ids: list[int]) -> int:
    """Re-point each statement-target row of the merged actors to the survivor, or drop it where
    the survivor is already a target of that statement; returns how many moved."""
    through = Statement.targets.through
    targeted = set(through.objects.filter(actor=survivor).values_list("statement_id", flat=True))
    move, drop = [], []
    for row_id, statement_id in through.objects.filter(actor__in=merged_ids).values_list("id", "statement_id"):
        (drop if statement_id in targeted else move).append(row_id)
        targeted.add(statement_id)
    through.objects.filter(pk__in=drop).delete()
    return through.objects.filter(pk__in=move).update(actor=survivor)


def _move_aliases(survivor: Actor, duplicates: list[Actor], merged_ids: list[int], reason: str) -> int:
    """The merged actors' aliases, and their names, become the survivor's aliases (a name it has
    already, in any case, is not doubled); returns how many it gained."""
    known = {survivor.name.casefold(), *(a.casefold() for a in survivor.aliases.values_list("name", flat=True))}
    gained = _move_to_survivor(ActorAlias, merged_ids, survivor, known, lambda alias: alias.name.casefold(), reason)
    for actor in duplicates:
        if actor.name.casefold() not in known:
            known.add(actor.name.casefold())
            alias = ActorAlias(actor=survivor, name=actor.name, kind=ActorAlias.Kind.OTHER)
            alias._change_reason = reason
            alias.save()
            gained += 1
    return gained


def _move_offices(survivor: Actor, merged_ids: list[int], reason: str) -> None:
    """A merged person's tenures become the survivor's (one the survivor has already, by natural
    key, is dropped), and the offices of a merged organisation its."""
    held = set(Tenure.objects.filter(actor=survivor).values_list("office", "start"))
    _move_to_survivor(Tenure, merged_ids, survivor, held, lambda tenure: (tenure.office, tenure.start), reason)
    offices = list(Tenure.objects.filter(organisation__in=merged_ids))
    for tenure in offices:
        tenure.organisation = survivor
    bulk_update_with_history(offices, Tenure, ["organisation"], default_change_reason=reason)


def _complete_survivor(survivor: Actor, duplicates: list[Actor], merged_ids: list[int]) -> None:
    """The survivor's own record: an affiliation to a merged actor goes up to that actor's own
    (outside the merge), and blank fields are filled from the merged ones. ValidationError for an
    affiliation cycle the merge would close."""
    by_id = {actor.pk: actor for actor in duplicates}
    while survivor.affiliation_id in by_id:
        survivor.affiliation_id = by_id[survivor.affiliation_id].affiliation_id
    for actor in duplicates:
        for name in ("country", "role", "description"):
            if not getattr(survivor, name) and getattr(actor, name):
                setattr(survivor, name, getattr(actor, name))
        if survivor.affiliation_id is None and actor.affiliation_id not in (*merged_ids, survivor.pk):
            survivor.affiliation_id = actor.affiliation_id
    if survivor.affiliation_id == survivor.pk:
        survivor.affiliation_id = None
    survivor.clean()


def _move_to_survivor(model, merged_ids: list[int], survivor, kept: set, key, reason: str) -> int:
    """Move the `model` rows of the merged actors (their `actor`) to the survivor, in the history;
    a row whose `key` is in `kept` (the survivor has it already) is deleted instead. Returns how
    many moved."""
    moved = []
    for row in model.objects.filter(actor__in=merged_ids).order_by("pk"):
        if key(row) in kept:
            row._change_reason = reason
            row.delete()
        else:
            kept.add(key(row))
            row.actor = survivor
            moved.append(row)
    bulk_update_with_history(moved, model, ["actor"], default_change_reason=reason)
    return len(moved)
