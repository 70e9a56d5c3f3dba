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

from django.db.models import Q
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from events.importers.results import CREATED, SKIPPED, UNCHANGED, Counts
from events.ingest import dates as fuzzy
from events.ingest.eventdraft import DraftedEvent, fatalities
from events.ingest.eventlinks import EventLink, link_statements
from events.ingest.eventtypes import family_codes, family_of
from events.ingest.records import Extraction, ParsedArticle
from events.models import (
    Actor,
    Article,
    Escalation,
    Event,
    EventParticipant,
    EventSource,
    EventStatement,
    ReportedFigure,
    ReviewStatus,
    Statement,
    update_fatalities,
)


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
    new_article: bool = False,
) -> EventDrafts:
    """Store an article's drafted events (see the module docstring); draft_events_of_articles for one."""
    return draft_events_of_articles(
        [(article, events)], actors=actors, escalation_of=escalation_of, new_articles=new_article
    )[0]


def draft_events_of_articles(
    articles: list[tuple[Article, tuple[DraftedEvent, ...]]],
    *,
    actors: dict[str, Actor],
    escalation_of,
    new_articles: bool = False,
) -> list[EventDrafts]:
    """Store the drafted events of articles (see the module docstring), a result for each.
    `actors`: the actors by slug (the drafts' participants, reporters and sides; a slug not in it
    is left out), `escalation_of`: day -> Escalation or None (the importer's DraftCache.escalation),
    `new_articles`: the articles were created just now (no source points into them yet).

    The same statements for one article or a batch, whatever their number of drafts: the
    sources' refs (not for new articles), the stored events the drafts' periods overlap (and
    the participants of those a draft matches by them), then one INSERT (and one for the
    history) for each of new events, participants, sources and figures.
    """
    results = [EventDrafts() for _ in articles]
    if not any(events for _, events in articles):
        return results
    stored: dict[int, list[tuple[str, int, int, int | None]]] = {article.pk: [] for article, _ in articles}
    if not new_articles:
        rows = EventSource.objects.filter(article__in=list(stored)).values_list(
            "article_id", "ref", "start", "end", "event_id"
        )
        for article_id, *row in rows:
            stored[article_id].append(tuple(row))
    dated = [draft for _, events in articles for draft in events if draft.date is not None]
    candidates = _candidates(dated)
    roles_of = _roles(candidates, dated)
    new_events: list[Event] = []
    new_roles: list[tuple[Event, Actor, str]] = []
    sources: list[tuple[EventSource, DraftedEvent]] = []
    touched: dict[int, Event] = {}  # draft events that gain a source (by id(): new ones have no pk yet)
    for (article, events), result in zip(articles, results, strict=True):
        mine = stored[article.pk]
        by_ref = {ref: event_id for ref, _, _, event_id in mine}
        for draft in events:
            ref = source_ref(article, draft)
            if ref in by_ref:
                result.unchanged += 1
                result.events.append(Event(pk=by_ref[ref]))
                continue
            if draft.date is None or any(s < draft.end and draft.start < e for _, s, e, _ in mine):
                result.skipped += 1
                result.events.append(None)
                continue
            participants = [(actors[p.actor_key], p.role) for p in draft.participants if p.actor_key in actors]
            event = _matching(draft, participants, candidates, roles_of)
            if event is None:
                event = _new_event(article, draft, escalation_of(draft.date))
                new_events.append(event)
                candidates.append(event)
                roles_of[id(event)] = set()
                result.events_created += 1
            else:
                result.corroborated += 1
                if event.review_status == ReviewStatus.DRAFT:
                    touched[id(event)] = event  # a new event too, when a later file of the batch reports it again
            if event.review_status == ReviewStatus.DRAFT:
                have = roles_of[event.pk if event.pk is not None else id(event)]
                for actor, role in participants:
                    if (actor.pk, role) not in have:
                        have.add((actor.pk, role))
                        new_roles.append((event, actor, role))
            sources.append((_new_source(article, event, draft, ref, actors), draft))
            result.sources_created += 1
            mine.append((ref, draft.start, draft.end, None))
            result.events.append(event)
    reason = "drafted from " + ", ".join(article.source_ref for article, _ in articles)[:80]
    bulk_create_with_history(new_events, Event, default_change_reason=reason)
    stored_ids = {event.pk for event, _, _ in new_roles if event.pk is not None}
    if stored_ids:  # _roles read only some stored events' participants: what the others have is not added again
        have = set(EventParticipant.objects.filter(event_id__in=stored_ids).values_list("event_id", "actor_id", "role"))
        new_roles = [(e, a, r) for e, a, r in new_roles if (e.pk, a.pk, r) not in have]
    bulk_create_with_history(
        [EventParticipant(event=event, actor=actor, role=role) for event, actor, role in new_roles],
        EventParticipant,
        default_change_reason=reason,
    )
    for source, _ in sources:
        source.event_id = source.event.pk
    bulk_create_with_history([source for source, _ in sources], EventSource, default_change_reason=reason)
    figures = [_figure(source, figure, actors) for source, draft in sources for figure in draft.figures]
    bulk_create_with_history(figures, ReportedFigure, default_change_reason=reason)
    update_fatalities(*touched.values())
    return results


