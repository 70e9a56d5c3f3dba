"""The REST API through the real HTTP stack (APIClient): reads, filters, writes, permissions, schema."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventParticipant,
    EventSource,
    Outlet,
    Statement,
)
from events.tests.conftest import SAMPLE_BODY

QUOTE = "both sides must stop firing now."
CLASH = "The two armies exchanged fire near the border overnight"

# Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def reader(django_user_model):
    """Logged in, but without any model permission."""
    return django_user_model.objects.create_user("reader", password="reader-password-1")


@pytest.fixture
def reader_api(reader):
    client = APIClient()
    client.force_login(reader)
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response) -> list[int]:
    return [row["id"] for row in results(response)]


def assert_400_naming(response, parameter: str) -> list[str]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert parameter in body, body
    return body[parameter]


# The root, list and detail of every endpoint -----------------------------------------------


@pytest.mark.django_db
def test_root_lists_every_resource(api):
    response = api.get("/api/")
    assert response.status_code == 200
    assert set(response.json()) == {
        "articles",
        "actors",
        "statements",
        "events",
        "escalations",
        "outlets",
        "cameo-codes",
        "timeline",
        "stats",
        "places",
    }
    assert response.json()["events"].endswith("/api/events/")
    assert response.json()["timeline"].endswith("/api/timeline/")


@pytest.mark.django_db
def test_root_is_browsable_in_a_browser(api):
    response = api.get("/api/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert "Api Root" in response.content.decode()


@pytest.mark.django_db
def test_event_list_embeds_type_dates_participants_sources_and_escalation(
    api, make_event, make_actor, make_article, make_escalation
):
    escalation = make_escalation(slug="2022-clashes", name="The 2022 clashes")
    armenia = make_actor(slug="armenia", name="Armenia", kind=Actor.Kind.STATE, country="AM")
    azerbaijan = make_actor(slug="azerbaijan", name="Azerbaijan", kind=Actor.Kind.STATE, country="AZ")
    article = make_article()
    event = make_event(
        title="Clashes on the line of contact",
        start_date=dt.date(2022, 8, 1),
        end_date=dt.date(2022, 8, 3),
        end_precision="day",
        escalation=escalation,
        actors=[(azerbaijan, "initiator"), (armenia, "target")],
        sources=[(article, CLASH)],
    )

    [row] = results(api.get("/api/events/"))

    assert row["id"] == event.pk
    assert row["type"] == {"code": "190", "label": "Use conventional military force- not specified below"}
    assert row["start_date"] == "2022-08-01"
    assert row["start_precision"] == "day"
    assert row["end_date"] == "2022-08-03"
    assert row["date_label"] == "1–3 August 2022"
    assert row["escalation"] == {"id": escalation.pk, "slug": "2022-clashes", "name": "The 2022 clashes"}
    assert row["participants"] == [
        {
            "actor": {
                "id": azerbaijan.pk,
                "slug": "azerbaijan",
                "name": "Azerbaijan",
                "kind": "state",
                "country": "AZ",
            },
            "role": "initiator",
        },
        {
            "actor": {"id": armenia.pk, "slug": "armenia", "name": "Armenia", "kind": "state", "country": "AM"},
            "role": "target",
        },
    ]
    [source] = row["sources"]
    start = SAMPLE_BODY.index(CLASH)
    assert source["start"] == start and source["end"] == start + len(CLASH)
    assert source["quote"] == CLASH
    assert source["article"]["id"] == article.pk
    assert source["article"]["outlet"]["slug"] == article.outlet.slug
    assert {"date_phrase", "reported_date", "reported_precision", "reported_date_label", "ref"} <= set(source)


@pytest.mark.django_db
def test_event_detail_is_the_list_row(api, make_event):
    event = make_event(start_date=dt.date(2022, 8, 1), start_precision="month")
    response = api.get(f"/api/events/{event.pk}/")
    assert response.status_code == 200
    assert response.json()["date_label"] == "August 2022"
    assert response.json() == results(api.get("/api/events/"))[0]


@pytest.mark.django_db
def test_unknown_id_is_404(api):
    assert api.get("/api/events/999999/").status_code == 404
    assert api.get("/api/cameo-codes/9999/").status_code == 404


@pytest.mark.django_db
def test_statement_list_and_detail(api, make_statement, make_actor, make_escalation):
    speaker = make_actor(slug="ana-example", name="Ana Example", country="AM")
    target = make_actor(slug="azerbaijan", name="Azerbaijan", kind=Actor.Kind.STATE)
    escalation = make_escalation(slug="2022-clashes")
    statement = make_statement(
        speaker=speaker,
        escalation=escalation,
        said_on=dt.date(2022, 8, 1),
        reported_date=dt.date(2022, 8, 4),
        reported_precision="day",
        date_phrase="on Monday",
        medium=Statement.Medium.PRESS_BRIEFING,
    )
    statement.targets.add(target)

    [row] = results(api.get("/api/statements/"))
    assert row == api.get(f"/api/statements/{statement.pk}/").json()
    assert row["speaker"] == {
        "id": speaker.pk,
        "slug": "ana-example",
        "name": "Ana Example",
        "kind": "person",
        "country": "AM",
    }
    assert [t["slug"] for t in row["targets"]] == ["azerbaijan"]
    assert row["article"]["id"] == statement.article_id
    assert row["article"]["outlet"]["id"] == statement.article.outlet_id
    assert row["quote"] == QUOTE
    assert (row["start"], row["end"]) == (statement.start, statement.end)
    assert row["cameo"] == {"code": "0256", "label": "Appeal for de-escalation of military engagement"}
    assert row["said_on"] == "2022-08-01"
    assert row["said_on_precision"] == "day"
    assert row["date_label"] == "1 August 2022"
    assert row["reported_date"] == "2022-08-04"
    assert row["reported_date_label"] == "4 August 2022"
    assert row["date_phrase"] == "on Monday"
    assert row["medium"] == "press_briefing"
    assert row["kind"] == "direct"
    assert row["review_status"] == "draft"
    assert row["escalation"]["slug"] == "2022-clashes"


@pytest.mark.django_db
def test_actor_list_and_detail_show_affiliation_and_aliases(api, make_actor):
    usa = make_actor(slug="united-states", name="United States", kind=Actor.Kind.STATE, country="US")
    price = make_actor(slug="ned-price", name="Ned Price", country="US", affiliation=usa, role="spokesperson")
    ActorAlias.objects.create(actor=price, name="Ned Prince", kind=ActorAlias.Kind.MISSPELLING)

    rows = results(api.get("/api/actors/"))
    assert [row["slug"] for row in rows] == ["ned-price", "united-states"]
    detail = api.get(f"/api/actors/{price.pk}/").json()
    assert detail == rows[0]
    assert detail["affiliation"]["slug"] == "united-states"
    assert detail["aliases"] == [{"name": "Ned Prince", "kind": "misspelling"}]
    assert detail["country"] == "US"
    assert detail["role"] == "spokesperson"


@pytest.mark.django_db
def test_article_list_and_detail(api, make_article):
    article = make_article()
    [row] = results(api.get("/api/articles/"))
    assert row == api.get(f"/api/articles/{article.pk}/").json()
    assert row["body"] == SAMPLE_BODY
    assert row["sha256"] == Article.hash_text(SAMPLE_BODY)
    assert row["outlet"]["slug"] == article.outlet.slug
    assert row["published_on"] == "2022-08-04"
    assert row["is_undated"] is False


@pytest.mark.django_db
def test_escalation_outlet_and_cameo_code_list_and_detail(api, make_escalation, make_outlet, cameo):
    escalation = make_escalation(
        slug="2020-war", name="The 2020 war", start_date=dt.date(2020, 9, 27), end_date=dt.date(2020, 11, 10)
    )
    outlet = make_outlet(slug="asbarez", name="Asbarez", kind=Outlet.Kind.DIASPORA_PRESS, country="US")
    cameo("0256", "Appeal for de-escalation of military engagement")

    [row] = results(api.get("/api/escalations/"))
    assert row == api.get(f"/api/escalations/{escalation.pk}/").json()
    assert row["date_label"] == "27 September – 10 November 2020"

    [row] = results(api.get("/api/outlets/"))
    assert row == api.get(f"/api/outlets/{outlet.pk}/").json()
    assert (row["kind"], row["country"]) == ("diaspora_press", "US")

    assert [row["code"] for row in results(api.get("/api/cameo-codes/"))] == ["02", "0256"]
    detail = api.get("/api/cameo-codes/0256/").json()
    assert detail == {
        "code": "0256",
        "label": "Appeal for de-escalation of military engagement",
        "root": "02",
        "is_root": False,
    }


@pytest.mark.django_db
def test_browsable_pages_render_for_a_curator(curator_api, make_statement, make_event, make_article):
    statement = make_statement()
    event = make_event(sources=[(statement.article, CLASH)])
    for url in (
        "/api/events/",
        f"/api/events/{event.pk}/",
        f"/api/statements/{statement.pk}/",
        f"/api/articles/{statement.article_id}/",
        f"/api/actors/{statement.speaker_id}/",
    ):
        response = curator_api.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url


# Event filters -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_event_date_range_keeps_events_whose_period_overlaps(api, make_event):
    day = make_event(start_date=dt.date(2022, 8, 4))
    month = make_event(start_date=dt.date(2022, 7, 1), start_precision="month")
    span = make_event(start_date=dt.date(2020, 9, 27), end_date=dt.date(2020, 11, 10), end_precision="day")
    year = make_event(start_date=dt.date(2002, 1, 1), start_precision="year")

    assert ids(api.get("/api/events/", {"date_from": "2022-07-15", "date_to": "2022-07-20"})) == [month.pk]
    assert ids(api.get("/api/events/", {"date_from": "2022-08-04"})) == [day.pk]
    assert ids(api.get("/api/events/", {"date_from": "2020-10-01", "date_to": "2020-10-02"})) == [span.pk]
    assert ids(api.get("/api/events/", {"date_to": "2002-06-30"})) == [year.pk]
    assert ids(api.get("/api/events/", {"date_from": "2002-12-31", "date_to": "2022-07-31"})) == [
        year.pk,
        span.pk,
        month.pk,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("parameter", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["yesterday", "2022-13-01", "04/08/2022"])
def test_event_unparseable_date_is_400_naming_it(api, parameter, value):
    messages = assert_400_naming(api.get("/api/events/", {parameter: value}), parameter)
    assert "YYYY-MM-DD" in messages[0]


@pytest.mark.django_db
def test_event_range_ending_before_it_starts_is_400(api):
    response = api.get("/api/events/", {"date_from": "2022-08-05", "date_to": "2022-08-01"})
    messages = assert_400_naming(response, "date_to")
    assert "before date_from" in messages[0]


@pytest.mark.django_db
def test_event_escalation_filter_takes_a_slug(api, make_event, make_escalation):
    clashes = make_escalation(slug="2022-clashes")
    inside = make_event(escalation=clashes)
    make_event(escalation=make_escalation(slug="2020-war"))
    make_event()
    assert ids(api.get("/api/events/", {"escalation": "2022-clashes"})) == [inside.pk]


@pytest.mark.django_db
def test_event_unknown_escalation_is_400_naming_it(api):
    messages = assert_400_naming(api.get("/api/events/", {"escalation": "2099-war"}), "escalation")
    assert "2099-war" in messages[0]


@pytest.mark.django_db
def test_event_type_matches_a_code_or_a_family_prefix(api, make_event, cameo):
    appeal = make_event(event_type=cameo("0256", "Appeal for de-escalation"))
    other_appeal = make_event(event_type=cameo("027", "Appeal for settlement"))
    fight = make_event(event_type=cameo("190"))

    assert ids(api.get("/api/events/", {"type": "02"})) == [appeal.pk, other_appeal.pk]
    assert ids(api.get("/api/events/", {"type": "025"})) == [appeal.pk]
    assert ids(api.get("/api/events/", {"type": "0256"})) == [appeal.pk]
    assert ids(api.get("/api/events/", {"type": "19"})) == [fight.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["appeal", "2", "02561", "0x"])
def test_event_malformed_type_is_400(api, value):
    messages = assert_400_naming(api.get("/api/events/", {"type": value}), "type")
    assert "CAMEO code or prefix" in messages[0]


@pytest.mark.django_db
def test_event_type_prefix_no_code_starts_with_is_400(api, cameo):
    cameo("0256")
    messages = assert_400_naming(api.get("/api/events/", {"type": "99"}), "type")
    assert "No CAMEO code starts with '99'" in messages[0]


@pytest.mark.django_db
def test_event_actor_filter_takes_an_id_a_slug_or_a_name(api, make_event, make_actor):
    blinken = make_actor(slug="antony-blinken", name="Antony Blinken")
    other = make_actor()
    # Blinken twice in one event: the event still comes back once.
    call = make_event(actors=[(blinken, "initiator"), (blinken, "participant"), (other, "target")])
    make_event(actors=[(other, "initiator")])

    for value in (str(blinken.pk), "antony-blinken", "Antony Blinken", "antony blinken", "ANTONY-BLINKEN"):
        assert ids(api.get("/api/events/", {"actor": value})) == [call.pk], value


@pytest.mark.django_db
def test_event_unknown_actor_is_400_naming_it(api, make_actor):
    make_actor()
    messages = assert_400_naming(api.get("/api/events/", {"actor": "nobody-at-all"}), "actor")
    assert "nobody-at-all" in messages[0]


@pytest.mark.django_db
def test_event_country_filter_keeps_events_with_a_participant_from_it(api, make_event, make_actor):
    armenia = make_actor(kind=Actor.Kind.STATE, country="AM")
    pashinyan = make_actor(country="AM")
    russia = make_actor(kind=Actor.Kind.STATE, country="RU")
    armenian = make_event(actors=[(armenia, "target"), (pashinyan, "participant")])
    make_event(actors=[(russia, "mediator")])
    assert ids(api.get("/api/events/", {"country": "am"})) == [armenian.pk]
    assert_400_naming(api.get("/api/events/", {"country": "XX"}), "country")


@pytest.mark.django_db
def test_event_review_status_filter(api, make_event):
    verified = make_event(review_status="verified")
    make_event()
    assert ids(api.get("/api/events/", {"review_status": "verified"})) == [verified.pk]


@pytest.mark.django_db
def test_event_unknown_review_status_is_400_naming_it(api, make_event):
    make_event()
    messages = assert_400_naming(api.get("/api/events/", {"review_status": "approved"}), "review_status")
    assert "approved" in messages[0]


@pytest.mark.django_db
def test_event_q_searches_title_summary_and_location(api, make_event):
    by_title = make_event(title="Protests in Yerevan")
    by_summary = make_event(title="Rally", summary="Thousands gathered in YEREVAN.")
    by_location = make_event(title="March", location="Yerevan, Armenia")
    make_event(title="Talks in Sochi")
    assert ids(api.get("/api/events/", {"q": "yerevan"})) == [by_title.pk, by_summary.pk, by_location.pk]


# Statement filters ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_statement_speaker_and_target_filters(api, new_statement, make_actor):
    price = make_actor(slug="ned-price", name="Ned Price")
    azerbaijan = make_actor(slug="azerbaijan", name="Azerbaijan", kind=Actor.Kind.STATE)
    by_price = new_statement(speaker=price)
    by_price.targets.add(azerbaijan)
    other = new_statement()

    assert ids(api.get("/api/statements/", {"speaker": "ned-price"})) == [by_price.pk]
    assert ids(api.get("/api/statements/", {"speaker": str(price.pk)})) == [by_price.pk]
    assert ids(api.get("/api/statements/", {"speaker": "ned price"})) == [by_price.pk]
    assert ids(api.get("/api/statements/", {"target": "Azerbaijan"})) == [by_price.pk]
    assert ids(api.get("/api/statements/", {"speaker": other.speaker.slug})) == [other.pk]
    assert_400_naming(api.get("/api/statements/", {"speaker": "ned-prince"}), "speaker")
    assert_400_naming(api.get("/api/statements/", {"target": "nobody"}), "target")


@pytest.mark.django_db
def test_statement_code_escalation_and_date_filters(api, new_statement, make_escalation, cameo):
    escalation = make_escalation(slug="2022-clashes")
    appeal = new_statement(escalation=escalation, said_on=dt.date(2022, 8, 4))
    accusation = new_statement(cameo=cameo("112", "Accuse"), said_on=dt.date(2022, 7, 1), said_on_precision="month")

    assert ids(api.get("/api/statements/", {"code": "02"})) == [appeal.pk]
    assert ids(api.get("/api/statements/", {"code": "112"})) == [accusation.pk]
    assert ids(api.get("/api/statements/", {"escalation": "2022-clashes"})) == [appeal.pk]
    assert ids(api.get("/api/statements/", {"date_from": "2022-07-31", "date_to": "2022-07-31"})) == [accusation.pk]
    assert ids(api.get("/api/statements/", {"date_from": "2022-08-01"})) == [appeal.pk]
    assert_400_naming(api.get("/api/statements/", {"code": "ab"}), "code")
    assert_400_naming(api.get("/api/statements/", {"escalation": "nope"}), "escalation")
    assert_400_naming(api.get("/api/statements/", {"date_to": "31.07.2022"}), "date_to")


@pytest.mark.django_db
def test_statement_article_filter_takes_an_id(api, new_statement):
    statement = new_statement()
    new_statement()
    assert ids(api.get("/api/statements/", {"article": statement.article_id})) == [statement.pk]
    assert_400_naming(api.get("/api/statements/", {"article": "999999"}), "article")
    assert_400_naming(api.get("/api/statements/", {"article": "first"}), "article")


@pytest.mark.django_db
def test_statement_review_status_kind_medium_and_q_filters(api, new_statement):
    verified = new_statement(review_status="verified", kind="partial", summary="Calls for calm")
    phone = new_statement(medium="phone_call")

    assert ids(api.get("/api/statements/", {"review_status": "verified"})) == [verified.pk]
    assert ids(api.get("/api/statements/", {"kind": "partial"})) == [verified.pk]
    assert ids(api.get("/api/statements/", {"medium": "phone_call"})) == [phone.pk]
    assert ids(api.get("/api/statements/", {"q": "FOR CALM"})) == [verified.pk]
    assert ids(api.get("/api/statements/", {"q": "stop firing"})) == [verified.pk, phone.pk]
    assert_400_naming(api.get("/api/statements/", {"review_status": "done"}), "review_status")
    assert_400_naming(api.get("/api/statements/", {"kind": "quote"}), "kind")
    assert_400_naming(api.get("/api/statements/", {"medium": "telegram"}), "medium")


# Actor, article, escalation, outlet and CAMEO filters -----------------------------------------


@pytest.mark.django_db
def test_actor_filters(api, make_actor):
    azerbaijan = make_actor(slug="azerbaijan", name="Azerbaijan", kind=Actor.Kind.STATE, country="AZ")
    ActorAlias.objects.create(actor=azerbaijan, name="Azeri", kind=ActorAlias.Kind.DEMONYM)
    ActorAlias.objects.create(actor=azerbaijan, name="Azerbaijani", kind=ActorAlias.Kind.DEMONYM)
    aliyev = make_actor(slug="ilham-aliyev", name="Ilham Aliyev", country="AZ")

    assert ids(api.get("/api/actors/", {"kind": "state"})) == [azerbaijan.pk]
    assert ids(api.get("/api/actors/", {"country": "az"})) == [azerbaijan.pk, aliyev.pk]
    # The name and two aliases all match: the actor still comes back once.
    assert ids(api.get("/api/actors/", {"q": "azer"})) == [azerbaijan.pk]
    assert ids(api.get("/api/actors/", {"q": "azeri"})) == [azerbaijan.pk]
    assert_400_naming(api.get("/api/actors/", {"kind": "country"}), "kind")
    assert_400_naming(api.get("/api/actors/", {"country": "Azerbaijan"}), "country")


@pytest.mark.django_db
def test_article_filters(api, make_article, make_outlet):
    asbarez = make_outlet(slug="asbarez")
    august = make_article(outlet=asbarez, published_on=dt.date(2022, 8, 4))
    september = make_article(body="US warns Azerbaijan\n\nBlinken posted on X.", published_on=dt.date(2023, 9, 19))
    make_article(body="Undated\n\nNo date known.", published_on=None)

    assert ids(api.get("/api/articles/", {"outlet": "asbarez"})) == [august.pk]
    assert ids(api.get("/api/articles/", {"published_from": "2023-01-01"})) == [september.pk]
    assert ids(api.get("/api/articles/", {"published_to": "2022-12-31"})) == [august.pk]
    assert ids(api.get("/api/articles/", {"q": "posted on x"})) == [september.pk]
    assert_400_naming(api.get("/api/articles/", {"outlet": "pravda"}), "outlet")
    assert_400_naming(api.get("/api/articles/", {"published_from": "2023"}), "published_from")
    reversed_range = {"published_from": "2023-02-01", "published_to": "2023-01-01"}
    assert_400_naming(api.get("/api/articles/", reversed_range), "published_to")


@pytest.mark.django_db
def test_escalation_outlet_and_cameo_filters(api, make_escalation, make_outlet, cameo):
    war = make_escalation(slug="2020-war", start_date=dt.date(2020, 9, 27), end_date=dt.date(2020, 11, 10))
    ongoing = make_escalation(slug="blockade", start_date=dt.date(2022, 12, 12), end_date=None)
    wire = make_outlet(kind=Outlet.Kind.WIRE, country="GB")
    make_outlet(kind=Outlet.Kind.STATE_MEDIA, country="RU", name="RT")
    cameo("0256", "Appeal for de-escalation of military engagement")
    cameo("190", "Use conventional military force")

    assert ids(api.get("/api/escalations/", {"date_from": "2021-01-01"})) == [ongoing.pk]
    assert ids(api.get("/api/escalations/", {"date_to": "2020-10-01"})) == [war.pk]
    assert ids(api.get("/api/escalations/", {"q": "blockade"})) == []
    assert ids(api.get("/api/outlets/", {"kind": "wire"})) == [wire.pk]
    assert ids(api.get("/api/outlets/", {"country": "gb"})) == [wire.pk]
    assert [row["code"] for row in results(api.get("/api/cameo-codes/", {"code": "02"}))] == ["02", "0256"]
    assert [row["code"] for row in results(api.get("/api/cameo-codes/", {"family": "true"}))] == ["02", "19"]
    assert [row["code"] for row in results(api.get("/api/cameo-codes/", {"family": "false"}))] == ["0256", "190"]
    assert [row["code"] for row in results(api.get("/api/cameo-codes/", {"q": "MILITARY"}))] == ["0256", "190"]
    assert_400_naming(api.get("/api/escalations/", {"date_from": "soon"}), "date_from")
    assert_400_naming(api.get("/api/outlets/", {"kind": "blog"}), "kind")
    assert_400_naming(api.get("/api/cameo-codes/", {"family": "maybe"}), "family")
    assert_400_naming(api.get("/api/cameo-codes/", {"code": "77"}), "code")


# Ordering and pagination -----------------------------------------------------------------------


@pytest.mark.django_db
def test_events_come_in_timeline_order_and_can_be_reordered(api, make_event):
    late = make_event(title="B", start_date=dt.date(2023, 9, 19))
    early = make_event(title="A", start_date=dt.date(2020, 9, 27))
    middle = make_event(title="B", start_date=dt.date(2022, 8, 1))

    assert ids(api.get("/api/events/")) == [early.pk, middle.pk, late.pk]
    assert ids(api.get("/api/events/", {"ordering": "-date_from"})) == [late.pk, middle.pk, early.pk]
    # Ties on the title are broken by id, so pages never overlap.
    assert ids(api.get("/api/events/", {"ordering": "title"})) == [early.pk, late.pk, middle.pk]
    assert ids(api.get("/api/events/", {"ordering": "-title,start_date"})) == [middle.pk, late.pk, early.pk]


@pytest.mark.django_db
def test_ordering_by_an_unknown_field_is_400(api, make_event):
    make_event()
    messages = assert_400_naming(api.get("/api/events/", {"ordering": "body"}), "ordering")
    assert "body" in messages[0] and "date_from" in messages[0]


@pytest.mark.django_db
def test_other_endpoints_order_by_their_fields(api, make_actor, new_statement):
    zed, abe = make_actor(name="Zed"), make_actor(name="Abe")
    assert ids(api.get("/api/actors/", {"ordering": "-name"}))[:2] == [zed.pk, abe.pk]
    first = new_statement(said_on=dt.date(2022, 8, 1))
    second = new_statement(said_on=dt.date(2023, 9, 19))
    assert ids(api.get("/api/statements/", {"ordering": "-said_on"})) == [second.pk, first.pk]


def _walk(api, url, params) -> tuple[list[int], list[dict]]:
    """Every id of a cursor-paginated list, following `next`; and the pages."""
    walked, pages = [], [api.get(url, params).json()]
    while True:
        walked += [row["id"] for row in pages[-1]["results"]]
        if pages[-1]["next"] is None:
            return walked, pages
        pages.append(api.get(pages[-1]["next"]).json())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "ordering", [None, "-date_from", "title", "-title,start_date", "fatalities", "-fatalities,title"]
)
def test_event_cursors_walk_every_row_once_in_any_ordering_and_back(api, make_event, ordering):
    """Ties (same day, same title) and NULLs (no fatalities, no end date) across page boundaries."""
    for n in range(9):
        make_event(
            title="AB"[n % 2],
            start_date=dt.date(2022, 8, 1 + n % 3),
            end_date=dt.date(2022, 8, 5) if n % 4 == 0 else None,
            end_precision="day" if n % 4 == 0 else "",
            fatalities=n if n % 3 else None,
        )
    params = {"ordering": ordering} if ordering else {}
    everything = ids(api.get("/api/events/", {**params, "page_size": 200}))
    assert len(everything) == 9
    walked, pages = _walk(api, "/api/events/", {**params, "page_size": 2})
    assert walked == everything
    assert pages[0]["previous"] is None and all(page["previous"] for page in pages[1:])
    assert set(pages[0]) == {"next", "previous", "results"}  # no count

    back, page = [], pages[-1]
    while page["previous"]:
        page = api.get(page["previous"]).json()
        back = [row["id"] for row in page["results"]] + back
    assert back == everything[: len(everything) - len(pages[-1]["results"])]


@pytest.mark.django_db
def test_statement_cursors_walk_undated_statements_too(api, new_statement):
    for n in range(5):
        new_statement(said_on=dt.date(2022, 8, 1 + n % 2) if n % 3 else None)
    everything = ids(api.get("/api/statements/", {"page_size": 200}))
    assert _walk(api, "/api/statements/", {"page_size": 2})[0] == everything
    assert _walk(api, "/api/statements/", {"page_size": 1, "ordering": "-said_on"})[0] == ids(
        api.get("/api/statements/", {"page_size": 200, "ordering": "-said_on"})
    )


@pytest.mark.django_db
def test_an_event_page_neither_counts_nor_offsets(api, make_event):
    for n in range(3):
        make_event(start_date=dt.date(2022, 8, 1 + n))
    first = api.get("/api/events/", {"page_size": 1}).json()
    with CaptureQueriesContext(connection) as captured:
        assert api.get(first["next"]).status_code == 200
    sql = " ".join(query["sql"].upper() for query in captured)
    assert "COUNT(" not in sql and "OFFSET" not in sql
    assert "cursor=" in first["next"] and "2022" not in first["next"]  # opaque


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense!",
        base64.urlsafe_b64encode(b"nonsense").decode(),
        base64.urlsafe_b64encode(b'["date_from,id",["not a date",1],0]').decode(),
        base64.urlsafe_b64encode(b'["date_from,id",["2022-08-01"],0]').decode(),
    ],
)
def test_a_bad_cursor_is_400_naming_cursor(api, make_event, cursor):
    make_event()
    messages = assert_400_naming(api.get("/api/events/", {"cursor": cursor}), "cursor")
    assert "next" in messages[0]


@pytest.mark.django_db
def test_a_cursor_of_another_ordering_is_400(api, make_event):
    for n in range(3):
        make_event(start_date=dt.date(2022, 8, 1 + n))
    following = api.get("/api/events/", {"page_size": 1}).json()["next"]
    token = following.split("cursor=", 1)[1].split("&", 1)[0]
    assert "ordering" in assert_400_naming(api.get("/api/events/", {"cursor": token, "ordering": "title"}), "cursor")[0]


@pytest.mark.django_db
def test_page_size_is_chosen_by_the_client_up_to_200(api):
    Outlet.objects.bulk_create(Outlet(slug=f"o-{n:03}", name=f"Outlet {n:03}") for n in range(205))

    page = api.get("/api/outlets/", {"page_size": 2}).json()
    assert page["count"] == 205
    assert len(page["results"]) == 2
    assert "page=2" in page["next"]
    assert len(api.get("/api/outlets/").json()["results"]) == 50
    assert len(api.get("/api/outlets/", {"page_size": 1000}).json()["results"]) == 200


# Query counts --------------------------------------------------------------------------------


def _make_events(count, make_event, make_actor, new_article):
    article = new_article()
    for _ in range(count):
        make_event(
            actors=[(make_actor(), "initiator"), (make_actor(), "target")],
            sources=[(article, CLASH), (article, QUOTE)],
        )


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_event_list_costs_three_queries_whatever_the_page_size(
    api, make_event, make_actor, new_article, django_assert_num_queries, count
):
    _make_events(count, make_event, make_actor, new_article)
    # 1. the events, with their CAMEO type and escalation joined (LIMIT page_size + 1: no COUNT)
    # 2. their participants, with the actors joined
    # 3. their sources, with the articles and outlets joined
    with django_assert_num_queries(3):
        response = api.get("/api/events/", {"page_size": 50})
    assert len(results(response)) == count
    # A later page costs the same: the cursor is a WHERE, not an OFFSET.
    first = api.get("/api/events/", {"page_size": 1}).json()
    with django_assert_num_queries(3 if count > 1 else 0):
        if first["next"]:
            assert len(results(api.get(first["next"]))) == 1


@pytest.mark.django_db
def test_one_event_and_twenty_events_cost_the_same(api, make_event, make_actor, new_article):
    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/api/events/").status_code == 200
        return len(captured)

    _make_events(1, make_event, make_actor, new_article)
    one = queries_for_list()
    _make_events(19, make_event, make_actor, new_article)
    assert queries_for_list() == one


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_statement_list_costs_two_queries(api, new_statement, make_actor, django_assert_num_queries, count):
    for _ in range(count):
        new_statement().targets.add(make_actor(), make_actor())
    # 1. the statements, with speaker, article, outlet, CAMEO code and escalation joined (no COUNT)
    # 2. their targets
    with django_assert_num_queries(2):
        assert len(results(api.get("/api/statements/"))) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_actor_and_article_lists_cost_a_constant_number_of_queries(
    api, make_actor, make_article, django_assert_num_queries, count
):
    parent = make_actor()
    for n in range(count):
        actor = make_actor(affiliation=parent)
        ActorAlias.objects.create(actor=actor, name=f"alias {n}")
        make_article(body=f"Article {n}\n\nText {n}.")
    # 1. COUNT(*)  2. the actors, with their affiliation joined  3. their aliases
    with django_assert_num_queries(3):
        assert len(results(api.get("/api/actors/"))) == count + 1
    # 1. COUNT(*)  2. the articles, with outlet and republishing outlet joined
    with django_assert_num_queries(2):
        assert len(results(api.get("/api/articles/"))) == count


# Permissions and authentication ---------------------------------------------------------------


def _outlet_payload(slug="new-outlet"):
    return {"slug": slug, "name": "New outlet", "kind": "wire", "country": "GB"}


@pytest.mark.django_db
def test_anonymous_can_read_but_not_write(api, make_outlet):
    outlet = make_outlet()
    assert api.get("/api/outlets/").status_code == 200
    assert api.get(f"/api/outlets/{outlet.pk}/").status_code == 200
    assert api.post("/api/outlets/", _outlet_payload(), format="json").status_code in (401, 403)
    assert api.patch(f"/api/outlets/{outlet.pk}/", {"name": "X"}, format="json").status_code in (401, 403)
    assert api.delete(f"/api/outlets/{outlet.pk}/").status_code in (401, 403)
    assert Outlet.objects.get(pk=outlet.pk).name == outlet.name


@pytest.mark.django_db
def test_logged_in_user_without_model_permission_gets_403_on_write(reader_api, make_outlet):
    outlet = make_outlet()
    assert reader_api.get("/api/outlets/").status_code == 200
    assert reader_api.post("/api/outlets/", _outlet_payload(), format="json").status_code == 403
    assert reader_api.patch(f"/api/outlets/{outlet.pk}/", {"name": "X"}, format="json").status_code == 403
    assert reader_api.delete(f"/api/outlets/{outlet.pk}/").status_code == 403


@pytest.mark.django_db
def test_curator_can_add_change_and_delete(curator_api):
    response = curator_api.post("/api/outlets/", _outlet_payload(), format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = curator_api.patch(f"/api/outlets/{pk}/", {"name": "Renamed"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "Renamed"
    assert curator_api.delete(f"/api/outlets/{pk}/").status_code == 204
    assert not Outlet.objects.filter(pk=pk).exists()


@pytest.mark.django_db
def test_each_permission_is_checked_separately(reader, make_outlet):
    reader.user_permissions.add(Permission.objects.get(codename="add_outlet"))
    client = APIClient()
    client.force_login(reader)
    outlet = make_outlet()
    assert client.post("/api/outlets/", _outlet_payload(), format="json").status_code == 201
    assert client.delete(f"/api/outlets/{outlet.pk}/").status_code == 403


@pytest.mark.django_db
def test_cameo_codes_are_read_only_even_for_a_curator(curator_api, cameo):
    cameo("0256")
    assert curator_api.post("/api/cameo-codes/", {"code": "0999", "label": "x"}, format="json").status_code == 405
    assert curator_api.delete("/api/cameo-codes/0256/").status_code == 405


@pytest.mark.django_db
def test_token_authentication_works(curator):
    client = APIClient()
    response = client.post("/api/token/", {"username": "curator", "password": "curator-password-1"}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert key == Token.objects.get(user=curator).key

    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/outlets/", _outlet_payload(), format="json").status_code == 201

    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.post("/api/outlets/", _outlet_payload("other"), format="json").status_code in (401, 403)


# Writes --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_creating_an_article_computes_its_sha256(curator_api, make_outlet):
    make_outlet(slug="asbarez")
    body = "U.S. Discusses Karabakh with Turkey\n\nSecretary of State Antony Blinken spoke on Thursday."
    response = curator_api.post(
        "/api/articles/",
        {"source_ref": "004.txt", "title": "U.S. Discusses Karabakh", "body": body, "outlet": "asbarez"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["sha256"] == Article.hash_text(body)
    assert response.json()["outlet"]["slug"] == "asbarez"
    assert Article.objects.get(source_ref="004.txt").sha256 == Article.hash_text(body)


@pytest.mark.django_db
def test_an_article_without_text_has_no_hash(curator_api):
    response = curator_api.post("/api/articles/", {"source_ref": "later.txt", "title": "Metadata only"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["sha256"] == ""
    assert response.json()["is_undated"] is True


@pytest.mark.django_db
def test_an_article_with_the_same_text_as_another_is_400(curator_api, make_article):
    existing = make_article()
    response = curator_api.post("/api/articles/", {"source_ref": "copy.txt", "body": SAMPLE_BODY}, format="json")
    messages = assert_400_naming(response, "body")
    assert existing.source_ref in messages[0]


@pytest.mark.django_db
def test_changing_an_article_body_that_spans_point_into_is_400(curator_api, make_statement):
    statement = make_statement()
    article = statement.article
    response = curator_api.patch(f"/api/articles/{article.pk}/", {"body": SAMPLE_BODY + " More."}, format="json")
    messages = assert_400_naming(response, "body")
    assert "cannot change" in messages[0]
    article.refresh_from_db()
    assert article.body == SAMPLE_BODY
    # The refused write left the connection usable.
    assert curator_api.patch(f"/api/articles/{article.pk}/", {"title": "Retitled"}, format="json").status_code == 200


@pytest.mark.django_db
def test_changing_an_article_body_nothing_points_into_updates_its_hash(curator_api, make_article):
    article = make_article()
    response = curator_api.patch(f"/api/articles/{article.pk}/", {"body": "Fixed\n\nTypo fixed."}, format="json")
    assert response.status_code == 200
    assert response.json()["sha256"] == Article.hash_text("Fixed\n\nTypo fixed.")


def _statement_payload(article, speaker, **overrides):
    start = article.body.index(QUOTE)
    return {
        "ref": "ana-example-stop-firing",
        "article": article.pk,
        "speaker": speaker.slug,
        "quote": QUOTE,
        "start": start,
        "end": start + len(QUOTE),
        "cameo": "0256",
        "said_on": "2022-08-01",
        "said_on_precision": "day",
        "date_phrase": "on Monday",
    } | overrides


@pytest.mark.django_db
def test_curator_creates_a_statement_with_slugs_and_ids(curator_api, make_article, make_actor, make_escalation, cameo):
    cameo("0256", "Appeal for de-escalation of military engagement")
    article = make_article()
    speaker = make_actor(slug="ana-example", name="Ana Example")
    armenia = make_actor(slug="armenia", kind=Actor.Kind.STATE)
    azerbaijan = make_actor(slug="azerbaijan", kind=Actor.Kind.STATE)
    make_escalation(slug="2022-clashes")

    payload = _statement_payload(
        article, speaker, targets=["armenia", azerbaijan.pk], escalation="2022-clashes", medium="press_briefing"
    )
    response = curator_api.post("/api/statements/", payload, format="json")

    assert response.status_code == 201, response.content
    row = response.json()
    assert row["speaker"]["slug"] == "ana-example"
    assert sorted(t["slug"] for t in row["targets"]) == ["armenia", "azerbaijan"]
    assert row["cameo"] == {"code": "0256", "label": "Appeal for de-escalation of military engagement"}
    assert row["date_label"] == "1 August 2022"
    assert row["escalation"]["slug"] == "2022-clashes"
    statement = Statement.objects.get(ref="ana-example-stop-firing")
    assert set(statement.targets.all()) == {armenia, azerbaijan}
    assert statement.date_from == statement.date_to == dt.date(2022, 8, 1)

    changes = {"targets": [], "review_status": "verified"}
    response = curator_api.patch(f"/api/statements/{statement.pk}/", changes, format="json")
    assert response.status_code == 200
    assert response.json()["targets"] == [] and response.json()["review_status"] == "verified"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"speaker": "nobody"}, "speaker", "No actor has the slug 'nobody'"),
        ({"speaker": 999999}, "speaker", "No actor has the id 999999"),
        ({"article": 999999}, "article", "No article has the id 999999"),
        ({"targets": ["nobody"]}, "targets", "No actor has the slug 'nobody'"),
        ({"escalation": "2099-war"}, "escalation", "No escalation has the slug '2099-war'"),
        ({"cameo": "9999"}, "cameo", "No CAMEO code has the code '9999'"),
        ({"said_on": "2022-08-17", "said_on_precision": "month"}, "said_on", "month precision"),
        ({"reported_date": "2022-08-02", "reported_precision": "year"}, "reported_date", "year precision"),
        ({"said_on_precision": "week"}, "said_on_precision", "not a valid choice"),
        ({"end": 10_000}, "end", "ends past the article body"),
        ({"quote": "both sides must stop firing"}, "quote", "not 'both sides must stop firing'"),
        ({"start": 0}, "quote", "the article text at 0–"),
    ],
)
def test_invalid_statement_is_400_naming_the_field(
    curator_api, make_article, make_actor, cameo, overrides, field, message
):
    cameo("0256")
    payload = _statement_payload(make_article(), make_actor()) | overrides
    messages = assert_400_naming(curator_api.post("/api/statements/", payload, format="json"), field)
    assert any(message in text for text in messages), messages
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_moving_a_statement_span_off_its_quote_is_400(curator_api, make_statement):
    statement = make_statement()
    response = curator_api.patch(f"/api/statements/{statement.pk}/", {"start": statement.start + 1}, format="json")
    assert_400_naming(response, "quote")


@pytest.mark.django_db
def test_a_span_refused_by_the_database_trigger_is_400_not_500(
    curator_api, make_article, make_actor, cameo, monkeypatch
):
    # Switch off the model's span check so the write reaches the database trigger.
    monkeypatch.setattr("events.models.records.span_errors", lambda *args: {})
    cameo("0256")
    payload = _statement_payload(make_article(), make_actor(), quote="both sides must stop firing")
    messages = assert_400_naming(curator_api.post("/api/statements/", payload, format="json"), "non_field_errors")
    assert "span" in messages[0]
    assert not Statement.objects.exists()


@pytest.mark.django_db
def test_curator_creates_an_event_with_participants_and_sources(
    curator_api, make_article, make_actor, make_escalation, cameo
):
    cameo("041", "Discuss by telephone")
    article = make_article()
    blinken = make_actor(slug="antony-blinken")
    cavusoglu = make_actor(slug="mevlut-cavusoglu")
    make_escalation(slug="2022-clashes")
    start = article.body.index(CLASH)
    payload = {
        "slug": "2022-08-04-blinken-cavusoglu-call",
        "title": "Blinken–Cavusoglu call",
        "type": "041",
        "start_date": "2022-08-04",
        "escalation": "2022-clashes",
        "participants": [{"actor": "antony-blinken", "role": "initiator"}, {"actor": cavusoglu.pk}],
        "sources": [
            {
                "article": article.source_ref,
                "start": start,
                "end": start + len(CLASH),
                "quote": CLASH,
                "date_phrase": "overnight",
            }
        ],
    }
    response = curator_api.post("/api/events/", payload, format="json")

    assert response.status_code == 201, response.content
    row = response.json()
    assert row["type"]["code"] == "041"
    assert [(p["actor"]["slug"], p["role"]) for p in row["participants"]] == [
        ("antony-blinken", "initiator"),
        ("mevlut-cavusoglu", "participant"),
    ]
    [source] = row["sources"]
    assert source["quote"] == CLASH and source["date_phrase"] == "overnight"
    event = Event.objects.get(slug="2022-08-04-blinken-cavusoglu-call")
    assert event.date_from == event.date_to == dt.date(2022, 8, 4)
    ref = EventSource.objects.get(event=event).ref

    # Re-sending the same span keeps the source (and its ref); the participant list is replaced.
    payload["participants"] = [{"actor": blinken.pk, "role": "participant"}]
    payload["sources"][0]["date_phrase"] = "on Thursday"
    response = curator_api.put(f"/api/events/{event.pk}/", payload, format="json")
    assert response.status_code == 200, response.content
    participants = [(p["actor"]["slug"], p["role"]) for p in response.json()["participants"]]
    assert participants == [("antony-blinken", "participant")]
    assert EventSource.objects.get(event=event).ref == ref
    assert response.json()["sources"][0]["date_phrase"] == "on Thursday"

    # A PATCH without the lists leaves them alone.
    response = curator_api.patch(f"/api/events/{event.pk}/", {"fatalities": 0}, format="json")
    assert response.status_code == 200
    assert EventParticipant.objects.filter(event=event).count() == 1


def _event_payload(**overrides):
    return {"slug": "new-event", "title": "New event", "type": "190", "start_date": "2022-08-01"} | overrides


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"type": "9999"}, "type", "No CAMEO code has the code '9999'"),
        ({"escalation": "nope"}, "escalation", "No escalation has the slug 'nope'"),
        ({"end_date": "2022-07-31", "end_precision": "day"}, "end_date", "the end is before the start"),
        ({"start_date": "2022-08-17", "start_precision": "month"}, "start_date", "month precision"),
        ({"start_date": "2022-02-01", "start_precision": "season"}, "start_date", "season precision"),
        ({"end_date": "2022-08-03"}, "end_precision", "an end date needs a precision"),
        ({"end_precision": "day"}, "end_precision", "a precision without an end date"),
        ({"start_date": "1 August 2022"}, "start_date", "Date has wrong format"),
        ({"participants": [{"actor": "nobody"}]}, "participants", "No actor has the slug 'nobody'"),
    ],
)
def test_invalid_event_is_400_naming_the_field(curator_api, cameo, overrides, field, message):
    cameo("190")
    messages = assert_400_naming(curator_api.post("/api/events/", _event_payload(**overrides), format="json"), field)
    assert message in str(messages), messages
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_event_source_outside_its_article_is_400_naming_the_source_field(curator_api, cameo, make_article):
    cameo("190")
    article = make_article()
    start = article.body.index(CLASH)
    sources = [
        {"article": article.pk, "start": start, "end": start + len(CLASH), "quote": CLASH},
        {"article": article.pk, "start": start, "end": start + len(CLASH), "quote": "Two armies"},
        {"article": article.pk, "start": start, "end": 10_000, "quote": CLASH},
    ]
    response = curator_api.post("/api/events/", _event_payload(sources=sources), format="json")
    errors = assert_400_naming(response, "sources")
    # Errors are keyed by the position of the source in the list; the valid first one has none.
    assert set(errors) == {"1", "2"}
    assert "'Two armies'" in errors["1"]["quote"][0]
    assert "past the article body" in errors["2"]["end"][0]
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_event_listing_a_participant_twice_is_400(curator_api, cameo, make_actor):
    cameo("190")
    actor = make_actor()
    participants = [{"actor": actor.slug, "role": "target"}, {"actor": actor.pk, "role": "target"}]
    response = curator_api.post("/api/events/", _event_payload(participants=participants), format="json")
    assert_400_naming(response, "participants")


@pytest.mark.django_db
def test_escalation_ending_before_it_starts_is_400(curator_api):
    payload = {"slug": "x", "name": "X", "start_date": "2022-08-01", "end_date": "2022-07-01"}
    messages = assert_400_naming(curator_api.post("/api/escalations/", payload, format="json"), "end_date")
    assert "the end is before the start" in messages[0]


@pytest.mark.django_db
def test_curator_creates_and_edits_an_actor_with_aliases(curator_api, make_actor):
    usa = make_actor(slug="united-states", kind=Actor.Kind.STATE, country="US")
    payload = {
        "slug": "ned-price",
        "name": "Ned Price",
        "kind": "person",
        "country": "US",
        "affiliation": "united-states",
        "aliases": [{"name": "Ned Prince", "kind": "misspelling"}, {"name": "Price", "kind": "surname"}],
    }
    response = curator_api.post("/api/actors/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["affiliation"]["id"] == usa.pk
    pk = response.json()["id"]

    changes = {"aliases": [{"name": "price", "kind": "surname"}]}
    response = curator_api.patch(f"/api/actors/{pk}/", changes, format="json")
    assert response.status_code == 200
    assert response.json()["aliases"] == [{"name": "price", "kind": "surname"}]
    assert ActorAlias.objects.filter(actor_id=pk).count() == 1


@pytest.mark.django_db
def test_invalid_actor_is_400_naming_the_field(curator_api, make_actor):
    actor = make_actor()
    response = curator_api.patch(f"/api/actors/{actor.pk}/", {"affiliation": actor.slug}, format="json")
    assert "affiliated to itself" in assert_400_naming(response, "affiliation")[0]
    response = curator_api.patch(f"/api/actors/{actor.pk}/", {"country": "XX"}, format="json")
    assert_400_naming(response, "country")
    response = curator_api.patch(
        f"/api/actors/{actor.pk}/", {"aliases": [{"name": "Azeri"}, {"name": "AZERI"}]}, format="json"
    )
    assert_400_naming(response, "aliases")
    response = curator_api.post("/api/actors/", {"slug": actor.slug, "name": "Copy", "kind": "person"}, format="json")
    assert_400_naming(response, "slug")


@pytest.mark.django_db
def test_deleting_a_record_others_refer_to_is_409(curator_api, make_statement):
    statement = make_statement()
    response = curator_api.delete(f"/api/actors/{statement.speaker_id}/")
    assert response.status_code == 409
    assert "statements" in response.json()["detail"]
    assert Actor.objects.filter(pk=statement.speaker_id).exists()


# Schema and documentation -------------------------------------------------------------------


@pytest.mark.django_db
def test_schema_endpoint_returns_valid_openapi(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert "/api/events/" in schema["paths"]
    parameters = {p["name"]: p for p in schema["paths"]["/api/events/"]["get"]["parameters"]}
    expected = {"date_from", "date_to", "escalation", "type", "actor", "review_status", "q", "ordering", "page_size"}
    assert expected <= set(parameters)
    assert "400" in parameters["actor"]["description"]


def test_schema_generates_without_warnings(tmp_path):
    GENERATOR_STATS.reset()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "openapi: 3" in (tmp_path / "schema.yml").read_text()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_only_local_static_files_and_no_inline_script(api, url):
    response = api.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, html
    scripts = []
    for reference in references:
        if reference.startswith(f"{url}?"):
            scripts.append(reference)  # Swagger UI's set-up script, from the same view
            continue
        assert reference.startswith("/static/drf_spectacular_sidecar/"), reference
        assert finders.find(reference.removeprefix("/static/")), reference
    assert "cdn" not in html.lower()
    # Every <script> has a src: the Content-Security-Policy allows no inline script.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    code = html + "".join(api.get(script.replace("&amp;", "&")).content.decode() for script in scripts)
    assert "/api/schema/" in code


# The real seeds ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seeded_statements_by_blinken_come_from_both_seeds(api, seeded):
    rows = results(api.get("/api/statements/", {"speaker": "antony-blinken", "page_size": 200}))
    assert rows
    assert {row["speaker"]["slug"] for row in rows} == {"antony-blinken"}
    assert {row["article"]["source_ref"] for row in rows} >= {"000_eb3323f6cf93e5ce.txt", "004_18fe2a88e90ce931.txt"}


@pytest.mark.django_db
def test_seeded_appeals_are_found_by_their_cameo_family(api, seeded):
    rows = results(api.get("/api/statements/", {"code": "02", "page_size": 200}))
    assert rows
    assert all(row["cameo"]["code"].startswith("02") for row in rows)
    assert Statement.objects.filter(cameo__root="02").count() == len(rows)
    speakers = {row["speaker"]["slug"] for row in rows}
    assert {"ned-price", "european-union", "united-nations"} <= speakers


@pytest.mark.django_db
def test_seeded_events_filter_by_escalation_type_and_date(api, seeded):
    clashes = results(api.get("/api/events/", {"escalation": "2022-clashes", "page_size": 200}))
    assert clashes and all(row["escalation"]["slug"] == "2022-clashes" for row in clashes)
    fighting = results(api.get("/api/events/", {"type": "19", "page_size": 200}))
    assert fighting and all(row["type"]["code"].startswith("19") for row in fighting)
    one_day = {"date_from": "2023-09-19", "date_to": "2023-09-19", "page_size": 200}
    offensive_day = results(api.get("/api/events/", one_day))
    assert "2023-09-19-azerbaijani-offensive" in {row["slug"] for row in offensive_day}
    assert all(row["date_from"] <= "2023-09-19" <= row["date_to"] for row in offensive_day)


@pytest.mark.django_db
def test_seeded_actor_found_by_a_misspelled_alias(api, seeded):
    rows = results(api.get("/api/actors/", {"q": "Ned Prince"}))
    assert [row["slug"] for row in rows] == ["ned-price"]
