"""Deleted statements and events come back from their history (events/recovery.py): the admin's
"Recently deleted" page, `manage.py restore_deleted`, and what a restore refuses."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from events.models import Actor, Article, Event, EventParticipant, EventSource, ReviewStatus, Statement
from events.recovery import RestoreError, deleted, restore_deleted
from events.roles import CURATOR_GROUP

DELETED_PAGE = "admin:events_recently_deleted"


@pytest.fixture
def client_as(django_user_model):
    """A Django test client logged in as a new user of the role (anonymous: not logged in)."""

    def make(role: str) -> tuple[Client, object]:
        client = Client()
        if role == "anonymous":
            return client, None
        user = django_user_model.objects.create_user(
            f"{role}-user", password="pw-123456789", is_staff=True, is_superuser=role == "administrator"
        )
        if role == "curator":
            user.groups.add(Group.objects.get(name=CURATOR_GROUP))
        client.force_login(user)
        return client, user

    return make


def row(record, exclude=("updated_at",)) -> dict:
    return {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields if f.attname not in exclude}


@pytest.fixture
def verified_event(make_event, make_actor, new_article, make_escalation):
    first, second = new_article(), new_article()
    event = make_event(
        actors=[(make_actor(), "initiator"), (make_actor(), "target"), (make_actor(), "mediator")],
        sources=[(first, "both sides must stop firing now."), (second, "The two armies exchanged fire")],
        title="Border clash",
        summary="Fire exchanged overnight.",
        location="Tegh",
        start_date=dt.date(2022, 8, 1),
        start_precision="month",
        end_date=dt.date(2022, 8, 3),
        end_precision="day",
        fatalities=4,
        escalation=make_escalation(),
        notes="Checked.",
        review_status=ReviewStatus.VERIFIED,
    )
    EventSource.objects.filter(event=event, article=second).update(
        date_phrase="overnight", reported_date=dt.date(2022, 8, 2), reported_precision="day"
    )
    return Event.objects.get(pk=event.pk)


@pytest.mark.django_db
def test_a_verified_event_deleted_by_an_administrator_is_restored_by_a_curator_with_everything(
    client_as, verified_event
):
    event = verified_event
    before = row(event)
    participants = [row(p) for p in event.participants.order_by("pk")]
    sources = [row(s) for s in event.sources.order_by("pk")]
    admin_client, administrator = client_as("administrator")
    response = admin_client.post(reverse("admin:events_event_delete", args=[event.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()
    assert not EventParticipant.objects.filter(event_id=event.pk).exists()

    curator_client, curator = client_as("curator")
    page = curator_client.get(reverse(DELETED_PAGE))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Border clash" in html and "administrator-user" in html
    response = curator_client.post(reverse(DELETED_PAGE), {"restore": f"event:{event.pk}"}, follow=True)

    assert "restored" in response.content.decode()
    restored = Event.objects.get(pk=event.pk)
    assert row(restored) == before
    assert [row(p) for p in restored.participants.order_by("pk")] == participants
    assert [row(s) for s in restored.sources.order_by("pk")] == sources
    latest = restored.history.latest()
    assert latest.history_type == "+" and latest.history_user == curator
    assert latest.history_change_reason.startswith("restored")
    assert {p.history.latest().history_user for p in restored.participants.all()} == {curator}
    deletion = restored.history.filter(history_type="-").get()
    assert deletion.history_user == administrator
    assert not deleted(Event).filter(id=event.pk).exists()


@pytest.mark.django_db
def test_a_deleted_statement_comes_back_with_its_targets_through_the_command(
    client_as, new_statement, make_actor, django_user_model
):
    statement = new_statement(review_status=ReviewStatus.VERIFIED, summary="Appeal.", notes="n")
    targets = [make_actor(), make_actor()]
    statement.targets.set(targets)
    Statement.objects.filter(pk=statement.pk).mark_verified()  # a bulk history record, without targets
    before = row(Statement.objects.get(pk=statement.pk))
    admin_client, _ = client_as("administrator")
    admin_client.post(reverse("admin:events_statement_delete", args=[statement.pk]), {"post": "yes"})
    assert not Statement.objects.filter(pk=statement.pk).exists()

    listing = StringIO()
    call_command("restore_deleted", "--list", stdout=listing)
    assert f"statement {statement.pk}\t" in listing.getvalue()
    curator = django_user_model.objects.create_user("cura", is_staff=True)
    out = StringIO()
    call_command("restore_deleted", "--model", "statement", "--id", str(statement.pk), "--user", "cura", stdout=out)

    assert "restored" in out.getvalue()
    restored = Statement.objects.get(pk=statement.pk)
    assert row(restored) == before
    assert set(restored.targets.all()) == set(targets)
    assert restored.history.latest().history_user == curator
    assert set(restored.history.latest().targets.values_list("actor_id", flat=True)) == {t.pk for t in targets}


@pytest.mark.django_db
def test_a_statement_whose_article_is_gone_is_refused_with_a_message_and_nothing_changes(new_statement):
    statement = new_statement()
    pk, article_pk = statement.pk, statement.article_id
    statement.delete()
    Article.objects.filter(pk=article_pk).delete()

    with pytest.raises(RestoreError, match=rf"statement #{pk} .* its article \(#{article_pk}\) no longer exist"):
        restore_deleted(Statement, pk)
    with pytest.raises(CommandError, match="no longer exist"):
        call_command("restore_deleted", "--model", "statement", "--id", str(pk), stdout=StringIO())
    assert not Statement.objects.filter(pk=pk).exists()


@pytest.mark.django_db
def test_a_statement_whose_speaker_is_gone_is_refused(new_statement, make_actor):
    statement = new_statement(speaker=make_actor())
    pk, speaker_pk = statement.pk, statement.speaker_id
    statement.delete()
    Actor.objects.filter(pk=speaker_pk).delete()

    with pytest.raises(RestoreError, match=rf"its speaker \(#{speaker_pk}\) no longer exist"):
        restore_deleted(Statement, pk)


@pytest.mark.django_db
def test_an_event_whose_source_article_is_gone_is_refused_and_nothing_comes_back(verified_event):
    pk = verified_event.pk
    source = verified_event.sources.order_by("pk").last()
    verified_event.delete()
    Article.objects.filter(pk=source.article_id).delete()

    with pytest.raises(RestoreError, match=rf"the article \(#{source.article_id}\) of source '{source.ref}' no longer"):
        restore_deleted(Event, pk)
    assert not Event.objects.filter(pk=pk).exists()
    assert not EventParticipant.objects.filter(event_id=pk).exists()


@pytest.mark.django_db
def test_a_target_merged_away_is_left_out_and_named(new_statement, make_actor):
    statement = new_statement()
    pk = statement.pk
    kept, merged = make_actor(), make_actor()
    statement.targets.set([kept, merged])
    statement.delete()
    Actor.objects.filter(pk__in=[kept.pk, merged.pk]).merge_into(kept)

    result = restore_deleted(Statement, pk)

    assert list(Statement.objects.get(pk=pk).targets.all()) == [kept]
    assert result.left_out == [f"target actor #{merged.pk} no longer exists"]


@pytest.mark.django_db
def test_a_participant_removed_before_the_event_was_deleted_stays_removed(verified_event):
    pk = verified_event.pk
    earlier = verified_event.participants.order_by("pk").first()
    earlier_pk = earlier.pk
    earlier.delete()
    earlier_deletion = EventParticipant.history.filter(id=earlier_pk, history_type="-")
    earlier_deletion.update(history_date=earlier_deletion.get().history_date - dt.timedelta(days=2))
    verified_event.delete()

    result = restore_deleted(Event, pk)

    assert result.children == {"participants": 2, "sources": 2}
    assert not EventParticipant.objects.filter(pk=earlier_pk).exists()


@pytest.mark.django_db
def test_restoring_a_record_that_exists_or_was_never_deleted_is_refused(verified_event):
    with pytest.raises(RestoreError, match="exists: there is nothing to restore"):
        restore_deleted(Event, verified_event.pk)
    with pytest.raises(RestoreError, match="no deleted event #999999"):
        restore_deleted(Event, 999999)
    with pytest.raises(CommandError, match="give --model and --id"):
        call_command("restore_deleted", "--model", "event", stdout=StringIO())


@pytest.mark.django_db
def test_an_event_whose_slug_was_taken_meanwhile_is_refused(verified_event, make_event):
    slug, pk = verified_event.slug, verified_event.pk
    verified_event.delete()
    make_event(slug=slug)

    with pytest.raises(RestoreError, match="slug"):
        restore_deleted(Event, pk)
    assert not Event.objects.filter(pk=pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, expected", [("anonymous", 302), ("no_permission", 403), ("curator", 200), ("administrator", 200)]
)
def test_recently_deleted_is_for_curators_and_administrators_only(client_as, verified_event, role, expected):
    pk = verified_event.pk
    verified_event.delete()
    client, _ = client_as(role)

    assert client.get(reverse(DELETED_PAGE)).status_code == expected
    response = client.post(reverse(DELETED_PAGE), {"restore": f"event:{pk}"})
    assert Event.objects.filter(pk=pk).exists() is (expected == 200)
    assert response.status_code == (302 if expected == 200 else expected)


@pytest.mark.django_db
def test_the_page_reports_a_refused_restore(client_as, new_statement):
    statement = new_statement()
    pk, article_pk = statement.pk, statement.article_id
    statement.delete()
    Article.objects.filter(pk=article_pk).delete()
    client, _ = client_as("curator")

    response = client.post(reverse(DELETED_PAGE), {"restore": f"statement:{pk}"}, follow=True)

    assert "no longer exist" in response.content.decode()
    assert not Statement.objects.filter(pk=pk).exists()
