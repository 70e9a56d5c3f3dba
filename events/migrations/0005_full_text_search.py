"""Full-text search for events, statements and articles (events/search.py has the SQL and reasons).

PostgreSQL: a GIN index over each model's `to_tsvector('english', ...)` document.
SQLite: an FTS5 external-content table per model and the triggers that keep it in sync,
filled from the existing rows. EventsConfig.ready installs them again after every
`migrate` (SQLite drops a table's triggers when a later migration rebuilds the table).
"""

from django.db import migrations

from events import search


def install(apps, schema_editor):
    search.install(schema_editor)


def remove(apps, schema_editor):
    search.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("events", "0004_history")]

    operations = [migrations.RunPython(install, remove)]
