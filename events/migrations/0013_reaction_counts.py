"""The reactions page's counts (ReactionCount), counted from the statements already stored.

Its triggers (events/counts.py) are created after every `migrate` once this migration is
applied, with the day counts' (EventsConfig.ready). Reversing it removes them and the table.
"""

import django.db.models.deletion
from django.db import migrations, models

from events import counts


def count(apps, schema_editor):
    """Counted by 0020 instead: counts.rebuild() writes the review status, a column this table gets there."""


def remove(apps, schema_editor):
    counts.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0012_day_counts"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReactionCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("escalation_id", models.BigIntegerField()),
                (
                    "family",
                    models.CharField(
                        blank=True,
                        help_text="The CAMEO code's first two digits, or 112 (accusation); empty: every one.",
                        max_length=3,
                    ),
                ),
                (
                    "n",
                    models.IntegerField(
                        help_text="Statements added (+) or taken away (-); a count is the sum of its key's rows."
                    ),
                ),
                (
                    "merged",
                    models.BooleanField(
                        default=False, help_text="Folded from the key's earlier rows by counts.compact()."
                    ),
                ),
                (
                    "speaker",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="reaction_counts",
                        to="events.actor",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["speaker", "escalation_id", "family", "n"], name="events_reactioncount_key"),
                    models.Index(
                        condition=models.Q(("family", "")),
                        fields=["speaker", "n"],
                        name="events_reactioncount_total",
                    ),
                    models.Index(
                        condition=models.Q(("merged", False)),
                        fields=["speaker", "escalation_id", "family"],
                        name="events_reactioncount_unmerged",
                    ),
                ],
            },
        ),
        migrations.RunPython(count, remove),
    ]
