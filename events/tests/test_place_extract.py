"""Place mentions (events/ingest/places.py) on sentences written for these tests, with the shipped places data."""

import pytest

from events.ingest.placedata import load_places, parse_places
from events.ingest.places import PlaceMatcher, fold


@pytest.fixture(scope="module")
def matcher():
    return PlaceMatcher.from_places(load_places())


def _found(matcher, text):
    return [(m.text, m.key, m.usage, m.precision) for m in matcher.find(text)]


def test_a_village_near_which_something_happened_is_found_with_precision_near(matcher):
    text = "Overnight shelling damaged houses near the village of Sotk, local officials said."
    [mention] = matcher.find(text)
    assert (mention.key, mention.precision, mention.kind) == ("sotk", "near", "village")
    assert text[mention.start : mention.end] == "Sotk"


def test_both_names_of_stepanakert_are_one_place_each_with_its_side(matcher):
    text = "Protesters gathered in Stepanakert, which Azerbaijan calls Khankendi, on Friday."
    assert _found(matcher, text) == [
        ("Stepanakert", "khankendi", "armenian", "exact"),
        ("Azerbaijan", "azerbaijan", "international", "country"),
        ("Khankendi", "khankendi", "azerbaijani", "exact"),
    ]


@pytest.mark.parametrize(
    ("text", "key", "usage"),
    [
        ("Armenian media reported fighting around Shushi.", "shusha", "armenian"),
        ("Baku celebrated the capture of Shusha.", "shusha", "azerbaijani"),
        ("The road through Berdzor was closed.", "lachin", "armenian"),
        ("The road through Laçın was closed.", "lachin", "azerbaijani"),
        ("Civilians left Karvachar before the handover.", "kalbajar", "armenian"),
        ("Troops entered Kəlbəcər in November.", "kalbajar", "azerbaijani"),
        ("Fighting reached Martakert, or Aghdara to Baku.", "martakert", "armenian"),
        ("Shells fell on Xankəndi.", "khankendi", "azerbaijani"),
        ("Shells fell on Susa.", "shusha", "azerbaijani"),
    ],
)
def test_each_side_s_name_is_recognised_and_says_whose_it_is(matcher, text, key, usage):
    mentions = [m for m in matcher.find(text) if m.key == key]
    assert mentions and mentions[0].usage == usage


def test_district_and_province_names_are_regions_and_the_longest_name_wins(matcher):
    text = "Villages in Syunik province and in the Lachin district were hit; the Lachin corridor stayed shut."
    assert [(m.text, m.key, m.precision) for m in matcher.find(text)] == [
        ("Syunik province", "syunik-province", "region"),
        ("Lachin district", "lachin-district", "region"),
        ("Lachin corridor", "lachin-corridor", "exact"),
    ]


def test_a_name_in_lower_case_or_inside_a_word_is_not_a_place(matcher):
    assert _found(matcher, "the sotk mine and Sotkland and Jermukian waters") == []


def test_a_name_two_places_share_goes_to_the_curated_one_or_to_none():
    data = [
        (
            "t.json",
            {
                "places": [
                    {
                        "slug": "c",
                        "name": "C",
                        "kind": "country",
                        "country": "AM",
                        "parent": None,
                        "lat": 40,
                        "lon": 45,
                        "notes": "https://e.org",
                    },
                    {
                        "slug": "twin-a",
                        "name": "Twin",
                        "kind": "village",
                        "country": "AM",
                        "parent": "c",
                        "lat": 40,
                        "lon": 45,
                        "notes": "https://e.org",
                    },
                    {
                        "slug": "kept",
                        "name": "Kept",
                        "kind": "village",
                        "country": "AM",
                        "parent": "c",
                        "lat": 40,
                        "lon": 45,
                        "notes": "https://e.org",
                    },
                ]
            },
        )
    ]
    rows = [
        {
            "geonameid": 1,
            "name": "Twin",
            "latitude": 40.1,
            "longitude": 45.1,
            "countrycode": "AM",
            "admin1code": "01",
            "population": 600,
        },
        {
            "geonameid": 2,
            "name": "Other",
            "latitude": 40.1,
            "longitude": 45.1,
            "countrycode": "AM",
            "admin1code": "01",
            "population": 600,
        },
        {
            "geonameid": 3,
            "name": "Other",
            "latitude": 40.2,
            "longitude": 45.2,
            "countrycode": "AM",
            "admin1code": "01",
            "population": 600,
        },
    ]
    matcher = PlaceMatcher.from_places(parse_places(data, geonames=rows))
    assert [(m.text, m.key) for m in matcher.find("Twin, Other and Kept.")] == [("Twin", "twin-a"), ("Kept", "kept")]


def test_fold_compares_spellings_across_alphabets():
    assert fold("Xankəndi") == fold("XANKANDI") == "xankandi"
    assert fold("Şuşa") == "susa" and fold("Step’anakert") == "stepanakert"
    assert fold("Goris–Kapan  road") == "goris-kapan road"
