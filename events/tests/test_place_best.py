"""Each event's most precise placing, kept as data (EventPlace.best, issue 17): the database
triggers (events/triggers.py) keep it right through inserts, precision changes, deletions and
merges; the map's aggregate that reads it (EventPlaceQuerySet.map_groups) answers what the
query it replaced (a "most precise placing" subquery per placing) answered, on random data.
Run on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection
from django.db.models import Count, Exists, Max, Min, OuterRef, Subquery, Sum
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from events import filters as event_filters
from events import triggers
from events.api.places import at_place
from events.models import Event, EventPlace, Place
from events.models.event_merge import merge_events
from events.models.places import precision_rank

pytestmark = pytest.mark.django_db

RANK = {value: i for i, value in enumerate(EventPlace.Precision.values)}


@pytest.fixture
def places(db):
    return [
        Place.objects.create(
            slug=f"place-{i}", name=f"Place {i}", kind="village", country="AM", latitude=39 + i / 10, longitude=46
        )
        for i in range(6)
    ]


def expected_best() -> set[int]:
    """The placings that should be marked: per event, the first by precision, then by id."""
    first: dict[int, tuple] = {}
    for pk, event_id, precision in EventPlace.objects.values_list("pk", "event_id", "precision"):
        key = (RANK[precision], pk)
        if event_id not in first or key < first[event_id]:
            first[event_id] = key
    return {pk for _, pk in first.values()}


def marked() -> set[int]:
    return set(EventPlace.objects.filter(best=True).values_list("pk", flat=True))


def assert_best_right():
    assert marked() == expected_best()


def test_the_triggers_rank_the_precisions_as_the_model_does():
    assert triggers.PRECISIONS == tuple(EventPlace.Precision.values)


def test_a_new_placing_is_marked_when_it_is_the_most_precise(make_event, places):
    event = make_event()
    region = EventPlace.objects.create(event=event, place=places[0], precision="region")
    assert marked() == {region.pk}
    near = EventPlace.objects.create(event=event, place=places[1], precision="near")
    assert marked() == {near.pk}
    # A tie keeps the first made.
    EventPlace.objects.create(event=event, place=places[2], precision="near")
    assert marked() == {near.pk}
    # Another event's placings are its own.
    other = EventPlace.objects.create(event=make_event(), place=places[0], precision="country")
    assert marked() == {near.pk, other.pk}
    # A bulk insert (as the importer and the bench write them) fires the triggers per row.
    bulk = make_event()
    EventPlace.objects.bulk_create(
        EventPlace(event=bulk, place=place, precision=precision)
        for place, precision in zip(places, ("country", "exact", "region", "exact"), strict=False)
    )
    assert_best_right()
    assert EventPlace.objects.get(event=bulk, best=True).place == places[1]


def test_changing_a_precision_or_the_event_marks_again(make_event, places):
    event, other = make_event(), make_event()
    region = EventPlace.objects.create(event=event, place=places[0], precision="region")
    near = EventPlace.objects.create(event=event, place=places[1], precision="near")
    region.precision = "exact"
    region.save()
    assert marked() == {region.pk}
    EventPlace.objects.filter(pk=region.pk).update(precision="country")  # a queryset update too
    assert marked() == {near.pk}
    # Moved to another event: both events are marked again.
    near.event = other
    near.save()
    assert marked() == {region.pk, near.pk}
    assert_best_right()


def test_saving_a_placing_read_before_a_better_one_came_does_not_mark_it_again(make_event, places):
    event = make_event()
    stale = EventPlace.objects.create(event=event, place=places[0], precision="near")
    stale.refresh_from_db()
    assert stale.best
    exact = EventPlace.objects.create(event=event, place=places[1], precision="exact")
    stale.name_used = "the village"
    stale.save()  # writes best=True from the instance; the trigger marks again after it
    assert marked() == {exact.pk}


def test_deleting_the_best_placing_marks_the_next_and_deleting_the_event_leaves_no_mark(make_event, places):
    event, kept = make_event(), make_event()
    exact = EventPlace.objects.create(event=event, place=places[0], precision="exact")
    region = EventPlace.objects.create(event=event, place=places[1], precision="region")
    country = EventPlace.objects.create(event=event, place=places[2], precision="country")
    other = EventPlace.objects.create(event=kept, place=places[0], precision="near")
    exact.delete()
    assert marked() == {region.pk, other.pk}
    EventPlace.objects.filter(pk=region.pk).delete()
    assert marked() == {country.pk, other.pk}
    event.delete()
    assert marked() == {other.pk}
    assert_best_right()


def test_merging_events_moves_their_placings_and_marks_the_survivors_best(make_event, places):
    survivor, merged = make_event(title="Shelling"), make_event(title="Shelling, again")
    EventPlace.objects.create(event=survivor, place=places[0], precision="region")
    exact = EventPlace.objects.create(event=merged, place=places[1], precision="exact")
    EventPlace.objects.create(event=merged, place=places[0], precision="region")  # the survivor has it
    merge_events(survivor, merged)
    assert set(survivor.place_links.values_list("place_id", "precision")) == {
        (places[0].pk, "region"),
        (places[1].pk, "exact"),
    }
    assert marked() == {exact.pk}
    assert_best_right()


def old_map_groups(events, limit: int) -> tuple[list[tuple], bool]:
    """The aggregate map_groups replaced (a "most precise placing" subquery per placing), kept
    here to compare answers; the latest event's title and date come from its own query."""
    best = (
        EventPlace.objects.filter(event=OuterRef("event_id"))
        .annotate(rank=precision_rank())
        .order_by("rank", "id")
        .values("id")[:1]
    )
    placed = events.order_by("-date_from", "-id").filter(Exists(EventPlace.objects.filter(event=OuterRef("pk"))))
    groups = list(
        EventPlace.objects.filter(event__in=placed.values("pk")[:limit])
        .filter(id=Subquery(best))
        .order_by()
        .values("place_id")
        .annotate(
            events=Count("event_id"),
            fatalities=Sum("event__fatalities"),
            latest=Max("event_id"),
            escalation_low=Min("event__escalation_id"),
            escalation_high=Max("event__escalation_id"),
            rank=Min(precision_rank()),
        )
        .values_list(
            "place_id",
            "place__slug",
            "place__name",
            "place__latitude",
            "place__longitude",
            "events",
            "fatalities",
            "latest",
            "escalation_low",
            "escalation_high",
            "rank",
        )
        .order_by("place_id")
    )
    latest = dict(
        (pk, (title, day))
        for pk, title, day in Event.objects.filter(pk__in=[g[7] for g in groups]).values_list(
            "pk", "title", "date_from"
        )
    )
    return [(*g, *latest[g[7]]) for g in groups], sum(g[5] for g in groups) >= limit


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_map_aggregate_answers_what_the_subquery_per_placing_answered(make_event, make_escalation, places, seed):
    rng = random.Random(seed)
    escalations = [make_escalation(), make_escalation(), None]
    for i in range(80):
        day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(60))
        event = make_event(
            title=f"Random event {i}",
            start_date=day,
            escalation=rng.choice(escalations),
            fatalities=rng.choice([None, 0, rng.randrange(30)]),
            review_status=rng.choice(["verified", "draft"]),
        )
        for place in rng.sample(places, rng.randrange(4)):
            EventPlace.objects.create(event=event, place=place, precision=rng.choice(EventPlace.Precision.values))
    # Precisions changed and placings deleted after the fact, as curators do.
    for placing in EventPlace.objects.order_by("?")[:15]:
        placing.precision = rng.choice(EventPlace.Precision.values)
        placing.save()
    EventPlace.objects.filter(pk__in=EventPlace.objects.order_by("?").values("pk")[:10]).delete()
    assert_best_right()
    views = [
        Event.objects.all(),
        Event.objects.filter(review_status="verified"),
        Event.objects.filter(escalation=escalations[0]),
        Event.objects.filter(place_links__place=places[1]),
        Event.objects.filter(date_from__gte=dt.date(2022, 2, 1)),
    ]
    for events in views:
        for limit in (5, 25, 1000):
            assert EventPlace.objects.map_groups(events, limit=limit) == old_map_groups(events, limit)