def _candidates(drafts: list[DraftedEvent]) -> list[Event]:
    """The stored events (not rejected) of the drafts' families whose periods overlap a draft's:
    the few a draft can match (one query)."""
    if not drafts:
        return []
    overlaps = Q()
    for draft in drafts:
        low, high = draft_window(draft)
        overlaps |= Q(date_to__gte=low, date_from__lte=high)
    codes, roots = family_codes({draft.family for draft in drafts})
    kinds = Q(event_type_id__in=codes)
    for root in roots:
        kinds |= Q(event_type__code__startswith=root)
    return list(
        Event.objects.filter(overlaps, kinds)
        .exclude(review_status=ReviewStatus.REJECTED)
        .only(
            "event_type_id",
            "date_from",
            "date_to",
            "location",
            "review_status",
            "version",
            "fatalities_low",
            "fatalities",
            "fatalities_high",
        )  # fmt: skip
        .order_by("date_from", "id")
    )


def _roles(candidates: list[Event], drafts: list[DraftedEvent]) -> dict:
    """(actor id, role) pairs of each candidate, by event id; read (one query) only for the events
    a draft would match by participants: of its family and period, where one of the two has no place."""
    wanted = []
    for event in candidates:
        for draft in drafts:
            low, high = draft_window(draft)
            if (
                not (draft.place and event.location)
                and event.date_to >= low
                and event.date_from <= high
                and family_of(event.event_type_id) == draft.family
            ):
                wanted.append(event.pk)
                break
    roles: dict = {event.pk: set() for event in candidates}
    rows = EventParticipant.objects.filter(event_id__in=wanted).values_list("event_id", "actor_id", "role")
    for event_id, actor_id, role in rows if wanted else ():
        roles[event_id].add((actor_id, role))
    return roles


def link_statements_of_articles(items: list[tuple[Article, list[EventLink], tuple, list[Event | None]]]) -> list[int]:
    """Store the drafted links (eventlinks.link_statements) of articles between their stored
    statements (found by their spans) and the events the drafts became, a count for each; a link
    that exists is left as it is. Two queries and one INSERT for any number of articles."""
    counts = [0] * len(items)
    if not any(links for _, links, _, _ in items):
        return counts
    ids = [article.pk for article, links, _, _ in items if links]
    by_span = {
        (article_id, start, end): pk
        for pk, article_id, start, end in Statement.objects.filter(article__in=ids).values_list(
            "pk", "article_id", "start", "end"
        )
    }
    wanted: dict[tuple[int, int], tuple[int, EventLink]] = {}
    for k, (article, links, statements, events) in enumerate(items):
        for link in links:
            statement = statements[link.statement]
            event = events[link.event] if link.event < len(events) else None
            pk = by_span.get((article.pk, statement.start, statement.end))
            if event is not None and pk is not None:
                wanted.setdefault((pk, event.pk), (k, link))
    if not wanted:
        return counts
    have = set(
        EventStatement.objects.filter(statement_id__in={pk for pk, _ in wanted}).values_list("statement_id", "event_id")
    )
    new = []
    for (pk, event_id), (k, link) in wanted.items():
        if (pk, event_id) not in have:
            new.append(EventStatement(statement_id=pk, event_id=event_id, stance=link.stance, rule=link.rule))
            counts[k] += 1
    EventStatement.objects.bulk_create(new)
    return counts


