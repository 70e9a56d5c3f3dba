"""Bad API payloads and query parameters: each is refused with a status and a message naming
what is wrong, and the database is exactly as it was (wrong types, huge and negative numbers,
unknown fields, over-long strings, invalid choices, malformed JSON, a wrong content type).
SQL, HTML and script in text fields are stored and returned verbatim (test_hostile_text.py
checks they are rendered escaped)."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from events.api.serializers import TEXT_MAX_LENGTH
from events.models import (
    Actor,
    ActorAlias,
    Article,
    Escalation,
    Event,
    EventParticipant,
    EventSource,
    Outlet,
    Statement,
)
from events.tests.test_api import (
    CLASH,
    QUOTE,
    _statement_payload,
    assert_400_naming,
)

HUGE = 10**30
MODELS = (Outlet, Escalation, Article, Actor, ActorAlias, Statement, Event, EventParticipant, EventSource)


def snapshot() -> dict:
    """Every row of the domain tables: compared before and after a refused request."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


@pytest.fixture
def records(make_article, make_actor, make_statement, make_event, cameo):
    """One of each record a curator writes, for PATCHes and references."""
    cameo("0256")
    cameo("190")
    article = make_article()
    speaker = make_actor(slug="ana-example", name="Ana Example")
    statement = make_statement(article=article, speaker=speaker)
    event = make_event(actors=[(speaker, "initiator")], sources=[(article, CLASH)])
    return {"article": article, "speaker": speaker, "statement": statement, "event": event}


def refused(response, field: str, message: str, before: dict) -> None:
    messages = assert_400_naming(response, field)
    assert message in json.dumps(messages), messages
    assert snapshot() == before


# Statements: POST ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        # Wrong types.
        ({"start": "twelve"}, "start", "A valid integer is required."),
        ({"start": 12.5}, "start", "A valid integer is required."),
        ({"start": True}, "start", "A valid integer is required."),
        ({"quote": ["both sides"]}, "quote", "Not a valid string."),
        ({"quote": {"text": "both sides"}}, "quote", "Not a valid string."),
        ({"said_on": {"year": 2022}}, "said_on", "Date has wrong format."),
        ({"said_on": ["2022-08-01"]}, "said_on", "Date has wrong format."),
        ({"said_on": 20220801}, "said_on", "Date has wrong format."),
        ({"said_on": "2022-02-30"}, "said_on", "Date has wrong format."),
        (
            {"speaker": {"slug": "ana-example"}},
            "speaker",
            "Give the actor's id (an integer) or slug (a string), not dict.",
        ),
        ({"speaker": ["ana-example"]}, "speaker", "not list"),
        ({"speaker": True}, "speaker", "not bool"),
        ({"targets": "armenia"}, "targets", 'Expected a list of items but got type \\"str\\".'),
        # Huge and negative numbers.
        ({"start": HUGE}, "start", "Ensure this value is less than or equal to"),
        ({"end": HUGE}, "end", "Ensure this value is less than or equal to"),
        ({"start": -1}, "start", "Ensure this value is greater than or equal to 0."),
        ({"speaker": HUGE}, "speaker", f"No actor has the id {HUGE}."),
        ({"speaker": -5}, "speaker", "No actor has the id -5."),
        ({"article": HUGE}, "article", f"No article has the id {HUGE}."),
        ({"targets": [HUGE]}, "targets", f"No actor has the id {HUGE}."),
        # Invalid choices.
        ({"kind": "rumour"}, "kind", '\\"rumour\\" is not a valid choice.'),
        ({"medium": "pigeon"}, "medium", '\\"pigeon\\" is not a valid choice.'),
        ({"review_status": "approved"}, "review_status", '\\"approved\\" is not a valid choice.'),
        ({"said_on_precision": "week"}, "said_on_precision", '\\"week\\" is not a valid choice.'),
        # Over-long strings and a NUL character.
        ({"summary": "x" * 501}, "summary", "Ensure this field has no more than 500 characters."),
        ({"ref": "x" * 201}, "ref", "Ensure this field has no more than 200 characters."),
        ({"notes": "x" * (TEXT_MAX_LENGTH + 1)}, "notes", f"no more than {TEXT_MAX_LENGTH} characters."),
        ({"notes": "a\x00b"}, "notes", "Null characters are not allowed."),
        # Unknown fields: a typo is refused, not silently dropped.
        ({"qoute": QUOTE}, "qoute", "Unknown field"),
        ({"speaker_name": "Ana Example"}, "speaker_name", "Unknown field"),
    ],
)
def test_a_bad_statement_is_refused_naming_the_field_and_nothing_changes(
    curator_api, records, overrides, field, message
):
    before = snapshot()
    payload = _statement_payload(records["article"], records["speaker"], ref="new-statement") | overrides
    refused(curator_api.post("/api/statements/", payload, format="json"), field, message, before)


