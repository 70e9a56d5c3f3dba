"""Database triggers for the invariants a CHECK constraint cannot express.

A span (Statement, EventSource) must cut exactly its quote out of its article's body,
and an article's body may not change once spans point into it. CHECK constraints only
see one row, so these are triggers, written for each supported database.

SQLite drops a table's triggers when a migration rebuilds the table (ALTER TABLE there
is "create new, copy, drop old, rename"), and refuses the rename while another trigger
names the missing table. So the triggers are removed before every `migrate` and
installed again after it (EventsConfig.ready connects `remove`/`install` to
pre_migrate/post_migrate, the latter once migration 0002 is applied).
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
    for sql in statements:
        schema_editor.execute(sql)


def remove(schema_editor) -> None:
    """Drop every trigger that exists (idempotent; tables that do not exist yet are skipped)."""
    vendor = schema_editor.connection.vendor
    tables = set(schema_editor.connection.introspection.table_names())
    names = [f"{table}_span_in_body{suffix}" for table in SPAN_TABLES for suffix in ("_insert", "_update")]
    if vendor == "sqlite":
        for name in [*names, "events_article_body_frozen"]:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif vendor == "postgresql":
        for table in SPAN_TABLES:
            if table in tables:
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_span_in_body ON {table}")
        if "events_article" in tables:
            schema_editor.execute("DROP TRIGGER IF EXISTS events_article_body_frozen ON events_article")
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS events_check_span(); DROP FUNCTION IF EXISTS events_check_article_body();"
        )
