"""The escalation indexes of events and statements gain the id (issue 6, bench/RESULTS.md).

(escalation, date_from) became (escalation, date_from, id): the timeline's keyset order
within an escalation is then the index order, so a page filtered by escalation and a
common actor starts inside the escalation and stops when the page is full. Measured at
10^6 events on PostgreSQL before: the events page walked events_event_timeline through
every other escalation (1.4 s of SQL for Azerbaijan, in 40% of events).

events_statement_reactions (speaker, escalation, cameo) became (speaker, escalation,
date_from, cameo): still the /reactions/ aggregate from the index alone, and now also a
speaker's statements in an escalation in date order (150 ms -> 18 ms of SQL at 10^6).

Actors get UPPER(slug) and UPPER(name) indexes for the case-insensitive actor lookup of
the `actor`/`speaker` filters (a scan of every actor before).

SQLite's planner reads sqlite_stat1, which has no row for a new index until ANALYZE:
the two tables are analysed again at the end.
"""

import django.db.models.functions.text
from django.db import migrations, models


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE events_event")
        schema_editor.execute("ANALYZE events_statement")


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0009_recovery'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='event',
            name='events_event_escalation',
        ),
        migrations.RemoveIndex(
            model_name='statement',
            name='events_statement_escalation',
        ),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['escalation', 'date_from', 'id'], name='events_event_escalation'),
        ),
        migrations.AddIndex(
            model_name='statement',
            index=models.Index(fields=['escalation', 'date_from', 'id'], name='events_statement_escalation'),
        ),
        migrations.RemoveIndex(
            model_name='statement',
            name='events_statement_reactions',
        ),
        migrations.AddIndex(
            model_name='statement',
            index=models.Index(fields=['speaker', 'escalation', 'date_from', 'cameo'], name='events_statement_reactions'),
        ),
        migrations.AddIndex(
            model_name='actor',
            index=models.Index(django.db.models.functions.text.Upper('slug'), name='events_actor_upper_slug'),
        ),
        migrations.AddIndex(
            model_name='actor',
            index=models.Index(django.db.models.functions.text.Upper('name'), name='events_actor_upper_name'),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True),
    ]
