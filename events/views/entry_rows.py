"""The timeline page's entries read as plain rows: what the entry writer shows, and no more.

The page used to read its slice of records through the models' one list shape (`for_timeline()`,
events/api/timeline.py `entries()`): 25 Event and Statement instances, their participants,
sources, targets, actors, articles and outlets, and Django's prefetch querysets for each of them.
Building and compiling those five queries and the instances cost ~15 ms a request against
well under a millisecond of SQL (bench/RESULTS.md, issue 19, fifth pass). Here each of the five
queries (events, their participants, their sources, statements, their targets) reads only the
columns events/views/entries.py writes, as tuples, its SQL compiled once per size of the id list
(events/compiled_query.py's IdListQuery), and each row is a small named tuple carrying the
attribute names the writer reads of a model (`event.event_type.label`, `statement.article.outlet`)
and the models' own label properties (`date_label`, `reported_date_label`): one definition of an
entry's HTML and of its labels, two ways to read the records. The relations are ordered as
`for_timeline()` prefetches them; the same records are kept (a statement is attributed).
events/tests/test_entries_html.py writes both on random records and compares the bytes.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from inspect import getattr_static

from events.api.timeline import EVENT, STATEMENT, Entry, Key
from events.compiled_query import IdListQuery
from events.models import Event, EventParticipant, EventSource, Statement


class Related(tuple):
    """A record's to-many relation read with its page, in the order `for_timeline()` prefetches
    it; `.all()` is what the writer reads of a model's prefetched relation."""

    __slots__ = ()

    def all(self) -> Related:
        return self


def _row(name: str, fields: str, model=None, properties: tuple[str, ...] = ()) -> type:
    """A named tuple of `fields` carrying `model`'s `properties` (read from the same attributes)."""
    attributes = {"__slots__": (), **{prop: getattr_static(model, prop) for prop in properties}}
    return type(name, (namedtuple(name, fields),), attributes)


Code = _row("Code", "code label")
Outlet = _row("Outlet", "name kind")
Article = _row("Article", "outlet published_on")
Actor = _row("Actor", "pk name role")
Participant = _row("Participant", "actor role")
Source = _row(
    "Source", "pk article_id article quote reported_date reported_precision", EventSource, ("reported_date_label",)
)
EventRow = _row(
    "EventRow",
    "pk title summary event_type start_date start_precision end_date end_precision ongoing date_from"
    " review_status location fatalities escalation_id participants sources",
    Event,
    ("date_label",),
)
StatementRow = _row(
    "StatementRow",
    "pk speaker said_on said_on_precision date_from reported_date reported_precision review_status"
    " escalation_id article_id article cameo quote kind medium medium_detail summary targets",
    Statement,
    ("date_label", "reported_date_label"),
)

EVENT_COLUMNS = (
    "id", "title", "summary", "event_type_id", "event_type__label", "start_date", "start_precision", "end_date",
    "end_precision", "ongoing", "date_from", "review_status", "location", "fatalities", "escalation_id",
)  # fmt: skip
PARTICIPANT_COLUMNS = ("event_id", "actor_id", "actor__name", "role")
SOURCE_COLUMNS = (
    "event_id", "id", "article_id", "article__outlet_id", "article__outlet__name", "article__outlet__kind",
    "quote", "reported_date", "reported_precision",
)  # fmt: skip
STATEMENT_COLUMNS = (
    "id", "speaker_id", "speaker__name", "speaker__role", "said_on", "said_on_precision", "date_from",
    "reported_date", "reported_precision", "review_status", "escalation_id", "article_id",
    "article__outlet_id", "article__outlet__name", "article__outlet__kind", "article__published_on",
    "cameo_id", "cameo__label", "quote", "kind", "medium", "medium_detail", "summary",
)  # fmt: skip
TARGET_COLUMNS = ("statement_id", "actor_id", "actor__name")


def by_ids(queryset, lookup: str, columns: tuple[str, ...]) -> IdListQuery:
    """The rows (`columns`, as tuples: its `tuples(ids)`) of `queryset` whose `lookup` is in a list of ids."""
    return IdListQuery(queryset.values_list(*columns), lookup)


# Each relation ordered as for_timeline()'s Prefetch orders it (the targets: the actors' order).
EVENTS = by_ids(Event.objects.order_by(), "pk__in", EVENT_COLUMNS)
PARTICIPANTS = by_ids(
    EventParticipant.objects.order_by("role", "actor__name", "id"), "event_id__in", PARTICIPANT_COLUMNS
)
SOURCES = by_ids(EventSource.objects.order_by("article_id", "start", "id"), "event_id__in", SOURCE_COLUMNS)
STATEMENTS = by_ids(Statement.objects.attributed().order_by(), "pk__in", STATEMENT_COLUMNS)
TARGETS = by_ids(
    Statement.targets.through.objects.order_by("actor__name", "actor_id"), "statement_id__in", TARGET_COLUMNS
)


def _outlet(outlet_id, name, kind) -> Outlet | None:
    return None if outlet_id is None else Outlet(name, kind)


def _events(ids: list[int]) -> dict[int, EventRow]:
    rows = EVENTS.tuples(ids)
    participants, sources = defaultdict(list), defaultdict(list)
    if ids := [row[0] for row in rows]:  # as a prefetch, none for no records
        for event_id, actor_id, name, role in PARTICIPANTS.tuples(ids):
            participants[event_id].append(Participant(Actor(actor_id, name, None), role))
        for event_id, pk, article_id, outlet_id, name, kind, quote, reported, precision in SOURCES.tuples(ids):
            article = Article(_outlet(outlet_id, name, kind), None)
            sources[event_id].append(Source(pk, article_id, article, quote, reported, precision))
    found = {}
    for row in rows:
        pk, title, summary, code, label, *dates, status, location, fatalities, escalation_id = row
        found[pk] = EventRow(
            pk, title, summary, Code(code, label), *dates, status, location, fatalities, escalation_id,
            Related(participants.get(pk, ())), Related(sources.get(pk, ())),
        )  # fmt: skip
    return found


def _statements(ids: list[int]) -> dict[int, StatementRow]:
    rows = STATEMENTS.tuples(ids)
    targets = defaultdict(list)
    if ids := [row[0] for row in rows]:
        for statement_id, actor_id, name in TARGETS.tuples(ids):
            targets[statement_id].append(Actor(actor_id, name, None))
    found = {}
    for row in rows:
        pk, speaker_id, name, role, *dated, article_id, outlet_id, outlet, kind, published_on = row[:16]
        code, label, quote, said_kind, medium, medium_detail, summary = row[16:]
        article = Article(_outlet(outlet_id, outlet, kind), published_on)
        found[pk] = StatementRow(
            pk, Actor(speaker_id, name, role), *dated, article_id, article, Code(code, label), quote, said_kind,
            medium, medium_detail, summary, Related(targets.get(pk, ())),
        )  # fmt: skip
    return found


def entries(page: list[Key]) -> list[Entry]:
    """The timeline's entries of a slice of keys (events/api/timeline.py's entries(), as rows): at
    most five queries, as there: events, participants, sources, statements, targets."""
    wanted = {kind: [key.id for key in page if key.kind == kind] for kind in (EVENT, STATEMENT)}
    rows = {
        EVENT: _events(wanted[EVENT]) if wanted[EVENT] else {},
        STATEMENT: _statements(wanted[STATEMENT]) if wanted[STATEMENT] else {},
    }
    return [Entry(key.kind, rows[key.kind][key.id]) for key in page if key.id in rows[key.kind]]
