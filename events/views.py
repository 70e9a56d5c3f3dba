"""Server-rendered reader pages: the timeline, an article with its spans, an actor, the reactions matrix.

The views only wire QuerySet methods (`for_timeline()`) and the API's FilterSets
(events/filters.py) to templates; each page runs a fixed number of queries whatever
the number of rows (pinned in events/tests/test_pages.py and test_reactions.py).

The timeline is paged by keyset ("after" the last row shown, in (date, kind, id) order,
with the API's implementation: events/api/timeline.py), never by OFFSET. Its chart,
result line and band totals are counted per (escalation, date): from the counts the
database keeps per day and actor (DayCount, events/counts.py) when the filters are only
an escalation, an actor and dates, otherwise by one GROUP BY per table over the
escalation index; with a date range, or on a "later entries" fragment, the band totals
are counted for the escalations the page shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlencode

from django.db.models import Count, F
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django_countries import countries
from django_filters.constants import EMPTY_VALUES

from events.api import timeline as keyset
from events.api.timeline import EVENT, STATEMENT, Entry
from events.filters import StatementFilter, TimelineFilter
from events.highlight import HighlightSpan, highlight, tips
from events.ingest import dates as fuzzy
from events.ingest.gazetteer import Gazetteer
from events.models import (
    Actor,
    Article,
    CameoCode,
    DayCount,
    Escalation,
    Event,
    EventSource,
    Outlet,
    ReactionCount,
    Statement,
)
from events.place_views import place_spans

# Rows (events + statements) per timeline page: bounds the page's size and render time
# (rendering is most of a page's time: 50 rows as the API's pages).
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

# The chart's stacking order: events at the bottom, statements on top (DayCount's kinds).
KINDS = (EVENT, STATEMENT)
KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}

# The timeline's query string is the API's (/api/timeline/, TimelineFilter). The filter bar
# has a control for these; any other parameter of TimelineFilter (speaker, code, location…)
# is shown as a removable chip and kept when the bar is submitted again.
BAR_PARAMS = ("escalation", "actor", "country", "type", "outlet_kind", "review_status", "date_from", "date_to", "q")
DATE_PARAMS = ("date_from", "date_to")
# Parameters naming actors: the chips show the actors' names.
ACTOR_PARAMS = ("actor", "speaker", "target")
EXPORT_FORMATS = (("csv", "CSV"), ("json", "JSON"), ("timelinejs", "TimelineJS"), ("ics", "iCalendar"))

# Actors offered as suggestions in the filter bar's actor field (any actor can be typed).
ACTOR_SUGGESTIONS = 300
# Speakers (rows) of the reactions matrix, the busiest first; `?all=1` shows every one.
REACTION_ROWS = 150
# The statement filters the reactions page takes, to reach the speakers past REACTION_ROWS.
REACTION_FILTERS = ("speaker", "speaker_country")
# Those the counts the database keeps (ReactionCount, events/counts.py) answer: it has the
# statements' `speaker` relation. Any other filter counts the statements themselves.
REACTION_COUNTED_FILTERS = ("speaker", "speaker_country")
# Entries listed on an actor page per list; the rest is on its filtered timeline.
ACTOR_PAGE_ROWS = 200


# Timeline rows and bands ---------------------------------------------------------------


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
    def dom_key(self) -> str:
        return "-".join(str(part) for part in self.key)

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
    if day is None or day == keyset.UNDATED:
        return ("undated",), "Undated", ""
    if not escalations:
        return ("context",), "Context", ""
    for escalation in escalations:
        if escalation.contains(day):
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


# Keyset pagination: events/api/timeline.py's keys(), with the page's readable cursor -----------


def encode_cursor(key: keyset.Key) -> str:
    """`2023-09-19.s.42` (or `undated.s.7`): the row a page ends with, for the "Later entries" link."""
    day = "undated" if key.is_undated else key.date.isoformat()
    return f"{day}.{key.kind[0]}.{key.id}"


def decode_cursor(value: str) -> keyset.Key:
    """The key of `2023-09-19.s.42` (or `undated.s.7`); ValueError for anything else."""
    day, kind, pk = value.split(".")
    if kind not in ("e", "s") or not pk.isdigit():
        raise ValueError(value)
    if day == "undated" and kind == "e":
        raise ValueError(value)  # every event has a date
    date = keyset.UNDATED if day == "undated" else dt.date.fromisoformat(day)
    return keyset.Key(date, EVENT if kind == "e" else STATEMENT, int(pk))


# The chart: entries per week (or month, or year, for long spans) --------------------------

WEEK, MONTH, YEAR = "week", "month", "year"
# The chart shows at least this many weeks, so a one-day escalation is seen in its context.
CHART_MIN_WEEKS = 12
CHART_WIDTH, CHART_HEIGHT, CHART_AXIS = 800, 120, 18


def bucket_start(day: dt.date, unit: str) -> dt.date:
    if unit == WEEK:
        return day - dt.timedelta(days=day.weekday())
    if unit == MONTH:
        return day.replace(day=1)
    return dt.date(day.year, 1, 1)


def bucket_end(start: dt.date, unit: str) -> dt.date:
    if unit == WEEK:
        return start + dt.timedelta(days=6)
    if unit == MONTH:
        following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return dt.date(start.year, 12, 31)


def bucket_label(start: dt.date, unit: str) -> str:
    if unit == WEEK:
        return f"Week of {_day_label(start)}"
    if unit == MONTH:
        return fuzzy.format_fuzzy_date(start, fuzzy.MONTH)
    return str(start.year)


@dataclass
class Bar:
    start: dt.date
    end: dt.date
    label: str
    events: int
    statements: int
    x: float
    width: float
    event_height: float = 0
    statement_height: float = 0
    href: str = ""
    selected: bool = False

    @property
    def total(self) -> int:
        return self.events + self.statements

    @property
    def event_y(self) -> float:
        """Events stand on the axis, statements on top of them (SVG's y grows downwards)."""
        return round(CHART_HEIGHT - self.event_height, 2)

    @property
    def statement_y(self) -> float:
        return round(CHART_HEIGHT - self.event_height - self.statement_height, 2)

    @property
    def description(self) -> str:
        return (
            f"{self.label}: {self.events} event{'s' if self.events != 1 else ''}, "
            f"{self.statements} statement{'s' if self.statements != 1 else ''}"
        )


@dataclass
class Chart:
    unit: str
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    max_total: int
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    axis: int = CHART_AXIS

    @property
    def view_height(self) -> int:
        return self.height + self.axis

    @property
    def summary(self) -> str:
        busiest = max(self.bars, key=lambda bar: bar.total)
        return (
            f"Bars from {self.bars[0].label.removeprefix('Week of ')} "
            f"to {self.bars[-1].label.removeprefix('Week of ')}, "
            f"one per {self.unit}; events at the bottom of each bar, statements above. "
            f"Busiest: {busiest.description}."
        )


def build_chart(counts, window: tuple[dt.date | None, dt.date | None], link) -> Chart | None:
    """Bars of events and statements per period over the window (or the span of the data).

    `counts` are (kind, date, n) triples; `link(start, end)` gives a bar's URL. The unit is
    a week unless that would make more than three years of bars.
    """
    dated = [(kind, day, n) for kind, day, n in counts if day is not None]
    if not dated:
        return None
    # The window, within the span of the data: a date range reaching far beyond it (say to
    # 9999-12-31) would otherwise be thousands of empty bars, or run past the last date.
    first, last = min(day for _, day, _ in dated), max(day for _, day, _ in dated)
    low = max(window[0], first) if window[0] else first
    high = min(window[1], last) if window[1] else last
    if (high - low).days < CHART_MIN_WEEKS * 7:
        middle = low + (high - low) / 2
        low, high = middle - dt.timedelta(weeks=CHART_MIN_WEEKS / 2), middle + dt.timedelta(weeks=CHART_MIN_WEEKS / 2)
    weeks = (high - low).days / 7
    unit = WEEK if weeks <= 156 else MONTH if weeks <= 52 * 40 else YEAR

    starts = []
    day = bucket_start(low, unit)
    while day <= high:
        starts.append(day)
        day = bucket_end(day, unit) + dt.timedelta(days=1)
    index = {start: i for i, start in enumerate(starts)}
    per_bucket = [[0, 0] for _ in starts]
    for kind, day, n in dated:
        position = index.get(bucket_start(day, unit))
        if position is not None:
            per_bucket[position][KIND_RANK[kind]] += n

    width = CHART_WIDTH / len(starts)
    max_total = max((sum(pair) for pair in per_bucket), default=0) or 1
    bars = []
    for i, (start, (events, statements)) in enumerate(zip(starts, per_bucket, strict=True)):
        end = bucket_end(start, unit)
        bar = Bar(
            start, end, bucket_label(start, unit), events, statements, x=round(i * width, 2), width=round(width, 2)
        )
        bar.event_height = round(CHART_HEIGHT * events / max_total, 2)
        bar.statement_height = round(CHART_HEIGHT * statements / max_total, 2)
        if bar.total:
            bar.href = link(start, end)
        if window[0] or window[1]:
            bar.selected = (window[0] is None or end >= window[0]) and (window[1] is None or start <= window[1])
        bars.append(bar)

    # Axis labels at year starts (or month starts for weekly bars), at most six (phone width).
    boundary = (
        (lambda s: s.month == 1) if unit == MONTH else (lambda s: s.day <= 7) if unit == WEEK else (lambda s: True)
    )
    marks = [bar for bar in bars if boundary(bar.start)] or bars[:1]
    step = -(-len(marks) // 6)
    ticks = []
    for bar in marks[::step]:
        text = str(bar.start.year) if unit != WEEK else f"{bar.start:%b} {bar.start.year}"
        ticks.append((bar.x, text))
    return Chart(unit=unit, bars=bars, ticks=ticks, max_total=max_total)


# The timeline page ----------------------------------------------------------------------


@dataclass
class TimelineQuery:
    """The timeline's filters: the API's TimelineFilter over the query string."""

    params: dict[str, str]
    filterset: TimelineFilter
    errors: dict[str, list[str]]

    @classmethod
    def from_request(cls, request) -> TimelineQuery:
        names = TimelineFilter.base_filters
        params = {name: value for name in names if (value := request.GET.get(name, "").strip())}
        filterset = TimelineFilter(params, queryset=Event.objects.none())
        errors = {name: list(messages) for name, messages in filterset.errors.items()}
        return cls(params, filterset, errors)

    def cleaned(self, name: str):
        return self.filterset.form.cleaned_data.get(name)

    def querysets(self, skip: tuple[str, ...] = ()) -> tuple:
        """(events, statements) filtered by every parameter but `skip`; None for a kind left out.

        TimelineFilter.streams() reads the values its form cleaned; leaving some out is
        done on a copy of them, so the query string is validated once.
        """
        cleaned = self.filterset.form.cleaned_data
        self.filterset.form.cleaned_data = {name: value for name, value in cleaned.items() if name not in skip}
        try:
            return self.filterset.streams(Event.objects.all(), Statement.objects.attributed())
        finally:
            self.filterset.form.cleaned_data = cleaned

    def counted(self, skip: tuple[str, ...] = ()) -> dict | None:
        """The filters but `skip` as DayCount.objects.grouped() arguments, or None if it cannot count them.

        It can when they are at most an escalation, one actor (a name several actors share
        is a union, which per-actor counts cannot give) and a date range.
        """
        cleaned = self.filterset.form.cleaned_data
        given = {name: value for name, value in cleaned.items() if value not in EMPTY_VALUES and name not in skip}
        if set(given) - {"escalation", "actor", *DATE_PARAMS}:
            return None
        actors = given.get("actor") or [None]
        if len(actors) > 1:
            return None
        return {
            "actor": actors[0],
            "escalations": [given["escalation"].pk] if "escalation" in given else None,
            "date_from": given.get("date_from"),
            "date_to": given.get("date_to"),
        }

    def url(self, base: str, **changes) -> str:
        """`base` with the current filters, some changed (None removes one)."""
        params = {**self.params, **changes}
        query = urlencode({name: value for name, value in params.items() if value not in (None, "")})
        return f"{base}?{query}" if query else base


def _page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZE))
    except ValueError:
        return PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def _grouped(query: TimelineQuery, *columns: str, skip: tuple[str, ...] = (), escalations=None) -> list[tuple]:
    """(kind, value of each of `columns`, n) for the rows the filters but `skip` keep (in `escalations`).

    `columns`: "escalation" and/or "date_from"; none gives a total per kind. Read from the
    per-day counts the database keeps (DayCount, events/counts.py) when the filters are
    only an escalation, an actor and dates: one index range, however many records an actor
    is in. Otherwise one GROUP BY `columns` per table over the filtered rows, which lead an
    index on each table (escalation, date_from), so the database counts in index order.
    """
    if (counted := query.counted(skip)) is not None:
        if escalations is not None:
            if counted["escalations"] is not None:
                escalations = set(escalations) & set(counted["escalations"])
            counted["escalations"] = escalations
        return [(KINDS[rank], *rest) for rank, *rest in DayCount.objects.grouped(*columns, **counted)]
    rows = []
    for kind, queryset in zip(KINDS, query.querysets(skip), strict=True):
        if queryset is None:
            continue
        if escalations is not None:
            queryset = queryset.filter(escalation_id__in=escalations)
        if columns:
            grouped = queryset.order_by().values_list(*columns).annotate(n=Count("id")).order_by(*columns)
            rows += [(kind, *values) for values in grouped]
        else:
            rows.append((kind, queryset.count()))
    return rows


