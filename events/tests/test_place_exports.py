"""Event exports carry where the event happened (issue 17): the place of its most precise placing,
its coordinates and ACLED's geo-precision, in the CSV and JSON of /api/events/ and /api/timeline/,
over the real HTTP stack (the live server, read with urllib)."""

from __future__ import annotations

import csv
import io
import json
import urllib.request

import icalendar
import pytest

from events.models import EventPlace, Place


@pytest.fixture
def placed(transactional_db, make_event):
    district = Place.objects.create(
        slug="test-district", name="Test District", kind="district", country="AM", latitude=39.5, longitude=46.3
    )
    village = Place.objects.create(
        slug="test-village",
        name="Test Village",
        kind="village",
        country="AM",
        latitude=39.51234,
        longitude=46.34567,
        parent=district,
    )
    shelled = make_event(title="Village shelled", review_status="verified")
    EventPlace.objects.create(event=shelled, place=district, precision="region")
    EventPlace.objects.create(event=shelled, place=village, precision="near", name_used="the village")
    regional = make_event(title="Fighting in the district", review_status="verified")
    EventPlace.objects.create(event=regional, place=district, precision="region")
    unplaced = make_event(title="Talks somewhere", review_status="verified", location="Somewhere in the hills")
    return {"shelled": shelled, "regional": regional, "unplaced": unplaced}


def _get(server, path):
    with urllib.request.urlopen(server.url + path, timeout=30) as response:
        assert response.status == 200
        return response.read().decode("utf-8")


def _csv(server, path):
    return {row["title"]: row for row in csv.DictReader(io.StringIO(_get(server, path), newline=""))}


@pytest.mark.parametrize("path", ["/api/events/?format=csv", "/api/timeline/?format=csv"])
def test_the_csv_exports_carry_the_most_precise_place_its_coordinates_and_acled_precision(live_server, placed, path):
    rows = _csv(live_server, path)
    columns = ("place", "latitude", "longitude", "geo_precision")
    assert {column: rows["Village shelled"][column] for column in columns} == {
        "place": "Test Village",
        "latitude": "39.51234",
        "longitude": "46.34567",
        "geo_precision": "2",
    }
    assert [rows["Fighting in the district"][column] for column in columns] == ["Test District", "39.5", "46.3", "3"]
    assert [rows["Talks somewhere"][column] for column in columns] == ["", "", "", ""]
    header = next(csv.reader(io.StringIO(_get(live_server, path))))
    assert header[header.index("location") + 1 : header.index("location") + 4] == list(columns[1:])


def test_the_json_exports_carry_the_place(live_server, placed):
    events = {row["title"]: row for row in json.loads(_get(live_server, "/api/events/?format=json"))}
    assert events["Village shelled"]["place"] == {
        "name": "Test Village",
        "latitude": 39.51234,
        "longitude": 46.34567,
        "precision": "near",
        "geo_precision": 2,
    }
    assert events["Talks somewhere"]["place"] is None
    items = json.loads(_get(live_server, "/api/timeline/?format=json"))
    places = {item["event"]["title"]: item["event"]["place"] for item in items if item["kind"] == "event"}
    assert places["Fighting in the district"]["geo_precision"] == 3
    assert places["Fighting in the district"]["name"] == "Test District"
    assert places["Talks somewhere"] is None


def test_the_timelinejs_export_says_each_events_place_in_its_slide(live_server, placed):
    body = json.loads(_get(live_server, "/api/events/?format=timelinejs"))
    texts = {slide["text"]["headline"]: slide["text"]["text"] for slide in body["events"]}
    assert "<p>Place: Test Village (near; 39.51234, 46.34567)</p>" in texts["Village shelled"]
    assert "<p>Place: Test District (region; 39.5, 46.3)</p>" in texts["Fighting in the district"]
    assert "Place:" not in texts["Talks somewhere"]
    # The timeline's export too; a slide keeps TimelineJS 3's keys (no key of ours).
    slides = json.loads(_get(live_server, "/api/timeline/?format=timelinejs"))["events"]
    assert {key for slide in slides for key in slide} <= {
        "unique_id",
        "start_date",
        "end_date",
        "display_date",
        "text",
        "group",
    }
    assert any("Place: Test Village" in slide["text"]["text"] for slide in slides)


@pytest.mark.parametrize("path", ["/api/events/?format=ics", "/api/timeline/?format=ics"])
def test_the_icalendar_export_gives_a_placed_event_its_place_as_location_and_geo(live_server, placed, path):
    calendar = icalendar.Calendar.from_ical(_get(live_server, path))
    entries = {str(entry["summary"]): entry for entry in calendar.walk("VEVENT")}
    shelled = entries["Village shelled"]
    assert str(shelled["location"]) == "Test Village"
    assert (shelled["geo"].latitude, shelled["geo"].longitude) == (39.51234, 46.34567)
    assert "Place: Test Village (near; 39.51234, 46.34567)" in str(shelled["description"])
    district = entries["Fighting in the district"]
    assert (str(district["location"]), district["geo"].latitude, district["geo"].longitude) == (
        "Test District",
        39.5,
        46.3,
    )
    # Without a place: the free-text location, and no GEO.
    talks = entries["Talks somewhere"]
    assert "geo" not in talks
    assert str(talks["location"]) == "Somewhere in the hills"


def _keys(schema: dict) -> set[str]:
    return set(schema["properties"])


def test_the_schema_describes_the_exports_place_and_the_maps_answer_as_they_are(live_server, placed):
    schema = json.loads(_get(live_server, "/api/schema/?format=json"))
    # /api/events/?format=json: each row is an Event with its `place`.
    content = schema["paths"]["/api/events/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    [exported] = [option for option in content["oneOf"] if option.get("type") == "array"]
    event_ref, placed_part = exported["items"]["allOf"]
    assert event_ref == {"$ref": "#/components/schemas/Event"}
    place_schema = placed_part["properties"]["place"]
    assert place_schema["nullable"] is True
    rows = {row["title"]: row for row in json.loads(_get(live_server, "/api/events/?format=json"))}
    assert _keys(place_schema) == set(rows["Village shelled"]["place"]) == set(place_schema["required"])
    assert rows["Village shelled"]["place"]["precision"] in place_schema["properties"]["precision"]["enum"]
    # The paginated list has no place: its schema (the Event component) says none.
    assert "place" not in schema["components"]["schemas"]["Event"]["properties"]
    # /api/timeline/?format=json: the row's `event` is an Event with its `place`.
    content = schema["paths"]["/api/timeline/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    [exported] = [option for option in content["oneOf"] if option.get("type") == "array"]
    event_schema = exported["items"]["allOf"][1]["properties"]["event"]
    assert event_schema["allOf"][1]["properties"]["place"] == place_schema
    # /api/map/: the FeatureCollection, each feature's keys as the answer has them.
    answer = json.loads(_get(live_server, "/api/map/"))
    map_schema = schema["paths"]["/api/map/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert _keys(map_schema) == set(answer) == set(map_schema["required"])
    feature_schema = map_schema["properties"]["features"]["items"]
    feature = answer["features"][0]
    assert _keys(feature_schema) == set(feature)
    properties = feature_schema["properties"]["properties"]
    assert _keys(properties) == set(feature["properties"]) == set(properties["required"])
    assert _keys(properties["properties"]["event"]) == set(feature["properties"]["event"])
