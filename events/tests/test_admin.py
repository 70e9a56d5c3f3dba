"""The curators' admin: every page answers, search, the verify action, autocomplete, read-only body."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventParticipant,
    EventPlace,
    EventSource,
    EventStatement,
    Place,
    ReportedFigure,
    ReviewStatus,
    Statement,
    Tenure,
)
from events.tests.conftest import SAMPLE_BODY

EVENTS_MODELS = [model for model in admin.site._registry if model._meta.app_label == "events"]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def one_of_each(make_article, make_actor, make_escalation, make_event, make_statement):
    """At least one row of every model, linked the way real data is."""
    article = make_article()
    actor = make_actor(name="Azerbaijan", slug="azerbaijan", kind=Actor.Kind.STATE, country="AZ")
    ActorAlias.objects.create(actor=actor, name="Azeri", kind=ActorAlias.Kind.DEMONYM)
    minister = make_actor(name="Minister Example", slug="minister-example")
    Tenure.objects.create(actor=minister, office="minister", title="Minister", organisation=actor)
    escalation = make_escalation()
    statement = make_statement(article=article, speaker=actor, escalation=escalation)
    event = make_event(
        escalation=escalation,
        actors=[(actor, EventParticipant.Role.INITIATOR)],
        sources=[(article, "The two armies exchanged fire")],
    )
    source = event.sources.get()
    ReportedFigure.objects.create(
        source=source, kind="killed", wording="two", low=2, best=2, high=2, start=source.start, end=source.end
    )
    EventStatement.objects.create(statement=statement, event=event, stance=EventStatement.Stance.RESPONDS)
    country = Place.objects.create(
        slug="azerbaijan", name="Azerbaijan", kind="country", country="AZ", latitude=40.1, longitude=47.6
    )
    EventPlace.objects.create(event=event, place=country, precision=EventPlace.Precision.COUNTRY)
    return {"article": article, "actor": actor, "statement": statement, "event": event}


@pytest.fixture
def new_statement(make_article, make_statement):
    """make_statement in an article of its own (two default articles would share one SHA-256)."""
    count = iter(range(1, 1000))

    def make(**overrides) -> Statement:
        article = make_article(body=f"{SAMPLE_BODY}\n\nCopy {next(count)}.")
        return make_statement(article=article, **overrides)

    return make


def test_every_events_model_is_registered(db):
    assert {model.__name__ for model in EVENTS_MODELS} == {
        "Actor",
        "ActorAlias",
        "Article",
        "CameoCode",
        "Escalation",
        "Event",
        "EventParticipant",
        "EventPlace",
        "EventSource",
        "EventStatement",
        "Outlet",
        "ReportedFigure",
        "Place",
        "Statement",
        "Tenure",
    }


@pytest.mark.parametrize("model", EVENTS_MODELS, ids=lambda model: model.__name__)
def test_changelist_add_and_change_pages_answer(admin_client, one_of_each, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "changelist"), {"q": "a"}).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    if admin.site._registry[model].has_add_permission(_request(admin_client)):
        assert admin_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", EVENTS_MODELS, ids=lambda model: model.__name__)
def test_pages_answer_on_the_real_seeds(admin_client, seeded, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    for obj in model.objects.all()[:3]:
        assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


def _request(admin_client):
    request = RequestFactory().get("/")
    request.user = User.objects.get(username="admin")
    return request


def test_cameo_codes_cannot_be_deleted_from_the_admin(admin_client, cameo):
    code = cameo("0256")
    assert admin_client.get(admin_url(type(code), "delete", code.pk)).status_code == 403


def test_statement_search_finds_quotes_and_speakers_by_alias(admin_client, one_of_each, new_statement):
    other = new_statement(quote="The two armies exchanged fire")
    response = admin_client.get(admin_url(Statement, "changelist"), {"q": "Azeri"})
    assert list(response.context["cl"].result_list) == [one_of_each["statement"]]
    response = admin_client.get(admin_url(Statement, "changelist"), {"q": "armies exchanged"})
    assert list(response.context["cl"].result_list) == [other]


def test_actor_search_matches_aliases(admin_client, one_of_each, make_actor):
    make_actor(name="Armenia")
    response = admin_client.get(admin_url(Actor, "changelist"), {"q": "azeri"})
    assert list(response.context["cl"].result_list) == [one_of_each["actor"]]
    assert "Azeri" in response.content.decode()  # the aliases column


def test_statement_changelist_shows_speaker_quote_date_code_and_status(admin_client, one_of_each):
    html = admin_client.get(admin_url(Statement, "changelist")).content.decode()
    assert "Azerbaijan" in html
    assert "both sides must stop firing now." in html
    assert "1 August 2022" in html
    assert "0256" in html
    assert "draft" in html


def test_review_status_filter_lists_only_drafts(admin_client, new_statement):
    draft = new_statement()
    new_statement(review_status=ReviewStatus.VERIFIED)
    response = admin_client.get(admin_url(Statement, "changelist"), {"review_status__exact": "draft"})
    assert list(response.context["cl"].result_list) == [draft]


@pytest.mark.parametrize("model", [Statement, Event], ids=lambda model: model.__name__)
def test_mark_verified_action_verifies_the_selected_drafts_only(admin_client, model, new_statement, make_event):
    make = new_statement if model is Statement else make_event
    chosen, other = [make(), make()], make()
    response = admin_client.post(
        admin_url(model, "changelist"),
        {"action": "mark_verified", "_selected_action": [obj.pk for obj in chosen]},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 " in str(list(response.context["messages"])[0]) and "marked as verified" in response.content.decode()
    statuses = dict(model.objects.values_list("pk", "review_status"))
    assert [statuses[obj.pk] for obj in chosen] == [ReviewStatus.VERIFIED] * 2
    assert statuses[other.pk] == ReviewStatus.DRAFT


def test_actor_autocomplete_answers_with_alias_matches(admin_client, one_of_each):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "events", "model_name": "statement", "field_name": "speaker", "term": "Azeri"},
    )
    assert response.status_code == 200
    assert response.json()["results"] == [{"id": str(one_of_each["actor"].pk), "text": "Azerbaijan"}]


def test_article_body_is_read_only_once_spans_point_into_it(admin_client, make_article, one_of_each):
    with_spans = one_of_each["article"]
    form = admin_client.get(admin_url(Article, "change", with_spans.pk)).context["adminform"].form
    assert "body" not in form.fields
    assert "sha256" not in form.fields and "source_ref" not in form.fields

    without_spans = make_article(body="Headline\n\nSome text.")
    form = admin_client.get(admin_url(Article, "change", without_spans.pk)).context["adminform"].form
    assert "body" in form.fields


def test_adding_an_article_in_the_admin_stores_the_body_hash(admin_client, db):
    body = "A headline\n\nA paragraph of text."
    response = admin_client.post(
        admin_url(Article, "add"),
        {
            "source_ref": "manual-1.txt",
            "title": "A headline",
            "body": body,
            "language": "en",
            "statements-TOTAL_FORMS": "0",
            "statements-INITIAL_FORMS": "0",
            "event_sources-TOTAL_FORMS": "0",
            "event_sources-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get(source_ref="manual-1.txt").sha256 == Article.hash_text(body)


def test_adding_a_duplicate_article_text_is_refused_with_a_message(admin_client, make_article):
    existing = make_article(body="Same\n\ntext.")
    response = admin_client.post(
        admin_url(Article, "add"),
        {
            "source_ref": "copy.txt",
            "body": "Same\n\ntext.",
            "language": "en",
            "statements-TOTAL_FORMS": "0",
            "statements-INITIAL_FORMS": "0",
            "event_sources-TOTAL_FORMS": "0",
            "event_sources-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "already has exactly this text" in str(response.context["adminform"].form.errors["body"])
    assert Article.objects.filter(pk=existing.pk).count() == Article.objects.count()


def test_article_change_page_lists_its_statements_and_event_sources_inline(admin_client, one_of_each):
    html = admin_client.get(admin_url(Article, "change", one_of_each["article"].pk)).content.decode()
    assert "both sides must stop firing now." in html
    assert "The two armies exchanged fire" in html


def test_view_on_site_links_to_the_reader_pages(admin_client, one_of_each):
    article, actor = one_of_each["article"], one_of_each["actor"]
    assert 'href="/admin/r/' in admin_client.get(admin_url(Article, "change", article.pk)).content.decode()
    response = admin_client.get(admin_url(Actor, "change", actor.pk))
    assert "View on site" in response.content.decode()


def _changelist_queries(admin_client, model) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", [Event, Statement, Actor, Article, EventSource], ids=lambda m: m.__name__)
def test_changelist_query_count_does_not_grow_with_rows(
    admin_client, model, make_article, make_actor, make_event, make_statement
):
    def add_rows(n):
        for _ in range(n):
            actor = make_actor()
            actor.aliases.create(name=f"alias {actor.pk}")
            article = make_article(
                body=f"Headline {actor.pk}\n\nThe two armies exchanged fire. “both sides must stop firing now.”"
            )
            make_statement(article=article, speaker=actor, said_on=dt.date(2022, 8, 1))
            make_event(actors=[(actor, "initiator")], sources=[(article, "The two armies exchanged fire")])

    add_rows(1)
    one = _changelist_queries(admin_client, model)
    add_rows(19)
    assert _changelist_queries(admin_client, model) == one


def test_event_family_filter_lists_families_in_use_and_filters_by_them(admin_client, make_event, cameo):
    fight = make_event()  # type 190, family 19
    talks = make_event(event_type=cameo("046", "Engage in negotiation"))
    response = admin_client.get(admin_url(Event, "changelist"), {"family": "19"})
    assert list(response.context["cl"].result_list) == [fight]
    html = response.content.decode()
    assert "?family=04" in html and "?family=19" in html and "?family=01" not in html
    assert talks.event_type.root == "04"
