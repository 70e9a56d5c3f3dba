"""The timeline's counts per day (DayCount), counted from the rows already stored.

Its triggers (events/counts.py) are not created here but after every `migrate`, like the
span triggers (EventsConfig.ready, once this migration is applied). Reversing this
migration removes them and the table.
"""

from django.db import migrations, models

from events import counts


def count(apps, schema_editor):
    """Counted by 0020 instead: counts.rebuild() writes the review status, a column this table gets there."""


def remove(apps, schema_editor):
    counts.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0011_article_drafted_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="DayCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.PositiveSmallIntegerField(choices=[(0, "event"), (1, "statement")])),
                ("escalation_id", models.BigIntegerField()),
                ("actor_id", models.BigIntegerField()),
                ("date_from", models.DateField()),
                ("date_to", models.DateField()),
                (
                    "n",
                    models.IntegerField(
                        help_text="Records added (+) or taken away (-); a count is the sum of its key's rows."
                    ),
                ),
                (
                    "merged",
                    models.BooleanField(
                        default=False, help_text="Folded from the key's earlier rows by counts.compact()."
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["actor_id", "escalation_id", "date_from", "date_to", "kind", "n"],
                        name="events_daycount_key",
                    ),
                    models.Index(
                        condition=models.Q(("merged", False)),
                        fields=["actor_id", "escalation_id", "date_from", "date_to", "kind"],
                        name="events_daycount_unmerged",
                    ),
                ],
            },
        ),
        migrations.RunPython(count, remove),
    ]
