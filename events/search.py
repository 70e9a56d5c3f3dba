"""Full-text search with the same behaviour for the user on PostgreSQL and SQLite.

Each searchable model's QuerySet derives from `SearchQuerySet`, and `SEARCHABLE` names
its text columns; `Model.objects.search(text)` is the only entry point (the `q` filters
of events/filters.py call it). Everything vendor-specific is in this module.

- PostgreSQL: `to_tsvector('english', <columns>) @@ websearch_to_tsquery('english', <text>)`.
  The document expression is GIN-indexed (`<table>_search`), so the planner can answer
  the match from the index.
- SQLite: an FTS5 external-content table `<table>_fts` over the same columns (porter
  stemmer over the unicode61 tokenizer), kept in sync with the model's table by
  triggers, and queried with `id IN (SELECT rowid FROM <table>_fts WHERE ... MATCH ...)`.

How the user's text is read, on both databases (PostgreSQL's websearch syntax):

- every word is required: `ceasefire Russia` finds rows that contain both;
- `"quoted words"` must appear together, in this order;
- `or` between two words or quoted groups means either: `Sochi or Yerevan`;
- `-word` or `-"quoted words"` leaves out the rows that contain it;
- words are stemmed (English): `denounce` finds "denounced", `clash` finds "clashes";
- English stop words ("the", "of", "and"...) are ignored, as PostgreSQL's 'english'
  configuration ignores them; a text of nothing but stop words and punctuation has
  nothing to search for (`has_terms()` is false; the API answers 400);
- every other character is text, never syntax: quotes left open, colons, asterisks,
  parentheses, `AND`/`NEAR`, hyphens inside a word ("counter-terrorism" finds both
  "counter-terrorism" and "counter terrorism"). No prefix search (`azer*` is `azer`).
- accents count: "Cavusoglu" does not find "Çavuşoğlu" (PostgreSQL's 'english'
  configuration keeps diacritics, so the SQLite tokenizer is told to keep them too).

The one parse (`parse`) decides words, phrases, `or` and `-` for both databases; each
database then tokenizes and stems the words with the same rules it applied to the
stored text. Known, rare differences come from the two tokenizers: PostgreSQL keeps
"U.S." or "example.com" as one token and uses the Snowball ("Porter 2") stemmer where
FTS5 uses the original Porter stemmer.

SQLite drops a table's triggers when a migration rebuilds the table, so `install()`
runs after every `migrate` (EventsConfig.ready), once migration 0005 is applied; it is
idempotent and rebuilds the FTS index from the tables.

Bulk writers (import_seeds) wrap their work in `deferred_indexing()`: on SQLite the rows
they insert are indexed in one statement at the end of the block instead of one FTS5
segment per savepoint (see there); the index is complete when the block returns.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connections, models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

#: The PostgreSQL text search configuration (and so the language of stemming and stop words).
CONFIG = "english"

#: The searchable tables and their text columns: what the indexes cover and `.search()` matches.
SEARCHABLE = {
    "events_event": ("title", "summary", "location"),
    "events_statement": ("quote", "summary"),
    "events_article": ("title", "body"),
}

#: PostgreSQL's english.stop (share/tsearch_data), so SQLite ignores the same words.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her
    hers herself it its itself they them their theirs themselves what which who whom this that these
    those am is are was were be been being have has had having do does did doing a an the and but if
    or because as until while of at by for with about against between into through during before after
    above below to from up down in out on off over under again further then once here there when where
    why how all any both each few more most other some such no nor not only own same so than too very s
    t can will just don should now
    """.split()
)

#: The longest `q` accepted (a longer text is an error, 400): a bound on the work one query costs.
MAX_LENGTH = 500

_WORD = re.compile(r"[^\W_]+")
_INNER_HYPHEN = re.compile(r"(?<=[^\W_])-(?=[^\W_])")


# Reading the user's text ---------------------------------------------------------------------


