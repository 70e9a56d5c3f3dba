"""Counts kept by database triggers: the timeline's per day (DayCount), the reactions page's (ReactionCount).

The timeline page's chart, result line and band totals count the records that match its
filters. Filtered by an actor who is in a large share of the records, that count tests
every record of the escalation ("involving" is an OR across a record and its participant
or target rows, which no index answers): seconds at 10^6 events. So the database keeps,
for each kind of record, escalation, period (date_from, date_to) and actor, how many
records there are: `actor_id` 0 counts every record, any other id the records that
involve that actor (an event's participants in any role; a statement's speaker and its
targets), each record once per actor however many roles or target rows name the actor.
DayCount.objects.grouped() reads it when the filters are only escalation, one actor and
a date range; any other filter counts live rows.

Each count is kept per review status too (`review_status`, the record's own): a reader sees
the verified records only and a curator every status ("public means verified",
events/visibility.py), so a page reads the rows of one status, or sums them all for "any".
A record whose status changes (verify, reject) moves from one status's count to the other's:
the update triggers watch `review_status` as they watch the dates and the escalation.

A count is the sum of its key's rows. The triggers only ever insert rows (+1 or -1), never
update one: every new statement of a day would otherwise update that day's "every record"
row, so two transactions writing records of one day would wait for each other, and on
PostgreSQL a transaction writing thousands of them (an import) would leave a chain of
thousands of versions of that row to walk at every write. compact() folds a key's rows
into one (`merged`); import_seeds runs it after its files, `manage.py recount --compact`
whenever wanted; the rows written since the last compaction have an index of their own.

Sentinels instead of NULL, so that a key compares with `=` (an index range): escalation_id
0 for a record without escalation, date 0001-01-01 (UNDATED) for a statement without a date.

The triggers are the same SQL on SQLite and PostgreSQL (an INSERT ... SELECT per change),
run after each row of events, participants, statements and statement targets is inserted,
deleted or updated (the columns a count depends on only). Each trigger counts only its
own row's part, so the result does not depend on the order rows are written in: a
participant or target whose record is gone counts nothing (its record's delete took it
off), and a record's insert or delete counts the participants or targets that exist at
that moment.

The reactions page counts statements per speaker, escalation and CAMEO family (the code's
first two digits, or 112 for an accusation): ReactionCount, kept the same way (rows added,
folded by compact(), counted again by rebuild(), compared by differences()) by row triggers
on events_statement alone, since its key is three columns of that table (speaker_id,
escalation_id, cameo_id). Each table is a _Summary below; the functions take them all
unless told which.

Like the span triggers (events/triggers.py), they are removed before `migrate` and
installed again after (SQLite drops a table's triggers when a migration rebuilds it). A
migration that changes rows of these tables must therefore call rebuild() after it.
generate_corpus removes them for its bulk load and rebuilds the table once at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import NamedTuple

from django.db import DatabaseError, transaction

EVENT, STATEMENT = 0, 1
NO_ESCALATION = 0
EVERY_RECORD = 0
UNDATED = "0001-01-01"

TABLE = "events_daycount"
KEY = "actor_id, escalation_id, date_from, date_to, kind, review_status"
COLUMNS = "kind, escalation_id, actor_id, date_from, date_to, review_status, n, merged"

REACTION_TABLE = "events_reactioncount"
# A statement's CAMEO family, of its code column: what the reactions page's cells count by.
FAMILY = "CASE WHEN substr({code}, 1, 3) = '112' THEN '112' ELSE substr({code}, 1, 2) END"
# The family of a speaker's total (escalation 0): every statement, whatever its escalation and
# code. The page chooses its busiest speakers by it: one row a speaker to read (a partial index)
# instead of all of them (392,242 rows at 10^6 statements: 60-100 ms on PostgreSQL).
EVERY_FAMILY = ""
# The statements counted: those with a speaker. A draft waiting for a curator to choose its
# speaker ("speaker needed") is on no public page, so no count holds it; choosing the speaker
# (an UPDATE of speaker_id) counts it then, with its targets. A target row of a statement
# without a speaker counts nothing either: `r.speaker_id <> actor` is NULL there.
ATTRIBUTED = "{r}.speaker_id IS NOT NULL"


def _add(kind: int, record: str, where: str, actors: str, sign: str) -> str:
    """SQL adding `sign`1 to the count of each actor of `actors` for the record `record` (alias r).

    `actors` is a SELECT of distinct `actor_id`s; nothing is written when it or the record
    has no row.
    """
    return f"""
    INSERT INTO {TABLE} ({COLUMNS})
    SELECT {kind}, COALESCE(r.escalation_id, {NO_ESCALATION}), m.actor_id,
           COALESCE(r.date_from, '{UNDATED}'), COALESCE(r.date_to, '{UNDATED}'), r.review_status, {sign}1, false
    FROM {record} AS r, ({actors}) AS m
    WHERE {where};"""


def _row(ref: str) -> str:
    """The record columns of a trigger's own row (NEW or OLD)."""
    return (
        f"(SELECT {ref}.escalation_id AS escalation_id, {ref}.date_from AS date_from, {ref}.date_to AS date_to, "
        f"{ref}.review_status AS review_status)"
    )


