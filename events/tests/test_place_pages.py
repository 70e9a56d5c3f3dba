"""Places on the pages and in the import: the place page, the article page's place highlights,
the map page, and import_seeds placing events (events/importers/places.py place_events)."""

from io import StringIO

import pytest
from django.core.management import call_command

from events.importers.places import load_places, place_events
from events.ingest.placedata import parse_places
from events.models import EventPlace, EventSource, Place

pytestmark = pytest.mark.django_db

BODY = (
    "Shelling near the village of Sotk\n\n"
    "Azerbaijani forces shelled houses near the village of Sotk on Tuesday, officials said.\n\n"
    "Later, protesters gathered in Stepanakert, which Azerbaijan calls Khankendi, and Baku said the roads were open."
)


def _entry(slug, parent=None, **fields):
    return {
        "slug": slug,
        "name": slug.title(),
        "kind": "village",
        "country": "AM",
        "parent": parent,
        "lat": 40.2,
        "lon": 45.9,
        "names": [],
        "notes": "https://example.org/" + slug,
    } | fields


@pytest.fixture
def places(db):
    load_places(
        parse_places(
            [
                (
                    "t.json",
                    {
                        "places": [
                            _entry("armenia", kind="country", name="Armenia"),
                            _entry("azerbaijan", kind="country", name="Azerbaijan", country="AZ"),
                            _entry("gegharkunik", "armenia", kind="region", name="Gegharkunik"),
                            _entry("sotk", "gegharkunik", name="Sotk"),
                            _entry("baku", "azerbaijan", kind="city", name="Baku", country="AZ"),
                            _entry(
                                "khankendi",
                                "azerbaijan",
                                kind="city",
                                name="Stepanakert",
                                country="AZ",
                                names=[
                                    {"name": "Khankendi", "language": "az", "usage": "azerbaijani"},
                                    {"name": "Stepanakert", "language": "hy", "usage": "armenian"},
                                ],
                            ),
                        ]
                    },
                )
            ]
        )
    )
    return {p.slug: p for p in Place.objects.all()}


def _event_with_source(make_event, make_article, text, **overrides):
    # Each its own article (an article's text is unique): the body and the event's title.
    body = f"{BODY}\n\n{overrides.get('title', 'An event')}."
    article = make_article(body=body, **({"outlet": overrides.pop("outlet")} if "outlet" in overrides else {}))
    start = BODY.index(text)
    event = make_event(**overrides)
    EventSource.objects.create(
        ref=f"s-{event.pk}", event=event, article=article, start=start, end=start + len(text), quote=text
    )
    return event


def test_events_are_placed_from_their_sources_with_the_name_used_and_the_precision(places, make_event, make_article):
    shelling = _event_with_source(
        make_event, make_article, "shelled houses near the village of Sotk", title="Shelling", location=""
    )
    protest = _event_with_source(
        make_event,
        make_article,
        "protesters gathered in Stepanakert, which Azerbaijan calls Khankendi, and Baku said",
        title="Protest",
        location="",
    )
    counts = place_events()
    assert counts.total("created") == 2
    assert list(shelling.place_links.values_list("place__slug", "precision", "name_used")) == [("sotk", "near", "Sotk")]
    # The most precise mentions only; Baku stands for its government ("Baku said").
    assert list(protest.place_links.values_list("place__slug", "precision", "name_used")) == [
        ("khankendi", "exact", "Stepanakert")
    ]
    assert place_events().total("created") == 0  # placed events are left as they are


def test_an_event_s_location_places_it_before_its_sources(places, make_event, make_article):
    event = _event_with_source(
        make_event, make_article, "shelled houses near the village of Sotk", location="Gegharkunik, Armenia"
    )
    place_events()
    assert list(event.place_links.values_list("place__slug", "precision", "source")) == [
        ("gegharkunik", "region", None)
    ]


def test_the_place_page_lists_its_names_its_events_and_which_outlet_uses_which_name(
    places, make_event, make_article, make_outlet, client
):
    outlet = make_outlet(name="Armenian Weekly Test")
    protest = _event_with_source(
        make_event,
        make_article,
        "protesters gathered in Stepanakert",
        title="Protest in the city",
        location="",
        outlet=outlet,
    )
    place_events()
    page = client.get(places["khankendi"].get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Khankendi", "Azerbaijani usage", "Armenian usage", "Protest in the city", "Armenian Weekly Test"):
        assert text in html, text
    assert page.context["usage_by_outlet"] == [("Armenian Weekly Test", "Stepanakert", "Armenian usage", 1)]
    assert [e.pk for e in page.context["events"]] == [protest.pk]
    # A region's page lists the events of the places under it.
    assert "Protest" not in client.get(places["gegharkunik"].get_absolute_url()).content.decode()


def test_the_article_page_highlights_place_mentions_linked_to_their_place(places, make_article, client):
    article = make_article(body=BODY)
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count('class="span-place"') == 6  # Sotk twice, Stepanakert, Azerbaijan, Khankendi and Baku
    assert f'href="/places/{places["khankendi"].pk}/"' in html
    assert "Place: Stepanakert (Azerbaijani usage name)" in html


def test_the_map_page_and_the_timeline_carry_the_map_panel_with_the_query_string(places, client):
    page = client.get("/map/?place=sotk&escalation=")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-points="/api/map/?place=sotk&amp;escalation="' in html
    assert "<script>" not in html  # no inline script: the CSP stays strict
    assert 'id="map-heading"' in client.get("/?place=sotk").content.decode()


def test_import_seeds_places_the_seed_events_and_a_second_run_places_none():
    out = StringIO()
    call_command("import_seeds", stdout=out, stderr=StringIO())
    assert "event places: created" in out.getvalue()
    placed = EventPlace.objects.count()
    assert placed >= 10
    assert EventPlace.objects.filter(event__slug__contains="protest", place__slug="yerevan").exists()
    out = StringIO()
    call_command("import_seeds", stdout=out, stderr=StringIO())
    assert "event places: nothing to do" in out.getvalue() and EventPlace.objects.count() == placed
