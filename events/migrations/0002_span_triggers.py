"""The span triggers (SQL and reasons in events/triggers.py).

They are not created here but after every `migrate` (EventsConfig.ready connects
triggers.install to post_migrate once this migration is applied), because SQLite
drops them whenever a later migration rebuilds a table. Reversing this migration
removes them.
"""

from django.db import migrations

from events import triggers


def remove(apps, schema_editor):
    triggers.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(migrations.RunPython.noop, remove)]