def _event_actors(ref: str) -> str:
    return (
        f"SELECT {EVERY_RECORD} AS actor_id UNION "
        f"SELECT p.actor_id FROM events_eventparticipant p WHERE p.event_id = {ref}.id"
    )


def _statement_actors(ref: str) -> str:
    return (
        f"SELECT {EVERY_RECORD} AS actor_id UNION SELECT {ref}.speaker_id UNION "
        f"SELECT t.actor_id FROM events_statement_targets t WHERE t.statement_id = {ref}.id"
    )


def _reaction(ref: str, sign: str) -> str:
    """SQL adding `sign`1 to the reactions counts of the statement `ref` (NEW or OLD), and to its
    speaker's total; nothing for a statement without a speaker (ATTRIBUTED)."""
    return f"""
    INSERT INTO {REACTION_TABLE} (speaker_id, escalation_id, family, review_status, n, merged)
    SELECT {ref}.speaker_id, COALESCE({ref}.escalation_id, {NO_ESCALATION}), {FAMILY.format(code=f"{ref}.cameo_id")},
           {ref}.review_status, {sign}1, false
    WHERE {ATTRIBUTED.format(r=ref)}
    UNION ALL
    SELECT {ref}.speaker_id, {NO_ESCALATION}, '{EVERY_FAMILY}', {ref}.review_status, {sign}1, false
    WHERE {ATTRIBUTED.format(r=ref)};"""


class _Link(NamedTuple):
    """A table of rows linking actors to records, counted as the record's actors."""

    table: str
    record: str  # its column naming the record
    parent: str  # the record's table
    kind: int
    also: str = ""  # what else a row must satisfy to count, of the record `r` and the row's {actor}


_LINKS = (
    _Link("events_eventparticipant", "event_id", "events_event", EVENT),
    # A speaker's statement counts for the speaker already: a target row naming the speaker adds nothing.
    _Link("events_statement_targets", "statement_id", "events_statement", STATEMENT, "r.speaker_id <> {actor}"),
)


def _sqlite_link(link: _Link, ref: str, sign: str) -> str:
    """A link row counts its actor for its record unless another row of the record names the actor.

    On SQLite, whose row triggers run as each row is written: a row's trigger sees the rows
    its statement wrote before it and none after.
    """
    others = f" AND x.id <> {ref}.id" if sign == "+" else ""
    actors = (
        f"SELECT {ref}.actor_id AS actor_id WHERE NOT EXISTS (SELECT 1 FROM {link.table} x "
        f"WHERE x.{link.record} = {ref}.{link.record} AND x.actor_id = {ref}.actor_id{others})"
    )
    where = f"r.id = {ref}.{link.record}"
    if link.also:
        where += f" AND {link.also.format(actor=f'{ref}.actor_id')}"
    return _add(link.kind, link.parent, where, actors, sign)


