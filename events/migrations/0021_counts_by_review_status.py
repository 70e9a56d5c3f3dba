"""The kept counts (DayCount, ReactionCount) by review status: a column in each key, and every
count counted again from the records.

A reader sees the verified records only (issue 18), so the pages could read the counts only for
a curator's "any"; now they read one status's rows, or sum them. The rows are deleted first (the
column then costs nothing to add, even on SQLite, which rebuilds the table) and counted again at
the end by events/counts.py's SQL; the triggers, which write the new column, are installed after
`migrate` (EventsConfig.ready). 0012 and 0013 no longer count: their tables are filled here.
"""

from django.db import migrations, models

from events import counts

STATUSES = [("draft", "draft"), ("verified", "verified"), ("rejected", "rejected")]


def count(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        counts.rebuild(cursor)
        # Every row is new: without fresh statistics PostgreSQL (autovacuum off, or not yet run)
        # planned the timeline's day counts as 1 row and sorted 34,000 (bench/RESULTS.md, h/19d).
        cursor.execute("ANALYZE events_daycount")
        cursor.execute("ANALYZE events_reactioncount")


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0020_eventplace_best"),
    ]

    operations = [
        migrations.RunSQL(
            ["DELETE FROM events_daycount", "DELETE FROM events_reactioncount"], migrations.RunSQL.noop
        ),
        migrations.RemoveIndex(model_name="daycount", name="events_daycount_key"),
        migrations.RemoveIndex(model_name="daycount", name="events_daycount_unmerged"),
        migrations.RemoveIndex(model_name="reactioncount", name="events_reactioncount_key"),
        migrations.RemoveIndex(model_name="reactioncount", name="events_reactioncount_total"),
        migrations.RemoveIndex(model_name="reactioncount", name="events_reactioncount_unmerged"),
        *(
            migrations.AddField(
                model_name=model,
                name="review_status",
                field=models.CharField(choices=STATUSES, default="draft", help_text=help_text, max_length=10),
                preserve_default=False,
            )
            for model, help_text in (
                ("daycount", "The records' review status."),
                ("reactioncount", "The statements' review status."),
            )
        ),
        migrations.AddIndex(
            model_name="daycount",
            index=models.Index(
                fields=["actor_id", "escalation_id", "date_from", "date_to", "kind", "review_status", "n"],
                name="events_daycount_key",
            ),
        ),
        migrations.AddIndex(
            model_name="daycount",
            index=models.Index(
                condition=models.Q(("merged", False)),
                fields=["actor_id", "escalation_id", "date_from", "date_to", "kind", "review_status"],
                name="events_daycount_unmerged",
            ),
        ),
        migrations.AddIndex(
            model_name="reactioncount",
            index=models.Index(
                fields=["speaker", "escalation_id", "family", "review_status", "n"], name="events_reactioncount_key"
            ),
        ),
        migrations.AddIndex(
            model_name="reactioncount",
            index=models.Index(
                condition=models.Q(("family", "")),
                fields=["speaker", "review_status", "n"],
                name="events_reactioncount_total",
            ),
        ),
        migrations.AddIndex(
            model_name="reactioncount",
            index=models.Index(
                condition=models.Q(("merged", False)),
                fields=["speaker", "escalation_id", "family", "review_status"],
                name="events_reactioncount_unmerged",
            ),
        ),
        migrations.RunPython(count, migrations.RunPython.noop),
    ]
