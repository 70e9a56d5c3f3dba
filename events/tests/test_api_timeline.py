"""/api/timeline/ (events and statements in one cursor-paginated stream) and /api/stats/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Actor, Event, Statement
from events.tests.test_api import CLASH, QUOTE, assert_400_naming


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def keys(response) -> list[tuple[str, int]]:
    return [(row["kind"], row["id"]) for row in rows(response)]


# Order and content ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_events_and_statements_merge_by_date_then_kind_then_id(api, make_event, new_statement):
    late_statement = new_statement(said_on=dt.date(2023, 9, 19))
    undated = new_statement(said_on=None)
    same_day_statement = new_statement(said_on=dt.date(2022, 8, 4))
    same_day_event = make_event(start_date=dt.date(2022, 8, 4))
    early_event = make_event(start_date=dt.date(2020, 9, 27))
    month = make_event(start_date=dt.date(2022, 8, 1), start_precision="month")

    assert keys(api.get("/api/timeline/")) == [
        ("event", early_event.pk),
        ("event", month.pk),  # August 2022 starts on the 1st
        ("event", same_day_event.pk),  # an event before the statements of its day
        ("statement", same_day_statement.pk),
        ("statement", late_statement.pk),
        ("statement", undated.pk),  # undated last
    ]


@pytest.mark.django_db
def test_each_row_says_its_kind_and_embeds_the_list_representation(api, make_event, make_actor, new_statement):
    article = new_statement().article
    event = make_event(actors=[(make_actor(), "initiator")], sources=[(article, CLASH)])
    statement = Statement.objects.get()
    statement.targets.add(make_actor())

    by_kind = {row["kind"]: row for row in rows(api.get("/api/timeline/"))}
    assert by_kind["event"]["event"] == api.get(f"/api/events/{event.pk}/").json()
    assert by_kind["event"]["statement"] is None
    assert by_kind["event"]["date_from"] == "2022-08-01"
    assert by_kind["statement"]["statement"] == api.get(f"/api/statements/{statement.pk}/").json()
    assert by_kind["statement"]["event"] is None
    assert by_kind["statement"]["id"] == statement.pk


# Filters ---------------------------------------------------------------------------------------------


@pytest.fixture
def mixed(make_event, make_actor, make_escalation, new_statement, cameo):
    clashes = make_escalation(slug="2022-clashes")
    azerbaijan = make_actor(slug="azerbaijan", name="Azerbaijan", kind=Actor.Kind.STATE, country="AZ")
    blinken = make_actor(slug="antony-blinken", name="Antony Blinken", country="US")
    fight = make_event(
        title="Fighting near Stepanakert", escalation=clashes, location="Karabakh", actors=[(azerbaijan, "initiator")]
    )
    call = make_event(
        title="Phone call", event_type=cameo("041", "Discuss by telephone"), start_date=dt.date(2022, 8, 4)
    )
    appeal = new_statement(speaker=blinken, escalation=clashes, summary="Blinken urges restraint")
    appeal.targets.add(azerbaijan)
    other = new_statement(said_on=dt.date(2023, 9, 19), cameo=cameo("112", "Accuse"))
    return {"fight": fight, "call": call, "appeal": appeal, "other": other}


@pytest.mark.django_db
def test_the_lists_filters_apply_to_both_kinds(api, mixed):
    fight, call, appeal, other = mixed["fight"], mixed["call"], mixed["appeal"], mixed["other"]
    assert keys(api.get("/api/timeline/", {"escalation": "2022-clashes"})) == [
        ("event", fight.pk),
        ("statement", appeal.pk),
    ]
    assert keys(api.get("/api/timeline/", {"actor": "azerbaijan"})) == [("event", fight.pk), ("statement", appeal.pk)]
    assert keys(api.get("/api/timeline/", {"actor": "azerbaijan", "actor_role": "target"})) == [
        ("statement", appeal.pk)
    ]
    assert keys(api.get("/api/timeline/", {"country": "US"})) == [("statement", appeal.pk)]
    assert keys(api.get("/api/timeline/", {"type": "02"})) == [("statement", appeal.pk)]
    assert keys(api.get("/api/timeline/", {"type": "04"})) == [("event", call.pk)]
    assert keys(api.get("/api/timeline/", {"date_from": "2023-01-01"})) == [("statement", other.pk)]
    assert keys(api.get("/api/timeline/", {"q": "restraint or stepanakert"})) == [
        ("event", fight.pk),
        ("statement", appeal.pk),
    ]


@pytest.mark.django_db
def test_a_parameter_only_one_kind_takes_keeps_that_kind_only(api, mixed):
    assert keys(api.get("/api/timeline/", {"location": "karabakh"})) == [("event", mixed["fight"].pk)]
    assert keys(api.get("/api/timeline/", {"speaker": "antony-blinken"})) == [("statement", mixed["appeal"].pk)]
    assert keys(api.get("/api/timeline/", {"code": "112"})) == [("statement", mixed["other"].pk)]
    assert keys(api.get("/api/timeline/", {"kind": "direct"})) == [
        ("statement", mixed["appeal"].pk),
        ("statement", mixed["other"].pk),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("date_from", "19/09/2023"),
        ("escalation", "2099-war"),
        ("type", "x1"),
        ("actor", "nobody"),
        ("actor_role", "leader"),
        ("country", "XX"),
        ("outlet_kind", "blog"),
        ("speaker", "nobody"),
        ("kind", "quote"),
        ("q", "the"),
        ("cursor", "not-a-cursor"),
        ("format", "xlsx"),
    ],
)
def test_invalid_values_are_400_naming_the_parameter(api, mixed, parameter, value):
    assert_400_naming(api.get("/api/timeline/", {parameter: value}), parameter)


@pytest.mark.django_db
def test_a_reversed_range_is_400(api):
    assert_400_naming(api.get("/api/timeline/", {"date_from": "2023-01-02", "date_to": "2023-01-01"}), "date_to")


# Cursor pagination ---------------------------------------------------------------------------------


def _many(count, make_event, new_statement):
    for n in range(count):
        make_event(start_date=dt.date(2022, 8, 1) + dt.timedelta(days=n % 3))
        new_statement(said_on=dt.date(2022, 8, 1) + dt.timedelta(days=n % 4))


@pytest.mark.django_db
def test_next_and_previous_walk_the_whole_timeline_without_gaps_or_repeats(api, make_event, new_statement):
    _many(7, make_event, new_statement)
    everything = keys(api.get("/api/timeline/", {"page_size": 200}))
    assert len(everything) == 14

    walked, pages = [], []
    response = api.get("/api/timeline/", {"page_size": 4})
    assert response.json()["previous"] is None
    while True:
        walked += keys(response)
        pages.append(response)
        if response.json()["next"] is None:
            break
        response = api.get(response.json()["next"])
    assert walked == everything
    assert [len(rows(page)) for page in pages] == [4, 4, 4, 2]

    # And back from the last page.
    back = []
    response = pages[-1]
    while response.json()["previous"]:
        response = api.get(response.json()["previous"])
        back = keys(response) + back
    assert back == everything[:12]


@pytest.mark.django_db
@pytest.mark.parametrize("page_size", [1, 2, 3, 5])
def test_cursors_walk_across_the_undated_statements_both_ways(api, make_event, new_statement, page_size):
    """Undated statements come last, by id; the walk back crosses from them into the dated rows."""
    for n in range(3):
        make_event(start_date=dt.date(2022, 8, 1 + n))
        new_statement(said_on=dt.date(2022, 8, 1 + n) if n != 1 else None)
        new_statement(said_on=None)
    everything = keys(api.get("/api/timeline/", {"page_size": 200}))
    assert [kind for kind, _ in everything[-4:]] == ["statement"] * 4
    walked, response = [], api.get("/api/timeline/", {"page_size": page_size})
    while True:
        walked += keys(response)
        if response.json()["next"] is None:
            break
        response = api.get(response.json()["next"])
    assert walked == everything
    back = keys(response)
    while response.json()["previous"]:
        response = api.get(response.json()["previous"])
        back = keys(response) + back
    assert back == everything


@pytest.mark.django_db
def test_a_page_neither_counts_nor_offsets(api, make_event, new_statement):
    _many(3, make_event, new_statement)
    first = api.get("/api/timeline/", {"page_size": 2})
    with CaptureQueriesContext(connection) as captured:
        api.get(first.json()["next"])
    sql = " ".join(query["sql"].upper() for query in captured)
    assert "COUNT(" not in sql
    assert "OFFSET" not in sql
    assert "cursor=" in first.json()["next"] and "2022" not in first.json()["next"]  # opaque


@pytest.mark.django_db
def test_page_size_gives_at_most_200_rows(api, cameo):
    cameo("190")
    Event.objects.bulk_create(
        Event(
            slug=f"e-{n}",
            title=f"Event {n}",
            event_type_id="190",
            start_date=dt.date(2022, 1, 1),
            date_from=dt.date(2022, 1, 1),
            date_to=dt.date(2022, 1, 1),
        )
        for n in range(205)
    )
    assert len(rows(api.get("/api/timeline/", {"page_size": 1000}))) == 200
    assert len(rows(api.get("/api/timeline/"))) == 50
    assert "page_size" in api.get("/api/timeline/", {"page_size": "two"}).json()  # a 400 naming it
    assert len(rows(api.get("/api/timeline/", {"page_size": 3}))) == 3


# Query counts ----------------------------------------------------------------------------------------


def _rich(count, make_event, make_actor, new_statement):
    for _ in range(count):
        statement = new_statement()
        statement.targets.add(make_actor(), make_actor())
        make_event(
            actors=[(make_actor(), "initiator"), (make_actor(), "target")],
            sources=[(statement.article, CLASH), (statement.article, QUOTE)],
        )


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_a_timeline_page_costs_eight_queries_whatever_its_size(
    api, make_event, make_actor, new_statement, django_assert_num_queries, count
):
    _rich(count, make_event, make_actor, new_statement)
    # 1. event keys  2. dated statement keys (each ORDER BY date_from, id LIMIT n + 1)
    # 3. undated statement keys (the dated rows ran out before the page was full)
    # 4. the events, with type and escalation  5. their participants and actors
    # 6. their sources, articles and outlets  7. the statements, with speaker, article,
    #    outlet, CAMEO code and escalation  8. their targets
    with django_assert_num_queries(8):
        assert len(rows(api.get("/api/timeline/", {"page_size": 200}))) == 2 * count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_stats_cost_four_queries_whatever_the_rows(
    api, make_event, make_actor, new_statement, django_assert_num_queries, count
):
    _rich(count, make_event, make_actor, new_statement)
    # 1. statements per escalation, speaker and CAMEO root  2. the roots' labels
    # 3. events per week  4. statements per week
    with django_assert_num_queries(4):
        assert api.get("/api/stats/").status_code == 200


# Statistics ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_stats_count_who_said_what_kind_of_thing_in_which_escalation(
    api, make_escalation, make_actor, new_statement, cameo
):
    clashes = make_escalation(slug="2022-clashes", name="2022 clashes")
    price = make_actor(slug="ned-price", name="Ned Price", country="US")
    eu = make_actor(slug="european-union", name="European Union", kind=Actor.Kind.INTERNATIONAL_ORG)
    cameo("02", "APPEAL")
    cameo("11", "DISAPPROVE")
    new_statement(speaker=price, escalation=clashes)
    new_statement(speaker=price, escalation=clashes, cameo=cameo("027", "Appeal for settlement"))
    new_statement(speaker=price, escalation=clashes, cameo=cameo("112", "Accuse"))
    new_statement(speaker=eu)

    counts = api.get("/api/stats/").json()["statements_by_escalation_actor_root"]
    assert [
        (row["escalation"] and row["escalation"]["slug"], row["actor"]["slug"], row["cameo_root"]["code"], row["count"])
        for row in counts
    ] == [
        ("2022-clashes", "ned-price", "02", 2),
        ("2022-clashes", "ned-price", "11", 1),
        (None, "european-union", "02", 1),
    ]
    assert counts[0]["cameo_root"]["label"] == "APPEAL"
    assert counts[0]["actor"]["country"] == "US"


@pytest.mark.django_db
def test_stats_count_events_and_statements_per_iso_week(api, make_event, new_statement):
    make_event(start_date=dt.date(2022, 8, 1))  # Monday of 2022-W31
    make_event(start_date=dt.date(2022, 8, 7))  # Sunday of the same week
    make_event(start_date=dt.date(2022, 8, 1), start_precision="month")  # counted on its first day
    new_statement(said_on=dt.date(2022, 8, 4))
    new_statement(said_on=dt.date(2023, 1, 1))  # Sunday: ISO week 2022-W52
    new_statement(said_on=None)  # undated: not counted

    assert api.get("/api/stats/").json()["weekly"] == [
        {"week": "2022-W31", "start": "2022-08-01", "events": 3, "statements": 1},
        {"week": "2022-W52", "start": "2022-12-26", "events": 0, "statements": 1},
    ]


@pytest.mark.django_db
def test_stats_take_the_timeline_filters(api, mixed):
    stats = api.get("/api/stats/", {"escalation": "2022-clashes"}).json()
    assert [row["actor"]["slug"] for row in stats["statements_by_escalation_actor_root"]] == ["antony-blinken"]
    assert sum(week["events"] for week in stats["weekly"]) == 1
    only_events = api.get("/api/stats/", {"location": "karabakh"}).json()
    assert only_events["statements_by_escalation_actor_root"] == []
    assert_400_naming(api.get("/api/stats/", {"actor_role": "boss"}), "actor_role")


# The real seeds -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seeded_offensive_day_in_one_request(api, seeded):
    day = rows(api.get("/api/timeline/", {"escalation": "2023-offensive", "page_size": 200}))
    kinds = {row["kind"] for row in day}
    assert kinds == {"event", "statement"}
    slugs = {row["event"]["slug"] for row in day if row["kind"] == "event"}
    assert "2023-09-19-azerbaijani-offensive" in slugs
    order = [(row["date_from"], row["kind"], row["id"]) for row in day]
    assert order == sorted(order)
    speakers = {row["statement"]["speaker"]["slug"] for row in day if row["kind"] == "statement"}
    assert "antony-blinken" in speakers