def timeline(request):
    """Events and statements merged in date order, grouped into escalation bands.

    The query string is the API's (`escalation`, `actor`, `country`, `type`, `outlet_kind`,
    `date_from`, `date_to`, `q`, and the statement-only `speaker`, `code`…), plus `after`
    (the keyset cursor) and `per_page`. An invalid value is reported on the page (HTTP 400).
    """
    escalations = list(Escalation.objects.all())
    query = TimelineQuery.from_request(request)
    cursor = None
    if after := request.GET.get("after"):
        try:
            cursor = decode_cursor(after)
        except ValueError:
            query.errors.setdefault("after", []).append(
                "Not a timeline position; follow the “Later entries” link instead."
            )

    context = {
        "query": query,
        "errors": query.errors,
        "escalations": escalations,
        "cursor": cursor,
        "bands": [],
        "chart": None,
        # The API's merged stream with the same query string (events/api, `?format=`).
        "export_links": [(label, query.url("/api/timeline/", format=fmt)) for fmt, label in EXPORT_FORMATS],
        **_filter_menu(query),
    }
    if query.errors:
        return render(request, "events/timeline.html", context, status=400)

    events, statements = query.querysets()
    size = _page_size(request)
    keys = keyset.keys(events, statements, limit=size + 1, after=cursor)
    following = keys[size - 1] if len(keys) > size else None
    entries = keyset.entries(keys[:size])

    # The chart: the filters without the date range, so it shows the selected weeks among
    # their neighbours, counted per escalation and day. Without a date range these counts
    # are also the result line's totals and the band headers' totals (every escalation's);
    # with one, the rows in the range are counted (a bounded index range). A "later
    # entries" fragment shows neither: nothing is counted again.
    page_link = reverse("events:timeline")
    fragment = request.GET.get("fragment") == "entries"
    low, high = query.cleaned("date_from"), query.cleaned("date_to")
    chart, matching = None, [0, 0]
    totals: dict[int | None, list[int]] | None = None
    if not fragment:
        counts = _grouped(query, "escalation", "date_from", skip=DATE_PARAMS)
        chart = build_chart(
            [(kind, day, n) for kind, _escalation, day, n in counts],
            (low, high),
            lambda start, end: query.url(page_link, date_from=start.isoformat(), date_to=end.isoformat()),
        )
        if low is None and high is None:
            totals = defaultdict(lambda: [0, 0])
            for kind, escalation_id, _day, n in counts:
                matching[KIND_RANK[kind]] += n
                totals[escalation_id][KIND_RANK[kind]] += n
        else:
            for kind, n in _grouped(query):
                matching[KIND_RANK[kind]] += n
    # Otherwise the totals of the escalations on this page (the band headers): one GROUP BY
    # per table, bounded to those escalations (a range of the escalation index).
    if totals is None:
        totals = defaultdict(lambda: [0, 0])
        if shown := {entry.obj.escalation_id for entry in entries} - {None}:
            for kind, escalation_id, n in _grouped(query, "escalation", escalations=shown):
                totals[escalation_id][KIND_RANK[kind]] += n
    context.update(
        bands=group_into_bands(entries, escalations, {key: tuple(value) for key, value in totals.items()}),
        entries_shown=len(entries),
        total_events=matching[0],
        total_statements=matching[1],
        chart=chart,
        next_url=query.url(page_link, per_page=request.GET.get("per_page"), after=encode_cursor(following))
        if following
        else "",
        first_url=query.url(page_link, per_page=request.GET.get("per_page")) if cursor else "",
    )
    template = "events/_timeline_page.html" if fragment else "events/timeline.html"
    return render(request, template, context)


