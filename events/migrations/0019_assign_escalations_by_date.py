# Issue 18: a record near a boundary is assigned by its date.

from django.db import migrations

from events.models.records import without_escalation_within

# The date each model is assigned by (Statement.ESCALATION_DATE, Event.ESCALATION_DATE).
DATES = {"Statement": "said_on", "Event": "start_date"}


def assign_by_date(apps, schema_editor):
    """Records stored without an escalation whose date is in one's period (those of 21 September
    to 3 October 2023, after 0016 moved the 2023 offensive's end) get it, the earliest if several.
    A record with an escalation keeps it. Historical models have no history manager: a plain UPDATE."""
    Escalation = apps.get_model("events", "Escalation")
    for name, date_field in DATES.items():
        records = apps.get_model("events", name).objects.all()
        for escalation in Escalation.objects.order_by("start_date", "pk"):
            without_escalation_within(records, escalation, date_field).update(escalation=escalation)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0018_places"),
    ]

    operations = [
        migrations.RunPython(assign_by_date, migrations.RunPython.noop),
    ]