def old_bbox(events, west, south, east, north):
    """The bbox filter's first form (each placing joined to its place), kept here to compare answers."""
    inside = EventPlace.objects.filter(
        place__longitude__range=(west, east), place__latitude__range=(south, north)
    ).values("event")
    return events.filter(pk__in=inside)


@pytest.mark.parametrize("seed", [1, 2])
def test_the_bbox_filter_answers_what_its_first_form_answered(make_event, seed):
    """Events with any placing in the box (not only their best), in the timeline's order, and
    the map's points over them, as the first form (a join of each placing to its place) gave."""
    rng = random.Random(seed)
    places = [
        Place.objects.create(
            slug=f"box-{i}",
            name=f"Box {i}",
            kind="village",
            country="AZ",
            latitude=round(rng.uniform(38.5, 41.5), 3),
            longitude=round(rng.uniform(44.5, 47.5), 3),
        )
        for i in range(30)
    ]
    places.append(
        Place.objects.create(slug="edge", name="Edge", kind="village", country="AM", latitude=40, longitude=46)
    )
    for i in range(120):
        day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(90))
        event = make_event(
            title=f"Boxed event {i}",
            start_date=day,
            fatalities=rng.choice([None, rng.randrange(9)]),
            review_status=rng.choice(["verified", "verified", "draft"]),
        )
        for place in rng.sample(places, rng.randrange(4)):
            EventPlace.objects.create(event=event, place=place, precision=rng.choice(EventPlace.Precision.values))
    boxes = [
        (44.0, 38.0, 48.0, 42.0),  # every place
        (45.0, 39.0, 47.0, 40.5),
        (46.0, 40.0, 46.0, 40.0),  # a point: the edge place only (bounds included)
        (44.6, 38.6, 45.2, 39.0),
        (10.0, 10.0, 11.0, 11.0),  # no place
    ]
    bbox = event_filters.EventFilter.base_filters["bbox"]
    for box in boxes:
        for events in (Event.objects.all(), Event.objects.filter(review_status="verified")):
            new, old = bbox.filter(events, box), old_bbox(events, *box)
            assert set(new.values_list("pk", flat=True)) == set(old.values_list("pk", flat=True)), box
            timeline = ("-date_from", "-id")
            assert list(new.order_by(*timeline).values_list("pk", flat=True)[:7]) == list(
                old.order_by(*timeline).values_list("pk", flat=True)[:7]
            ), box
            for limit in (5, 40, 1000):
                answer = EventPlace.objects.map_groups(new, limit=limit)
                assert answer == EventPlace.objects.map_groups(old, limit=limit) == old_map_groups(old, limit), box
    # The events placed in the first box only by a placing that is not their best are found too.
    assert any(
        not link.best for link in EventPlace.objects.filter(place__latitude__lte=40.5, place__longitude__lte=47.0)
    )


