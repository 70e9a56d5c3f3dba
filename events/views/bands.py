"""The timeline's bands: runs of rows under one heading (an escalation, or a context period), and
the keyset cursor of its pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from events.api import timeline as keyset
from events.api.timeline import EVENT, STATEMENT, Entry
from events.ingest import dates as fuzzy
from events.models import (
    Escalation,
)


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
    entries_html: str = ""  # the entries' list items (events/views/entries.py), written by the view

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


def day_label(day: dt.date) -> str:
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
        return ("before",), "Before the escalations", f"until {day_label(first.start_date - dt.timedelta(days=1))}"
    # Not during any escalation and not before the first: some escalation has ended.
    previous = max((e for e in escalations if e.end_date and e.end_date < day), key=lambda e: e.end_date)
    following = [e for e in escalations if e.start_date > day]
    after_previous = previous.end_date + dt.timedelta(days=1)
    if not following:
        return ("after", previous.pk), f"After {previous.name}", f"from {day_label(after_previous)}"
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