def _filter_menu(query: TimelineQuery) -> dict:
    """The choices of the filter bar: three small queries (families, countries, actor names)."""
    families = CameoCode.objects.filter(code=F("root")).values_list("code", "label")
    used_countries = set(Actor.objects.exclude(country="").order_by().values_list("country", flat=True).distinct())
    # Suggestions only (the first names in the name index): the actor field takes any id,
    # slug or name (ActorReferenceField).
    suggestions = Actor.objects.order_by("name").values_list("name", flat=True)[:ACTOR_SUGGESTIONS]
    referenced = [pk for name in ACTOR_PARAMS for pk in (query.cleaned(name) or [])]
    named = dict(Actor.objects.filter(pk__in=referenced).values_list("pk", "name")) if referenced else {}

    def label(name: str) -> str:
        if name in ACTOR_PARAMS:
            return ", ".join(named.get(pk, "") for pk in query.cleaned(name) or []) or query.params[name]
        return query.params[name]

    extra = [(name, query.params[name], label(name)) for name in query.params if name not in BAR_PARAMS]
    return {
        "families": list(families),
        "countries": [(code, name) for code, name in countries if code in used_countries],
        "outlet_kinds": Outlet.Kind.choices,
        "review_statuses": Statement._meta.get_field("review_status").choices,
        "actor_suggestions": list(suggestions),
        "actor_names": ", ".join(named.get(pk, "") for pk in query.cleaned("actor") or []),
        "extra_filters": [
            (name, value, label, query.url(reverse("events:timeline"), **{name: None})) for name, value, label in extra
        ],
    }


