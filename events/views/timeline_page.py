"""The timeline page: events and statements by escalation, filtered by the API's TimelineFilter.

The timeline is paged by keyset ("after" the last row shown, in (date, kind, id) order,
with the API's implementation: events/api/timeline.py), never by OFFSET. Its chart,
result line and band totals are counted per (escalation, date): from the counts the
database keeps per day and actor (DayCount, events/counts.py) when the filters are only
an escalation, an actor and dates, otherwise by one GROUP BY per table over the
escalation index; with a date range, or on a "later entries" fragment, the band totals
are counted for the escalations the page shows."""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass
from html import escape
from operator import itemgetter
from urllib.parse import urlencode

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, F
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django_countries import countries
from django_filters.constants import EMPTY_VALUES

from events.actor_lookup import loose_match
from events.api import timeline as keyset
from events.compiled_query import EveryRecord, ParameterQuery
from events.filters import TimelineFilter
from events.models import (
    Actor,
    CameoCode,
    DayCount,
    Escalation,
    Event,
    Outlet,
    Statement,
)
from events.views import entry_rows
from events.views.bands import decode_cursor, encode_cursor, group_into_bands
from events.views.chart import chart_of_days
from events.views.entries import EntryWriter
from events.visibility import ANY, default_review, effective_review
from events.visibility import CHOICES as REVIEW_CHOICES

# Rows (events + statements) per timeline page: bounds the page's size and render time
# (rendering is most of a page's time). 25: the first page of 50 was 13,900 px tall (issue 18);
# "Later entries" loads the next 25 in place (static/js/timeline.js).
PAGE_SIZE = 25


MAX_PAGE_SIZE = 200


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
        filterset = TimelineFilter(params, queryset=Event.objects.none(), request=request)
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
        is a union, which per-actor counts cannot give) and a date range, whatever the review
        status shown (the counts are kept per status; "any" sums them).
        """
        cleaned = self.filterset.form.cleaned_data
        given = {name: value for name, value in cleaned.items() if value not in EMPTY_VALUES and name not in skip}
        review = effective_review(self.filterset)
        given.pop("review_status", None)
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
            "review_status": None if review == ANY else review,
        }

    def url(self, base: str, **changes) -> str:
        """`base` with the current filters, some changed (None removes one)."""
        params = {**self.params, **changes}
        query = urlencode({name: value for name, value in params.items() if value not in (None, "")})
        return f"{base}?{query}" if query else base

    def date_links(self, base: str):
        """A function (start, end) -> url(base, date_from=start, date_to=end), the other parameters
        encoded once: the chart links each of its hundreds of bars."""
        names = list({**self.params, "date_from": None, "date_to": None})  # in the order url() has them
        encoded = {
            name: urlencode({name: value})
            for name, value in self.params.items()
            if name not in DATE_PARAMS and value not in (None, "")
        }
        names = [name for name in names if name in DATE_PARAMS or name in encoded]

        def link(start: dt.date, end: dt.date) -> str:
            encoded["date_from"], encoded["date_to"] = f"date_from={start.isoformat()}", f"date_to={end.isoformat()}"
            return f"{base}?" + "&".join(encoded[name] for name in names)

        return link


def page_size(request) -> int:
    try:
        size = int(request.GET.get("per_page", PAGE_SIZE))
    except ValueError:
        return PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def _grouped(query: TimelineQuery, *columns: str, skip: tuple[str, ...] = (), escalations=None) -> list[tuple]:
    """(kind rank, value of each of `columns`, n) for the rows the filters but `skip` keep (in `escalations`).

    The kind's rank: 0 events, 1 statements (KIND_RANK, DayCount's kinds).

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
        return DayCount.objects.grouped(*columns, **counted)
    rows = []
    for rank, queryset in enumerate(query.querysets(skip)):
        if queryset is None:
            continue
        if escalations is not None:
            queryset = queryset.filter(escalation_id__in=escalations)
        if columns:
            grouped = queryset.order_by().values_list(*columns).annotate(n=Count("id")).order_by(*columns)
            rows += [(rank, *values) for values in grouped]
        else:
            rows.append((rank, queryset.count()))
    return rows


