"""Places in the database (events/models/places.py): loading by import_seeds, the invariants, the filters, the API and the admin."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from events.importers.places import load_places
from events.ingest.placedata import parse_places
from events.models import EventPlace, Place, PlaceName

pytestmark = pytest.mark.django_db


def _doc(*entries):
    return [("t.json", {"places": list(entries)})]


def _entry(slug, parent=None, **fields):
    base = {
        "slug": slug,
        "name": slug.title(),
        "kind": "city",
        "country": "AZ",
        "parent": parent,
        "lat": 39.8,
        "lon": 46.7,
        "names": [],
        "notes": "https://example.org/" + slug,
    }
    return base | fields


@pytest.fixture
def tree(db):
    """A small tree: azerbaijan > karabakh (region) > district > two villages, and Stepanakert with its names."""
    places = parse_places(
        _doc(
            _entry("azerbaijan", kind="country"),
            _entry("karabakh", "azerbaijan", kind="region"),
            _entry("district", "karabakh", kind="district"),
            _entry("village-a", "district", kind="village"),
            _entry("village-b", "district", kind="village"),
            _entry(
                "khankendi",
                "karabakh",
                name="Stepanakert",
                names=[
                    {"name": "Khankendi", "language": "az", "usage": "azerbaijani"},
                    {"name": "Stepanakert", "language": "hy", "usage": "armenian"},
                ],
            ),
        )
    )
    load_places(places)
    return {p.slug: p for p in Place.objects.all()}


def _placed(make_event, place, **overrides):
    event = make_event(**overrides)
    EventPlace.objects.create(event=event, place=place)
    return event


def test_import_seeds_loads_the_places_once_and_a_second_run_creates_none():
    out = StringIO()
    call_command("import_seeds", "--fixtures-only", "--no-knowledge", "--fixtures", stdout=out)
    assert "places: created" in out.getvalue()
    assert Place.objects.filter(curated=True).count() >= 120
    assert Place.objects.filter(curated=False).count() > 500
    shusha = Place.objects.get(slug="shusha")
    assert shusha.parent.slug == "shusha-district" and {n.name for n in shusha.names.all()} >= {"Shushi", "Şuşa"}
    counts = (Place.objects.count(), PlaceName.objects.count())
    shusha.name, shusha.latitude = "Shusha (curated)", 39.7
    shusha.save()
    shusha.names.filter(name="Shushi").delete()
    out = StringIO()
    call_command("import_seeds", "--fixtures-only", "--no-knowledge", "--fixtures", stdout=out)
    assert f"places: unchanged {counts[0]} ({counts[0]} places)" in out.getvalue()
    assert (Place.objects.count(), PlaceName.objects.count()) == (counts[0], counts[1] - 1)
    shusha.refresh_from_db()
    assert (shusha.name, shusha.latitude) == ("Shusha (curated)", 39.7)


def test_bad_place_data_stops_the_import_naming_the_place_and_writes_nothing(tmp_path, settings, monkeypatch):
    from events.ingest import placedata

    (tmp_path / "bad.json").write_text(
        '{"places": [{"slug": "x", "name": "X", "kind": "city", "country": "AM", '
        '"parent": null, "lat": 91, "lon": 45, "notes": "https://example.org"}]}'
    )
    monkeypatch.setattr(placedata, "DEFAULT_DIR", tmp_path)
    monkeypatch.setattr(
        "events.management.commands.import_seeds.load_place_data", lambda: placedata.load_places(tmp_path)
    )
    with pytest.raises(Exception) as caught:
        call_command("import_seeds", "--fixtures-only", "--no-knowledge", "--fixtures", stdout=StringIO())
    assert "places not loaded, nothing was written" in str(caught.value)
    assert "place 'x': 'lat' 91 is out of range" in str(caught.value)
    assert Place.objects.count() == 0


def test_a_place_cannot_be_its_own_ancestor(tree):
    district = tree["district"]
    district.parent = tree["village-a"]
    with pytest.raises(ValidationError) as caught:
        district.full_clean()
    assert "parent" in caught.value.message_dict
    district.parent = district
    with pytest.raises(ValidationError) as caught:
        district.full_clean()
    assert "own ancestor" in caught.value.message_dict["parent"][0]


def test_out_of_range_coordinates_are_refused_by_clean_and_by_the_database(tree):
    place = tree["village-a"]
    place.latitude, place.longitude = 120, -200
    with pytest.raises(ValidationError) as caught:
        place.full_clean()
    assert set(caught.value.message_dict) == {"latitude", "longitude"}
    with pytest.raises(IntegrityError), transaction.atomic():
        place.save()


def test_both_names_find_the_same_place(tree, api):
    for text in ("Khankendi", "stepanakert", "khank"):
        body = api.get("/api/places/", {"q": text}).json()
        assert [r["slug"] for r in body["results"]] == ["khankendi"], text
    detail = api.get(f"/api/places/{tree['khankendi'].pk}/").json()
    assert {(n["name"], n["usage"]) for n in detail["names"]} == {
        ("Khankendi", "azerbaijani"),
        ("Stepanakert", "armenian"),
    }
    assert detail["parent"] == "karabakh"


def test_the_place_filter_finds_events_at_the_place_and_under_it(tree, make_event, api):
    in_a = _placed(make_event, tree["village-a"], title="Shelling in A")
    in_b = _placed(make_event, tree["village-b"], title="Shelling in B")
    in_city = _placed(make_event, tree["khankendi"], title="Protest in the city")
    make_event(title="Nowhere")

    def titles(**params):
        response = api.get("/api/events/", params)
        assert response.status_code == 200, response.json()
        return sorted(r["title"] for r in response.json()["results"])

    assert titles(place="district") == sorted([in_a.title, in_b.title])
    assert titles(place="karabakh") == sorted([in_a.title, in_b.title, in_city.title])
    assert titles(place="Khankendi") == titles(place="Stepanakert") == [in_city.title]
    assert titles(place=str(tree["village-b"].pk)) == [in_b.title]
    assert titles(bbox="46,39,47,40") == sorted([in_a.title, in_b.title, in_city.title])
    assert titles(bbox="40,30,41,31") == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"place": "Atlantis"}, "place", "No place has the id, slug or name 'Atlantis'."),
        ({"bbox": "1,2,3"}, "bbox", "Enter west,south,east,north"),
        ({"bbox": "47,39,46,40"}, "bbox", "west <= east"),
    ],
)
def test_bad_place_filters_are_a_400_naming_the_parameter(tree, api, params, field, message):
    for url in ("/api/events/", "/api/timeline/", "/api/map/"):
        response = api.get(url, params)
        assert response.status_code == 400, url
        assert message in response.json()[field][0], url


def test_a_name_two_places_share_asks_for_the_slug(tree, api):
    PlaceName.objects.create(place=tree["village-b"], name="Village-A", usage="historical")
    response = api.get("/api/events/", {"place": "Village-A"})
    assert response.status_code == 400
    assert "names 2 places (village-a, village-b): give the slug" in response.json()["place"][0]


def test_the_map_answers_one_geojson_point_per_place_of_the_filtered_events_most_precise_placing(
    tree, make_event, api, django_assert_max_num_queries
):
    event = make_event(title="Clash", fatalities=3)
    EventPlace.objects.create(event=event, place=tree["district"], precision="region")
    EventPlace.objects.create(event=event, place=tree["village-a"], precision="near", name_used="A")
    later = make_event(title="Later clash", fatalities=2)
    EventPlace.objects.create(event=later, place=tree["village-a"], precision="near")
    _placed(make_event, tree["khankendi"], title="Elsewhere")
    body = api.get("/api/map/", {"place": "district"}).json()
    assert body["type"] == "FeatureCollection"
    [feature] = body["features"]
    assert feature["id"] == tree["village-a"].pk
    assert feature["geometry"] == {"type": "Point", "coordinates": [46.7, 39.8]}
    wanted = {"place": "Village-A", "events": 2, "fatalities": 5, "precision": "near", "geo_precision": 2}
    assert {key: feature["properties"][key] for key in wanted} == wanted
    latest = feature["properties"]["event"]
    assert (latest["id"], latest["title"]) == (later.pk, "Later clash")
    assert latest["url"].endswith(f"#event-{later.pk}")
    # The place's link is the timeline with the same filters at this place: it lists both events.
    assert "place=village-a" in feature["properties"]["url"]
    page = api.get(feature["properties"]["url"].replace("/?", "/api/timeline/?")).json()
    assert {item["id"] for item in page["results"] if item["kind"] == "event"} == {event.pk, later.pk}
    # Every place once; the event with two placings counts once, at its most precise one.
    everything = api.get("/api/map/").json()["features"]
    assert sorted(f["properties"]["events"] for f in everything) == [1, 2]
    with django_assert_max_num_queries(8):
        assert api.get("/api/map/").status_code == 200


def test_the_admin_lists_and_edits_places(tree, admin_client):
    assert admin_client.get("/admin/events/place/").status_code == 200
    assert admin_client.get("/admin/events/place/?q=Khankendi").content.count(b"Stepanakert") >= 1
    assert admin_client.get(f"/admin/events/place/{tree['khankendi'].pk}/change/").status_code == 200
    assert admin_client.get("/admin/events/eventplace/").status_code == 200


def test_the_admin_refuses_a_parent_loop_and_bad_coordinates_naming_the_field(tree, admin_client):
    district, village = tree["district"], tree["village-a"]
    form = {
        "slug": district.slug,
        "name": district.name,
        "kind": district.kind,
        "country": district.country,
        "latitude": "39.8",
        "longitude": "46.7",
        "curated": "on",
        "notes": district.notes,
        "names-TOTAL_FORMS": "0",
        "names-INITIAL_FORMS": "0",
        "names-MIN_NUM_FORMS": "0",
        "names-MAX_NUM_FORMS": "1000",
    }
    url = f"/admin/events/place/{district.pk}/change/"
    response = admin_client.post(url, form | {"parent": str(village.pk)})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "a place cannot be its own ancestor: this parent is already under it"
    ]
    response = admin_client.post(url, form | {"parent": str(tree["karabakh"].pk), "latitude": "91"})
    assert "latitude" in response.context["adminform"].form.errors
    district.refresh_from_db()
    assert (district.parent_id, district.latitude) == (tree["karabakh"].pk, 39.8)


def test_the_places_list_filters_by_parent_kind_and_country(tree, api):
    def slugs(**params):
        response = api.get("/api/places/", params)
        assert response.status_code == 200, response.json()
        return sorted(r["slug"] for r in response.json()["results"])

    assert slugs(parent="district") == ["village-a", "village-b"]
    assert slugs(parent="Karabakh", kind="district") == ["district"]
    assert slugs(kind="country", country="az") == ["azerbaijan"]
    assert api.get("/api/places/", {"parent": "Atlantis"}).status_code == 400
    assert api.get("/api/places/", {"kind": "town"}).status_code == 400