# The article page -------------------------------------------------------------------------


def actor_gazetteer() -> Gazetteer:
    """Every actor with its aliases, in one query (a LEFT JOIN row per alias)."""
    actors: dict[int, tuple[str, str, list[str]]] = {}
    for pk, name, kind, alias in Actor.objects.values_list("pk", "name", "kind", "aliases__name").order_by("pk"):
        entry = actors.setdefault(pk, (name, kind, []))
        if alias:
            entry[2].append(alias)
    return Gazetteer.from_entries((str(pk), name, kind, aliases) for pk, (name, kind, aliases) in actors.items())


def article_spans(article: Article, statements, sources, mentions=()) -> list[HighlightSpan]:
    """The highlights of an article body: statements, event sources and actor mentions."""
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
    spans += [
        HighlightSpan(
            start=mention.start,
            end=mention.end,
            anchor=f"mention-{n}",
            css_class="span-mention",
            title=f"Mention of {mention.name} ({Actor.Kind(mention.kind).label})",
            href=reverse("events:actor", args=[int(mention.actor_key)]),
        )
        for n, mention in enumerate(mentions, start=1)
    ]
    return spans


def article_detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("outlet", "republished_by"), pk=pk)
    # A draft with no speaker yet is nobody's statement: it waits in the review queue.
    statements = list(article.statements.attributed().select_related("speaker", "cameo").order_by("start", "end", "id"))
    sources = list(
        EventSource.objects.filter(article=article)
        .select_related("event__event_type", "event__escalation")
        .order_by("start", "end", "id")
    )
    mentions = actor_gazetteer().find_mentions(article.body) if article.body else []
    spans = article_spans(article, statements, sources, mentions) + place_spans(article.body)
    context = {
        "article": article,
        # Safe HTML: highlight() and tips() escape every text piece and attribute.
        "body_html": mark_safe(highlight(article.body, spans)) if article.body else "",  # noqa: S308
        "tips_html": mark_safe(tips(spans)),  # noqa: S308
        "statements": statements,
        "sources": sources,
        "mention_count": len(mentions),
        "state_media": Outlet.Kind.STATE_MEDIA,
        "export_links": [
            (label, f"/api/statements/?{urlencode({'article': article.pk, 'format': fmt})}")
            for fmt, label in EXPORT_FORMATS
        ],
    }
    return render(request, "events/article.html", context)


