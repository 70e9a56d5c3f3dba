"""Bounds on what one client can ask for: the anonymous rate, the request body, page and export sizes."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle


@pytest.fixture
def small_anon_rate(monkeypatch):
    # The suite runs with API_ANON_RATE raised (pytest.ini); the class reads its rates at import.
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_anonymous_clients_are_throttled_with_429_and_retry_after(api, small_anon_rate):
    assert api.get("/api/outlets/").status_code == 200
    assert api.get("/api/outlets/").status_code == 200
    response = api.get("/api/outlets/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"].lower()


@pytest.mark.django_db
def test_a_client_cannot_escape_the_throttle_by_writing_x_forwarded_for(api, small_anon_rate):
    # No trusted proxy (TRUSTED_PROXIES=0): the address is the connection's, whatever the header says.
    codes = [api.get("/api/outlets/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]


@pytest.mark.django_db
def test_behind_a_trusted_proxy_each_client_has_its_own_budget(api, small_anon_rate, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    # The proxy appends the address it saw: what a client wrote before it does not count.
    first = [api.get("/api/outlets/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.1", **proxy) for n in range(3)]
    assert [response.status_code for response in first] == [200, 200, 429]
    assert api.get("/api/outlets/", HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy).status_code == 200


@pytest.mark.django_db
def test_logged_in_clients_are_not_throttled(api, django_user_model, small_anon_rate):
    api.force_login(django_user_model.objects.create_user("reader"))
    assert {api.get("/api/outlets/").status_code for _ in range(4)} == {200}


def test_the_anonymous_rate_comes_from_the_environment(monkeypatch):
    from events.tests.test_production import manage

    code = "from django.conf import settings; print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon'])"
    env = {"DEBUG": "1", "API_ANON_RATE": "7/hour"}
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.strip() == "7/hour", result.stderr


@pytest.mark.django_db
def test_a_request_body_over_the_limit_is_refused_with_413_and_nothing_written(api, django_user_model, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api.force_login(django_user_model.objects.create_superuser("admin"))
    body = json.dumps({"slug": "big", "name": "Big", "kind": "wire", "notes": "x" * 2000})
    response = api.post("/api/outlets/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"] == f"The request body is {len(body)} bytes; at most 1000 are accepted."
    response = api.post("/api/outlets/", {"slug": "big", "name": "Big", "kind": "wire", "notes": "x" * 2000})
    assert response.status_code == 413
    assert api.get("/api/outlets/").json()["count"] == 0


@pytest.mark.django_db
def test_a_request_body_under_the_limit_is_accepted(api, django_user_model, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api.force_login(django_user_model.objects.create_superuser("admin"))
    assert api.post("/api/outlets/", {"slug": "s", "name": "S", "kind": "wire"}, format="json").status_code == 201


@pytest.mark.django_db
def test_page_size_is_bounded(api, make_outlet):
    make_outlet()
    response = api.get("/api/outlets/", {"page_size": 10_000})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert len(response.json()["results"]) <= 200


@pytest.mark.django_db
def test_exports_stop_at_the_row_bound_and_say_so(api, make_outlet, settings):
    settings.EXPORT_MAX_ROWS = 2
    for _ in range(3):
        make_outlet()
    response = api.get("/api/outlets/", {"format": "json"})
    assert response.status_code == 200
    assert response["X-Export-Truncated"] == "true"
    rows = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    assert len(rows if isinstance(rows, list) else rows["results"]) == 2
