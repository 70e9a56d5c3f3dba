"""An operator's basics: `/healthz` for a load balancer, and the request id with the opt-in JSON
request log (`LOG_FORMAT=json`), over the real HTTP stack (a live server) and from the environment."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle

from conflictdb import health
from conflictdb.requestlog import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET over HTTP: status, headers, body (an error status is an answer too)."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def request_log():
    """The lines the JSON request log writes while the test runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("conflictdb.requests")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logger.setLevel(level)


# /healthz ------------------------------------------------------------------------------------


def test_healthz_is_200_and_ok_for_anyone_over_http(live_server, transactional_db):
    status, headers, body = get(live_server.url + "/healthz")

    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert "no-store" in headers["Cache-Control"]  # a cached "ok" would hide an outage
    assert json.loads(body) == {"status": "ok", "database": "ok", "migrations": "ok"}


def test_healthz_is_503_naming_a_migration_that_is_not_applied(live_server, transactional_db):
    recorder = MigrationRecorder(connections["default"])
    latest = max(name for app, name in recorder.applied_migrations() if app == "events")
    recorder.record_unapplied("events", latest)
    try:
        status, _, body = get(live_server.url + "/healthz")
    finally:
        recorder.record_applied("events", latest)

    assert status == 503
    assert json.loads(body) == {
        "status": "unavailable",
        "database": "ok",
        "migrations": f"1 not applied: events.{latest}",
    }
    assert get(live_server.url + "/healthz")[0] == 200  # applied again: back in rotation


def test_healthz_is_not_throttled_when_the_api_is(live_server, transactional_db, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    cache.clear()
    try:
        assert [get(live_server.url + "/api/outlets/")[0] for _ in range(3)] == [200, 200, 429]
        assert [get(live_server.url + "/healthz")[0] for _ in range(5)] == [200] * 5
    finally:
        cache.clear()


@pytest.mark.django_db
def test_a_database_that_does_not_answer_is_the_reason_given_without_its_details():
    unreachable = connections.create_connection("default")
    unreachable.settings_dict = {**unreachable.settings_dict, "NAME": "/no-such-directory/no-such-database"}
    try:
        assert health.problems(unreachable) == {"database": "unreachable (OperationalError)"}
    finally:
        unreachable.close()
    assert health.problems() == {}


# The request id and the JSON request log ---------------------------------------------------


def test_each_request_is_one_json_line_with_the_incoming_request_id_and_the_user(
    live_server, transactional_db, request_log
):
    reader = User.objects.create_user("reader", password="not-used-here-1")
    token = Token.objects.create(user=reader)

    status, headers, _ = get(
        live_server.url + "/api/outlets/?page_size=5",
        {"X-Request-ID": "lb-2f1c.7:a", "Authorization": f"Token {token.key}"},
    )

    assert status == 200
    assert headers["X-Request-ID"] == "lb-2f1c.7:a"
    [line] = request_log()
    duration = line.pop("duration_ms")
    assert isinstance(duration, float) and duration >= 0
    assert line.pop("time").endswith("Z")
    assert line == {
        "level": "INFO",
        "logger": "conflictdb.requests",
        "message": "GET /api/outlets/ 200",
        "request_id": "lb-2f1c.7:a",
        "user": "reader",
        "method": "GET",
        "path": "/api/outlets/",
        "status": 200,
    }


@pytest.mark.parametrize("incoming", [None, "two words", "x" * 129])
def test_a_request_without_a_usable_id_gets_a_new_one(live_server, transactional_db, request_log, incoming):
    headers = {} if incoming is None else {"X-Request-ID": incoming}

    status, answered, _ = get(live_server.url + "/healthz", headers)

    assert status == 200
    made = answered["X-Request-ID"]
    assert len(made) == 32 and int(made, 16) >= 0 and made != incoming
    [line] = request_log()
    assert (line["request_id"], line["user"], line["path"], line["status"]) == (made, "", "/healthz", 200)


def run_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh interpreter, with the settings read from `env`."""
    base = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "LOG_FORMAT"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | {"DEBUG": "1"} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_log_format_json_writes_one_line_per_request_on_stderr(tmp_path):
    # A database nobody migrated: /healthz answers 503, and the request is logged all the same.
    env = {"LOG_FORMAT": "json", "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    code = "from django.test import Client; Client().get('/healthz', HTTP_HOST='localhost', HTTP_X_REQUEST_ID='id-1')"

    result = run_with(env, "shell", "--no-imports", "-c", code)

    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # every line of the log is JSON
    [request] = [line for line in lines if line["logger"] == "conflictdb.requests"]
    assert (request["request_id"], request["method"], request["path"], request["status"]) == (
        "id-1",
        "GET",
        "/healthz",
        503,
    )
    # Django's own record of the 503, with the same request id.
    [django_line] = [line for line in lines if line["logger"] == "django.request"]
    assert (django_line["level"], django_line["request_id"]) == ("ERROR", "id-1")


def test_the_default_log_format_writes_no_request_line_and_an_unknown_one_is_refused(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    answer = "Client().get('/healthz', HTTP_HOST='localhost', HTTP_X_REQUEST_ID='from-the-proxy')"
    code = f"from django.test import Client; print({answer}['X-Request-ID'])"
    result = run_with(env, "shell", "--no-imports", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-the-proxy"  # the id is answered whatever the log format
    assert "from-the-proxy" not in result.stderr  # but not logged

    refused = run_with(env | {"LOG_FORMAT": "xml"}, "check")
    assert refused.returncode != 0
    assert "LOG_FORMAT='xml' is not one of: text, json" in refused.stderr
