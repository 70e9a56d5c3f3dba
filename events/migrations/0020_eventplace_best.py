"""Issue 17: each event's most precise placing is marked (EventPlace.best), for the map's aggregate.

The triggers that keep it are installed after every migrate (events/triggers.py); this marks
the placings that exist, by the same rule (exact, near, region, country, then the first made).
"""

import django.db.models.deletion
from django.db import migrations, models

MARK_BEST = """
UPDATE events_eventplace SET best = (id = (
  SELECT p.id FROM events_eventplace p WHERE p.event_id = events_eventplace.event_id
  ORDER BY CASE p.precision WHEN 'exact' THEN 0 WHEN 'near' THEN 1 WHEN 'region' THEN 2 ELSE 3 END, p.id
  LIMIT 1))
"""


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
        migrations.AddIndex(
            model_name="eventplace",
            index=models.Index(
                condition=models.Q(("best", True)),
                fields=["event", "best", "place", "precision"],
                name="events_eventplace_best",
            ),
        ),
    ]