# (table, trigger name, columns an UPDATE must touch to change a count, the per-row SQL for the
# old row, for the new row): DayCount's, then ReactionCount's.
_RECORDS = (
    (
        "events_event",
        "daycount",
        ("escalation_id", "date_from", "date_to", "review_status"),
        _add(EVENT, _row("OLD"), "true", _event_actors("OLD"), "-"),
        _add(EVENT, _row("NEW"), "true", _event_actors("NEW"), "+"),
    ),
    (
        "events_statement",
        "daycount",
        ("escalation_id", "date_from", "date_to", "speaker_id", "review_status"),
        _add(STATEMENT, _row("OLD"), ATTRIBUTED.format(r="OLD"), _statement_actors("OLD"), "-"),
        _add(STATEMENT, _row("NEW"), ATTRIBUTED.format(r="NEW"), _statement_actors("NEW"), "+"),
    ),
)
_REACTION_RECORDS = (
    (
        "events_statement",
        "reactioncount",
        ("speaker_id", "escalation_id", "cameo_id", "review_status"),
        _reaction("OLD", "-"),
        _reaction("NEW", "+"),
    ),
)


def _sqlite_link_records(link: _Link) -> tuple:
    """A link table's row triggers on SQLite: a _RECORDS entry with the columns of a link row."""
    return (
        link.table,
        "daycount",
        (link.record, "actor_id"),
        _sqlite_link(link, "OLD", "-"),
        _sqlite_link(link, "NEW", "+"),
    )


SQLITE_TRIGGERS = (
    "CREATE TRIGGER {table}_{name}_insert AFTER INSERT ON {table} BEGIN {new} END",
    "CREATE TRIGGER {table}_{name}_delete AFTER DELETE ON {table} BEGIN {old} END",
    "CREATE TRIGGER {table}_{name}_update AFTER UPDATE OF {columns} ON {table} WHEN {changed} BEGIN {old} {new} END",
)

POSTGRES_TRIGGERS = """
CREATE OR REPLACE FUNCTION {table}_{name}() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NOT ({changed}) THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {old}
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN {new}
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER {table}_{name} AFTER INSERT OR DELETE OR UPDATE OF {columns} ON {table}
  FOR EACH ROW EXECUTE FUNCTION {table}_{name}();
"""

# The link rows on PostgreSQL: its row triggers run after the whole statement, each seeing
# every row the statement wrote, so two rows of one statement naming the same actor in
# one event (two roles, as bulk_create writes them) would each count or each uncount. One
# trigger per statement instead, over its transition tables: for each (record, actor) pair
# the statement touched, 1 if a row names the pair after the statement, minus 1 if one did
# before (a row among the old ones, or a row now there that the statement did not write).
# PostgreSQL takes transition tables only on a trigger of one event with no column list.
POSTGRES_LINK_TRIGGER = """
CREATE OR REPLACE FUNCTION {table}_daycount_{op}() RETURNS trigger AS $$
BEGIN
  INSERT INTO {count_table} ({columns})
  SELECT {kind}, COALESCE(r.escalation_id, {no_escalation}), c.actor_id,
         COALESCE(r.date_from, '{undated}'), COALESCE(r.date_to, '{undated}'), r.review_status, SUM(c.d), false
  FROM (
    SELECT p.record_id, p.actor_id,
      (EXISTS (SELECT 1 FROM {table} x WHERE x.{record} = p.record_id AND x.actor_id = p.actor_id))::int
      - ({was})::int AS d
    FROM ({pairs}) AS p
  ) AS c JOIN {parent} AS r ON r.id = c.record_id{extra}
  WHERE c.d <> 0
  GROUP BY COALESCE(r.escalation_id, {no_escalation}), c.actor_id, COALESCE(r.date_from, '{undated}'),
           COALESCE(r.date_to, '{undated}'), r.review_status;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER {table}_daycount_{op} AFTER {event} ON {table} REFERENCING {transitions}
  FOR EACH STATEMENT EXECUTE FUNCTION {table}_daycount_{op}();
"""


