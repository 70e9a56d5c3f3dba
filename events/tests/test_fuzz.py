"""Fuzzing the REST API against its own OpenAPI schema with schemathesis, in-process.

Schemathesis reads `/api/schema/` through the WSGI application (no server, no network),
generates requests for every operation from the schema, valid ones and invalid ones
(wrong types, out-of-range numbers, unknown enum values, missing fields), and checks each
response: never a 5xx, a status code the schema documents for the operation, the
documented content type and headers, and a body that matches the documented schema.

Two runs over a small stored data set (`stored`: an escalation, an article, actors, a
statement with a target, an event with participants and a source), each one test, so the
data is made once per run and not once per operation:
- a curator with a token: every operation, writes included. Generated bodies mostly fail
  validation (400); what passes is written and its response checked like any other.
  Operations on one record run with random ids and with the id of a stored record, so
  updates and deletes meet real rows. Deletes run last.
- an anonymous client: every write must be refused with 401 (documented) and change
  nothing; reads answer everyone alike, and the curator's run checks them.

Bounded and reproducible for CI: `MAX_EXAMPLES` inputs per operation and kind (fewer for
the anonymous writes), Hypothesis
derandomized (the same inputs on every run) and without its example database.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode

from events.models import (
    Actor,
    Article,
    CameoCode,
    Escalation,
    Event,
    EventParticipant,
    EventPlace,
    Outlet,
    Place,
    Statement,
)
from events.roles import CURATOR_GROUP

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10
ANONYMOUS_EXAMPLES = 5
# What every response is checked for (schemathesis' names).
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# The stored record an operation on /api/<name>/{id}/ is also tried on.
STORED = {
    "articles": Article,
    "actors": Actor,
    "statements": Statement,
    "events": Event,
    "escalations": Escalation,
    "outlets": Outlet,
    "cameo-codes": CameoCode,
    "places": Place,
}

# Read once at collection through the WSGI application, as a client would (it queries no
# database). Not `schemathesis.pytest.from_fixture`: its lazy loader sets
# `request.node._nodeid`, which pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


def operations():
    """Every operation of the schema, deletes last (so the others still find the stored records)."""
    found = [result.ok() for result in schema.get_all_operations()]
    return sorted(found, key=lambda operation: (operation.method.upper() == "DELETE", operation.path))


def stored_id(operation) -> dict:
    """Path parameters naming a stored record, for an operation on one record ({} for the others)."""
    parts = operation.path.strip("/").split("/")
    if len(parts) != 3 or not parts[2].startswith("{"):
        return {}
    record = STORED[parts[1]].objects.order_by("pk").first()
    return {parts[2].strip("{}"): record.pk} if record else {}


def fuzz(operation, mode: GenerationMode, check, max_examples: int, **fixed) -> str | None:
    """Run `check(case)` on generated cases; the first failure's description, or None."""

    @settings(FUZZ, max_examples=max_examples)
    @given(case=operation.as_strategy(mode, **fixed))
    def run(case):
        check(case)

    try:
        run()
    except Unsatisfiable:  # nothing invalid to send (every parameter optional and free-form)
        return None
    except (Exception, BaseExceptionGroup) as error:  # schemathesis' FailureGroup or an assertion
        return f"{mode.value} {operation.method.upper()} {operation.path} {fixed or ''}: {error}"
    return None


def fuzz_every_operation(check, *, methods=None, max_examples: int = MAX_EXAMPLES) -> list[str]:
    failures = []
    for operation in operations():
        if methods and operation.method.upper() not in methods:
            continue
        runs = [(GenerationMode.POSITIVE, {}), (GenerationMode.NEGATIVE, {})]
        path_parameters = stored_id(operation)
        if path_parameters:
            runs.append((GenerationMode.POSITIVE, {"path_parameters": path_parameters}))
        for mode, fixed in runs:
            failure = fuzz(operation, mode, check, max_examples, **fixed)
            if failure:
                failures.append(failure)
    return failures


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_app_config("events").get_models()}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the WSGI handler itself, whose request signals close the database
    connection, and with it (on PostgreSQL) the test's transaction; Django's test client
    disconnects them the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def stored(make_escalation, make_article, make_actor, make_statement, make_event):
    escalation = make_escalation()
    article = make_article()
    state = make_actor(kind=Actor.Kind.STATE, country="AM")
    minister = make_actor(affiliation=state)
    statement = make_statement(article=article, speaker=minister, escalation=escalation)
    statement.targets.add(state)
    event = make_event(
        actors=[(state, EventParticipant.Role.INITIATOR), (minister, EventParticipant.Role.MEDIATOR)],
        sources=[(article, "The two armies exchanged fire near the border overnight")],
        escalation=escalation,
    )
    country = Place.objects.create(
        slug="armenia", name="Armenia", kind="country", country="AM", latitude=40, longitude=45
    )
    village = Place.objects.create(
        slug="sotk", name="Sotk", kind="village", country="AM", parent=country, latitude=40.2, longitude=45.9
    )
    village.names.create(name="Zod", language="hy", usage="historical")
    EventPlace.objects.create(event=event, place=village, precision=EventPlace.Precision.NEAR, name_used="Sotk")


