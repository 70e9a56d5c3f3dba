"""What the outside probe of the API found, held: reads documented as public, `page_size`
validated, an unknown `ordering` on the timeline refused, and the limits the web server itself
enforces (request line, header fields) answered in JSON like every other error, checked against
a live gunicorn (with the body limit, Django's 413)."""

from __future__ import annotations

import http.client
import json
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from events.tests.test_concurrency import server  # noqa: F401  (a live gunicorn over the test database)

LISTS = ("/api/outlets/", "/api/events/", "/api/statements/", "/api/timeline/")


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    path = tmp_path_factory.mktemp("schema") / "schema.json"
    call_command("spectacular", "--file", str(path), "--format", "openapi-json")
    return json.loads(path.read_text())


def test_the_schema_documents_reads_as_public_and_writes_as_needing_credentials(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            security = operation.get("security", [])
            if method == "get":
                assert {} in security, (method, path)
            elif path != "/api/token/":
                assert security and {} not in security, (method, path)


def test_the_schema_gives_page_size_a_minimum(schema):
    for path in LISTS:
        (parameter,) = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "page_size"]
        assert parameter["schema"] == {"type": "integer", "minimum": 1}, path


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("value", ["null", "0", "-1", "2.5", "", "ten", "٣"])
def test_a_page_size_that_is_not_a_positive_whole_number_is_a_400_naming_it(api, url, value):
    response = api.get(url, {"page_size": value})
    assert response.status_code == 400
    assert "page_size" in response.json()


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
def test_a_valid_page_size_is_taken_and_a_large_one_capped(api, url):
    assert api.get(url, {"page_size": "3"}).status_code == 200
    assert api.get(url, {"page_size": "100000"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ("/api/timeline/", "/api/stats/"))
@pytest.mark.parametrize("ordering", ["-date_from", "nonsense", ""])
def test_the_timeline_refuses_an_ordering_instead_of_ignoring_it(api, url, ordering):
    response = api.get(url, {"ordering": ordering})
    assert response.status_code == 400
    assert "one order" in response.json()["ordering"][0]


# Against a live gunicorn ------------------------------------------------------------------------


def request(base: str, method: str, path: str, headers=None, body: bytes | None = None):
    """(status, content type, parsed JSON body) of one raw HTTP request."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers or []:
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), json.loads(response.read())
    finally:
        connection.close()


def test_the_servers_own_limits_are_answered_in_json(server):  # noqa: F811
    admin = User.objects.create_superuser("admin")
    token = Token.objects.create(user=admin).key
    base = server()

    status, content_type, body = request(base, "GET", "/api/events/?q=" + "a" * 5000)
    assert (status, content_type) == (414, "application/json")
    assert "request line is too long" in body["detail"]

    status, content_type, body = request(base, "GET", "/api/events/", [("X-Padding", "a" * 9000)])
    assert (status, content_type) == (431, "application/json")
    assert "headers are refused" in body["detail"]

    many = [(f"X-Header-{n}", "1") for n in range(120)]
    assert request(base, "GET", "/api/events/", many)[:2] == (431, "application/json")

    big = json.dumps({"notes": "a" * 3_000_000}).encode()
    auth = [("Authorization", f"Token {token}"), ("Content-Type", "application/json")]
    status, content_type, body = request(base, "POST", "/api/outlets/", auth, big)
    assert (status, content_type) == (413, "application/json")
    assert "at most" in body["detail"]
    # The server still answers normally afterwards.
    assert request(base, "GET", "/api/outlets/?page_size=1")[0] == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/timeline/", "/api/events/", "/api/statements/", "/api/outlets/"])
@pytest.mark.parametrize("export", ["csv", "ics", "timelinejs"])
def test_options_with_an_export_format_describes_the_list_in_json(api, url, export):
    # The fuzzer's 500: OPTIONS /api/timeline/?format=csv rendered the description as CSV rows.
    response = api.options(f"{url}?format={export}")
    assert response.status_code in (200, 400)  # 400: a format that list does not offer
    assert response["Content-Type"] == "application/json"
    assert response.json()


def test_the_schema_documents_the_429s(schema):
    # The fuzzer's undocumented status: POST /api/token/ locked out after wrong passwords.
    assert "429" in schema["paths"]["/api/token/"]["post"]["responses"]
    assert "429" in schema["paths"]["/api/events/"]["get"]["responses"]