def timeline(request):
    """Events and statements merged in date order, grouped into escalation bands.

    The query string is the API's (`escalation`, `actor`, `country`, `type`, `outlet_kind`,
    `date_from`, `date_to`, `q`, and the statement-only `speaker`, `code`…), plus `after`
    (the keyset cursor) and `per_page`. An invalid value is reported on the page (HTTP 400).
    """
    escalations = ESCALATIONS.all()
    query = TimelineQuery.from_request(request)
    cursor = _cursor(request, query)

    context = {
        "query": query,
        "errors": query.errors,
        "cursor": cursor,
        "bands": [],
        "chart": None,
        # The API's merged stream with the same query string (events/api, `?format=`).
        "export_links": [(label, query.url("/api/timeline/", format=fmt)) for fmt, label in EXPORT_FORMATS],
        **_filter_menu(query, escalations),
    }
    if query.errors:
        if "actor" in query.errors:  # the actors the reader may have meant, as links (events/actor_lookup.py)
            choices = loose_match(query.params["actor"]).suggestions
            link = reverse("events:timeline")
            context["actor_choices"] = [(name, query.url(link, actor=slug)) for name, slug in choices]
        return render(request, "events/timeline.html", context, status=400)

    events, statements = query.querysets()
    size = page_size(request)
    keys = keyset.keys(events, statements, limit=size + 1, after=cursor)
    following = keys[size - 1] if len(keys) > size else None
    entries = entry_rows.entries(keys[:size])

    page_link = reverse("events:timeline")
    fragment = request.GET.get("fragment") == "entries"
    first_escalation = min((e.start_date for e in escalations), default=None)
    chart, matching, totals = (
        (None, [0, 0], None) if fragment else _chart_and_totals(query, page_link, first_escalation)
    )
    if totals is None:
        totals = _shown_band_totals(query, entries)
    bands = group_into_bands(entries, escalations, {key: tuple(value) for key, value in totals.items()})
    writer = EntryWriter(staff=request.user.is_staff)
    for band in bands:
        band.entries_html = writer.list_items(band.entries, "\n    ", "\n    ")
    context.update(
        bands=bands,
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


def _cursor(request, query: TimelineQuery):
    """The keyset cursor of `?after=`, or None; an unreadable one is one of the query's errors."""
    if after := request.GET.get("after"):
        try:
            return decode_cursor(after)
        except ValueError:
            query.errors.setdefault("after", []).append(
                "Not a timeline position; follow the “Later entries” link instead."
            )
    return None


def _chart_and_totals(query: TimelineQuery, page_link: str, first_escalation: dt.date | None):
    """The chart, the result line's [events, statements] and, without a date range, every band's totals.

    The chart counts the filters without the date range, so it shows the selected weeks among
    their neighbours, counted per escalation and day. Without a date range these counts are
    also the result line's totals and the band headers' totals (every escalation's); with one,
    the rows in the range are counted (a bounded index range) and the band totals are left to
    _shown_band_totals (None). A "later entries" fragment calls neither: nothing is counted again.
    Without a date range the chart starts at `first_escalation` (chart_of_days' `start_at`).
    """
    low, high = query.cleaned("date_from"), query.cleaned("date_to")
    matching = [0, 0]
    # One pass over the counts (a row per kind, escalation and day): the chart's days, the totals.
    per_day: dict[dt.date, list[int]] = {}
    totals: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for rank, escalation_id, day, n in _grouped(query, "escalation", "date_from", skip=DATE_PARAMS):
        totals[escalation_id][rank] += n
        if day is not None:
            if (pair := per_day.get(day)) is None:
                pair = per_day[day] = [0, 0]
            pair[rank] += n
    chart = chart_of_days(per_day, (low, high), query.date_links(page_link), start_at=first_escalation)
    if low is not None or high is not None:
        for rank, n in _grouped(query):
            matching[rank] += n
        return chart, matching, None
    for events, statements in totals.values():
        matching[0] += events
        matching[1] += statements
    return chart, matching, totals


def _shown_band_totals(query: TimelineQuery, entries) -> dict[int | None, list[int]]:
    """The totals of the escalations on this page (the band headers): one GROUP BY per table,
    bounded to those escalations (a range of the escalation index)."""
    totals: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    if shown := {entry.obj.escalation_id for entry in entries} - {None}:
        for rank, escalation_id, n in _grouped(query, "escalation", escalations=shown):
            totals[escalation_id][rank] += n
    return totals


def _suggestion_names(shape, values):
    # Suggestions only (the first names in the name index): the actor field takes any id,
    # slug or name (ActorReferenceField).
    return Actor.objects.order_by("name").values_list("name", flat=True)[:ACTOR_SUGGESTIONS]


# The filter bar's queries are the same on every page: each is compiled once (events/compiled_query.py)
# and run on every page, so a new actor, country or code is offered at once.
FAMILIES = ParameterQuery(lambda shape, values: CameoCode.objects.filter(code=F("root")).values_list("code", "label"))
USED_COUNTRIES = ParameterQuery(
    lambda shape, values: Actor.objects.exclude(country="").order_by().values_list("country", flat=True).distinct(),
    itemgetter(0),
)
SUGGESTIONS = ParameterQuery(_suggestion_names, itemgetter(0))
ACTOR_NAMES = entry_rows.by_ids(Actor.objects.all(), "pk__in", ("id", "name"))
# The escalations, read whole by every reader page (the bands, the filter bar, the columns).
ESCALATIONS = EveryRecord(Escalation)


@functools.cache
def _country_options(language: str) -> tuple[tuple[str, str, str], ...]:
    """(code, the option before " selected", after it) of every country in the order django_countries
    sorts them in `language`: the same for every page in that language."""
    return tuple(
        (code, f'<option value="{escape(code)}"', f">{escape(str(name))}</option>") for code, name in countries
    )


def _options(choices, selected: str | None) -> SafeString:
    """`<option>`s of (value, label) pairs, escaped, the one whose value is `selected` selected."""
    options = [
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(str(label))}</option>'
        for value, label in choices
    ]
    return mark_safe("".join(options))  # noqa: S308 (escaped)