@pytest.fixture
def curator_token(django_user_model):
    user = django_user_model.objects.create_user("fuzzing-curator", password="fuzz-password-1", is_staff=True)
    user.groups.add(Group.objects.get(name=CURATOR_GROUP))
    return Token.objects.create(user=user).key


def test_every_operation_answers_a_curator_as_its_schema_says(stored, curator_token):
    def check(case):
        case.call_and_validate(headers={"Authorization": f"Token {curator_token}"}, checks=CHECKS)

    failures = fuzz_every_operation(check)
    assert not failures, "\n\n".join(failures)


def test_every_write_is_refused_to_an_anonymous_client_as_its_schema_says(stored):
    # Reads answer everyone alike (no per-user fields), and the curator's run checks them.
    def check(case):
        before = row_counts()
        response = case.call_and_validate(checks=CHECKS)
        if case.path != "/api/token/":
            assert row_counts() == before
            # A path that names no record (a negative case's "1.5" id) may be a 404 first; a
            # format suffix the router reads from it ("/api/outlets/0.33/") a 400.
            expected = {401} if case.meta.generation.mode is GenerationMode.POSITIVE else {400, 401, 404}
            assert response.status_code in expected, f"{response.status_code} for an anonymous write"

    failures = fuzz_every_operation(check, methods=WRITES, max_examples=ANONYMOUS_EXAMPLES)
    assert not failures, "\n\n".join(failures)


# What the fuzzer found, pinned as plain tests ---------------------------------------------------


def test_a_reference_of_the_wrong_type_is_a_400_naming_the_field(stored, curator_token, api):
    # ReferenceField passed `key=` to fail(), whose own first parameter is `key`: a 500.
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator_token}")
    payload = {"slug": "new-event", "title": "New", "type": "190", "participants": [{"actor": [], "role": "target"}]}
    response = api.post("/api/events/", payload, format="json")
    assert response.status_code == 400
    assert "Give the actor's id (an integer) or slug (a string), not list." in str(response.json()["participants"])


def test_a_body_that_is_not_json_is_a_400_with_the_documented_detail(curator_token, api):
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator_token}")
    response = api.generic("POST", "/api/outlets/", b"\x00", content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"].startswith("JSON parse error")


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/actors/1.5e-07/", "/api/actors/7.5/"])
def test_a_record_id_that_is_not_a_number_is_a_json_404(method, path, curator_token, api):
    # "1.5e-07" matched no route: Django answered with its HTML 404 (and a write with the CSRF
    # page). "7.5" is the router's format suffix (id 7, format "5"): it was a 400 about `format`.
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator_token}")
    response = getattr(api, method)(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and response.json()["detail"] == "Not found."


def test_a_list_page_past_the_end_is_a_documented_404(stored, api):
    response = api.get("/api/actors/", {"page": 99})
    assert response.status_code == 404 and response.json() == {"detail": "Invalid page."}
    operation = schema["/api/actors/"]["GET"]
    assert "404" in operation.definition.raw["responses"]


def test_a_path_without_its_slash_is_still_redirected_to_it(api):
    response = api.get("/api/actors")
    assert response.status_code == 301 and response["Location"] == "/api/actors/"


def test_a_reference_key_with_a_nul_byte_is_a_400(stored, curator_token, api):
    # PostgreSQL refuses NUL in a query parameter: the lookup was a 500 there.
    api.credentials(HTTP_AUTHORIZATION=f"Token {curator_token}")
    payload = {"slug": "new-event", "title": "New", "type": "190", "escalation": "a\x00b"}
    response = api.post("/api/events/", payload, format="json")
    assert response.status_code == 400 and "escalation" in response.json()
