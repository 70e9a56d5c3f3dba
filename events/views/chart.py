"""The timeline's chart: bars of events and statements per week, month or year, drawn as SVG."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from events.api.timeline import EVENT, STATEMENT
from events.ingest import dates as fuzzy
from events.views.bands import day_label

# The chart's stacking order: events at the bottom, statements on top (DayCount's kinds).
KINDS = (EVENT, STATEMENT)
KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}


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


def _bucket_position(first: dt.date, unit: str):
    """A function: a day -> the position of its bucket among consecutive buckets from `first` (a
    bucket's start), negative before it. By arithmetic: the chart's days are thousands a page."""
    if unit == WEEK:
        return lambda day: (day - first).days // 7
    if unit == MONTH:
        origin = first.year * 12 + first.month
        return lambda day: day.year * 12 + day.month - origin
    return lambda day: day.year - first.year


def bucket_label(start: dt.date, unit: str) -> str:
    if unit == WEEK:
        return f"Week of {day_label(start)}"
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

    # The bars and the table's rows, written here in one pass rather than by the template bar by
    # bar (a few hundred bars, twice: a third of the page's rendering, bench/RESULTS.md issue 19).
    # The same bytes the template wrote (test_chart_html.py renders both on random charts).

    @cached_property
    def bars_svg(self) -> SafeString:
        """The bars inside the SVG: a link per bar with records, an outline for a selected empty one."""
        parts = []
        height = self.height
        for bar in self.bars:
            x, width = _number(bar.x), _number(bar.width)
            if bar.href:
                described = escape(bar.description)
                selected = " bar-selected" if bar.selected else ""
                parts.append(
                    f'\n    <a href="{escape(bar.href)}" class="bar{selected}" aria-label="{described}">\n'
                    f"      <title>{described}</title>\n"
                    f'      <rect class="bar-hit" x="{x}" y="0" width="{width}" height="{height}"></rect>\n'
                    f'      <rect class="bar-events" x="{x}" y="{_number(bar.event_y)}" width="{width}" '
                    f'height="{_number(bar.event_height)}"></rect>\n'
                    f'      <rect class="bar-statements" x="{x}" y="{_number(bar.statement_y)}" width="{width}" '
                    f'height="{_number(bar.statement_height)}"></rect>\n'
                    "    </a>\n    "
                )
            elif bar.selected:
                parts.append(f'<rect class="bar-window" x="{x}" y="0" width="{width}" height="{height}"></rect>')
        return mark_safe("".join(parts))

    @cached_property
    def table_rows(self) -> SafeString:
        """The rows of the chart's table: one per bar with records."""
        return mark_safe(
            "".join(
                f'<tr><th scope="row"><a href="{escape(bar.href)}">{escape(bar.label)}</a></th>'
                f"<td>{bar.events}</td><td>{bar.statements}</td></tr>"
                for bar in self.bars
                if bar.total
            )
        )

    @property
    def summary(self) -> str:
        busiest = max(self.bars, key=lambda bar: bar.total)
        return (
            f"Bars from {self.bars[0].label.removeprefix('Week of ')} "
            f"to {self.bars[-1].label.removeprefix('Week of ')}, "
            f"one per {self.unit}; events at the bottom of each bar, statements above. "
            f"Busiest: {busiest.description}."
        )


def _number(value: float) -> str:
    """A number as a template writes it ({{ value }}: localize()); str() where that is the same."""
    text = str(value)
    return localize(value) if "e" in text or not isinstance(value, int | float) else text


def build_chart(
    counts, window: tuple[dt.date | None, dt.date | None], link, *, start_at: dt.date | None = None
) -> Chart | None:
    """Bars of events and statements per period over the window (or the span of the data).

    `counts` are (kind, date, n) triples; `link(start, end)` gives a bar's URL. The unit is
    a week unless that would make more than three years of bars. `start_at` (the first
    escalation's start): with no window, the chart starts there rather than at an older
    background record, which would squeeze the escalations into a corner of it.
    """
    per_day: dict[dt.date, list[int]] = {}
    for kind, day, n in counts:
        if day is not None:
            per_day.setdefault(day, [0, 0])[KIND_RANK[kind]] += n
    return chart_of_days(per_day, window, link, start_at=start_at)


def chart_of_days(
    per_day: dict[dt.date, list[int]],
    window: tuple[dt.date | None, dt.date | None],
    link,
    *,
    start_at: dt.date | None = None,
) -> Chart | None:
    """build_chart() from the [events, statements] of each day (the timeline sums them as it reads
    its counts: a row per kind, escalation and day, 7,654 at 10^5 events; the days are fewer)."""
    if not per_day:
        return None
    # The window, within the span of the data: a date range reaching far beyond it (say to
    # 9999-12-31) would otherwise be thousands of empty bars, or run past the last date.
    first, last = min(per_day), max(per_day)
    if start_at is not None and window[0] is None and first < start_at <= last:
        first = start_at
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
    per_bucket = [[0, 0] for _ in starts]
    position_of = _bucket_position(starts[0], unit)
    for day, (events, statements) in per_day.items():
        if 0 <= (position := position_of(day)) < len(starts):
            bucket = per_bucket[position]
            bucket[0] += events
            bucket[1] += statements

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