def _postgres_link_triggers(link: _Link) -> list[str]:
    table, record = link.table, link.record
    extra = f" AND {link.also.format(actor='c.actor_id')}" if link.also else ""

    def pairs(rows: str) -> str:
        return f"SELECT DISTINCT {record} AS record_id, actor_id FROM {rows}"

    def written_before(rows: str) -> str:
        return f"EXISTS (SELECT 1 FROM {rows} o WHERE o.{record} = p.record_id AND o.actor_id = p.actor_id)"

    not_written = (
        f"EXISTS (SELECT 1 FROM {table} x WHERE x.{record} = p.record_id AND x.actor_id = p.actor_id "
        f"AND x.id NOT IN (SELECT id FROM new_rows))"
    )
    ops = (
        ("insert", "INSERT", "NEW TABLE AS new_rows", pairs("new_rows"), not_written),
        ("delete", "DELETE", "OLD TABLE AS old_rows", pairs("old_rows"), "true"),
        (
            "update",
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
            f"{pairs('old_rows')} UNION {pairs('new_rows')}",
            f"{written_before('old_rows')} OR {not_written}",
        ),
    )
    return [
        POSTGRES_LINK_TRIGGER.format(
            table=table,
            op=op,
            event=event,
            transitions=transitions,
            pairs=pairs_sql,
            was=was,
            record=record,
            parent=link.parent,
            kind=link.kind,
            extra=extra,
            count_table=TABLE,
            columns=COLUMNS,
            no_escalation=NO_ESCALATION,
            undated=UNDATED,
        )  # fmt: skip
        for op, event, transitions, pairs_sql, was in ops
    ]


# Every record and every (record, actor) pair, as the triggers count them: what rebuild() writes.
COUNTED = f"""
SELECT {EVENT}, COALESCE(r.escalation_id, {NO_ESCALATION}), m.actor_id, r.date_from, r.date_to, r.review_status,
       COUNT(*)
FROM events_event r JOIN (
  SELECT id AS record_id, {EVERY_RECORD} AS actor_id FROM events_event
  UNION SELECT event_id, actor_id FROM events_eventparticipant
) AS m ON m.record_id = r.id
GROUP BY COALESCE(r.escalation_id, {NO_ESCALATION}), m.actor_id, r.date_from, r.date_to, r.review_status
UNION ALL
SELECT {STATEMENT}, COALESCE(r.escalation_id, {NO_ESCALATION}), m.actor_id,
       COALESCE(r.date_from, '{UNDATED}'), COALESCE(r.date_to, '{UNDATED}'), r.review_status, COUNT(*)
FROM events_statement r JOIN (
  SELECT id AS record_id, {EVERY_RECORD} AS actor_id FROM events_statement
  UNION SELECT id, speaker_id FROM events_statement
  UNION SELECT statement_id, actor_id FROM events_statement_targets
) AS m ON m.record_id = r.id
WHERE {ATTRIBUTED.format(r="r")}
GROUP BY COALESCE(r.escalation_id, {NO_ESCALATION}), m.actor_id, COALESCE(r.date_from, '{UNDATED}'),
         COALESCE(r.date_to, '{UNDATED}'), r.review_status
"""


# Every statement, as the reactions triggers count it.
COUNTED_REACTIONS = f"""
SELECT speaker_id, COALESCE(escalation_id, {NO_ESCALATION}), {FAMILY.format(code="cameo_id")}, review_status, COUNT(*)
FROM events_statement WHERE {ATTRIBUTED.format(r="events_statement")}
GROUP BY 1, 2, 3, 4
UNION ALL
SELECT speaker_id, {NO_ESCALATION}, '{EVERY_FAMILY}', review_status, COUNT(*)
FROM events_statement WHERE {ATTRIBUTED.format(r="events_statement")} GROUP BY 1, 4
"""


