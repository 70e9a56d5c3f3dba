"""Bulk loads: COPY on PostgreSQL (secondary indexes and foreign keys set aside and rebuilt),
executemany on SQLite. save() is skipped, so everything it derives is derived by the writer."""

from __future__ import annotations

import datetime as dt
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from django.core.management.color import no_style
from django.db import connection, transaction

from events.models import (
    Actor,
    ActorAlias,
    Article,
    DayCount,
    Event,
    ReactionCount,
    Statement,
)
from scale.corpus.writer import MODELS, ROWS, Batch

# The columns a load stamps with its time: every model's timestamps, and an article's import time.
STAMPS = ("created_at", "updated_at", "imported_at")


class BulkLoader:
    """Writes a Batch: COPY on PostgreSQL, executemany on SQLite, on Django's connection.

    The rows carry the columns of ROWS; each model's other columns get what bulk_create would
    have given them, computed once: the timestamps (STAMPS) get `now`, the rest their field
    default (prepared for the database by the field, as bulk_create does). An article's
    drafted_at stays empty: no importer drafted a synthetic text.
    """

    def __init__(self, now: dt.datetime):
        connection.ensure_connection()
        self.raw = connection.connection  # psycopg or sqlite3 connection: no per-row ORM work
        self.tables = []
        for name, model in MODELS.items():
            fields = {f.attname: f for f in model._meta.concrete_fields}
            rest = [f for f in model._meta.concrete_fields if f.attname not in ROWS[name] and not f.primary_key]
            tail = tuple(f.get_db_prep_save(now if f.attname in STAMPS else f.get_default(), connection) for f in rest)
            columns = ", ".join(connection.ops.quote_name(fields[n].column) for n in ROWS[name]) + "".join(
                f", {connection.ops.quote_name(f.column)}" for f in rest
            )
            self.tables.append((name, connection.ops.quote_name(model._meta.db_table), columns, tail))

    def write(self, batch: Batch) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Every batch given to write() is in the database once this returns."""


class PostgresLoader(BulkLoader):
    """COPY in a thread of its own, so the next batch is drawn while the database takes this one.

    The database side (span triggers, unique keys, full-text indexes) costs more than drawing
    the rows; with the two overlapped the load takes about as long as the slower of them.
    Django's connection is used by the copying thread only, until `close()`; at most two
    batches wait in the queue, so memory stays flat.
    """

    def __init__(self, now: dt.datetime):
        super().__init__(now)
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._copy_batches, name="generate_corpus COPY", daemon=True)
        self.thread.start()

    def write(self, batch: Batch) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(batch)

    def close(self) -> None:
        """Wait for the queued batches; raises what the copying thread failed with."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _copy_batches(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain, so that write() and close() never wait on a dead thread
            try:
                self._copy(batch)
            except BaseException as error:  # handed to the main thread
                self.error = error

    def _copy(self, batch: Batch) -> None:
        with self.raw.cursor() as cursor:
            for name, table, columns, tail in self.tables:
                rows = getattr(batch, name)
                if not rows:
                    continue
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    write = copy.write_row
                    for row in rows:
                        write(row + tail)


class SqliteLoader(BulkLoader):
    def write(self, batch: Batch) -> None:
        with transaction.atomic():
            for name, table, columns, tail in self.tables:
                rows = getattr(batch, name)
                if rows:
                    marks = ", ".join("?" * (len(rows[0]) + len(tail)))
                    self.raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", [r + tail for r in rows])


@contextmanager
def bulk_load(now: dt.datetime, stage: Callable[[str], None]) -> Iterator[BulkLoader]:
    """The loader for this database, with the database set up for a bulk load and restored after.

    PostgreSQL: the whole load is one transaction. Inside it the secondary B-tree indexes
    and the foreign keys of the bulk-loaded tables are set aside (dropped) and, after the
    last row, created again from their own definitions (pg_get_indexdef,
    pg_get_constraintdef): one sort per index instead of one insertion per row, and one join
    per foreign key (which checks every row, as the per-row checks would have) instead of one
    lookup per row. Unique and primary keys, CHECK constraints and the span triggers stay in
    place and check every row as it arrives. The GIN full-text indexes stay too: their cost
    is to_tsvector over each text, the same whether built after or kept during the load, and
    during the load it overlaps with drawing the rows. The DROP is transactional: if the
    load fails or is interrupted, everything rolls back, the indexes and foreign keys
    included, and the tables are as they were. The transaction holds exclusive locks on
    these tables until it ends: run it on a database of its own.

    SQLite: one transaction per batch, with synchronous=OFF and a larger page cache for the
    load (a crash can lose the last batches of a corpus that is regenerated at will, and
    the settings are restored after).
    """
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Commit without waiting for the WAL flush (this transaction only), and sort the
                # rebuilt indexes in memory.
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                # A foreign key cannot be dropped while checks of it are pending (rows written
                # earlier in an enclosing transaction: a dry run, a test): run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                indexes, foreign_keys = _set_aside(cursor)
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares them
            stage(f"set aside {len(indexes)} indexes and {len(foreign_keys)} foreign keys until the rows are in")
            loader = PostgresLoader(now)
            try:
                yield loader
            except BaseException:
                with suppress(BaseException):  # the error being raised is the one to report
                    loader.close()
                raise
            loader.close()
            stage(f"rebuilding {len(indexes)} indexes and {len(foreign_keys)} foreign keys")
            with connection.cursor() as cursor:
                for _, definition in indexes:
                    cursor.execute(definition)
                for table, name, definition in foreign_keys:
                    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    elif connection.vendor == "sqlite":
        if connection.in_atomic_block:  # a dry run or a test: SQLite refuses the pragma in a transaction
            yield SqliteLoader(now)
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            synchronous = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size")
            cache_size = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
        try:
            yield SqliteLoader(now)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
    else:
        raise NotImplementedError(f"generate_corpus has no bulk loader for {connection.vendor}")


def _set_aside(cursor) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Drop the secondary indexes and foreign keys of the bulk tables; returns how to recreate them.

    Only B-tree indexes that enforce nothing: not primary, not unique, backing no constraint.
    Names and tables come back quoted, ready for SQL.
    """
    tables = [model._meta.db_table for model in MODELS.values()]
    cursor.execute(
        """
        SELECT quote_ident(ic.relname), pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE c.relname = ANY(%s) AND pg_table_is_visible(c.oid)
          AND NOT i.indisprimary AND NOT i.indisunique AND ic.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        ORDER BY ic.relname
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        """
        SELECT quote_ident(c.relname), quote_ident(k.conname), pg_get_constraintdef(k.oid)
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        WHERE k.contype = 'f' AND c.relname = ANY(%s) AND pg_table_is_visible(c.oid)
        ORDER BY c.relname, k.conname
        """,
        [tables],
    )
    foreign_keys = cursor.fetchall()
    for table, name, _ in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return indexes, foreign_keys


def after_bulk_load() -> None:
    """Sequences past the ids assigned here (PostgreSQL), and fresh planner statistics."""
    tables = [m._meta.db_table for m in (Actor, ActorAlias, DayCount, ReactionCount, *MODELS.values())]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Actor, Article, Event, Statement]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            # After millions of inserts the planner's row estimates are stale until autovacuum
            # gets round to it; VACUUM also fills the visibility map that index-only scans need.
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{verb} {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