@pytest.mark.django_db
def test_the_unknown_field_message_lists_the_known_ones(curator_api, records):
    payload = _statement_payload(records["article"], records["speaker"], ref="new") | {"colour": "red"}
    [message] = assert_400_naming(curator_api.post("/api/statements/", payload, format="json"), "colour")
    assert message.startswith("Unknown field 'colour': ")
    assert "speaker, targets, article, quote" in message


@pytest.mark.django_db
def test_read_only_fields_sent_back_are_not_unknown(curator_api, records):
    """A client may PUT what it GOT: read-only fields (id, date_label…) are known, and ignored."""
    statement = records["statement"]
    row = curator_api.get(f"/api/statements/{statement.pk}/").json()
    row |= {"speaker": row["speaker"]["id"], "article": row["article"]["id"], "cameo": row["cameo"]["code"]}
    row |= {"targets": [], "escalation": None, "notes": "checked", "id": 12345, "date_label": "whenever"}
    response = curator_api.put(f"/api/statements/{statement.pk}/", row, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == statement.pk
    statement.refresh_from_db()
    assert statement.notes == "checked"


# Statements and events: PATCH ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"qoute": "changed"}, "qoute", "Unknown field"),
        ({"review_status": "verified", "reviw_notes": "ok"}, "reviw_notes", "Unknown field"),
        ({"start": "abc"}, "start", "A valid integer is required."),
        ({"start": HUGE}, "start", "Ensure this value is less than or equal to"),
        ({"review_status": ["verified"]}, "review_status", "is not a valid choice."),
        ({"said_on": {}}, "said_on", "Date has wrong format."),
        ({"summary": "y" * 501}, "summary", "Ensure this field has no more than 500 characters."),
    ],
)
def test_a_bad_statement_patch_is_refused_and_the_statement_unchanged(curator_api, records, changes, field, message):
    before = snapshot()
    response = curator_api.patch(f"/api/statements/{records['statement'].pk}/", changes, format="json")
    refused(response, field, message, before)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"fatalities": "many"}, "fatalities", "A valid integer is required."),
        ({"fatalities": HUGE}, "fatalities", "Ensure this value is less than or equal to"),
        ({"fatalities": -3}, "fatalities", "Ensure this value is greater than or equal to 0."),
        ({"ongoing": "perhaps"}, "ongoing", "Must be a valid boolean."),
        ({"start_date": {"y": 2022}}, "start_date", "Date has wrong format."),
        ({"type": 9999}, "type", "No CAMEO code has the id 9999."),
        ({"type": ["190"]}, "type", "not list"),
        ({"title": "t" * 301}, "title", "Ensure this field has no more than 300 characters."),
        ({"summary": "s" * (TEXT_MAX_LENGTH + 1)}, "summary", f"no more than {TEXT_MAX_LENGTH} characters."),
        ({"participants": {"actor": "ana-example"}}, "participants", "Expected a list of items"),
        ({"participants": [{"actor": "ana-example", "role": "victim"}]}, "participants", "not a valid choice"),
        ({"participants": [{"actor": "ana-example", "rol": "target"}]}, "participants", "Unknown field 'rol'"),
        ({"participants": [{"actor": HUGE}]}, "participants", f"No actor has the id {HUGE}."),
        (
            {"sources": [{"article": 1, "start": 0, "end": 1, "quote": "x", "page": 3}]},
            "sources",
            "Unknown field 'page'",
        ),
        (
            {"sources": [{"article": "x", "start": "a", "end": 1, "quote": "x"}]},
            "sources",
            "A valid integer is required.",
        ),
        ({"escalation": {"slug": "x"}}, "escalation", "not dict"),
        ({"colour": "red"}, "colour", "Unknown field"),
    ],
)
def test_a_bad_event_patch_is_refused_and_the_event_unchanged(curator_api, records, changes, field, message):
    before = snapshot()
    response = curator_api.patch(f"/api/events/{records['event'].pk}/", changes, format="json")
    refused(response, field, message, before)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"kind": "alien"}, "kind", '\\"alien\\" is not a valid choice.'),
        ({"country": "XX"}, "country", '\\"XX\\" is not a valid choice.'),
        ({"country": ["AM"]}, "country", "is not a valid choice."),
        ({"aliases": [{"name": "Ana", "knd": "surname"}]}, "aliases", "Unknown field 'knd'"),
        ({"aliases": "Ana"}, "aliases", "Expected a list of items"),
        ({"name": "n" * 201}, "name", "Ensure this field has no more than 200 characters."),
        ({"description": "d" * (TEXT_MAX_LENGTH + 1)}, "description", f"no more than {TEXT_MAX_LENGTH} characters."),
        ({"affiliation": HUGE}, "affiliation", f"No actor has the id {HUGE}."),
    ],
)
def test_a_bad_actor_is_refused_naming_the_field(curator_api, records, payload, field, message):
    before = snapshot()
    body = {"slug": "new-actor", "name": "New actor", "kind": "person"} | payload
    refused(curator_api.post("/api/actors/", body, format="json"), field, message, before)