class _Summary(NamedTuple):
    """A table of counts kept by triggers: rows (+n or -n) whose sum is the count of their key."""

    table: str
    migration: str  # the migration that creates it: its triggers exist once it is applied
    values: str  # the columns of a row but n and merged, in `counted`'s order
    key: str  # the same columns in its index's order
    counted: str  # a SELECT of `values` and the count, from the records: what the triggers keep
    records: tuple  # its row triggers: _RECORDS entries
    links: tuple[_Link, ...] = ()  # its link tables


# Their triggers exist once 0021 is applied: the tables have had their review status since.
DAY_COUNTS = _Summary(
    TABLE, "0021_counts_by_review_status", COLUMNS.removesuffix(", n, merged"), KEY, COUNTED, _RECORDS, _LINKS
)
REACTION_COUNTS = _Summary(
    REACTION_TABLE,
    "0021_counts_by_review_status",
    "speaker_id, escalation_id, family, review_status",
    "speaker_id, escalation_id, family, review_status",
    COUNTED_REACTIONS,
    _REACTION_RECORDS,
)
SUMMARIES = (DAY_COUNTS, REACTION_COUNTS)


def _changed(columns: tuple[str, ...], vendor: str) -> str:
    differ = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
    return " OR ".join(f"OLD.{column} {differ} NEW.{column}" for column in columns)


def install(connection, summaries: tuple[_Summary, ...] = SUMMARIES) -> None:
    """Create the counting triggers of `summaries`, replacing any that exist (idempotent)."""
    remove(connection)
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"conflictdb has no counting triggers for {vendor}; add them before using it")
    statements = []
    for summary in summaries:
        links = tuple(_sqlite_link_records(link) for link in summary.links) if vendor == "sqlite" else ()
        for table, name, columns, old, new in summary.records + links:
            changed = _changed(columns, vendor)
            for template in SQLITE_TRIGGERS if vendor == "sqlite" else (POSTGRES_TRIGGERS,):
                statements.append(
                    template.format(
                        table=table, name=name, columns=", ".join(columns), changed=changed, old=old, new=new
                    )
                )
        if vendor == "postgresql":
            for link in summary.links:
                statements += _postgres_link_triggers(link)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def remove(connection) -> None:
    """Drop the counting triggers that exist (idempotent)."""
    tables = set(connection.introspection.table_names())
    named = {(table, name) for summary in SUMMARIES for table, name, *_ in summary.records}
    named |= {(link.table, "daycount") for summary in SUMMARIES for link in summary.links}
    with connection.cursor() as cursor:
        for table, trigger in sorted(named):
            names = [f"{table}_{trigger}_{op}" for op in ("insert", "delete", "update")]
            if connection.vendor == "sqlite":
                for name in names:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            elif connection.vendor == "postgresql":
                for name in (f"{table}_{trigger}", *names):
                    if table in tables:
                        cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                    cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")


def rebuild(cursor, summaries: tuple[_Summary, ...] = SUMMARIES) -> int:
    """Count every record again (each table emptied and refilled in one statement); returns the rows."""
    rows = 0
    for summary in summaries:
        cursor.execute(f"DELETE FROM {summary.table}")
        # In the index's order, so that one actor's rows are together in the table too.
        order = ", ".join(str(summary.values.split(", ").index(column) + 1) for column in summary.key.split(", "))
        cursor.execute(
            f"INSERT INTO {summary.table} ({summary.values}, n, merged) "
            f"SELECT c.*, true FROM ({summary.counted}) AS c ORDER BY {order}"
        )
        rows += cursor.rowcount
    return rows


