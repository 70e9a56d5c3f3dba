"""A record near a boundary is assigned by its date (issue 18): records without an escalation whose
date is in an escalation's period get it, from the QuerySet (TimelineRecordQuerySet.assign_escalations),
when a curator changes an escalation's dates in the admin, and for the stored ones by migration 0019."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from events.models import Escalation, Event, Statement
from events.tests.test_migrations import latest, migrate_to

SEPT_20 = dt.date(2023, 9, 20)
OCT_3 = dt.date(2023, 10, 3)


@pytest.mark.django_db
def test_records_without_an_escalation_get_the_one_holding_their_date_and_others_keep_theirs(
    make_escalation, make_statement, make_event, make_article
):
    article = make_article()
    offensive = make_escalation(start_date=dt.date(2023, 9, 19), end_date=OCT_3)
    other = make_escalation(start_date=dt.date(2020, 9, 27), end_date=dt.date(2020, 11, 10))
    exodus = make_statement(article=article, said_on=dt.date(2023, 9, 30))
    curated = make_statement(article=article, said_on=dt.date(2023, 9, 30), escalation=other)
    after = make_statement(article=article, said_on=dt.date(2023, 10, 4))
    undated = make_statement(article=article, said_on=None)
    event = make_event(start_date=OCT_3)

    moved = Statement.objects.assign_escalations(Escalation.objects.all())
    moved += Event.objects.assign_escalations(Escalation.objects.all())

    assert moved == 2
    for record, escalation in [
        (exodus, offensive),
        (curated, other),
        (after, None),
        (undated, None),
        (event, offensive),
    ]:
        record.refresh_from_db()
        assert record.escalation == escalation, record
    assert exodus.version == 2 and exodus.history.first().history_change_reason.startswith("in ")


@pytest.mark.django_db
def test_moving_an_escalations_end_in_the_admin_takes_in_the_records_of_its_new_days(
    admin_client, make_escalation, make_statement, make_event, make_article
):
    article = make_article()
    offensive = make_escalation(slug="2023-offensive", start_date=dt.date(2023, 9, 19), end_date=SEPT_20)
    exodus = make_statement(article=article, said_on=dt.date(2023, 9, 30))
    event = make_event(start_date=dt.date(2023, 10, 1))
    later = make_statement(article=article, said_on=dt.date(2023, 10, 5))
    url = reverse("admin:events_escalation_change", args=[offensive.pk])
    form = {"slug": offensive.slug, "name": offensive.name, "start_date": "2023-09-19", "description": ""}

    response = admin_client.post(url, form | {"end_date": "2023-10-03"}, follow=True)

    assert response.status_code == 200
    assert "2 record(s) without an escalation are now in" in response.content.decode()
    for record, escalation in [(exodus, offensive), (event, offensive), (later, None)]:
        record.refresh_from_db()
        assert record.escalation == escalation


@pytest.mark.django_db
def test_a_bad_date_in_the_admin_changes_nothing(admin_client, make_escalation, make_statement):
    offensive = make_escalation(start_date=dt.date(2023, 9, 19), end_date=SEPT_20)
    exodus = make_statement(said_on=dt.date(2023, 9, 30))
    url = reverse("admin:events_escalation_change", args=[offensive.pk])
    form = {"slug": offensive.slug, "name": offensive.name, "start_date": "2023-09-19", "end_date": "2023-09-01"}

    response = admin_client.post(url, form)

    assert response.status_code == 200 and "the end is before the start" in response.content.decode()
    exodus.refresh_from_db()
    offensive.refresh_from_db()
    assert exodus.escalation is None and offensive.end_date == SEPT_20


@pytest.mark.django_db(transaction=True)
def test_migration_0019_assigns_the_stored_records_of_the_days_0016_added():
    head = latest()
    try:
        old = migrate_to([("events", "0018_places")])
        model = old.get_model
        offensive = model("events", "Escalation").objects.create(
            slug="2023-offensive", name="The 2023 offensive", start_date=dt.date(2023, 9, 19), end_date=OCT_3
        )
        code = model("events", "CameoCode").objects.create(code="19", label="Fight", root="19")
        days = {"in": dt.date(2023, 9, 25), "out": dt.date(2023, 10, 9)}
        for name, day in days.items():
            model("events", "Event").objects.create(
                slug=name, title=name, event_type=code, start_date=day, date_from=day, date_to=day
            )
        migrate_to(head)
        assigned = dict(Event.objects.values_list("slug", "escalation__slug"))
    finally:
        migrate_to(head)
        Event.objects.all().delete()
        Escalation.objects.all().delete()
    assert assigned == {"in": offensive.slug, "out": None}
