"""Exports say which review statuses they hold (issue 18): `X-Review-Status` on every export of
/api/timeline/, /api/events/ and /api/statements/, asked over a real HTTP server (live_server).
The rows are the same as before: nothing is added to a CSV row or to the JSON array."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest

from events.models import ReviewStatus

pytestmark = pytest.mark.django_db(transaction=True)

PATHS = ("/api/timeline/", "/api/events/", "/api/statements/")
FORMATS = ("csv", "json", "timelinejs", "ics")
VERIFIED_QUOTE = "we want peace now"
DRAFT_QUOTE = "we want it today"


@pytest.fixture(autouse=True)
def production_default(settings):
    settings.PUBLIC_REVIEW_STATUS = "verified"  # what a deployment has (the suite's pytest.ini says any)


@pytest.fixture
def records(make_statement, make_article, make_actor, make_event):
    speaker = make_actor(name="Vera Marcal", slug="vera-marcal", kind="person")
    article = make_article(body=f"Talks resume\n\nShe said “{VERIFIED_QUOTE}” and later “{DRAFT_QUOTE}” at noon.")
    make_statement(VERIFIED_QUOTE, article=article, speaker=speaker, review_status=ReviewStatus.VERIFIED)
    make_statement(DRAFT_QUOTE, article=article, speaker=speaker, review_status=ReviewStatus.DRAFT)
    make_event(title="Verified clash", review_status=ReviewStatus.VERIFIED)
    make_event(title="Drafted clash", review_status=ReviewStatus.DRAFT)


def get(live_server, path, cookies=None, **params) -> httpx.Response:
    return httpx.get(live_server.url + path, params=params, cookies=cookies, timeout=30)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("export_format", FORMATS)
def test_an_anonymous_export_says_it_holds_verified_records_and_holds_no_draft(
    live_server, records, path, export_format
):
    response = get(live_server, path, format=export_format)
    assert response.status_code == 200, response.text
    assert response.headers["X-Review-Status"] == "verified"
    assert "Drafted clash" not in response.text and DRAFT_QUOTE not in response.text
    if path != "/api/events/":
        assert VERIFIED_QUOTE in response.text


@pytest.mark.parametrize("path", PATHS)
def test_asking_for_every_status_says_any_and_the_rows_are_unchanged(live_server, records, path):
    response = get(live_server, path, format="csv", review_status="any")
    assert response.headers["X-Review-Status"] == "any"
    header, *rows = list(csv.reader(io.StringIO(response.text)))
    assert not any("X-Review" in name for name in header)  # the status is in the header, not the rows
    assert len(rows) == {"/api/timeline/": 4, "/api/events/": 2, "/api/statements/": 2}[path]
    exported = get(live_server, path, format="json", review_status="draft")
    assert exported.headers["X-Review-Status"] == "draft"
    assert isinstance(json.loads(exported.text), list)  # no envelope: a JSON export stays an array


def test_a_curators_export_says_any_by_default(live_server, records, client, curator):
    client.force_login(curator)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    response = get(live_server, "/api/timeline/", cookies=cookies, format="ics")
    assert response.headers["X-Review-Status"] == "any"
    assert "Drafted clash" in response.text


def test_a_list_without_review_statuses_says_nothing_of_them_and_a_bad_status_is_a_400(live_server, records):
    assert "X-Review-Status" not in get(live_server, "/api/actors/", format="csv").headers
    bad = get(live_server, "/api/timeline/", format="csv", review_status="maybe")
    assert bad.status_code == 400 and "review_status" in bad.json()
    assert "X-Review-Status" not in bad.headers


def test_the_schema_documents_the_header(live_server):
    schema = get(live_server, "/api/schema/", format="json").json()
    headers = schema["paths"]["/api/timeline/"]["get"]["responses"]["200"]["headers"]
    assert set(headers["X-Review-Status"]["schema"]["enum"]) == {"draft", "verified", "rejected", "any"}
