"""Events and statements merged in one chronological stream, read a slice at a time.

The order is (date, kind, id): the first day a record's date may mean (`date_from`),
events before statements on the same day (a reaction follows what it reacts to), then
by id; undated statements come last. One UNION query orders and slices the keys of
both tables in the database; the rows of a slice are then read by id with each model's
one query shape (`for_timeline()`), so a slice costs the same number of queries
whatever its size: the keys, then events, their participants, their sources,
statements and their targets.

A position in the stream is a key (date, kind, id); `keys()` reads from just after
(or, backwards, just before) one, so paging never counts or skips rows (no OFFSET).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import CharField, DateField, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from events.models import Event, Statement

EVENT, STATEMENT = "event", "statement"
KINDS = (EVENT, STATEMENT)
# Undated statements (no said_on) sort after every dated row.
UNDATED = dt.date.max


@dataclass(frozen=True, order=True)
class Key:
    date: dt.date
    kind: str
    id: int


@dataclass(frozen=True)
class Entry:
    """One row of the stream: an Event or a Statement (`kind` says which)."""

    kind: str
    obj: Event | Statement


def _beyond(kind: str, key: Key, backwards: bool) -> Q:
    """The rows of one kind (a constant in each half of the UNION) strictly after (before) `key`."""
    later, same_or_later = ("sort_date__lt", "sort_date__lte") if backwards else ("sort_date__gt", "sort_date__gte")
    if kind == key.kind:
        return Q(**{later: key.date}) | Q(sort_date=key.date, **{"id__lt" if backwards else "id__gt": key.id})
    kind_comes_after = kind > key.kind
    if kind_comes_after != backwards:
        return Q(**{same_or_later: key.date})
    return Q(**{later: key.date})


def keys(
    events: QuerySet | None,
    statements: QuerySet | None,
    *,
    limit: int,
    after: Key | None = None,
    before: Key | None = None,
) -> list[Key]:
    """Up to `limit` keys in timeline order after `after`, or the last `limit` before `before`
    (still returned in timeline order). None for a queryset leaves that kind out."""
    parts = []
    for kind, queryset in ((EVENT, events), (STATEMENT, statements)):
        if queryset is None:
            continue
        queryset = queryset.order_by().annotate(
            sort_date=Coalesce("date_from", Value(UNDATED), output_field=DateField()),
            row_kind=Value(kind, output_field=CharField()),
        )
        if after is not None:
            queryset = queryset.filter(_beyond(kind, after, backwards=False))
        if before is not None:
            queryset = queryset.filter(_beyond(kind, before, backwards=True))
        parts.append(queryset.values_list("sort_date", "row_kind", "id"))
    if not parts:
        return []
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    order = ("-sort_date", "-row_kind", "-id") if before is not None else ("sort_date", "row_kind", "id")
    rows = [Key(*row) for row in union.order_by(*order)[:limit]]
    return rows[::-1] if before is not None else rows


def entries(page: list[Key]) -> list[Entry]:
    """The records of a slice of keys, each read with its model's one query shape."""
    wanted = {kind: [key.id for key in page if key.kind == kind] for kind in KINDS}
    rows = {
        EVENT: Event.objects.for_timeline().in_bulk(wanted[EVENT]) if wanted[EVENT] else {},
        STATEMENT: Statement.objects.for_timeline().in_bulk(wanted[STATEMENT]) if wanted[STATEMENT] else {},
    }
    return [Entry(key.kind, rows[key.kind][key.id]) for key in page if key.id in rows[key.kind]]


def stream(all_keys: list[Key], *, chunk: int) -> Iterator[Entry]:
    """The entries of `all_keys`, read `chunk` at a time (exports: a constant number of queries per chunk)."""
    for offset in range(0, len(all_keys), chunk):
        yield from entries(all_keys[offset : offset + chunk])
