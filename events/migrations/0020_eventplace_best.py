"""Issue 17: each event's most precise placing is marked (EventPlace.best), for the map's aggregate.

The triggers that keep it are installed after every migrate (events/triggers.py); this marks
the placings that exist, by the same rule (exact, near, region, country, then the first made).
The map's aggregate then reads the newest events and their best placings from indexes alone:
a partial index of the best placings, and the public timeline's and escalations' indexes with
the escalation and fatalities at their end (bench/RESULTS.md, issue 17, third pass).

SQLite's planner reads sqlite_stat1, which has no row for a new index until ANALYZE: the two
tables are analysed again at the end (as 0010 does).
"""

import django.db.models.deletion
from django.db import migrations, models

MARK_BEST = """
UPDATE events_eventplace SET best = (id = (
  SELECT p.id FROM events_eventplace p WHERE p.event_id = events_eventplace.event_id
  ORDER BY CASE p.precision WHEN 'exact' THEN 0 WHEN 'near' THEN 1 WHEN 'region' THEN 2 ELSE 3 END, p.id
  LIMIT 1))
"""


def analyze(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE events_event")
        schema_editor.execute("ANALYZE events_eventplace")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0019_assign_escalations_by_date"),
    ]

    operations = [
        migrations.AddField(
            model_name="eventplace",
            name="best",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="The event's most precise placing (exact before near before region before country, then "
                "the first made): one per placed event, kept by database triggers (events/triggers.py), never "
                "written by hand.",
            ),
        ),
        migrations.RunSQL(MARK_BEST, migrations.RunSQL.noop),
        # The unique (event, place, source) index serves lookups by event; a plain event index
        # beside the partial one below made SQLite's planner read each placing's row.
        migrations.AlterField(
            model_name="eventplace",
            name="event",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="place_links",
                to="events.event",
            ),
        ),
        # The map's aggregate reads the newest events' escalation and fatalities from the index
        # it walks (the public timeline's, or an escalation's) instead of from each event's row.
        migrations.RemoveIndex(model_name="event", name="events_event_escalation"),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["escalation", "date_from", "id", "review_status", "fatalities"], name="events_event_escalation"
            ),
        ),
        migrations.RemoveIndex(model_name="event", name="events_event_review"),
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                fields=["review_status", "date_from", "id", "escalation", "fatalities"], name="events_event_review"
            ),
        ),
        migrations.AddIndex(
            model_name="eventplace",
            index=models.Index(
                condition=models.Q(("best", True)),
                fields=["event", "best", "place", "precision"],
                name="events_eventplace_best",
            ),
        ),
        migrations.RunPython(analyze, migrations.RunPython.noop),
    ]
