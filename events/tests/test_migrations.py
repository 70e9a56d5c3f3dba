"""The migration history keeps the data: a database at migration 0014 (the head before the events
app was split into modules and the span records got their abstract base), with a row in every
table that matters, migrated forward to the latest migration, still holds every row and value.

The database is moved back to 0014 and forward again with Django's MigrationExecutor, between the
pre_migrate and post_migrate signals that `manage.py migrate` sends (the app takes its triggers off
before a migration and puts them back after: events/apps.py). The kept counts (events/counts.py)
are not rows to keep but counted again by 0021 (by review status): they must match the records.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from events import counts

BEFORE = ("events", "0014_tenure_and_speaker_needed")
BODY = (
    "Envoys meet after a night of shelling\n\n"
    "A photo caption\n\n"
    "The envoy said on Tuesday that “the guns must fall silent” before any talks.\n\n"
    "Shelling was reported near the border overnight."
)
QUOTE = "the guns must fall silent"
SHELLING = "Shelling was reported near the border overnight."


def migrate_to(targets: list[tuple[str, str]]):
    """Migrate the test database to `targets` as `manage.py migrate` would; the state's apps after."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(targets)
    emit_pre_migrate_signal(0, False, connection.alias, apps=executor.loader.project_state().apps, plan=plan)
    state = executor.migrate(targets, plan=plan)
    emit_post_migrate_signal(0, False, connection.alias, apps=state.apps, plan=plan)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    return [node for node in MigrationExecutor(connection).loader.graph.leaf_nodes() if node[0] == "events"]


def fill(apps) -> None:
    """One row in each curated table, written through the historical models of `apps` (no save()
    overrides there: the derived columns are set here as save() would)."""
    model = apps.get_model
    outlet = model("events", "Outlet").objects.create(slug="wire", name="A Wire", kind="wire", country="AM")
    article = model("events", "Article").objects.create(
        source_ref="envoys.txt",
        title="Envoys meet after a night of shelling",
        body=BODY,
        sha256=hashlib.sha256(BODY.encode()).hexdigest(),
        outlet=outlet,
        published_on=dt.date(2023, 9, 19),
    )
    code = model("events", "CameoCode").objects.create(code="0256", label="Appeal for de-escalation", root="02")
    fight = model("events", "CameoCode").objects.create(code="19", label="Fight", root="19")
    escalation = model("events", "Escalation").objects.create(
        slug="2023-offensive", name="The 2023 offensive", start_date=dt.date(2023, 9, 19)
    )
    state = model("events", "Actor").objects.create(slug="armenia", name="Armenia", kind="state", country="AM")
    envoy = model("events", "Actor").objects.create(
        slug="an-envoy", name="An Envoy", kind="person", affiliation=state, role="Special Envoy"
    )
    model("events", "ActorAlias").objects.create(actor=envoy, name="Envoy", kind="surname")
    model("events", "Tenure").objects.create(
        actor=envoy, office="envoy", title="Special Envoy", organisation=state, start=dt.date(2022, 1, 1)
    )
    start = BODY.index(QUOTE)
    statement = model("events", "Statement").objects.create(
        ref="envoys-1",
        article=article,
        speaker=envoy,
        quote=QUOTE,
        start=start,
        end=start + len(QUOTE),
        cameo=code,
        said_on=dt.date(2023, 9, 19),
        date_from=dt.date(2023, 9, 19),
        date_to=dt.date(2023, 9, 19),
        reported_date=dt.date(2023, 9, 18),
        reported_precision="day",
        date_phrase="on Tuesday",
        escalation=escalation,
        review_status="verified",
        notes="the article's day is a day early",
    )
    statement.targets.add(state)
    event = model("events", "Event").objects.create(
        slug="shelling",
        title="Shelling near the border",
        event_type=fight,
        start_date=dt.date(2023, 9, 1),
        start_precision="month",
        date_from=dt.date(2023, 9, 1),
        date_to=dt.date(2023, 9, 30),
        escalation=escalation,
        fatalities=2,
    )
    model("events", "EventParticipant").objects.create(event=event, actor=state, role="target")
    start = BODY.index(SHELLING)
    model("events", "EventSource").objects.create(
        ref="shelling-1",
        event=event,
        article=article,
        start=start,
        end=start + len(SHELLING),
        quote=SHELLING,
        date_phrase="overnight",
        reported_date=dt.date(2023, 9, 18),
        reported_precision="day",
    )


def snapshot(apps) -> dict[str, list[dict]]:
    """Every row of every table of the events app (history, through tables and counts included)."""
    return {
        model._meta.label_lower: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("events").get_models(include_auto_created=True)
    }


@pytest.mark.django_db(transaction=True)
def test_a_database_at_0014_keeps_every_row_and_value_when_migrated_to_the_latest():
    head = latest()
    assert head != [BEFORE], "a migration after 0014 is what this test is about"
    try:
        old = migrate_to([BEFORE])
        fill(old)
        before = snapshot(old)
        assert before["events.statement"] and before["events.eventsource"]

        after = snapshot(migrate_to(head))
        with connection.cursor() as cursor:
            assert counts.differences(cursor) == []
    finally:
        migrate_to(head)  # whatever happened, the next test finds the latest schema

    assert after["events.daycount"] and after["events.reactioncount"]  # counted by 0021
    for table, rows in before.items():
        if table in ("events.daycount", "events.reactioncount"):
            continue
        assert table in after, f"{table} is gone"
        kept = [{column: row[column] for column in old_row} for row, old_row in zip(after[table], rows, strict=False)]
        assert len(after[table]) == len(rows), f"{table}: {len(rows)} rows before, {len(after[table])} after"
        assert kept == rows, f"{table}: values changed"
