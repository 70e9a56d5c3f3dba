"""The workbench's own pages: the review queue (drafts in their article's context, verified,
rejected or re-credited from the keyboard) and "Recently deleted" (restored by events/recovery.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from events.highlight import quote_context
from events.models import (
    Actor,
    Event,
    ReviewStatus,
    Statement,
)
from events.recovery import RESTORABLE, RestoreError, deleted, restore_deleted


class SpeakerForm(forms.Form):
    """The actor a statement is credited to instead, found with the admin's actor autocomplete."""

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"] = forms.ModelChoiceField(
            queryset=Actor.objects.all(),
            label="New speaker",
            widget=AutocompleteSelect(Statement._meta.get_field("speaker"), admin_site),
        )


# Drafts shown per kind on one screen of the review queue (oldest first; the rest follows).
QUEUE_SIZE = 50


REVIEW_ACTIONS = {"verify": "mark_verified", "reject": "mark_rejected"}


def review_queue(admin_site, request):
    """Draft statements and events, each in the context of its article, to verify, reject or re-credit.

    POST `do` = "<verify|reject|reassign>:<statement|event>:<id>" acts on one row, or
    "<action>:selected" on the ticked rows (`selected` = "statement:12", ...). The page
    comes back with the keyboard focus on the row that followed (static/js/review.js).
    """
    models_by_kind = {"statement": Statement, "event": Event}
    if request.method == "POST":
        action, _, target = request.POST.get("do", "").partition(":")
        targets = request.POST.getlist("selected") if target == "selected" else [target]
        chosen: dict[str, list[int]] = {"statement": [], "event": []}
        for item in targets:
            kind, _, pk = item.partition(":")
            if kind in chosen and pk.isdigit():
                chosen[kind].append(int(pk))
        queue_url = reverse("admin:events_review_queue")
        focus = request.POST.get("position", "")
        back = f"{queue_url}?focus={focus}" if focus.isdigit() else queue_url
        if action == "assign":
            # "assign:statement:<id>:<actor id>": a "speaker needed" draft credited to one of its candidates.
            _assign_speaker(admin_site, request, target)
            return HttpResponseRedirect(back)
        if action == "reassign" and chosen["statement"]:
            ids = ",".join(map(str, chosen["statement"]))
            return HttpResponseRedirect(f"{reverse('admin:events_statement_reassign')}?ids={ids}&next={queue_url}")
        if action in REVIEW_ACTIONS:
            for kind, ids in chosen.items():
                if not ids:
                    continue
                model = models_by_kind[kind]
                if not admin_site._registry[model].has_change_permission(request):
                    raise PermissionDenied
                try:
                    count = getattr(
                        model.objects.filter(pk__in=ids, review_status=ReviewStatus.DRAFT), REVIEW_ACTIONS[action]
                    )()
                except ValidationError as error:  # a statement with no speaker yet cannot be verified
                    messages.error(request, " ".join(error.messages))
                    continue
                names = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
                past = "verified" if action == "verify" else "rejected"
                messages.success(request, f"{count} {names} {past}.")
        else:
            messages.warning(request, "Nothing was selected.")
        return HttpResponseRedirect(back)

    if not admin_site._registry[Statement].has_view_permission(request):
        raise PermissionDenied
    drafts = Statement.objects.filter(review_status=ReviewStatus.DRAFT)
    statements = list(
        drafts.select_related("speaker", "article__outlet", "cameo").order_by("article_id", "start", "id")[:QUEUE_SIZE]
    )
    draft_events = Event.objects.filter(review_status=ReviewStatus.DRAFT)
    events = list(draft_events.for_timeline().order_by("date_from", "id")[:QUEUE_SIZE])
    _attach_candidates(statements)
    rows = [("statement", s, quote_context(s.article.body, s.start, s.end)) for s in statements]
    for event in events:
        source = next(iter(event.sources.all()), None)
        rows.append(("event", event, quote_context(source.article.body, source.start, source.end) if source else None))
    context = {
        **admin_site.each_context(request),
        "title": "Review queue",
        "opts": Statement._meta,
        "rows": rows,
        **drafts.aggregate(statement_drafts=Count("id"), speaker_needed=Count("id", filter=Q(speaker__isnull=True))),
        "event_drafts": draft_events.count(),
        "queue_size": QUEUE_SIZE,
    }
    return TemplateResponse(request, "admin/events/review_queue.html", context)


def _attach_candidates(statements: list[Statement]) -> None:
    """Give each "speaker needed" draft its `candidates`: (actor or None, name) of the actors its
    article names, nearest first (Statement.speaker_candidates), the stored ones read in one query."""
    waiting = [s for s in statements if s.needs_speaker]
    slugs = {c["slug"] for s in waiting for c in s.speaker_candidates if c.get("slug")}
    actors = Actor.objects.in_bulk(slugs, field_name="slug") if slugs else {}
    for statement in waiting:
        statement.candidates = [(actors.get(c.get("slug")), c.get("name", "")) for c in statement.speaker_candidates]


def _assign_speaker(admin_site, request, target: str) -> None:
    """Credit a statement to an actor from the review queue (StatementQuerySet.reassign_speaker)."""
    kind, _, rest = target.partition(":")
    pk, _, actor_pk = rest.partition(":")
    if not admin_site._registry[Statement].has_change_permission(request):
        raise PermissionDenied
    statement = Statement.objects.filter(pk=pk).first() if kind == "statement" and pk.isdigit() else None
    actor = Actor.objects.filter(pk=actor_pk).first() if actor_pk.isdigit() else None
    if statement is None or actor is None:
        messages.error(request, "Choose a statement and an actor to credit it to.")
        return
    try:
        Statement.objects.filter(pk=statement.pk).reassign_speaker(actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The statement is now credited to {actor.name}: review it as any draft.")


# Deletions listed per kind on the "Recently deleted" page (newest first).
DELETED_SHOWN = 100


def recently_deleted(admin_site, request):
    """Deleted statements and events (who deleted them, when), each with a Restore button.

    For curators and administrators: a kind is listed to whoever may add records of it.
    POST `restore` = "<statement|event>:<id>" calls events.recovery.restore_deleted().
    """
    kinds = {
        name: model for name, model in RESTORABLE.items() if admin_site._registry[model].has_add_permission(request)
    }
    if not kinds:
        raise PermissionDenied
    if request.method == "POST":
        kind, _, pk = request.POST.get("restore", "").partition(":")
        if kind not in kinds or not pk.isdigit():
            messages.error(request, "Choose a deleted statement or event to restore.")
        else:
            try:
                result = restore_deleted(kinds[kind], int(pk), user=request.user)
            except RestoreError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, result.describe())
        return HttpResponseRedirect(reverse("admin:events_recently_deleted"))
    sections = [
        (model._meta.verbose_name_plural, name, list(deleted(model)[:DELETED_SHOWN])) for name, model in kinds.items()
    ]
    context = {
        **admin_site.each_context(request),
        "title": "Recently deleted",
        "opts": Statement._meta,
        "sections": sections,
    }
    return TemplateResponse(request, "admin/events/recently_deleted.html", context)
