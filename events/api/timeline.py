"""Events and statements merged in one chronological stream, read a slice at a time.

The one keyset implementation of the timeline: /api/timeline/ (its cursors and exports)
and the timeline page (events/views/timeline_page.py) both read their rows through `keys()`.

The order is (date, kind, id): the first day a record's date may mean (`date_from`),
events before statements on the same day (a reaction follows what it reacts to), then
by id; undated statements come last. Each kind is read in its own index order, bounded
by the position and limited: events and dated statements by `ORDER BY date_from, id`
(range scans of events_event_timeline and events_statement_timeline), undated
statements by id, and merged here (heapq.merge). No query sorts a table or reads past
the slice, so a slice costs the same at any depth and any table size. The rows of a
slice are then read by id with each model's one query shape (`for_timeline()`), so a
slice costs the same number of queries whatever its size: at most three for the keys,
then events, their participants, their sources, statements and their targets.

A position in the stream is a key (date, kind, id); `keys()` reads from just after
(or, backwards, just before) one, so paging never counts or skips rows (no OFFSET).
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass

from django.db.models import Q, QuerySet

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

    @property
    def is_undated(self) -> bool:
        return self.date == UNDATED


@dataclass(frozen=True)
class Entry:
    """One row of the stream: an Event or a Statement (`kind` says which)."""

    kind: str
    obj: Event | Statement

    @property
    def sort_date(self) -> dt.date | None:
        return self.obj.date_from


def _dated_beyond(kind: str, key: Key, backwards: bool) -> Q:
    """Dated rows of `kind` strictly after (before) `key`, as a condition an index range scan can start from.

    `date_from >= d AND (date_from > d OR id > i)` lets the database start at d on the
    (date_from, id) index instead of testing the OR on every row. `key` is dated.
    """
    op, op_or_equal, id_op = ("lt", "lte", "lt") if backwards else ("gt", "gte", "gt")
    if kind == key.kind:
        return Q(**{f"date_from__{op_or_equal}": key.date}) & (
            Q(**{f"date_from__{op}": key.date}) | Q(**{f"id__{id_op}": key.id})
        )
    # The other kind: on the key's own day, events come before statements.
    kind_comes_after = kind > key.kind
    if kind_comes_after != backwards:
        return Q(**{f"date_from__{op_or_equal}": key.date})
    return Q(**{f"date_from__{op}": key.date})


def _dated(queryset: QuerySet, kind: str, limit: int, key: Key | None, backwards: bool) -> list[Key]:
    """Up to `limit` dated keys of one kind beyond `key`, in reading order: one index range scan."""
    queryset = queryset.filter(date_from__isnull=False)
    if key is not None:
        if key.is_undated:
            if not backwards:
                return []  # the undated rows come after every dated one
        else:
            queryset = queryset.filter(_dated_beyond(kind, key, backwards))
    order = ("-date_from", "-id") if backwards else ("date_from", "id")
    return [Key(day, kind, pk) for day, pk in queryset.order_by(*order).values_list("date_from", "id")[:limit]]


def _undated(statements: QuerySet, limit: int, key: Key | None, backwards: bool) -> list[Key]:
    """Up to `limit` undated statements beyond `key`, in reading order (by id)."""
    queryset = statements.filter(date_from__isnull=True)
    if key is not None and key.is_undated:
        queryset = queryset.filter(**{"id__lt" if backwards else "id__gt": key.id})
    elif key is not None and backwards:
        return []  # before a dated row there is no undated one
    order = "-id" if backwards else "id"
    return [Key(UNDATED, STATEMENT, pk) for pk in queryset.order_by(order).values_list("id", flat=True)[:limit]]


def keys(
    events: QuerySet | None,
    statements: QuerySet | None,
    *,
    limit: int,
    after: Key | None = None,
    before: Key | None = None,
) -> list[Key]:
    """Up to `limit` keys in timeline order after `after`, or the last `limit` before `before`
    (still returned in timeline order). None for a queryset leaves that kind out.

    Forwards, the undated statements are read only when the dated rows run out before
    `limit`; backwards, the dated rows only when the undated ones do.
    """
    backwards = before is not None
    key = before if backwards else after
    streams = [(kind, qs) for kind, qs in ((EVENT, events), (STATEMENT, statements)) if qs is not None]
    if backwards:
        undated = _undated(statements, limit, key, backwards) if statements is not None else []
        rest = limit - len(undated)
        dated = [_dated(queryset, kind, rest, key, backwards) for kind, queryset in streams] if rest else []
        return (undated + list(heapq.merge(*dated, reverse=True)))[:limit][::-1]
    merged = list(heapq.merge(*(_dated(queryset, kind, limit, key, backwards) for kind, queryset in streams)))[:limit]
    if statements is not None and len(merged) < limit:
        merged += _undated(statements, limit - len(merged), key, backwards)
    return merged


def entries(page: list[Key]) -> list[Entry]:
    """The records of a slice of keys, each read with its model's one query shape."""
    wanted = {kind: [key.id for key in page if key.kind == kind] for kind in KINDS}
    rows = {
        EVENT: Event.objects.for_timeline().in_bulk(wanted[EVENT]) if wanted[EVENT] else {},
        STATEMENT: Statement.objects.for_timeline().in_bulk(wanted[STATEMENT]) if wanted[STATEMENT] else {},
    }
    return [Entry(key.kind, rows[key.kind][key.id]) for key in page if key.id in rows[key.kind]]