@dataclass(frozen=True)
class Operand:
    """A word as typed ("counter-terrorism") or a quoted group of words, maybe negated."""

    text: str
    negated: bool = False

    @property
    def words(self) -> list[str]:
        """The letters-and-digits runs of the text, lower-cased, without the stop words at either end."""
        words = [word.lower() for word in _WORD.findall(self.text)]
        while words and words[0] in STOP_WORDS:
            words.pop(0)
        while words and words[-1] in STOP_WORDS:
            words.pop()
        return words


@dataclass
class SearchQuery:
    """The user's text read as websearch_to_tsquery reads it: OR of groups, each an AND of operands."""

    groups: list[list[Operand]] = field(default_factory=list)

    def has_terms(self) -> bool:
        return bool(self.groups)

    def to_websearch(self) -> str:
        """PostgreSQL: every operand quoted, so nothing in it is taken as syntax."""
        return " or ".join(" ".join(_websearch_operand(operand) for operand in group) for group in self.groups)

    def to_fts5(self) -> tuple[str, list[str]]:
        """SQLite: the MATCH expression of the groups that require a word (or ""), and for each
        group of nothing but exclusions the MATCH expression of the words it leaves out."""
        required_groups, exclusion_groups = [], []
        for group in self.groups:
            required = [_fts5_string(operand) for operand in group if not operand.negated]
            excluded = " OR ".join(_fts5_string(operand) for operand in group if operand.negated)
            if not required:
                exclusion_groups.append(excluded)
                continue
            expression = "(" + " AND ".join(required) + ")"
            if excluded:
                expression += f" NOT ({excluded})"
            required_groups.append(f"({expression})")
        return " OR ".join(required_groups), exclusion_groups


def _websearch_operand(operand: Operand) -> str:
    text = _INNER_HYPHEN.sub(" ", operand.text.replace('"', " "))
    return ("-" if operand.negated else "") + f'"{text}"'


def _fts5_string(operand: Operand) -> str:
    # Only letters and digits go in, so the string cannot hold a quote or an FTS5 operator.
    return '"' + " ".join(operand.words) + '"'


def parse(text: str) -> SearchQuery:
    """Read `text` with PostgreSQL's websearch rules (see the module docstring); never fails."""
    groups: list[list[Operand]] = [[]]
    negated = False
    expecting_operand = True
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        if (
            not expecting_operand
            and text[position : position + 2].lower() == "or"
            and (position + 2 == length or text[position + 2].isspace())
        ):
            groups.append([])
            position += 2
            expecting_operand = True
            continue
        if char == "-":
            negated = not negated if expecting_operand else True
            expecting_operand = True
            position += 1
            continue
        if char == '"':
            closing = text.find('"', position + 1)
            end = length if closing == -1 else closing
            value, position = text[position + 1 : end], end + 1
        else:
            end = position
            while end < length and not text[end].isspace() and text[end] != '"':
                end += 1
            value, position = text[position:end], end
        operand = Operand(value, negated)
        if operand.words:
            groups[-1].append(operand)
        negated = False
        expecting_operand = False
    return SearchQuery([group for group in groups if group])


# Querying ------------------------------------------------------------------------------------


