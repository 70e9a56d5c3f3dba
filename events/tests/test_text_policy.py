"""One policy for stored text (events/ingest/text.py): control characters refused everywhere,
bidirectional controls refused outside an article's own words and shown as markers inside them,
whitespace trimmed before the length is checked, text sent as JSON strings only; through the API,
the admin and the seed files."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from events.ingest.parser import decode_seed, parse_article
from events.ingest.records import ParseError
from events.models import Actor, ActorAlias, Article, Event, Outlet, Statement

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "abc\u202efed" shows as "abcdef"
CAN = "\x18"  # CANCEL, the probe's control character
NEL = "\x85"  # NEXT LINE, a C1 control


@pytest.fixture
def api(django_user_model, cameo):
    cameo("0256", "Appeal")
    cameo("190", "Use conventional military force")
    client = APIClient()
    client.force_login(django_user_model.objects.create_superuser("admin"))
    return client


def rows() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Actor, ActorAlias, Article, Event, Outlet, Statement))


# (endpoint, payload builder, field named in the error): every kind of non-article text.
def _payloads(article_pk):
    return [
        ("/api/actors/", lambda text: {"slug": "a", "name": text, "kind": "person"}, "name"),
        ("/api/actors/", lambda text: {"slug": "a", "name": "A", "kind": "person", "role": text}, "role"),
        (
            "/api/actors/",
            lambda text: {"slug": "a", "name": "A", "kind": "person", "aliases": [{"name": text}]},
            "aliases",
        ),
        ("/api/outlets/", lambda text: {"slug": "o", "name": text, "kind": "wire"}, "name"),
        (
            "/api/events/",
            lambda text: {"slug": "e", "title": "T", "type": "190", "start_date": "2022-08-01", "summary": text},
            "summary",
        ),
        (
            "/api/events/",
            lambda text: {"slug": "e", "title": "T", "type": "190", "start_date": "2022-08-01", "notes": text},
            "notes",
        ),
        ("/api/events/", lambda text: {"slug": "e", "title": text, "type": "190", "start_date": "2022-08-01"}, "title"),
        ("/api/articles/", lambda text: {"source_ref": "m.txt", "title": text}, "title"),
        (
            "/api/escalations/",
            lambda text: {"slug": "s", "name": "S", "start_date": "2021-01-01", "description": text},
            "description",
        ),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("case", range(9))
@pytest.mark.parametrize("char, what", [(CAN, "U+0018"), (NEL, "U+0085"), (RLO, "U+202E")])
def test_api_refuses_control_and_bidi_characters_in_names_summaries_and_notes(api, case, char, what):
    url, payload, field = _payloads(None)[case]
    before = rows()
    response = api.post(url, payload(f"Ministry{char}of Truth"), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body, body
    assert what in str(body[field]) and "at character 8" in str(body[field])
    assert rows() == before


@pytest.mark.django_db
def test_api_keeps_bidi_controls_in_article_bodies_and_quotes_but_not_control_characters(api, make_actor):
    quote = f"we will {RLO}not{RLO} stop"
    body = f"Headline\n\nThe minister said: “{quote}” on Monday."
    response = api.post("/api/articles/", {"source_ref": "b.txt", "title": "Headline", "body": body}, format="json")
    assert response.status_code == 201, response.content
    start = body.index(quote)
    payload = {
        "ref": "s",
        "article": "b.txt",
        "speaker": make_actor().slug,
        "quote": quote,
        "start": start,
        "end": start + len(quote),
        "cameo": "0256",
    }
    response = api.post("/api/statements/", payload, format="json")
    assert response.status_code == 201, response.content
    assert Statement.objects.get(ref="s").quote == quote and Article.objects.get(source_ref="b.txt").body == body

    before = rows()
    response = api.post(
        "/api/articles/", {"source_ref": "c.txt", "title": "H", "body": f"H\n\nA {CAN} body"}, format="json"
    )
    assert response.status_code == 400 and "U+0018" in str(response.json()["body"])
    assert rows() == before


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, 12.5, True, ["a"], {"a": 1}])
def test_api_refuses_non_strings_for_text_fields(api, value):
    response = api.post("/api/actors/", {"slug": "a", "name": value, "kind": "person"}, format="json")
    assert response.status_code == 400
    assert response.json()["name"] == ["Not a valid string."]
    response = api.post(
        "/api/actors/", {"slug": "a", "name": "A", "kind": "person", "aliases": [{"name": value}]}, format="json"
    )
    assert response.status_code == 400 and "Not a valid string." in str(response.json()["aliases"])
    assert not Actor.objects.exists()


@pytest.mark.django_db
def test_api_trims_whitespace_before_checking_the_length(api):
    longest = "x" * 10_000
    payload = {"slug": "e", "title": "T", "type": "190", "start_date": "2022-08-01", "summary": f"  {longest}\n "}
    response = api.post("/api/events/", payload, format="json")
    assert response.status_code == 201, response.content
    assert Event.objects.get(slug="e").summary == longest
    response = api.post("/api/events/", payload | {"slug": "f", "summary": longest + "x"}, format="json")
    assert response.status_code == 400 and "10000" in str(response.json()["summary"])


@pytest.mark.django_db
def test_admin_refuses_a_bidi_control_in_an_actor_name(admin_client):
    response = admin_client.post(
        "/admin/events/actor/add/",
        {
            "slug": "a",
            "name": f"Mr {RLO}evil",
            "kind": "person",
            "review_status": "draft",
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "U+202E" in response.content.decode()
    assert not Actor.objects.exists()


@pytest.mark.django_db
def test_pages_show_bidi_controls_in_bodies_and_quotes_as_markers(client, make_article, make_statement):
    quote = f"both {RLO}sides{RLO} must stop"
    body = f"Talks resume\n\nThe minister said: “{quote}” on Monday.\n\nMore {RLO}text."
    statement = make_statement(quote, article=make_article(body=body))
    for url in (statement.article.get_absolute_url(), "/", statement.speaker.get_absolute_url()):
        html = client.get(url).content.decode()
        assert RLO not in html, url
        assert "both [U+202E]sides[U+202E] must stop" in html, url


# Seed files ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, message",
    [
        (b"Headline\n\nA body with \x18 in it.", "x.txt:3: binary file: control character U+0018 at byte 22"),
        ("Headline\n\nA body — with \x85 in it.".encode(), "control character U+0085 at byte 26 (character 24)"),
        (b"\xef\xbb\xbfHeadline\n\nbody \x07", "U+0007 at byte 18 (character 15)"),
        (f"Head{RLO}line\n\nA body.".encode(), "x.txt:1: in the headline or caption: bidirectional control U+202E"),
    ],
)
def test_seed_files_with_control_characters_or_a_bidi_headline_are_refused_with_the_byte_offset(data, message):
    with pytest.raises(ParseError) as error:
        parse_article(decode_seed(data, source="x.txt"), source="x.txt")
    assert message in str(error.value)


def test_a_seed_body_keeps_its_bidi_controls_verbatim():
    text = f"Headline\n\nThe minister said: “{RLO}stop”.\n"
    parsed = parse_article(decode_seed(text.encode(), source="x.txt"), source="x.txt")
    assert parsed.text == text


@pytest.mark.django_db
def test_import_seeds_refuses_a_file_full_of_controls_and_writes_nothing(tmp_path):
    (tmp_path / "bad.txt").write_text(f"Headline\n\nA {NEL}body{NEL} full of them.\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "import_seeds",
            tmp_path / "bad.txt",
            fixtures=[],
            stdout=__import__("io").StringIO(),
            stderr=__import__("io").StringIO(),
        )
    assert not Article.objects.exists()