# The actor page ---------------------------------------------------------------------------


def actor_detail(request, pk):
    actor = get_object_or_404(Actor.objects.select_related("affiliation"), pk=pk)
    escalations = list(Escalation.objects.all())
    statement_counts = dict(
        Statement.objects.filter(speaker=actor).order_by().values_list("escalation").annotate(n=Count("id"))
    )
    event_counts = dict(
        Event.objects.filter(pk__in=actor.participations.values("event"))
        .order_by()
        .values_list("escalation")
        .annotate(n=Count("id"))
    )
    per_escalation = [
        (escalation, statement_counts.get(escalation.pk, 0), event_counts.get(escalation.pk, 0))
        for escalation in escalations
    ]
    if statement_counts.get(None) or event_counts.get(None):
        per_escalation.append((None, statement_counts.get(None, 0), event_counts.get(None, 0)))
    statements = list(Statement.objects.for_timeline().filter(speaker=actor)[: ACTOR_PAGE_ROWS + 1])
    participations = list(
        actor.participations.select_related("event__event_type", "event__escalation").order_by(
            "event__date_from", "event__id", "role"
        )[: ACTOR_PAGE_ROWS + 1]
    )
    timeline_url = f"{reverse('events:timeline')}?{urlencode({'actor': actor.slug})}"
    context = {
        "actor": actor,
        "aliases": actor.aliases.order_by("name"),
        # Offices held, latest first (an open end is the current one).
        "tenures": actor.tenures.select_related("organisation").order_by(F("start").desc(nulls_last=True), "title"),
        "members": actor.members.order_by("name"),
        "per_escalation": per_escalation,
        "statement_total": sum(statement_counts.values()),
        "event_total": sum(event_counts.values()),
        "statements": statements[:ACTOR_PAGE_ROWS],
        "more_statements": len(statements) > ACTOR_PAGE_ROWS,
        "statements_about": Statement.objects.for_timeline().filter(targets=actor)[:ACTOR_PAGE_ROWS],
        "participations": participations[:ACTOR_PAGE_ROWS],
        "more_participations": len(participations) > ACTOR_PAGE_ROWS,
        "timeline_url": timeline_url,
        "export_links": [
            (label, f"/api/timeline/?{urlencode({'actor': actor.slug, 'format': fmt})}")
            for fmt, label in EXPORT_FORMATS
        ],
    }
    return render(request, "events/actor.html", context)


