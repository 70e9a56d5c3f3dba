"""Indexes for scale (issue 6, bench/RESULTS.md "Indexes").

- events_statement_reactions (speaker, escalation, cameo): the /reactions/ aggregate
  (GROUP BY speaker, escalation, CAMEO family) as an index-only scan.
- No single-column FK indexes where a composite index already leads with the column:
  statement.article (events_statement_unique_span_speaker), statement.speaker
  (events_statement_speaker), statement.escalation (events_statement_escalation),
  event.escalation (events_event_escalation). One index fewer per insert each.

On SQLite, altering a column rebuilds the table, and the rebuilt table has no statistics
(sqlite_stat1): the planner then sorts the whole events table for a first page instead of
reading the timeline index (measured: 4 s instead of 1 ms at 10^5 events). So the two
rebuilt tables are analysed again at the end.
"""

import django.db.models.deletion
from django.db import migrations, models




def analyze_rebuilt_tables(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE events_event")
        schema_editor.execute("ANALYZE events_statement")


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0006_roles'),
    ]

    operations = [
        migrations.AlterField(
            model_name='event',
            name='escalation',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='events.escalation'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='article',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='statements', to='events.article'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='escalation',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='statements', to='events.escalation'),
        ),
        migrations.AlterField(
            model_name='statement',
            name='speaker',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='statements', to='events.actor'),
        ),
        migrations.AddIndex(
            model_name='statement',
            index=models.Index(fields=['speaker', 'escalation', 'cameo'], name='events_statement_reactions'),
        ),
        migrations.RunPython(analyze_rebuilt_tables, migrations.RunPython.noop, elidable=True),
    ]
