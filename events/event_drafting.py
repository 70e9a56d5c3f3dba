"""Write the events an article reports (events/ingest/eventdraft.py) as drafts for review.

Each drafted event is one article's account of an incident: an EventSource at the sentence
that reports it, with the date, place, reporter and figures that article gives. One incident,
one event: a draft that matches a stored event (`matching_event`: the same type family, periods
that overlap at their precision, and the same place, or a participant in the same role when a
place is missing) becomes another source of it; otherwise a new draft Event is created with its
participants. A verified or curated event is never changed by a draft: it only gains the source.

Re-drafting finds every source by its ref and changes nothing. The importer calls
`draft_article_events` inside the file's transaction, after the statements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.utils.text import slugify

from events.event_accounts import EventStatement, ReportedFigure, combined_estimate
from events.ingest import dates as fuzzy
from events.ingest.eventdraft import DraftedEvent, fatalities
from events.ingest.eventlinks import EventLink
from events.ingest.eventtypes import family_of
from events.models import Actor, Article, Escalation, Event, EventParticipant, EventSource, ReviewStatus


@dataclass
class EventDrafts:
    """What drafting the events of one article did."""

    events_created: int = 0
    sources_created: int = 0  # every new source, of a new event or of a stored one
    corroborated: int = 0  # sources added to an event that was already stored
    unchanged: int = 0
    skipped: int = 0  # undated, or at a span a curated source of the article covers
    links_created: int = 0  # statements linked to the events they are about
    # The event each draft was stored as (None: skipped), in the order of the drafts.
    events: list[Event | None] = field(default_factory=list)


def source_ref(article: Article, draft: DraftedEvent) -> str:
    return f"draft-{slugify(article.source_ref)}-event-{draft.start}-{draft.end}"[:200]


def draft_article_events(
    article: Article,
    events: tuple[DraftedEvent, ...],
    *,
    actors: dict[str, Actor],
    escalation_of,
) -> EventDrafts:
    """Store an article's drafted events (see the module docstring). `actors`: the actors by slug
    (the drafts' participants, reporters and sides; a slug not in it is left out), `escalation_of`:
    day -> Escalation or None (the importer's DraftCache.escalation)."""
    result = EventDrafts()
    if not events:
        return result
    stored = list(article.event_sources.values_list("ref", "start", "end"))
    refs = {ref for ref, _, _ in stored}
    for draft in events:
        ref = source_ref(article, draft)
        if ref in refs:
            result.unchanged += 1
            result.events.append(Event.objects.filter(sources__ref=ref).first())
            continue
        if draft.date is None or any(s < draft.end and draft.start < e for _, s, e in stored):
            result.skipped += 1
            result.events.append(None)
            continue
        participants = [(actors[p.actor_key], p.role) for p in draft.participants if p.actor_key in actors]
        event = matching_event(draft, participants)
        if event is None:
            event = _new_event(article, draft, participants, escalation_of(draft.date))
            result.events_created += 1
        else:
            result.corroborated += 1
        _new_source(article, event, draft, ref, actors)
        refs.add(ref)
        stored.append((ref, draft.start, draft.end))
        result.sources_created += 1
        result.events.append(event)
        if event.review_status == ReviewStatus.DRAFT:
            _add_participants(event, participants)
            update_fatalities(event)
    return result


def link_article_statements(article: Article, links: list[EventLink], statements, events: list[Event | None]) -> int:
    """Store the drafted links (eventlinks.link_statements) between the article's stored statements
    (found by their spans) and the events the drafts became; a link that exists is left as it is."""
    by_span = {(start, end): pk for pk, start, end in article.statements.values_list("pk", "start", "end")}
    wanted = {}
    for link in links:
        statement = statements[link.statement]
        event = events[link.event] if link.event < len(events) else None
        pk = by_span.get((statement.start, statement.end))
        if event is not None and pk is not None:
            wanted.setdefault((pk, event.pk), link)
    if not wanted:
        return 0
    have = set(
        EventStatement.objects.filter(statement_id__in={pk for pk, _ in wanted}).values_list("statement_id", "event_id")
    )
    new = [
        EventStatement(statement_id=pk, event_id=event_id, stance=link.stance, rule=link.rule)
        for (pk, event_id), link in wanted.items()
        if (pk, event_id) not in have
    ]
    EventStatement.objects.bulk_create(new)
    return len(new)


def draft_window(draft: DraftedEvent) -> tuple[dt.date, dt.date]:
    """The whole period a draft may cover at its precision (publication-dated: give or take 15 days)."""
    return fuzzy.range_bounds(draft.date, draft.precision, draft.end_date, draft.end_precision or None)


def matching_event(draft: DraftedEvent, participants: list[tuple[Actor, str]]) -> Event | None:
    """The stored event a draft is another account of, if any (see the module docstring)."""
    low, high = draft_window(draft)
    roles = {(actor.pk, role) for actor, role in participants}
    place = draft.place.casefold()
    candidates = (
        Event.objects.overlapping(low, high)
        .exclude(review_status=ReviewStatus.REJECTED)
        .prefetch_related(
            models.Prefetch("participants", queryset=EventParticipant.objects.only("event", "actor", "role"))
        )
        .order_by("date_from", "id")
    )
    for event in candidates:
        if family_of(event.event_type_id) != draft.family:
            continue
        theirs = event.location.casefold()
        if place and theirs:
            if place in theirs or theirs in place:
                return event
            continue
        shared = roles & {(p.actor_id, p.role) for p in event.participants.all()}
        if shared and draft.precision != fuzzy.APPROXIMATE:
            return event
    return None


def _new_event(article: Article, draft: DraftedEvent, participants, escalation: Escalation | None) -> Event:
    event = Event(
        slug=f"draft-{slugify(article.source_ref)}-{draft.start}-{draft.end}"[:200],
        title=draft.title,
        event_type_id=draft.cameo,
        start_date=draft.date,
        start_precision=draft.precision,
        end_date=draft.end_date,
        end_precision=draft.end_precision if draft.end_date else "",
        ongoing=draft.ongoing,
        location=draft.place[:200],
        escalation=escalation,
        review_status=ReviewStatus.DRAFT,
        notes=f"Drafted from {article.source_ref} ({draft.rule}: “{draft.trigger}”).",
    )
    event.full_clean(exclude=("event_type", "escalation", "slug"), validate_unique=False, validate_constraints=False)
    event.save()
    return event


def _add_participants(event: Event, participants: list[tuple[Actor, str]]) -> None:
    have = {(p.actor_id, p.role) for p in event.participants.all()}
    for actor, role in participants:
        if (actor.pk, role) not in have:
            EventParticipant.objects.create(event=event, actor=actor, role=role)
            have.add((actor.pk, role))


def _new_source(article: Article, event: Event, draft: DraftedEvent, ref: str, actors: dict[str, Actor]) -> EventSource:
    reporter = next((actors[key] for key in draft.reported_by if key in actors), None)
    source = EventSource.objects.create(
        ref=ref,
        event=event,
        article=article,
        start=draft.start,
        end=draft.end,
        quote=article.body[draft.start : draft.end],
        date_phrase=draft.date_phrase[:200],
        reported_date=draft.date,
        reported_precision=draft.precision,
        place=draft.place[:200],
        reported_by=reporter,
        extraction={
            "rule": draft.rule,
            "trigger": draft.trigger,
            "date_rule": draft.date_rule,
            "end_date": draft.end_date.isoformat() if draft.end_date else None,
            "ongoing": draft.ongoing,
            "participants": [[p.actor_key, p.role] for p in draft.participants],
            "reported_by": list(draft.reported_by),
        },
    )
    ReportedFigure.objects.bulk_create(
        ReportedFigure(
            source=source,
            kind=figure.kind,
            wording=figure.wording[:100],
            victims=figure.victims[:200],
            side=actors.get(figure.side) if figure.side else None,
            low=figure.low,
            best=figure.best,
            high=figure.high,
            start=figure.start,
            end=figure.end,
        )
        for figure in draft.figures
    )
    return source


def update_fatalities(event: Event) -> None:
    """Set a draft event's low / best / high fatalities from its sources' figures (event_accounts.combined_estimate)."""
    by_source: dict[int, list] = {}
    for figure in ReportedFigure.objects.filter(source__event=event, kind=ReportedFigure.Kind.KILLED):
        by_source.setdefault(figure.source_id, []).append(figure)
    low, best, high = combined_estimate([fatalities(figures) for figures in by_source.values()])
    if (low, best, high) != (event.fatalities_low, event.fatalities, event.fatalities_high):
        event.fatalities_low, event.fatalities, event.fatalities_high = low, best, high
        event.save(update_fields=["fatalities_low", "fatalities", "fatalities_high"])


def clear_event_drafts(article: Article) -> int:
    """Drop the sources the importer drafted from an article's old text (a changed file), and the
    draft events left with no source; an event a curator touched keeps its other sources."""
    drafted = article.event_sources.filter(ref__startswith="draft-", event__review_status=ReviewStatus.DRAFT)
    event_ids = list(drafted.values_list("event_id", flat=True))
    n, _ = drafted.delete()
    Event.objects.filter(pk__in=event_ids, review_status=ReviewStatus.DRAFT, sources__isnull=True).delete()
    return n
