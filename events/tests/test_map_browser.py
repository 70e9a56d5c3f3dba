"""The map in a real browser (Debian's Chromium through Playwright) over the real seeds and places.

It must draw offline: the basemap is vector data served by this site, and every request the
page makes goes to the test server (127.0.0.1); the points are the filtered events; a click
on a point leads to the event.
"""

from __future__ import annotations

import json
from io import StringIO
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from events.models import Event, EventPlace, Place
from events.templatetags.maps import map_built
from events.tests.browser import chromium, requires_chromium, screenshot

pytestmark = [
    *requires_chromium,
    pytest.mark.skipif(not map_built(), reason="the map's libraries are not built: make map-js (needs npm)"),
]


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def mapped_server(live_server, transactional_db):
    """The seeds imported (their events placed from their locations), and the 2022 clashes' event
    also placed at three border villages far from the rest: a cluster and single points."""
    call_command("import_seeds", stdout=StringIO(), stderr=StringIO())
    clashes = Event.objects.filter(escalation__slug="2022-clashes").order_by("id")
    for event, slug in zip(clashes, ("sotk", "jermuk", "goris"), strict=False):
        EventPlace.objects.filter(event=event).delete()
        EventPlace.objects.create(event=event, place=Place.objects.get(slug=slug), precision="exact")
    # A point is a place: an event moved to the place nearest another event's makes a cluster.
    others = EventPlace.objects.exclude(event__escalation__slug="2022-clashes").order_by("event_id")
    anchor, moved = others[0].place, others.exclude(place=others[0].place)[0].event
    neighbour = min(
        Place.objects.filter(curated=True).exclude(pk=anchor.pk),
        key=lambda p: (p.latitude - anchor.latitude) ** 2 + (p.longitude - anchor.longitude) ** 2,
    )
    EventPlace.objects.filter(event=moved).delete()
    EventPlace.objects.create(event=moved, place=neighbour, precision="exact")
    # The address every request must go to (the live server listens on localhost: 127.0.0.1).
    return SimpleNamespace(url=live_server.url.replace("localhost", "127.0.0.1"))


@pytest.fixture
def page(browser, mapped_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def _api_features(page, server, query=""):
    return json.loads(page.request.get(f"{server.url}/api/map/{query}").text())["features"]


def _events(features):
    """How many events the points stand for (a point is a place: its events' count)."""
    return sum(f["properties"]["events"] for f in features)


def _only_local(page, server):
    assert urlsplit(server.url).hostname == "127.0.0.1"
    assert page.requests and [url for url in page.requests if urlsplit(url).hostname != "127.0.0.1"] == []


def test_the_map_draws_offline_with_clusters_and_points_and_a_click_opens_the_event(mapped_server, page):
    page.goto(mapped_server.url + "/map/")
    page.wait_for_selector("#event-map.map-ready", timeout=15000)
    features = _api_features(page, mapped_server)
    assert len(features) >= 5
    assert page.locator("#map-status").inner_text() == (
        f"{_events(features)} events on the map, at {len(features)} places."
    )
    # The basemap: Natural Earth's countries as SVG paths, and both kinds of marker.
    assert page.locator(".leaflet-overlay-pane path").count() > len(features)
    assert page.locator(".marker-cluster").count() >= 1
    singles = page.locator("path.event-marker")
    assert singles.count() >= 1
    screenshot(page, "map")

    event_id = int(
        next(c for c in singles.first.get_attribute("class").split() if c.startswith("event-") and c != "event-marker")[
            6:
        ]
    )
    singles.first.click()
    link = page.locator(".leaflet-popup a.map-event-link")
    link.wait_for()
    assert link.inner_text() == Event.objects.get(pk=event_id).title
    link.click()
    page.wait_for_url(f"**#event-{event_id}")
    assert page.locator(f"#event-{event_id}").count() == 1
    _only_local(page, mapped_server)
    assert page.errors == []


def test_the_map_shows_the_filtered_events_and_the_timeline_panel_the_same(mapped_server, page):
    query = "?escalation=2022-clashes"
    expected = _events(_api_features(page, mapped_server, query))
    assert 1 <= expected < _events(_api_features(page, mapped_server))
    assert {f["properties"]["escalation"] for f in _api_features(page, mapped_server, query)} == {"2022-clashes"}
    for url in (f"/map/{query}", f"/{query}"):
        page.goto(mapped_server.url + url)
        page.wait_for_selector("#event-map.map-ready", timeout=15000)
        status = page.locator("#map-status").inner_text()
        assert status.startswith(f"{expected} event{'s' if expected != 1 else ''} on the map"), (url, status)
    screenshot(page, "timeline-map-panel")
    _only_local(page, mapped_server)
    assert page.errors == []


def test_a_bad_filter_is_said_on_the_map_not_drawn_wrong(mapped_server, page):
    page.goto(mapped_server.url + "/map/?place=Atlantis")
    page.wait_for_selector("#event-map.map-failed", timeout=15000)
    assert "No place has the id, slug or name 'Atlantis'" in page.locator("#map-status").inner_text()
    _only_local(page, mapped_server)


def test_a_place_with_several_events_links_to_the_timeline_of_all_of_them(mapped_server, page):
    sotk = Place.objects.get(slug="sotk")
    clashes = Event.objects.filter(escalation__slug="2022-clashes")
    second = clashes.exclude(place_links__place=sotk).order_by("id").first()
    EventPlace.objects.filter(event=second).delete()
    EventPlace.objects.create(event=second, place=sotk, precision="near")
    here = set(clashes.filter(place_links__place=sotk).values_list("pk", flat=True))
    assert len(here) == 2
    page.goto(mapped_server.url + "/map/?escalation=2022-clashes")
    page.wait_for_selector("#event-map.map-ready", timeout=15000)
    page.locator(f"path.place-{sotk.pk}").click()
    link = page.locator(".leaflet-popup a.map-place-link")
    link.wait_for()
    assert link.inner_text() == "All 2 events here"
    link.click()
    page.wait_for_url("**place=sotk**")
    for pk in here:
        assert page.locator(f"#event-{pk}").count() == 1
    _only_local(page, mapped_server)
    assert page.errors == []