# The reactions matrix -----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ReactionKind:
    """A kind of speech act on the reactions page: a CAMEO prefix with a reader's label.

    Compared and hashed by identity (eq=False): the kinds are the constants below, and the
    page looks them up in dicts some 10^5 times (hashing the fields was 10% of its time).
    """

    prefix: str
    label: str
    tone: str  # cooperative, appeal, neutral, critical, hostile: the colour of its chip
    within: str = ""  # the broader kind it is counted in too ("11" for accusations)

    def matches(self, code: str) -> bool:
        return code.startswith(self.prefix)


# The CAMEO root families (and accusation, 112, inside disapproval) in words a reader uses.
REACTION_KINDS = (
    ReactionKind("01", "public statement", "neutral"),
    ReactionKind("02", "appeal", "appeal"),
    ReactionKind("03", "intent to cooperate", "cooperative"),
    ReactionKind("04", "consultation", "neutral"),
    ReactionKind("05", "support / praise", "cooperative"),
    ReactionKind("06", "material cooperation", "cooperative"),
    ReactionKind("07", "aid", "cooperative"),
    ReactionKind("08", "concession", "cooperative"),
    ReactionKind("09", "investigation", "neutral"),
    ReactionKind("10", "demand", "critical"),
    ReactionKind("11", "condemnation / criticism", "critical"),
    ReactionKind("112", "accusation", "hostile", within="11"),
    ReactionKind("12", "rejection", "critical"),
    ReactionKind("13", "threat", "hostile"),
    ReactionKind("14", "protest", "critical"),
    ReactionKind("15", "show of force", "hostile"),
    ReactionKind("16", "reduced relations", "hostile"),
    ReactionKind("17", "coercion", "hostile"),
    ReactionKind("18", "assault", "hostile"),
    ReactionKind("19", "fighting", "hostile"),
    ReactionKind("20", "mass violence", "hostile"),
)


