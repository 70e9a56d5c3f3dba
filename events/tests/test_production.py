"""Production mode: DEBUG off by default, refusal without SECRET_KEY/ALLOWED_HOSTS, the deploy
checks with the environment README.md documents, and a CSP without inline script."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# README.md, "Production": the environment the deploy checks must pass with.
PRODUCTION_ENV = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "example.org"}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """manage.py in a fresh interpreter: settings are read once per process, at start-up."""
    # Not the test run's own variables: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE,
    # which the deploy checks rightly refuse.
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_with_the_documented_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_unless_asked_and_production_settings_apply():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS > 0, s.STORAGES['staticfiles']['BACKEND'])"
    )
    result = manage("shell", "--no-imports", "-c", code, env={k: v for k, v in PRODUCTION_ENV.items() if k != "DEBUG"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
    ]


def test_an_empty_database_url_means_the_embedded_sqlite_file():
    code = "from django.conf import settings as s; d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'])"
    result = manage("shell", "--no-imports", "-c", code, env={"DEBUG": "1", "DATABASE_URL": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", str(ROOT / "db.sqlite3")]


def test_proxy_ssl_header_is_read_from_the_environment():
    env = PRODUCTION_ENV | {"SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https"}
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)",
        env=env,
    )
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", result.stderr


@pytest.mark.parametrize(
    "missing, message",
    [
        ("SECRET_KEY", "SECRET_KEY must be set when DEBUG is off"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set when DEBUG is off"),
    ],
)
def test_production_refuses_to_start_without(missing, message):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr
    # The message, not a wall of unrelated errors, ends the output.
    assert result.stderr.strip().splitlines()[-1].startswith("django.core.exceptions.ImproperlyConfigured")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/admin/login/", "/api/", "/api/docs/"])
def test_pages_send_a_content_security_policy_without_inline_script(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_templates_have_no_inline_script_or_event_handler():
    for template in (ROOT / "templates").rglob("*.html"):
        html = template.read_text()
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], template
        assert re.findall(r"\son[a-z]+\s*=", html) == [], template
        assert "javascript:" not in html, template


@pytest.mark.django_db
def test_postgresql_connections_do_not_jit_compile_queries():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.parametrize("entry_point", ["conflictdb.wsgi", "conflictdb.asgi"])
def test_a_serving_process_freezes_its_start_up_objects_out_of_full_collections(entry_point):
    # In a fresh interpreter, as gunicorn loads it: the test run's own has frozen nothing.
    code = f"import gc, {entry_point}; print(gc.get_freeze_count())"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | PRODUCTION_ENV
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 10_000  # Django, the apps and the URLs: about 100,000 objects


def test_a_serving_process_freezes_what_its_first_request_loaded_and_nothing_after():
    # In a fresh interpreter loading the WSGI entry point, as gunicorn does: the first request's
    # lasting objects (templates, URL patterns...) join the frozen ones; later requests add none.
    code = (
        "import gc, conflictdb.wsgi\n"
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='example.org')\n"
        "counts = [gc.get_freeze_count()]\n"
        "for _ in range(3):\n"
        "    assert client.get('/api/', secure=True).status_code == 200\n"
        "    counts.append(gc.get_freeze_count())\n"
        "print(*counts)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | PRODUCTION_ENV
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    start, first, *later = map(int, done.stdout.split())
    assert first > start + 1_000
    assert max(later) <= first  # frozen objects may be freed, none is added
