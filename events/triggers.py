"""Database triggers for the invariants a CHECK constraint cannot express.

A span (Statement, EventSource) must cut exactly its quote out of its article's body,
and an article's body may not change once spans point into it. CHECK constraints only
see one row, so these are triggers, written for each supported database.

SQLite drops a table's triggers when a migration rebuilds the table (ALTER TABLE there
is "create new, copy, drop old, rename"), and refuses the rename while another trigger
names the missing table. So the triggers are removed before every `migrate` and
installed again after it (EventsConfig.ready connects `remove`/`install` to
pre_migrate/post_migrate, the latter once migration 0002 is applied).

Each event's most precise placing (EventPlace.best, issue 17: what the map groups by and the
exports show) is kept here too, by triggers after each placing is inserted, deleted, or moved to
another event or precision: they mark again the placings of the event(s) concerned, writing only
the rows whose mark changes (the UPDATE of `best` itself fires nothing: the update trigger is on
event_id and precision only). On PostgreSQL the event's row is locked first (FOR NO KEY UPDATE,
which a placing's foreign key check does not wait for), so two transactions placing one event
mark it one after the other. Installed once the column exists (migration 0020).
"""

SPAN_TABLES = ("events_statement", "events_eventsource")

SQLITE_SPAN = """
CREATE TRIGGER {table}_span_in_body_{op}
BEFORE {event} ON {table}
WHEN NEW."end" > (SELECT length(body) FROM events_article WHERE id = NEW.article_id)
  OR substr((SELECT body FROM events_article WHERE id = NEW.article_id), NEW.start + 1, NEW."end" - NEW.start)
     IS NOT NEW.quote
BEGIN
  SELECT RAISE(ABORT, '{table}_span_in_body: the span does not cut the quote out of the article body');
END;
"""

SQLITE_BODY = """
CREATE TRIGGER events_article_body_frozen
BEFORE UPDATE OF body ON events_article
WHEN OLD.body IS NOT NEW.body AND (
  EXISTS (SELECT 1 FROM events_statement WHERE article_id = OLD.id)
  OR EXISTS (SELECT 1 FROM events_eventsource WHERE article_id = OLD.id))
BEGIN
  SELECT RAISE(ABORT, 'events_article_body_frozen: spans point into this article body');
END;
"""

POSTGRES_FUNCTIONS = """
CREATE OR REPLACE FUNCTION events_check_span() RETURNS trigger AS $$
DECLARE
  article_body text;
BEGIN
  SELECT body INTO article_body FROM events_article WHERE id = NEW.article_id;
  IF NEW."end" > char_length(article_body)
     OR substr(article_body, NEW.start + 1, NEW."end" - NEW.start) IS DISTINCT FROM NEW.quote THEN
    RAISE EXCEPTION USING
      ERRCODE = 'check_violation',
      MESSAGE = TG_TABLE_NAME || '_span_in_body: the span does not cut the quote out of the article body';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION events_check_article_body() RETURNS trigger AS $$
BEGIN
  IF OLD.body IS DISTINCT FROM NEW.body AND (
       EXISTS (SELECT 1 FROM events_statement WHERE article_id = OLD.id)
       OR EXISTS (SELECT 1 FROM events_eventsource WHERE article_id = OLD.id)) THEN
    RAISE EXCEPTION USING
      ERRCODE = 'check_violation',
      MESSAGE = 'events_article_body_frozen: spans point into this article body';
  END IF;
  RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_article_body_frozen BEFORE UPDATE OF body ON events_article
  FOR EACH ROW EXECUTE FUNCTION events_check_article_body();
"""

POSTGRES_SPAN = """
CREATE TRIGGER {table}_span_in_body BEFORE INSERT OR UPDATE ON {table}
  FOR EACH ROW EXECUTE FUNCTION events_check_span();
"""


# EventPlace.Precision's values, most precise first (this room may not import the models;
# test_place_best.py checks that the two agree).
PRECISIONS = ("exact", "near", "region", "country")

# The best placing of the event `{event}`: the first by precision (the order of
# EventPlace.Precision), then by id (the first made).
BEST_OF = """(SELECT p.id FROM events_eventplace p WHERE p.event_id = {event}
  ORDER BY CASE p.precision {ranks} ELSE {last} END, p.id LIMIT 1)"""

