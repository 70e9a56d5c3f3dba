"""The places reader (events/ingest/placedata.py): the shipped list loads and keeps its promises; bad data is refused."""

import json

import pytest

from events.ingest.placedata import DEFAULT_DIR, KINDS, load_places, parse_places
from events.ingest.records import ParseError


@pytest.fixture(scope="module")
def places():
    return load_places()


def _doc(*entries):
    return [("t.json", {"places": list(entries)})]


def _entry(slug, parent=None, **fields):
    base = {
        "slug": slug,
        "name": slug.title(),
        "kind": "city",
        "country": "AM",
        "parent": parent,
        "lat": 40.0,
        "lon": 45.0,
        "names": [],
        "notes": "https://example.org/" + slug,
    }
    return base | fields


def test_the_curated_list_holds_at_least_120_places_each_with_a_source_url(places):
    curated = places.curated()
    assert len(curated) >= 120
    assert all("https://" in p.notes for p in curated)
    assert {p.kind for p in curated} == KINDS


def test_contested_places_carry_both_sides_names(places):
    names = {
        slug: {(n.name, n.usage) for n in places.get(slug).all_names()}
        for slug in ("khankendi", "shusha", "lachin", "kalbajar", "martuni")
    }
    assert {("Khankendi", "azerbaijani"), ("Stepanakert", "armenian")} <= names["khankendi"]
    assert {("Shushi", "armenian"), ("Şuşa", "azerbaijani")} <= names["shusha"]
    assert {("Berdzor", "armenian"), ("Laçın", "azerbaijani")} <= names["lachin"]
    assert {("Karvachar", "armenian"), ("Kəlbəcər", "azerbaijani")} <= names["kalbajar"]
    assert ("Khojavend", "azerbaijani") in names["martuni"]


def test_a_village_goes_up_to_its_country(places):
    assert places.ancestors("sotk") == ["gegharkunik-province", "armenia"]
    assert places.ancestors("shusha") == ["shusha-district", "nagorno-karabakh", "azerbaijan"]


def test_geonames_settlements_of_both_countries_come_in_under_their_division(places):
    settlements = [p for p in places.places if not p.curated]
    assert len([p for p in settlements if p.country == "AM"]) > 400
    assert len([p for p in settlements if p.country == "AZ"]) > 150
    # Curated entries that name their GeoNames row are that row: no twin "Goris" or "Khankendi".
    assert [p.slug for p in places.places if p.name in ("Goris", "Khankendi")] == ["goris"]
    tavush = [p for p in settlements if p.parent == "tavush-province"]
    assert tavush and all(40.7 < p.lat < 41.3 and 44.8 < p.lon < 45.8 for p in tavush)


def test_every_coordinate_is_within_the_south_caucasus_except_the_far_countries(places):
    far = {"russia", "turkey", "iran", "georgia"}
    assert [
        p.slug for p in places.places if p.slug not in far and not (38.3 < p.lat < 42 and 43.4 < p.lon < 51.0)
    ] == []


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([_entry("a"), _entry("a")], "place 'a' is defined twice"),
        ([_entry("a", parent="nowhere")], "place 'a': parent 'nowhere' is not a known place"),
        ([_entry("a", parent="b"), _entry("b", parent="a")], "its parents loop back"),
        ([_entry("a", parent="a")], "place 'a': its parents loop back to 'a'"),
        ([_entry("a", lat=95.0)], "place 'a': 'lat' 95.0 is out of range (-90 to 90)"),
        ([_entry("a", lon="45")], "place 'a': 'lon' must be a number of degrees"),
        ([_entry("a", notes="no link")], "place 'a': 'notes' must give a source URL"),
        ([_entry("a", kind="town")], "place 'a': 'kind' must be one of"),
        ([_entry("a", names=[{"name": "A", "usage": "armenia"}])], "place 'a' names[0]: 'usage' must be one of"),
        (
            [_entry("p"), _entry("a", parent="p", name="X"), _entry("b", parent="p", name="x")],
            "'p' already has a place named 'x'",
        ),
        ([_entry("a", geonames=1), _entry("b", geonames=1)], "GeoNames id 1 is also 'a'"),
    ],
)
def test_bad_data_is_refused_naming_the_entry_and_the_field(entries, message):
    with pytest.raises(ParseError) as caught:
        parse_places(_doc(*entries))
    assert message in str(caught.value)
    assert str(caught.value).startswith("t.json: ")


def test_a_geonames_row_lands_under_the_division_that_declares_its_admin1_code():
    country = _entry("armenia", kind="country")
    province = _entry("syunik", parent="armenia", kind="region", geonames_admin1="AM.08")
    rows = [
        {
            "geonameid": 7,
            "name": "Tegh",
            "latitude": 39.55,
            "longitude": 46.48,
            "countrycode": "AM",
            "admin1code": "08",
            "population": 2330,
        },
        {
            "geonameid": 8,
            "name": "Elsewhere",
            "latitude": 40.5,
            "longitude": 44.5,
            "countrycode": "AM",
            "admin1code": "99",
            "population": 20000,
        },
        {
            "geonameid": 9,
            "name": "Georgian",
            "latitude": 41.7,
            "longitude": 44.8,
            "countrycode": "GE",
            "admin1code": "01",
            "population": 1,
        },
    ]
    found = {
        p.slug: (p.parent, p.kind) for p in parse_places(_doc(country, province), geonames=rows).places if not p.curated
    }
    assert found == {"geonames-7": ("syunik", "village"), "geonames-8": ("armenia", "city")}


def test_the_shipped_files_are_valid_json_objects_with_places():
    for path in sorted(DEFAULT_DIR.glob("*.json")):
        assert isinstance(json.loads(path.read_text(encoding="utf-8"))["places"], list), path
