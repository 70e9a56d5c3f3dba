"""The curators' workbench: review queue, reassigning speakers, merging actors, history and revert."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from events.models import Actor, ActorAlias, Event, EventParticipant, ReviewStatus, Statement
from events.tests.conftest import SAMPLE_BODY

QUEUE = "admin:events_review_queue"
BODY = SAMPLE_BODY + "\n\nLater the minister added: “We will talk again.” Nobody else spoke."


@pytest.fixture
def drafts(make_article, make_actor, make_statement, make_event):
    article = make_article(body=BODY)
    minister = make_actor(name="Ana Example", slug="ana-example")
    statement = make_statement(article=article, speaker=minister, date_phrase="on Monday", said_on=dt.date(2022, 8, 1))
    other = make_statement("We will talk again.", article=article, speaker=minister)
    verified = make_statement("Nobody else spoke.", article=article, review_status=ReviewStatus.VERIFIED)
    event = make_event(title="Border fire", sources=[(article, "The two armies exchanged fire")])
    return {
        "article": article,
        "minister": minister,
        "statement": statement,
        "other": other,
        "verified": verified,
        "event": event,
    }


def test_review_queue_shows_each_draft_in_its_context(admin_client, drafts):
    html = admin_client.get(reverse(QUEUE)).content.decode()
    statement, event = drafts["statement"], drafts["event"]
    assert "2 draft statements and 1 draft event to review" in html
    assert f'id="row-statement-{statement.pk}"' in html and f'id="row-event-{event.pk}"' in html
    assert f'id="row-statement-{drafts["verified"].pk}"' not in html
    # The sentence before (the attribution), the span marked, and the sentence after.
    assert (
        "Delegates at the table\n\n\nForeign Minister Ana Example said on Monday that "
        "“<mark>both sides must stop firing now.</mark>”" in html
    )
    assert "<mark>The two armies exchanged fire</mark> near the border overnight" in html
    assert "<strong>1 August 2022</strong> from “on Monday”" in html
    assert 'tabindex="0"' in html and "Keyboard shortcuts" in html and 'accesskey="v"' in html


def test_review_queue_verifies_one_row_and_records_who_did_it(admin_client, drafts):
    statement = drafts["statement"]
    response = admin_client.post(reverse(QUEUE), {"do": f"verify:statement:{statement.pk}", "position": "0"})
    assert response.status_code == 302 and response.url == reverse(QUEUE) + "?focus=0"
    statement.refresh_from_db()
    assert statement.review_status == ReviewStatus.VERIFIED
    record = statement.history.latest()
    assert (record.history_user.username, record.review_status, record.history_change_reason) == (
        "admin",
        "verified",
        "marked verified",
    )
    assert drafts["other"].history.latest().review_status == "draft"


def test_review_queue_rejects_the_ticked_rows_of_both_kinds(admin_client, drafts):
    statement, event = drafts["statement"], drafts["event"]
    admin_client.post(
        reverse(QUEUE), {"do": "reject:selected", "selected": [f"statement:{statement.pk}", f"event:{event.pk}"]}
    )
    assert Statement.objects.get(pk=statement.pk).review_status == ReviewStatus.REJECTED
    assert Event.objects.get(pk=event.pk).review_status == ReviewStatus.REJECTED
    assert Statement.objects.get(pk=drafts["other"].pk).review_status == ReviewStatus.DRAFT


def test_review_queue_needs_the_change_permission(client, drafts):
    staff = User.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(QUEUE)).status_code == 403
    assert client.post(reverse(QUEUE), {"do": f"verify:statement:{drafts['statement'].pk}"}).status_code == 403


@pytest.mark.parametrize("rows", [1, 20])
def test_review_queue_query_count_does_not_grow_with_drafts(
    admin_client, django_assert_num_queries, rows, make_article, make_actor, make_statement, make_event
):
    for n in range(rows):
        article = make_article(body=f"{BODY}\n\nCopy {n}.")
        make_statement(article=article, speaker=make_actor())
        make_event(sources=[(article, "The two armies exchanged fire")], actors=[(make_actor(), "initiator")])
    admin_client.get(reverse(QUEUE))  # the session and user, cached after the first request
    # 1 session   2 user   3 draft statements with speaker, article, outlet, CAMEO
    # 4 draft events with type and escalation   5 their sources with articles   6 their participants
    # 7 COUNT draft statements   8 COUNT draft events
    with django_assert_num_queries(8):
        html = admin_client.get(reverse(QUEUE)).content.decode()
    assert html.count('class="review-row review-statement"') == rows


def test_reassigning_the_speaker_uses_an_intermediate_form_with_autocomplete(admin_client, drafts, make_actor):
    statement, other = drafts["statement"], drafts["other"]
    response = admin_client.post(
        reverse(QUEUE), {"do": "reassign:selected", "selected": [f"statement:{statement.pk}", f"statement:{other.pk}"]}
    )
    assert response.status_code == 302 and response.url.startswith(reverse("admin:events_statement_reassign"))
    form = admin_client.get(response.url)
    html = form.content.decode()
    assert "admin-autocomplete" in html and "autocomplete.js" in html
    assert "<mark>both sides must stop firing now.</mark>" in html
    colonna = make_actor(name="Catherine Colonna")
    done = admin_client.post(
        response.url, {"ids": f"{statement.pk},{other.pk}", "next": reverse(QUEUE), "speaker": colonna.pk}
    )
    assert done.status_code == 302 and done.url == reverse(QUEUE)
    assert set(Statement.objects.filter(pk__in=[statement.pk, other.pk]).values_list("speaker", flat=True)) == {
        colonna.pk
    }
    assert statement.history.latest().history_change_reason == "speaker reassigned to Catherine Colonna"


def test_reassigning_refuses_a_speaker_already_credited_with_the_same_words(
    admin_client, drafts, make_statement, make_actor
):
    colonna = make_actor(name="Catherine Colonna")
    twin = make_statement(article=drafts["article"], speaker=colonna)  # the same span as drafts["statement"]
    url = reverse("admin:events_statement_reassign")
    response = admin_client.post(
        url, {"ids": str(drafts["statement"].pk), "next": reverse(QUEUE), "speaker": colonna.pk}
    )
    assert response.status_code == 200
    assert "already has a statement at the same span" in response.content.decode()
    assert Statement.objects.get(pk=drafts["statement"].pk).speaker == drafts["minister"]
    assert twin.speaker == colonna


def test_reassign_action_on_the_changelist_opens_the_form(admin_client, drafts):
    statement = drafts["statement"]
    response = admin_client.post(
        reverse("admin:events_statement_changelist"), {"action": "reassign_speaker", "_selected_action": [statement.pk]}
    )
    assert response.status_code == 302
    assert (
        response.url == f"{reverse('admin:events_statement_reassign')}?ids={statement.pk}&next=/admin/events/statement/"
    )


def test_reject_action_on_the_event_changelist(admin_client, drafts):
    event = drafts["event"]
    admin_client.post(
        reverse("admin:events_event_changelist"), {"action": "mark_rejected", "_selected_action": [event.pk]}
    )
    assert Event.objects.get(pk=event.pk).review_status == ReviewStatus.REJECTED


def test_the_admin_links_the_review_queue(admin_client, db):
    assert reverse(QUEUE) in admin_client.get(reverse("admin:index")).content.decode()
    assert reverse(QUEUE) in admin_client.get(reverse("admin:events_statement_changelist")).content.decode()


# Merging actors


@pytest.fixture
def twins(make_article, make_actor, make_statement, make_event):
    """'Ned Prince' (a misspelling recorded as an actor) and the real Ned Price, with something each."""
    article = make_article(body=BODY)
    state = make_actor(name="US State Department", slug="state-department", kind=Actor.Kind.GOVERNMENT_BODY)
    price = make_actor(name="Ned Price", slug="ned-price", role="")
    prince = make_actor(name="Ned Prince", slug="ned-prince", role="spokesperson", country="US", affiliation=state)
    ActorAlias.objects.create(actor=price, name="Price", kind=ActorAlias.Kind.SURNAME)
    ActorAlias.objects.create(actor=prince, name="price", kind=ActorAlias.Kind.SURNAME)  # the same alias, other case
    ActorAlias.objects.create(actor=prince, name="Mr Prince", kind=ActorAlias.Kind.TITLE)
    aide = make_actor(name="Aide", affiliation=prince)
    by_prince = make_statement(article=article, speaker=prince)
    about_both = make_statement("We will talk again.", article=article, speaker=aide)
    about_both.targets.add(price, prince)
    about_prince = make_statement("Nobody else spoke.", article=article, speaker=aide)
    about_prince.targets.add(prince)
    event = make_event(actors=[(price, "participant"), (prince, "participant"), (prince, "initiator")])
    return locals()


def test_merge_action_asks_for_confirmation_with_what_will_move(admin_client, twins):
    price, prince = twins["price"], twins["prince"]
    response = admin_client.post(
        reverse("admin:events_actor_changelist"), {"action": "merge_actors", "_selected_action": [price.pk, prince.pk]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Yes, merge them" in html
    assert f'name="survivor" value="{price.pk}"' in html and f'name="survivor" value="{prince.pk}"' in html
    assert Actor.objects.filter(pk=prince.pk).exists()  # nothing done yet


def test_merge_moves_everything_to_the_survivor_in_one_step(admin_client, twins):
    price, prince, event = twins["price"], twins["prince"], twins["event"]
    response = admin_client.post(
        reverse("admin:events_actor_changelist"),
        {"action": "merge_actors", "_selected_action": [price.pk, prince.pk], "survivor": price.pk, "confirm": "yes"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("admin:events_actor_change", args=[price.pk])
    assert "Merged Ned Prince into Ned Price" in response.content.decode()
    assert not Actor.objects.filter(pk=prince.pk).exists()
    price.refresh_from_db()
    assert Statement.objects.get(pk=twins["by_prince"].pk).speaker == price
    assert list(twins["about_both"].targets.all()) == [price]
    assert list(twins["about_prince"].targets.all()) == [price]
    assert sorted(EventParticipant.objects.filter(event=event).values_list("actor__name", "role")) == [
        ("Ned Price", "initiator"),
        ("Ned Price", "participant"),
    ]
    assert sorted(price.aliases.values_list("name", flat=True)) == ["Mr Prince", "Ned Prince", "Price"]
    assert Actor.objects.get(pk=twins["aide"].pk).affiliation == price
    # Blank fields of the survivor are filled from the merged actor.
    assert (price.role, price.country.code, price.affiliation) == ("spokesperson", "US", twins["state"])
    # Recorded: who merged, and the merged actor's deletion.
    assert price.history.latest().history_user.username == "admin"
    assert (
        Actor.history.filter(id=prince.pk, history_type="-")
        .get()
        .history_change_reason.startswith("merged into Ned Price")
    )


def test_merge_refuses_two_statements_of_the_same_words_and_changes_nothing(twins, make_statement):
    price, prince = twins["price"], twins["prince"]
    make_statement(article=twins["article"], speaker=price)  # the words Prince is credited with
    with pytest.raises(ValidationError, match="both credited with the same words"):
        Actor.objects.filter(pk__in=[price.pk, prince.pk]).merge_into(price)
    assert Actor.objects.filter(pk=prince.pk).exists()
    assert Statement.objects.get(pk=twins["by_prince"].pk).speaker == prince


def test_merge_reports_a_refusal_in_the_admin(admin_client, twins, make_statement):
    price, prince = twins["price"], twins["prince"]
    make_statement(article=twins["article"], speaker=price)
    response = admin_client.post(
        reverse("admin:events_actor_changelist"),
        {"action": "merge_actors", "_selected_action": [price.pk, prince.pk], "survivor": price.pk, "confirm": "yes"},
        follow=True,
    )
    assert "both credited with the same words" in response.content.decode()
    assert Actor.objects.filter(pk=prince.pk).exists()


def test_merge_into_an_actor_affiliated_to_the_merged_one_lifts_its_affiliation(make_actor):
    country = make_actor(name="United States", kind=Actor.Kind.STATE)
    us = make_actor(name="US", kind=Actor.Kind.STATE, affiliation=None)
    department = make_actor(name="State Department", affiliation=us)
    Actor.objects.filter(pk=us.pk).update(affiliation=country)
    Actor.objects.filter(pk__in=[department.pk, us.pk]).merge_into(department)
    department.refresh_from_db()
    assert department.affiliation == country
    assert list(department.aliases.values_list("name", flat=True)) == ["US"]


def test_merge_needs_another_actor_than_the_survivor(make_actor):
    actor = make_actor()
    with pytest.raises(ValidationError):
        Actor.objects.filter(pk=actor.pk).merge_into(actor)


def test_merge_action_needs_two_actors(admin_client, make_actor):
    actor = make_actor()
    response = admin_client.post(
        reverse("admin:events_actor_changelist"),
        {"action": "merge_actors", "_selected_action": [actor.pk]},
        follow=True,
    )
    assert "Select at least two actors to merge." in response.content.decode()


# History and revert


def test_an_admin_edit_is_recorded_with_who_and_what_and_can_be_reverted(admin_client, make_actor):
    actor = make_actor(name="Ned Prince", slug="ned-prince", kind=Actor.Kind.PERSON)
    change = reverse("admin:events_actor_change", args=[actor.pk])
    data = {
        "name": "Ned Price",
        "slug": "ned-prince",
        "kind": "person",
        "review_status": "draft",
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "tenures-TOTAL_FORMS": "0",
        "tenures-INITIAL_FORMS": "0",
    }
    assert admin_client.post(change, data).status_code == 302
    actor.refresh_from_db()
    assert actor.name == "Ned Price"
    latest = actor.history.latest()
    assert (latest.history_user.username, latest.history_type, latest.name) == ("admin", "~", "Ned Price")

    history = admin_client.get(reverse("admin:events_actor_history", args=[actor.pk])).content.decode()
    assert "Ned Prince" in history and "Ned Price" in history and "admin" in history  # what changed, who

    original = actor.history.earliest()
    revert_url = reverse("admin:events_actor_simple_history", args=[actor.pk, original.history_id])
    form = admin_client.get(revert_url).context["adminform"].form
    assert form.initial["name"] == "Ned Prince"
    revert = {**data, "name": form.initial["name"]}
    assert admin_client.post(revert_url, revert).status_code == 302
    actor.refresh_from_db()
    assert actor.name == "Ned Prince"
    assert actor.history.count() == 3


@pytest.mark.parametrize("model_name", ["actor", "actoralias", "statement", "event", "eventparticipant", "eventsource"])
def test_every_curated_model_has_a_history_page(
    admin_client, model_name, make_actor, make_statement, make_event, make_article
):
    actor = make_actor()
    ActorAlias.objects.create(actor=actor, name="Alias")
    article = make_article()
    make_statement(article=article, speaker=actor)
    make_event(actors=[(actor, "initiator")], sources=[(article, "The two armies exchanged fire")])
    from django.apps import apps

    obj = apps.get_model("events", model_name).objects.first()
    response = admin_client.get(reverse(f"admin:events_{model_name}_history", args=[obj.pk]))
    assert response.status_code == 200
    assert re.search(r"Created|Added", response.content.decode())


def test_view_on_site_goes_to_the_reader_pages(admin_client, drafts):
    statement, event = drafts["statement"], drafts["event"]
    html = admin_client.get(reverse("admin:events_statement_change", args=[statement.pk])).content.decode()
    assert "View on site" in html
    response = admin_client.get(reverse("admin:view_on_site", args=[_content_type(Statement), statement.pk]))
    assert response.url.endswith(f"/articles/{statement.article_id}/#statement-{statement.pk}")
    response = admin_client.get(reverse("admin:view_on_site", args=[_content_type(Event), event.pk]))
    assert response.url.endswith(f"/?date_from={event.date_from.isoformat()}#event-{event.pk}")


def _content_type(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk
