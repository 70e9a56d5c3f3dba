"""Curators' corrections of "one incident, one event": merge two events, split a source off.

Both keep history (django-simple-history records every row they change, with the reason) and
never lose a source: merging moves every source, participant, statement link and placing of
one event to the other before the emptied event is deleted (a placing the survivor already has,
same place and source, stays behind; the database triggers then mark the survivor's most precise
placing, events/triggers.py); splitting moves one source (with the
statements of its article linked to the event) to a new draft event of its own.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from events.models.accounts import EventStatement, ReportedFigure, update_fatalities
from events.models.base import ReviewStatus
from events.models.events import Event, EventParticipant, EventSource


def survivor_of(events: list[Event]) -> Event:
    """Which of two events a merge keeps: a verified one before a draft, then the older."""
    return min(events, key=lambda e: (e.review_status != ReviewStatus.VERIFIED, e.pk))


@transaction.atomic
def merge_events(survivor: Event, merged: Event, *, reason: str = "") -> Event:
    """Fold `merged` into `survivor` (see the module docstring); returns the survivor."""
    if survivor.pk == merged.pk:
        raise ValidationError("an event cannot be merged into itself")
    reason = reason or f"merged event {merged.pk} ({merged.title}) into event {survivor.pk}"
    Event.lock(survivor.pk)
    Event.lock(merged.pk)
    kept_spans = {(s.article_id, s.start, s.end): s for s in survivor.sources.all()}
    for source in merged.sources.all():
        twin = kept_spans.get((source.article_id, source.start, source.end))
        if twin is not None:
            # The same words of the same article: one source; its figures go with the one kept.
            if not twin.figures.exists():
                ReportedFigure.objects.filter(source=source).update(source=twin)
            source._change_reason = reason
            source.delete()
            continue
        source.event = survivor
        source._change_reason = reason
        source.save(update_fields=["event"])
    have = {(p.actor_id, p.role) for p in survivor.participants.all()}
    for participant in merged.participants.all():
        if (participant.actor_id, participant.role) in have:
            continue
        participant.event = survivor
        participant._change_reason = reason
        participant.save(update_fields=["event"])
        have.add((participant.actor_id, participant.role))
    linked = set(survivor.statement_links.values_list("statement_id", flat=True))
    for link in merged.statement_links.all():
        if link.statement_id in linked:
            continue
        link.event = survivor
        link._change_reason = reason
        link.save(update_fields=["event"])
    placed = {(p.place_id, p.source_id) for p in survivor.place_links.all()}
    for placing in merged.place_links.all():
        if (placing.place_id, placing.source_id) not in placed:
            placing.event = survivor
            placing.save(update_fields=["event"])
    survivor.notes = "\n".join(filter(None, [survivor.notes, f"{reason}."]))
    survivor._change_reason = reason
    survivor.save(update_fields=["notes"])
    merged._change_reason = reason
    merged.delete()
    if survivor.review_status == ReviewStatus.DRAFT:
        update_fatalities(survivor)
    return survivor


@transaction.atomic
def split_source(source: EventSource, *, reason: str = "") -> Event:
    """Move one source of an event to a new draft event of its own (see the module docstring)."""
    event = source.event
    Event.lock(event.pk)
    if event.sources.count() < 2:
        raise ValidationError("this is the event's only source: there is nothing to split it from")
    reason = reason or f"split source {source.ref} off event {event.pk}"
    new = Event(
        slug=f"{event.slug}-split-{source.pk}"[:200],
        title=event.title,
        event_type=event.event_type,
        start_date=source.reported_date or event.start_date,
        start_precision=source.reported_precision or event.start_precision,
        location=source.place or event.location,
        escalation=event.escalation,
        review_status=ReviewStatus.DRAFT,
        notes=f"{reason}.",
    )
    if source.reported_date is None:
        new.end_date, new.end_precision, new.ongoing = event.end_date, event.end_precision, event.ongoing
    new.full_clean(exclude=("event_type", "escalation"))
    new._change_reason = reason
    new.save()
    for participant in event.participants.all():
        EventParticipant(event=new, actor_id=participant.actor_id, role=participant.role).save()
    source.event = new
    source._change_reason = reason
    source.save(update_fields=["event"])
    for link in EventStatement.objects.filter(event=event, statement__article_id=source.article_id):
        link.event = new
        link._change_reason = reason
        link.save(update_fields=["event"])
    update_fatalities(new)
    if event.review_status == ReviewStatus.DRAFT:
        update_fatalities(event)
    return new