def draft_window(draft: DraftedEvent) -> tuple[dt.date, dt.date]:
    """The whole period a draft may cover at its precision (publication-dated: give or take 15 days)."""
    return fuzzy.range_bounds(draft.date, draft.precision, draft.end_date, draft.end_precision or None)


def matching_event(draft: DraftedEvent, participants: list[tuple[Actor, str]]) -> Event | None:
    """The stored event a draft is another account of, if any (see the module docstring)."""
    candidates = _candidates([draft])
    roles_of = _roles(candidates, [draft])
    return _matching(draft, participants, candidates, roles_of)


def _matching(draft: DraftedEvent, participants, candidates: list[Event], roles_of: dict) -> Event | None:
    low, high = draft_window(draft)
    roles = {(actor.pk, role) for actor, role in participants}
    place = draft.place.casefold()
    for event in candidates:
        if event.date_to < low or event.date_from > high or family_of(event.event_type_id) != draft.family:
            continue
        theirs = event.location.casefold()
        if place and theirs:
            if place in theirs or theirs in place:
                return event
            continue
        mine = roles_of[event.pk if event.pk is not None else id(event)]
        if roles & mine and draft.precision != fuzzy.APPROXIMATE:
            return event
    return None


def _new_event(article: Article, draft: DraftedEvent, escalation: Escalation | None) -> Event:
    """A new draft event (not saved: draft_article_events inserts them together)."""
    low, best, high = fatalities(draft.figures)
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
        fatalities_low=low,
        fatalities=best,
        fatalities_high=high,
        review_status=ReviewStatus.DRAFT,
        notes=f"Drafted from {article.source_ref} ({draft.rule}: “{draft.trigger}”).",
    )
    event.full_clean(exclude=("event_type", "escalation", "slug"), validate_unique=False, validate_constraints=False)
    # What save() derives (bulk_create skips it).
    event.date_from, event.date_to = fuzzy.range_bounds(
        event.start_date, event.start_precision, event.end_date, event.end_precision or None
    )
    return event


def _new_source(article: Article, event: Event, draft: DraftedEvent, ref: str, actors: dict[str, Actor]) -> EventSource:
    """A new source (not saved: its event may not be either)."""
    reporter = next((actors[key] for key in draft.reported_by if key in actors), None)
    return EventSource(
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


def _figure(source: EventSource, figure, actors: dict[str, Actor]) -> ReportedFigure:
    return ReportedFigure(
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


def clear_event_drafts(article: Article) -> int:
    """Drop the sources the importer drafted from an article's old text (a changed file), and the
    draft events left with no source; an event a curator touched keeps its other sources."""
    drafted = article.event_sources.filter(ref__startswith="draft-", event__review_status=ReviewStatus.DRAFT)
    event_ids = list(drafted.values_list("event_id", flat=True))
    n, _ = drafted.delete()
    Event.objects.filter(pk__in=event_ids, review_status=ReviewStatus.DRAFT, sources__isnull=True).delete()
    return n


def draft_events_and_links(
    batch: list[tuple[Article, ParsedArticle, Extraction, Counts]], *, cache, new_articles: bool = False
) -> None:
    """The events the articles report, as drafts or as new sources of stored events, and the links
    of their statements to them, counted in each article's Counts: the same queries for one or many.
    `cache`: the importer's DraftCache (actors by slug, escalations by day)."""
    events = [extraction.events for _, _, extraction, _ in batch]
    keys = {key for found in events for e in found for key in (*(p.actor_key for p in e.participants), *e.reported_by)}
    keys |= {f.side for found in events for e in found for f in e.figures if f.side}
    actors = cache.actors_by_slug(keys)
    results = draft_events_of_articles(
        [(article, extraction.events) for article, _, extraction, _ in batch],
        actors=actors,
        escalation_of=cache.escalation,
        new_articles=new_articles,
    )
    linked = link_statements_of_articles(
        [
            (article, link_statements(parsed, e.statements, e.events), e.statements, done.events)
            for (article, parsed, e, _), done in zip(batch, results, strict=True)
        ]
    )
    for (_, _, _, counts), done, links in zip(batch, results, linked, strict=True):
        for action, model, n in (
            (CREATED, EventStatement, links),
            (CREATED, Event, done.events_created),
            (CREATED, EventSource, done.sources_created),
            (UNCHANGED, EventSource, done.unchanged),
            (SKIPPED, EventSource, done.skipped),
        ):
            if n:
                counts.add(action, model, n)