@lru_cache(maxsize=512)
def reaction_kinds_of(code: str) -> tuple[ReactionKind, ...]:
    """The kinds a CAMEO code counts for: its family, and accusation too for 112x (a kind of disapproval)."""
    return tuple(kind for kind in REACTION_KINDS if kind.matches(code))


@lru_cache(maxsize=64)
def _chip_html(kind: ReactionKind) -> tuple[str, str]:
    """The HTML of a kind's chip before its link's CAMEO prefix... and from after its link to its count."""
    within = ' class="within"' if kind.within else ""
    label = f"of which {kind.label}" if kind.within else kind.label
    return (
        f'<li{within}><a class="chip tone-{escape(kind.tone)}" href="',
        f'" data-kind="{escape(kind.prefix)}">{escape(label)} <span class="count">',
    )


@dataclass
class ReactionCell:
    """A speaker's counts in one column, each linking to those statements on the timeline.

    Its chips are written here rather than by template tags: a matrix of 150 speakers has
    some 30,000 of them, and the tags per chip were most of the page's time (bench/RESULTS.md).
    """

    escalation: Escalation | None
    counts: list[tuple[ReactionKind, int]] = field(default_factory=list)
    link: tuple[str, str] = ("", "")  # a count's timeline URL: before its kind's CAMEO prefix, after it

    def url(self, kind: ReactionKind) -> str:
        return f"{self.link[0]}{kind.prefix}{self.link[1]}"

    @property
    def html(self) -> str:
        if not self.counts:
            return mark_safe('<span class="none" aria-label="none">–</span>')
        before, after = escape(self.link[0]), escape(self.link[1])
        chips = []
        for kind, n in self.counts:
            opening, middle = _chip_html(kind)
            chips.append(f"{opening}{before}{kind.prefix}{after}{middle}{n}</span></a></li>")
        return mark_safe(f'<ul class="reaction-list">{"".join(chips)}</ul>')


@dataclass
class ReactionRow:
    actor: Actor
    cells: list[ReactionCell]


@dataclass
class ReactionGroup:
    key: str
    title: str
    rows: list[ReactionRow] = field(default_factory=list)


def _group_of(actor: Actor, actors: dict[int, Actor]) -> tuple[str, str]:
    """(key, title) of an actor's group: its country, else the organisation at the top of its affiliations."""
    if actor.country:
        return f"country-{actor.country.code}", actor.country.name
    top, seen = actor, set()
    while top.affiliation_id in actors and top.affiliation_id not in seen:
        seen.add(top.pk)
        top = actors[top.affiliation_id]
        if top.country:
            return f"country-{top.country.code}", top.country.name
    if top.kind == Actor.Kind.INTERNATIONAL_ORG:
        return f"org-{top.pk}", top.name
    return "other", "Others"