def _filter_menu(query: TimelineQuery, escalations: list[Escalation]) -> dict:
    """The choices of the filter bar: four small queries (families, countries, actor suggestions and names)."""
    database = DEFAULT_DB_ALIAS
    families = FAMILIES.rows(database, None, ())
    used_countries = set(USED_COUNTRIES.rows(database, None, ()))
    suggestions = SUGGESTIONS.rows(database, None, ())
    referenced = [pk for name in ACTOR_PARAMS for pk in (query.cleaned(name) or [])]
    named = dict(ACTOR_NAMES.tuples(referenced)) if referenced else {}

    def label(name: str) -> str:
        if name in ACTOR_PARAMS:
            return ", ".join(named.get(pk, "") for pk in query.cleaned(name) or []) or query.params[name]
        return query.params[name]

    extra = [(name, query.params[name], label(name)) for name in query.params if name not in BAR_PARAMS]
    country = query.params.get("country", "").upper()
    params = query.params
    return {
        # Written here rather than by template loops (the choices' options on every page).
        "escalation_options": _options(((e.slug, e.name) for e in escalations), params.get("escalation")),
        "family_options": _options(((code, f"{code} {label}") for code, label in families), params.get("type")),
        "outlet_kind_options": _options(Outlet.Kind.choices, params.get("outlet_kind")),
        "review_options": _options(REVIEW_CHOICES, params.get("review_status")),
        "country_options": mark_safe(  # noqa: S308 (escaped)
            "".join(
                f"{before}{' selected' if code == country else ''}{after}"
                for code, before, after in _country_options(get_language())
                if code in used_countries
            )
        ),
        "review_default": (
            "Every status (you curate)" if default_review(query.filterset.request) == ANY else "Verified only"
        ),
        "actor_options": mark_safe("".join([f'<option value="{escape(name)}">' for name in suggestions])),  # noqa: S308
        "actor_names": ", ".join(named.get(pk, "") for pk in query.cleaned("actor") or []),
        "extra_filters": [
            (name, value, label, query.url(reverse("events:timeline"), **{name: None})) for name, value, label in extra
        ],
    }