def _unmerged_keys(summary: _Summary) -> str:
    """The keys with rows written since the last compaction (the table's `_unmerged` partial index)."""
    return f"SELECT DISTINCT {summary.key} FROM {summary.table} WHERE NOT merged"


def _postgres_compact(summary: _Summary) -> str:
    """PostgreSQL: one statement, so it takes exactly the rows it deletes (a row a concurrent
    transaction adds meanwhile stays, unmerged, for the next time), and two compactions at
    once each fold only the rows they deleted."""
    columns = summary.key.split(", ")
    return f"""
WITH gone AS (
  DELETE FROM {summary.table} d USING ({_unmerged_keys(summary)}) AS k
  WHERE ({", ".join(f"d.{c}" for c in columns)}) = ({", ".join(f"k.{c}" for c in columns)})
  RETURNING d.*
)
INSERT INTO {summary.table} ({summary.values}, n, merged)
SELECT {summary.values}, SUM(n), true FROM gone
GROUP BY {summary.key} HAVING SUM(n) <> 0
"""


def _sqlite_compact(summary: _Summary) -> tuple[str, ...]:
    """SQLite (one writer at a time; run in a transaction): the sums of those keys, then their rows replaced."""
    table, key, merge = summary.table, summary.key, f"{summary.table}_merge"
    return (
        f"CREATE TEMP TABLE {merge} AS SELECT {key}, SUM(n) AS n FROM {table} "
        f"WHERE ({key}) IN ({_unmerged_keys(summary)}) GROUP BY {key}",
        f"DELETE FROM {table} WHERE ({key}) IN (SELECT {key} FROM {merge})",
        f"INSERT INTO {table} ({summary.values}, n, merged) SELECT {summary.values}, n, true FROM {merge} WHERE n <> 0",
        f"DROP TABLE {merge}",
    )


def compact(connection) -> int:
    """Fold the rows of each key written to since the last time into one; returns the keys folded."""
    folded = 0
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for summary in SUMMARIES:
            if connection.vendor == "postgresql":
                cursor.execute(_postgres_compact(summary))
                folded += cursor.rowcount
                continue
            for sql in _sqlite_compact(summary):
                cursor.execute(sql)
                if sql.startswith("INSERT"):
                    folded += cursor.rowcount
    return folded


@contextmanager
def suspended(connection) -> Iterator[None]:
    """Rows written in this block are not counted one by one: the tables are counted again after it.

    For bulk loads (generate_corpus). After a failure too, the triggers are put back and the
    rows that stay (batches a loader committed) are counted, unless the failure broke the
    transaction: then its rollback, which the failure brings, puts the triggers back with the
    rows as they were.
    """
    remove(connection)
    try:
        yield
    except BaseException:
        with suppress(DatabaseError):
            recount(connection)
        raise
    recount(connection)


def recount(connection) -> int:
    """rebuild() and install(), both or neither (one transaction): the tables right from here on."""
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            rows = rebuild(cursor)
        install(connection)
    return rows


def differences(cursor, summaries: tuple[_Summary, ...] = SUMMARIES) -> list[tuple]:
    """Counts (table, key columns..., n) stored but not counted, or counted but not stored.

    Empty when the triggers have kept the tables right. A count is the sum of its key's
    rows; a count of 0 (a key whose records all went) is no difference. The key columns
    are each _Summary's `values`: DayCount's (kind, escalation, actor, date_from, date_to,
    review_status), ReactionCount's (speaker, escalation, family, review_status).
    """
    found = []
    for summary in summaries:
        stored = f"SELECT {summary.values}, SUM(n) FROM {summary.table} GROUP BY {summary.key} HAVING SUM(n) <> 0"
        counted = f"SELECT * FROM ({summary.counted}) AS c"
        cursor.execute(
            f"SELECT * FROM ({stored} EXCEPT {counted}) AS a UNION ALL SELECT * FROM ({counted} EXCEPT {stored}) AS b"
        )
        found += [(summary.table, *row) for row in cursor.fetchall()]
    return sorted(found)