@pytest.mark.django_db
def test_an_article_body_is_bounded_by_the_seed_size(curator_api, settings):
    settings.SEED_MAX_BYTES = 1000
    before = snapshot()
    body = {"source_ref": "long.txt", "title": "Long", "body": "b" * 1001}
    refused(curator_api.post("/api/articles/", body, format="json"), "body", "no more than 1000 characters", before)
    assert curator_api.post("/api/articles/", body | {"body": "b" * 1000}, format="json").status_code == 201


# Bodies that are not a JSON object -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ('{"ref": "x", "quote": ', "application/json", 400, "JSON parse error"),
        ("{'ref': 'x'}", "application/json", 400, "JSON parse error"),
        ('{"ref": NaN}', "application/json", 400, "JSON parse error"),
        ("[1, 2, 3]", "application/json", 400, "Invalid data. Expected a dictionary, but got list."),
        ('"a string"', "application/json", 400, "Invalid data. Expected a dictionary, but got str."),
        ("null", "application/json", 400, "No data provided"),
        ("ref=x&quote=y", "text/plain", 415, 'Unsupported media type \\"text/plain\\" in request.'),
        ("<statement/>", "application/xml", 415, 'Unsupported media type \\"application/xml\\" in request.'),
        (b"\xff\xfe{", "application/json", 400, "JSON parse error"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(curator_api, records, body, content_type, status, message):
    before = snapshot()
    response = curator_api.generic("POST", "/api/statements/", body, content_type=content_type)
    assert response.status_code == status, response.content
    assert message in json.dumps(response.json()), response.json()
    assert snapshot() == before


# Query parameters and ids ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "parameter", "message"),
    [
        (f"/api/events/?actor={HUGE}", "actor", "actor"),
        (f"/api/statements/?speaker={HUGE}", "speaker", ""),
        # Digits int() does not read (superscript two), or the id of an actor past the ids' range.
        ("/api/events/?actor=%C2%B2", "actor", "actor"),
        (f"/api/statements/?speaker={2**63}", "speaker", ""),
        (f"/api/statements/?article={HUGE}", "article", ""),
        ("/api/statements/?article=-1", "article", ""),
        ("/api/events/?date_from=99999-01-01", "date_from", ""),
        ("/api/events/?date_from=2022-13-01", "date_from", ""),
        ("/api/events/?location=a%00b", "location", "Null characters are not allowed."),
        ("/api/events/?q=a%00b", "q", "Null characters are not allowed."),
        ("/api/events/?review_status=approved", "review_status", ""),
        ("/api/events/?ordering=-id;DROP TABLE events_event", "ordering", ""),
    ],
)
def test_a_bad_query_parameter_is_400_naming_it(api, records, url, parameter, message):
    before = snapshot()
    messages = assert_400_naming(api.get(url), parameter)
    assert message in json.dumps(messages), messages
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [str(HUGE), "-1", "0", "abc", "1e3", "%20"])
@pytest.mark.parametrize("resource", ["events", "statements", "actors", "articles"])
def test_an_id_out_of_range_or_not_a_number_is_404(api, curator_api, records, resource, pk):
    assert api.get(f"/api/{resource}/{pk}/").status_code == 404
    before = snapshot()
    assert curator_api.patch(f"/api/{resource}/{pk}/", {"notes": "x"}, format="json").status_code == 404
    assert curator_api.delete(f"/api/{resource}/{pk}/").status_code == 404
    assert snapshot() == before


@pytest.mark.django_db
def test_an_id_with_a_dot_is_a_format_suffix_and_any_other_is_a_json_404(api, records):
    # The router reads /api/events/1.json/ as id 1 in JSON; 1.5 names no record and no format.
    assert api.get(f"/api/events/{records['event'].pk}.json/").status_code == 200
    response = api.get("/api/events/1.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
@pytest.mark.parametrize("page", [str(HUGE), "-1", "0", "abc"])
def test_a_page_number_out_of_range_is_404_saying_so(api, records, page):
    # Page numbers are on the small lists; events and statements page with cursors.
    response = api.get("/api/actors/", {"page": page})
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid page."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page_size", "status"), [(str(10**9), 200), (str(HUGE), 200), ("-1", 400), ("0", 400), ("abc", 400)]
)
def test_a_page_size_too_large_gives_the_bound_and_one_not_positive_is_a_400(
    api, records, make_event, page_size, status
):
    make_event()
    for url in ("/api/events/", "/api/timeline/"):
        response = api.get(url, {"page_size": page_size})
        assert response.status_code == status
        if status == 400:
            assert "page_size" in response.json()
    if status == 200:
        assert len(api.get("/api/events/", {"page_size": page_size}).json()["results"]) == 2


@pytest.mark.django_db
def test_sql_in_a_search_or_filter_is_only_text(api, records):
    for parameter in ("q", "location", "actor"):
        response = api.get("/api/events/", {parameter: "'); DROP TABLE events_event;--"})
        assert response.status_code in (200, 400), response.content
        if response.status_code == 200:
            assert response.json()["results"] == []
    assert "events_event" in connection.introspection.table_names()
    assert Event.objects.count() == 1