def reactions(request):
    """Who said what kind of thing in which escalation: speakers × escalations, counts per kind.

    Two aggregate queries (statements per speaker; then, for the speakers shown, per
    speaker, escalation and CAMEO family) and two small lookups (the escalations; the
    speakers and the actors they are affiliated to). The aggregates read the counts the
    database keeps (ReactionCount: index-only scans of events_reactioncount_key) for the
    filters it answers, else the statements (events_statement_reactions). The
    REACTION_ROWS busiest speakers are shown; the others through `?all=1`, or
    `speaker`/`speaker_country` (the statement list's filters, validated by
    StatementFilter), which narrow the aggregate itself.
    """
    params = {name: value for name in REACTION_FILTERS if (value := request.GET.get(name, "").strip())}
    filterset = StatementFilter(params, queryset=Statement.objects.attributed())
    if not filterset.is_valid():
        errors = {name: list(messages) for name, messages in filterset.errors.items()}
        context = {"errors": errors, "params": params, "groups": [], "columns": [], "kinds": []}
        return render(request, "events/reactions.html", context, status=400)
    escalations = list(Escalation.objects.all())
    if set(params) <= set(REACTION_COUNTED_FILTERS):
        counted = ReactionCount.objects.all()
        for name in params:  # the statements' filters, on the counts' `speaker` relation
            counted = filterset.filters[name].filter(counted, filterset.form.cleaned_data[name])
    else:
        counted = filterset.qs
    # Statements per speaker, to choose the busiest; then the cells of those speakers only: at
    # 10^6 statements the one aggregate over every speaker gave 392,242 rows to tally for the
    # 150 shown (bench/RESULTS.md). Ties go to the lower id, so the choice does not depend on
    # the order the database returns them in.
    per_speaker = dict(counted.statements_per_speaker())
    # The busiest speakers, unless all are asked for: a matrix of thousands of rows is read by nobody.
    show_all = request.GET.get("all") == "1"
    busiest = sorted(per_speaker, key=lambda pk: (-per_speaker[pk], pk))
    speaker_ids = set(busiest if show_all else busiest[:REACTION_ROWS])
    shown = counted if show_all else counted.filter(speaker__in=speaker_ids)
    counts = shown.per_speaker_escalation_and_family() if speaker_ids else []
    fields = ("pk", "slug", "name", "kind", "country", "role", "affiliation_id")
    actors = Actor.objects.only(*fields) if show_all else Actor.objects.only(*fields).and_affiliations(speaker_ids)
    actors = {actor.pk: actor for actor in actors} if speaker_ids else {}
    columns: list[Escalation | None] = [*escalations]
    if any(escalation is None for _, escalation, _, _ in counts):
        columns.append(None)

    tally: dict[tuple[int, int | None], dict[ReactionKind, int]] = defaultdict(lambda: defaultdict(int))
    for speaker, escalation, code, n in counts:
        for kind in reaction_kinds_of(code):
            tally[(speaker, escalation)][kind] += n

    # The links' query strings as urlencode() writes them, each part encoded once.
    timeline_url = reverse("events:timeline")
    after_code = {
        escalation.pk if escalation else None: f"&{urlencode({'escalation': escalation.slug})}" if escalation else ""
        for escalation in columns
    }
    groups: dict[str, ReactionGroup] = {}
    for speaker in sorted(speaker_ids, key=lambda pk: actors[pk].name.casefold()):
        actor = actors[speaker]
        before_code = f"{timeline_url}?{urlencode({'speaker': actor.slug})}&code="
        cells = []
        for escalation in columns:
            column = escalation.pk if escalation else None
            by_kind = tally.get((speaker, column), {})
            cell = ReactionCell(escalation, link=(before_code, after_code[column]))
            cell.counts = [(kind, n) for kind in REACTION_KINDS if (n := by_kind.get(kind))]
            cells.append(cell)
        key, title = _group_of(actor, actors)
        groups.setdefault(key, ReactionGroup(key, title)).rows.append(ReactionRow(actor, cells))
    ordered = sorted(groups.values(), key=lambda group: (group.key == "other", group.title.casefold()))
    used = {kind for counts_by_kind in tally.values() for kind in counts_by_kind}
    context = {
        "columns": columns,
        "groups": ordered,
        "params": params,
        "errors": {},
        "hidden_speakers": len(per_speaker) - len(speaker_ids),
        "shown_speakers": len(speaker_ids),
        "kinds": [kind for kind in REACTION_KINDS if kind in used],
        "export_links": [(label, f"/api/statements/?format={fmt}") for fmt, label in EXPORT_FORMATS],
    }
    return render(request, "events/reactions.html", context)