class SearchQuerySet(models.QuerySet):
    """A QuerySet with `.search(text)` over the text columns SEARCHABLE names for its table."""

    @property
    def search_fields(self) -> tuple[str, ...]:
        return SEARCHABLE[self.model._meta.db_table]

    def search(self, text: str | SearchQuery):
        """Rows whose text columns match `text` (module docstring); none when it has no terms."""
        query = text if isinstance(text, SearchQuery) else parse(text)
        if not query.has_terms():
            return self.none()
        vendor = connections[self.db].vendor
        if vendor == "postgresql":
            return self._search_postgresql(query)
        if vendor == "sqlite":
            return self._search_sqlite(query)
        raise NotImplementedError(f"conflictdb has no full-text search for {vendor}")

    def _search_postgresql(self, query: SearchQuery):
        from django.contrib.postgres.search import SearchQuery as PgSearchQuery

        # The same expression as the GIN index (document_expression), so the index answers it.
        return self.alias(_search_document=document_expression(self.search_fields)).filter(
            _search_document=PgSearchQuery(query.to_websearch(), search_type="websearch", config=CONFIG)
        )

    def _search_sqlite(self, query: SearchQuery):
        table = f"{self.model._meta.db_table}_fts"
        matching = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608 (table names are ours)
        required, exclusion_groups = query.to_fts5()
        # OR of the groups: those with a required word in one MATCH, each exclusions-only
        # group ("-war") as the rows its words are not in.
        condition = Q(pk__in=RawSQL(matching, [required])) if required else Q()
        for excluded in exclusion_groups:
            condition |= ~Q(pk__in=RawSQL(matching, [excluded]))
        return self.filter(condition)


def document_expression(fields: tuple[str, ...]):
    """to_tsvector('english', coalesce(a, '') || ' ' || coalesce(b, '') ...): the indexed document."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector(*fields, config=CONFIG)


# Installing (migration 0005 and after every migrate) --------------------------------------------

SQLITE_FTS = """
CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(
  {columns}, content='{table}', content_rowid='id', tokenize='porter unicode61 remove_diacritics 0'
)
"""

# External content: the FTS table stores only the index, so each change to the table is
# told to it: 'delete' needs the old values, exactly as they were indexed.
SQLITE_TRIGGERS = """
CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN
  INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new});
END;
CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN
  INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old});
END;
CREATE TRIGGER {fts}_update AFTER UPDATE OF {columns} ON {table} BEGIN
  INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old});
  INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new});
END;
"""

TRIGGER_SUFFIXES = ("insert", "delete", "update")


def install(schema_editor) -> None:
    """Create the search indexes (PostgreSQL) or FTS tables and triggers (SQLite); idempotent."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
    for table, columns in SEARCHABLE.items():
        if table not in tables:
            continue
        if connection.vendor == "postgresql":
            _install_postgresql(schema_editor, table, columns)
        elif connection.vendor == "sqlite":
            _install_sqlite(schema_editor, table, columns)
        else:
            raise NotImplementedError(f"conflictdb has no full-text search for {connection.vendor}")


def remove(schema_editor) -> None:
    """Drop what install() created (the migration's reverse)."""
    connection = schema_editor.connection
    for table in SEARCHABLE:
        if connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search")
        elif connection.vendor == "sqlite":
            for suffix in TRIGGER_SUFFIXES:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}_fts")


def _install_postgresql(schema_editor, table: str, columns: tuple[str, ...]) -> None:
    from django.apps import apps
    from django.contrib.postgres.indexes import GinIndex

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    name = f"{table}_search"
    with schema_editor.connection.cursor() as cursor:
        existing = schema_editor.connection.introspection.get_constraints(cursor, table)
    if name not in existing:
        # Serves `.search()`: the planner matches this expression to the query's.
        schema_editor.add_index(model, GinIndex(document_expression(columns), name=name))


def _sqlite_names(table: str, columns: tuple[str, ...]) -> dict[str, str]:
    return {
        "fts": f"{table}_fts",
        "table": table,
        "columns": ", ".join(columns),
        "new": ", ".join(f"new.{column}" for column in columns),
        "old": ", ".join(f"old.{column}" for column in columns),
        "row": ", ".join(f"t.{column}" for column in columns),
    }


def _statements(sql: str) -> list[str]:
    """The CREATE TRIGGER statements of a template, one by one (each ends with END;)."""
    return [statement + "END;" for statement in sql.split("END;") if statement.strip()]