#: sqlite_stat1's rows for the events and placings of bench/map.py's 10^5-event file.
BENCH_STATISTICS = [
    ("events_event", "events_event_review", "100002 50001 69 1 1 1"),
    ("events_event", "events_event_escalation", "100002 20001 14 1 1 1"),
    ("events_event", "events_event_date_to", "100002 69"),
    ("events_event", "events_event_timeline", "100002 69 1"),
    ("events_event", "sqlite_autoindex_events_event_1", "100002 1"),
    ("events_eventplace", "events_eventplace_best", "100000 1 1 1 1"),
    ("events_eventplace", "events_eventplace_place", "100003 105 1"),
    ("events_eventplace", "events_eventplace_place_id_a6fb698c", "100003 105"),
    ("events_eventplace", "events_eventplace_source_id_bb5b11dd", "100003 20001"),
    ("events_eventplace", "events_eventplace_unique_curated", "99998 1 1"),
    ("events_eventplace", "sqlite_autoindex_events_eventplace_1", "100003 1 1 1"),
]


def test_a_broad_bbox_reads_the_timeline_index_in_order_on_sqlite(make_event, places):
    """SQLite does not drive the map's query from the events in the box (each read, then sorted)
    but reads the public timeline's index newest first and stops at the cap."""
    if connection.vendor != "sqlite":
        pytest.skip("a plan of SQLite's")
    EventPlace.objects.create(event=make_event(), place=places[0])
    with connection.cursor() as cursor:
        # The planner's statistics of the bench's 10^5 events (an ANALYZEd bench/map.py file; SQLite
        # reads them again on `ANALYZE sqlite_schema`), so that it plans as it does at that size.
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl IN ('events_event', 'events_eventplace')")
        cursor.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", BENCH_STATISTICS)
        cursor.execute("ANALYZE sqlite_schema")
    events = event_filters.EventFilter.base_filters["bbox"].filter(
        Event.objects.filter(review_status="verified"), (45.0, 38.0, 47.0, 41.0)
    )
    with CaptureQueriesContext(connection) as queries:
        EventPlace.objects.map_groups(events, limit=5000)
    (sql,) = [q["sql"] for q in queries.captured_queries]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = [row[-1] for row in cursor.fetchall()]
    assert "SEARCH events_event USING COVERING INDEX events_event_review (review_status=?)" in plan, plan
    # The newest events come in order from the index: no sort before the grouping.
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan[: plan.index("SCAN placed")], plan


@pytest.mark.parametrize(
    "query",
    [
        "",
        "place=place-1",
        "escalation=x&place=a&date_from=2022-01-01",
        "type=19&type=20&q=a+b%26c",
        "format=csv&page=2",
    ],
)
def test_each_points_timeline_link_keeps_the_querys_other_filters_in_their_order(query):
    params = QueryDict(query).copy()
    for key in ("format", "cursor", "page"):
        params.pop(key, None)
    link = at_place(QueryDict(query))
    for slug in ("syunik-province", "place-1"):
        params["place"] = slug
        assert link(slug) == params.urlencode()


def test_the_admin_shows_which_placing_is_the_best_and_filters_by_it(make_event, places, admin_client):
    event = make_event(title="Shelling")
    EventPlace.objects.create(event=event, place=places[0], precision="region", name_used="Upper hamlet")
    EventPlace.objects.create(event=event, place=places[1], precision="near", name_used="Lower hamlet")
    page = admin_client.get("/admin/events/eventplace/", {"best__exact": "1"}).content.decode()
    assert "Lower hamlet" in page and "Upper hamlet" not in page
    # The event's page lists its placings, `best` read-only (no input a curator could set).
    page = admin_client.get(f"/admin/events/event/{event.pk}/change/").content.decode()
    assert 'name="place_links-0-best"' not in page and "field-best" in page