MARK_BEST = """
UPDATE events_eventplace SET best = false WHERE event_id = {event} AND best AND id <> {best};
UPDATE events_eventplace SET best = true WHERE id = {best} AND NOT best;
"""

SQLITE_BEST = """
CREATE TRIGGER events_eventplace_best_{op}
AFTER {event} ON events_eventplace
BEGIN
{body}
END;
"""

POSTGRES_BEST = """
CREATE OR REPLACE FUNCTION events_mark_best(placed_event bigint) RETURNS void AS $$
BEGIN
  PERFORM 1 FROM events_event WHERE id = placed_event FOR NO KEY UPDATE;
  {mark}
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION events_eventplace_best() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM events_mark_best(OLD.event_id);
  END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.event_id IS DISTINCT FROM OLD.event_id) THEN
    PERFORM events_mark_best(NEW.event_id);
  END IF;
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER events_eventplace_best AFTER INSERT OR DELETE OR UPDATE OF event_id, precision
  ON events_eventplace FOR EACH ROW EXECUTE FUNCTION events_eventplace_best();
"""


def _mark_best(event: str) -> str:
    ranks = " ".join(f"WHEN '{value}' THEN {rank}" for rank, value in enumerate(PRECISIONS))
    best = BEST_OF.format(event=event, ranks=ranks, last=len(PRECISIONS))
    return MARK_BEST.format(event=event, best=best).strip()


def _best_statements(schema_editor) -> list[str]:
    """The best-placing triggers, once migration 0020 has added the column (else none)."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "events_eventplace" not in tables:
            return []
        columns = {c.name for c in connection.introspection.get_table_description(cursor, "events_eventplace")}
    if "best" not in columns:
        return []
    if connection.vendor == "postgresql":
        return [POSTGRES_BEST.replace("{mark}", _mark_best("placed_event"))]
    old, new = _mark_best("OLD.event_id"), _mark_best("NEW.event_id")
    return [
        SQLITE_BEST.format(op="insert", event="INSERT", body=new),
        SQLITE_BEST.format(op="delete", event="DELETE", body=old),
        SQLITE_BEST.format(op="update", event="UPDATE OF event_id, precision", body=f"{old}\n{new}"),
    ]


def install(schema_editor) -> None:
    """Create every trigger, replacing any that exists (idempotent)."""
    remove(schema_editor)
    vendor = schema_editor.connection.vendor
    statements = []
    if vendor == "sqlite":
        for table in SPAN_TABLES:
            statements.append(SQLITE_SPAN.format(table=table, op="insert", event="INSERT"))
            statements.append(
                SQLITE_SPAN.format(table=table, op="update", event='UPDATE OF article_id, start, "end", quote')
            )
        statements.append(SQLITE_BODY)
    elif vendor == "postgresql":
        statements.append(POSTGRES_FUNCTIONS)
        statements.extend(POSTGRES_SPAN.format(table=table) for table in SPAN_TABLES)
    else:
        raise NotImplementedError(f"conflictdb has no span triggers for {vendor}; add them before using it")
    statements += _best_statements(schema_editor)
    for sql in statements:
        schema_editor.execute(sql)


def remove(schema_editor) -> None:
    """Drop every trigger that exists (idempotent; tables that do not exist yet are skipped)."""
    vendor = schema_editor.connection.vendor
    tables = set(schema_editor.connection.introspection.table_names())
    names = [f"{table}_span_in_body{suffix}" for table in SPAN_TABLES for suffix in ("_insert", "_update")]
    if vendor == "sqlite":
        best = [f"events_eventplace_best_{op}" for op in ("insert", "delete", "update")]
        for name in [*names, "events_article_body_frozen", *best]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif vendor == "postgresql":
        for table in SPAN_TABLES:
            if table in tables:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_span_in_body ON {table}")
        if "events_article" in tables:
            schema_editor.execute("DROP TRIGGER IF EXISTS events_article_body_frozen ON events_article")
        if "events_eventplace" in tables:
            schema_editor.execute("DROP TRIGGER IF EXISTS events_eventplace_best ON events_eventplace")
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS events_check_span(); DROP FUNCTION IF EXISTS events_check_article_body(); "
            "DROP FUNCTION IF EXISTS events_eventplace_best(); DROP FUNCTION IF EXISTS events_mark_best(bigint);"
        )
