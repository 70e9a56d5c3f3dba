"""Login brute-force protection (django-axes, events/logins.py): wrong passwords for one
username from one address lock that username out from that address, with a page that says so."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

from events.tests.test_production import manage

LOGIN = "/admin/login/"
PASSWORD = "right-password-1"


@pytest.fixture
def staff(django_user_model):
    django_user_model.objects.create_user("curator", password=PASSWORD, is_staff=True)
    django_user_model.objects.create_user("other", password=PASSWORD, is_staff=True)


def admin_login(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def logged_in_as(client) -> str | None:
    response = client.get("/admin/")
    return response.context["user"].username if response.status_code == 200 else None


def fail_until_locked(client, settings, username="curator", ip="10.0.0.1"):
    """The wrong password as often as the limit allows; the last attempt is the one that locks."""
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = admin_login(client, username, "wrong", ip)
        if attempt < settings.AXES_FAILURE_LIMIT:
            assert response.status_code == 200, attempt  # the login form again, with its error
            assert "Please enter the correct username and password" in response.content.decode()
    return response


@pytest.mark.django_db
def test_the_failure_limit_locks_the_username_from_that_address_with_a_page_saying_so(client, settings, staff):
    response = fail_until_locked(client, settings)
    assert response.status_code == 429
    page = response.content.decode()
    assert "<h1>Login locked</h1>" in page
    limit = settings.AXES_FAILURE_LIMIT
    assert f"Too many failed login attempts for &#x27;curator&#x27; from this address ({limit} wrong" in page
    assert f"for {int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} minutes" in page


@pytest.mark.django_db
def test_the_right_password_is_refused_while_locked(client, settings, staff):
    fail_until_locked(client, settings)
    response = admin_login(client, "curator", PASSWORD)
    assert response.status_code == 429
    assert "Login locked" in response.content.decode()
    assert logged_in_as(client) is None


@pytest.mark.django_db
def test_another_user_from_the_same_address_is_not_locked(client, settings, staff):
    fail_until_locked(client, settings)
    assert admin_login(client, "other", PASSWORD).status_code == 302
    assert logged_in_as(client) == "other"


@pytest.mark.django_db
def test_the_same_user_from_another_address_is_not_locked(client, settings, staff):
    fail_until_locked(client, settings, ip="10.0.0.1")
    assert admin_login(client, "curator", PASSWORD, ip="10.0.0.2").status_code == 302
    assert logged_in_as(client) == "curator"


@pytest.mark.django_db
def test_an_x_forwarded_for_written_by_the_client_does_not_move_it_to_another_address(client, settings, staff):
    fail_until_locked(client, settings)
    response = client.post(
        LOGIN, {"username": "curator", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="10.7.7.7"
    )
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_lock_is_per_client_address(client, settings, staff):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    behind_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN, {"username": "curator", "password": "wrong"}, HTTP_X_FORWARDED_FOR="10.9.9.9", **behind_proxy
        )
    # The locked client again, with a made-up address before the one its proxy appended: still locked.
    login = {"username": "curator", "password": PASSWORD}
    spoofed = client.post(LOGIN, login, HTTP_X_FORWARDED_FOR="10.1.1.1, 10.9.9.9", **behind_proxy)
    assert spoofed.status_code == 429
    # Another client behind the same proxy logs in.
    assert client.post(LOGIN, login, HTTP_X_FORWARDED_FOR="10.8.8.8", **behind_proxy).status_code == 302
    assert logged_in_as(client) == "curator"


def test_the_lock_ends_after_the_cool_off_period(client, settings, staff):
    fail_until_locked(client, settings)
    assert admin_login(client, "curator", PASSWORD).status_code == 429
    # As if the cool-off period had passed since the last attempt.
    past = timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    assert AccessAttempt.objects.filter(username="curator").update(attempt_time=past) == 1
    assert admin_login(client, "curator", PASSWORD).status_code == 302
    assert logged_in_as(client) == "curator"


@pytest.mark.django_db
def test_axes_reset_lifts_the_lock_at_once(client, settings, staff):
    fail_until_locked(client, settings)
    call_command("axes_reset_username", "curator", verbosity=0)
    assert admin_login(client, "curator", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_a_successful_login_clears_the_earlier_failures(client, settings, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        admin_login(client, "curator", "wrong")
    assert admin_login(client, "curator", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "curator", "wrong").status_code == 200
    assert admin_login(client, "curator", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_token_endpoint_counts_failures_and_says_locked(api, settings, staff):
    def token(password):
        credentials = {"username": "curator", "password": password}
        return api.post("/api/token/", credentials, format="json", REMOTE_ADDR="10.0.0.9")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert token("wrong").status_code == 400
    response = token("wrong")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed login attempts for 'curator' from this address")
    response = token(PASSWORD)
    assert response.status_code == 429
    assert "token" not in response.json()
    # The admin login shares the count: the same user from the same address is locked there too.
    assert admin_login(api, "curator", PASSWORD, ip="10.0.0.9").status_code == 429


def test_the_limit_and_the_cool_off_come_from_the_environment():
    code = "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())"
    env = {"DEBUG": "1", "LOGIN_FAILURE_LIMIT": "3", "LOGIN_COOLOFF_MINUTES": "7"}
    result = manage("shell", "--no-imports", "-c", code, env=env)
    assert result.stdout.split() == ["3", "420.0"], result.stderr
    env["LOGIN_FAILURE_LIMIT"] = "0"
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be positive" in result.stderr


def test_the_trusted_proxies_come_from_the_environment():
    code = "from django.conf import settings as s; print(s.TRUSTED_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES'])"
    result = manage("shell", "--no-imports", "-c", code, env={"DEBUG": "1"})
    assert result.stdout.split() == ["0", "0"], result.stderr
    result = manage("shell", "--no-imports", "-c", code, env={"DEBUG": "1", "TRUSTED_PROXIES": "2"})
    assert result.stdout.split() == ["2", "2"], result.stderr
    result = manage("check", env={"DEBUG": "1", "TRUSTED_PROXIES": "-1"})
    assert result.returncode != 0 and "TRUSTED_PROXIES must be 0 or more" in result.stderr
