"""Server-rendered reader pages: the timeline, an article with its spans, an actor.

The views only wire QuerySet methods (`for_timeline()`, `involving()`) to templates;
each page runs a fixed number of queries whatever the number of rows (pinned in
events/tests/test_pages.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import CharField, Count, DateField, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from events.highlight import HighlightSpan, highlight
from events.ingest import dates as fuzzy
from events.models import Actor, Article, Escalation, Event, EventSource, Outlet, Statement

# Rows (events + statements) per timeline page: bounds the page's size and render time.
PAGE_SIZE = 100
MAX_PAGE_SIZE = 200

EVENT, STATEMENT = "event", "statement"
# Undated statements (no said_on) sort after every dated row.
UNDATED_SORT_DATE = dt.date.max


@dataclass
class Entry:
    """One row of the timeline: an Event or a Statement, told apart by `kind`."""

    kind: str
    obj: Event | Statement

    @property
    def sort_date(self) -> dt.date | None:
        return self.obj.date_from


@dataclass
class Band:
    """A run of consecutive timeline rows under one heading (an escalation or a context period)."""

    key: tuple
    title: str
    date_label: str
    escalation: Escalation | None = None
    continued: bool = False
    total_events: int | None = None
    total_statements: int | None = None
    entries: list[Entry] = field(default_factory=list)

    @property
    def is_context(self) -> bool:
        return self.escalation is None

    @property
    def event_count(self) -> int:
        return sum(1 for entry in self.entries if entry.kind == EVENT)

    @property
    def statement_count(self) -> int:
        return sum(1 for entry in self.entries if entry.kind == STATEMENT)


def _day_label(day: dt.date) -> str:
    return fuzzy.format_fuzzy_date(day, fuzzy.DAY)


def _context_band(day: dt.date | None, escalations: list[Escalation]) -> tuple[tuple, str, str]:
    """Key, title and date label of the context band a row without an escalation falls in.

    Context rows are placed by their date relative to the escalations (sorted by start):
    before the first, during one (but not assigned to it), between two, or after the last.
    """
    if day is None or day == UNDATED_SORT_DATE:
        return ("undated",), "Undated", ""
    if not escalations:
        return ("context",), "Context", ""
    for escalation in escalations:
        if escalation.start_date <= day and (escalation.end_date is None or day <= escalation.end_date):
            return (
                ("during", escalation.pk),
                f"Context during {escalation.name}",
                escalation.date_label,
            )
    first = escalations[0]
    if day < first.start_date:
        return ("before",), "Before the escalations", f"until {_day_label(first.start_date - dt.timedelta(days=1))}"
    # Not during any escalation and not before the first: some escalation has ended.
    previous = max((e for e in escalations if e.end_date and e.end_date < day), key=lambda e: e.end_date)
    following = [e for e in escalations if e.start_date > day]
    after_previous = previous.end_date + dt.timedelta(days=1)
    if not following:
        return ("after", previous.pk), f"After {previous.name}", f"from {_day_label(after_previous)}"
    upcoming = following[0]
    return (
        ("between", previous.pk, upcoming.pk),
        f"Between {previous.name} and {upcoming.name}",
        fuzzy.format_fuzzy_range(after_previous, fuzzy.DAY, upcoming.start_date - dt.timedelta(days=1), fuzzy.DAY),
    )


def group_into_bands(
    entries: list[Entry], escalations: list[Escalation], totals: dict[int | None, tuple[int, int]] | None = None
) -> list[Band]:
    """Consecutive entries with the same band become one Band; the order of `entries` is kept.

    An escalation whose rows are interleaved with others (a row dated outside the
    escalation's period, say) gets a second band marked `continued`: chronological order
    wins over grouping.
    """
    by_id = {escalation.pk: escalation for escalation in escalations}
    ordered = sorted(escalations, key=lambda e: (e.start_date, e.pk))
    totals = totals or {}
    bands: list[Band] = []
    seen: set[tuple] = set()
    for entry in entries:
        escalation = by_id.get(entry.obj.escalation_id)
        if escalation is not None:
            key, title, date_label = ("escalation", escalation.pk), escalation.name, escalation.date_label
        else:
            key, title, date_label = _context_band(entry.sort_date, ordered)
        if not bands or bands[-1].key != key:
            events_total, statements_total = totals.get(escalation.pk, (None, None)) if escalation else (None, None)
            bands.append(
                Band(
                    key=key,
                    title=title,
                    date_label=date_label,
                    escalation=escalation,
                    continued=key in seen,
                    total_events=events_total,
                    total_statements=statements_total,
                )
            )
            seen.add(key)
        bands[-1].entries.append(entry)
    return bands


def _timeline_keys(events, statements):
    """One UNION query of (sort date, kind, id) for both tables, in timeline order.

    Ordering and slicing happen in the database, so a page costs the same whatever the
    offset; the rows themselves are then fetched by id with for_timeline().
    """

    def keys(queryset, kind):
        return (
            queryset.order_by()
            .annotate(
                sort_date=Coalesce("date_from", Value(UNDATED_SORT_DATE), output_field=DateField()),
                row_kind=Value(kind, output_field=CharField()),
            )
            .values_list("sort_date", "row_kind", "id")
        )

    # Same date: events before the statements that react to them, then by id.
    return keys(events, EVENT).union(keys(statements, STATEMENT)).order_by("sort_date", "row_kind", "id")


def _escalation_totals(events, statements) -> dict[int | None, tuple[int, int]]:
    """Events and statements per escalation in the (filtered) timeline: two GROUP BY queries."""
    event_counts = dict(events.order_by().values_list("escalation").annotate(n=Count("id", distinct=True)))
    statement_counts = dict(statements.order_by().values_list("escalation").annotate(n=Count("id", distinct=True)))
    return {
        key: (event_counts.get(key, 0), statement_counts.get(key, 0))
        for key in set(event_counts) | set(statement_counts)
    }


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZE))
    except ValueError:
        return PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def timeline(request):
    """Events and statements merged in date order, grouped into escalation bands.

    Filters (query string): `escalation=<slug>`, `actor=<slug>`; `page`, `per_page`.
    """
    escalations = list(Escalation.objects.all())
    events, statements = Event.objects.all(), Statement.objects.all()

    selected_escalation = selected_actor = None
    if slug := request.GET.get("escalation"):
        selected_escalation = next((e for e in escalations if e.slug == slug), None)
        if selected_escalation is None:
            raise Http404(f"No escalation {slug!r}")
        events = events.filter(escalation=selected_escalation)
        statements = statements.filter(escalation=selected_escalation)
    if slug := request.GET.get("actor"):
        selected_actor = get_object_or_404(Actor, slug=slug)
        events = events.involving(selected_actor)
        statements = statements.involving(selected_actor)

    paginator = Paginator(_timeline_keys(events, statements), _page_size(request))
    page = paginator.get_page(request.GET.get("page"))
    keys = list(page.object_list)
    event_ids = [pk for _, kind, pk in keys if kind == EVENT]
    statement_ids = [pk for _, kind, pk in keys if kind == STATEMENT]
    rows = {
        EVENT: Event.objects.for_timeline().in_bulk(event_ids),
        STATEMENT: Statement.objects.for_timeline().in_bulk(statement_ids),
    }
    entries = [Entry(kind, rows[kind][pk]) for _, kind, pk in keys if pk in rows[kind]]

    filter_actors = Actor.objects.filter(pk__in=Statement.objects.values("speaker")) | Actor.objects.filter(
        pk__in=Event.actors.through.objects.values("actor")
    )
    context = {
        "bands": group_into_bands(entries, escalations, _escalation_totals(events, statements)),
        "page": page,
        "paginator": paginator,
        "escalations": escalations,
        "actors": filter_actors.only("slug", "name").order_by("name"),
        "selected_escalation": selected_escalation,
        "selected_actor": selected_actor,
        "query_without_page": _query_without_page(request),
    }
    return render(request, "events/timeline.html", context)


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def article_spans(article: Article, statements, sources) -> str:
    """The highlighted article body (safe HTML: every text piece is escaped by highlight())."""
    spans = [
        HighlightSpan(
            start=statement.start,
            end=statement.end,
            anchor=f"statement-{statement.pk}",
            css_class=f"span-statement review-{statement.review_status}",
            title=f"{statement.speaker.name}: {statement.get_kind_display()}, {statement.get_review_status_display()}",
        )
        for statement in statements
    ]
    spans += [
        HighlightSpan(
            start=source.start,
            end=source.end,
            anchor=f"source-{source.pk}",
            css_class=f"span-source review-{source.event.review_status}",
            title=f"Source for the event “{source.event.title}”, {source.event.get_review_status_display()}",
        )
        for source in sources
    ]
    return mark_safe(highlight(article.body, spans))  # noqa: S308 - highlight() escapes every piece


def article_detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("outlet", "republished_by"), pk=pk)
    statements = list(article.statements.select_related("speaker", "cameo").order_by("start", "end", "id"))
    sources = list(
        EventSource.objects.filter(article=article)
        .select_related("event__event_type", "event__escalation")
        .order_by("start", "end", "id")
    )
    context = {
        "article": article,
        "body_html": article_spans(article, statements, sources) if article.body else "",
        "statements": statements,
        "sources": sources,
        "state_media": Outlet.Kind.STATE_MEDIA,
    }
    return render(request, "events/article.html", context)


def actor_detail(request, pk):
    actor = get_object_or_404(Actor.objects.select_related("affiliation"), pk=pk)
    context = {
        "actor": actor,
        "aliases": actor.aliases.order_by("name"),
        "members": actor.members.order_by("name"),
        "statements": Statement.objects.for_timeline().filter(speaker=actor),
        "statements_about": Statement.objects.for_timeline().filter(targets=actor),
        "participations": actor.participations.select_related("event__event_type", "event__escalation").order_by(
            "event__date_from", "event__id", "role"
        ),
    }
    return render(request, "events/actor.html", context)