def _install_sqlite(schema_editor, table: str, columns: tuple[str, ...]) -> None:
    names = _sqlite_names(table, columns)
    fts = names["fts"]
    schema_editor.execute(SQLITE_FTS.format(**names))
    for suffix in TRIGGER_SUFFIXES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
    for statement in _statements(SQLITE_TRIGGERS.format(**names)):
        schema_editor.execute(statement)
    # Re-read every row: rows written while the triggers were missing get indexed too.
    schema_editor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


# Deferred indexing (SQLite bulk writes) --------------------------------------------------------

# FTS5 writes its pending terms out as a new index segment at every savepoint, so an import
# that writes each file in its own savepoint paid for 1,000 small segments and their merges
# (about 4 ms a file). Inside `deferred_indexing()` the triggers above are swapped, for this
# transaction only, for these: an inserted row is only noted in `search_pending`, and all of
# them are indexed in one INSERT ... SELECT when the block ends. A row indexed before the
# block is kept up to date on update and delete as usual; a pending row is not in the index
# yet, so its update or delete has nothing to take out (it is indexed as it stands at the end,
# if it still exists). A rolled-back savepoint takes its pending notes with it.
SQLITE_PENDING = "CREATE TEMP TABLE IF NOT EXISTS search_pending (tbl TEXT, id INTEGER, PRIMARY KEY (tbl, id))"
SQLITE_DEFERRED_TRIGGERS = """
CREATE TEMP TRIGGER {fts}_deferred_insert AFTER INSERT ON main.{table} BEGIN
  INSERT OR IGNORE INTO search_pending(tbl, id) VALUES ('{table}', new.id);
END;
CREATE TEMP TRIGGER {fts}_deferred_delete AFTER DELETE ON main.{table}
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = '{table}' AND id = old.id) BEGIN
  INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old});
END;
CREATE TEMP TRIGGER {fts}_deferred_update AFTER UPDATE OF {columns} ON main.{table}
WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE tbl = '{table}' AND id = old.id) BEGIN
  INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.id, {old});
  INSERT INTO {fts}(rowid, {columns}) VALUES (new.id, {new});
END;
"""
SQLITE_INDEX_PENDING = """
INSERT INTO {fts}(rowid, {columns})
SELECT t.id, {row} FROM main.{table} AS t JOIN search_pending AS p ON p.tbl = '{table}' AND p.id = t.id
"""


@contextmanager
def deferred_indexing(using: str = "default"):
    """Index the rows inserted in the block once, when it ends (SQLite; nothing to defer on
    PostgreSQL, whose GIN indexes have no per-savepoint cost). The block runs in a transaction
    (a savepoint inside one) on both databases, so other connections never see the swapped
    triggers, and an error rolls the whole block back."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        with transaction.atomic(using=using):
            yield
        return
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        existing = {name for (name,) in cursor.fetchall()}
        tables = {
            table: _sqlite_names(table, columns)
            for table, columns in SEARCHABLE.items()
            if all(f"{table}_fts_{suffix}" in existing for suffix in TRIGGER_SUFFIXES)
        }
        cursor.execute(SQLITE_PENDING)
        for names in tables.values():
            for suffix in TRIGGER_SUFFIXES:
                cursor.execute(f"DROP TRIGGER {names['fts']}_{suffix}")
            for statement in _statements(SQLITE_DEFERRED_TRIGGERS.format(**names)):
                cursor.execute(statement)
        try:
            yield
        finally:
            # Also on an error: the temporary triggers must not outlive the block, whatever
            # the caller's transaction does next (the rollback restores the permanent ones).
            for names in tables.values() if not connection.needs_rollback else ():
                for suffix in TRIGGER_SUFFIXES:
                    cursor.execute(f"DROP TRIGGER IF EXISTS temp.{names['fts']}_deferred_{suffix}")
        for names in tables.values():
            cursor.execute(SQLITE_INDEX_PENDING.format(**names))
            for statement in _statements(SQLITE_TRIGGERS.format(**names)):
                cursor.execute(statement)
        cursor.execute("DELETE FROM search_pending")
