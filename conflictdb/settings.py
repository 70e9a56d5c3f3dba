"""conflictdb settings, read from the environment.

Production is the default: DEBUG is off unless DEBUG=1 asks for it (`make run` and
`make test` do, and pytest.ini sets it for a plain `pytest`). With DEBUG off the app
refuses to start without SECRET_KEY and ALLOWED_HOSTS and applies the HTTPS, cookie,
HSTS and Content-Security-Policy settings that `manage.py check --deploy` asks for.
Local use keeps SQLite next to manage.py and a development SECRET_KEY
(README.md, "Configuration" and "Production").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from conflictdb.requestlog import FORMATS, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean; refuse anything that is not clearly yes or no."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list; empty items are refused rather than ignored."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={raw!r} has an empty item")
    return items


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production); "
            'for local development run with DEBUG=1 (README.md, "Production")'
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set when DEBUG is off (production): the comma-separated host names "
        "the site answers to, e.g. ALLOWED_HOSTS=example.org"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "simple_history",
    "csp",
    "axes",
    "events",
    "scale",
]

MIDDLEWARE = [
    # First: the request id (X-Request-ID) and, with LOG_FORMAT=json, a log line per request.
    "conflictdb.requestlog.RequestLogMiddleware",
    # A serving process's long-lived objects kept out of full collections (conflictdb/serving.py).
    "conflictdb.serving.SettleFirstRequestObjects",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The Content-Security-Policy header (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    # Records who made each change to the models with HistoricalRecords (events/models/).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page (below).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conflictdb.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "conflictdb.wsgi.application"
ASGI_APPLICATION = "conflictdb.asgi.application"

# SQLite is the embedded default; DATABASE_URL (postgres://...) switches to PostgreSQL.
# A worker keeps its connection between requests (DATABASE_CONN_MAX_AGE seconds, 0: one per
# request): a new SQLite connection reads the schema again and starts with an empty page cache
# (/api/events/ took 26 ms instead of 9: bench/RESULTS.md, issue 19); PostgreSQL forks a backend.
DATABASES = {
    "default": dj_database_url.parse(
        # Unset or empty: the embedded SQLite file.
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        # A kept connection is checked before a request uses it (a restarted server: reconnect).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so two writers queue
        # on the busy timeout instead of failing with "database is locked" mid-transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # WAL lets readers continue while a writer commits.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: PostgreSQL compiles a query whose estimated cost is high, which here
    # means the aggregates of the timeline chart and /reactions/ at 10^6 rows, and the compiling
    # took 80-130 ms of each (bench/RESULTS.md) for queries that run once. An `options` given
    # in DATABASE_URL (?options=...) replaces this.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # In production WhiteNoise serves the output of `collectstatic`: compressed copies and
    # content-hashed names, so browsers may cache them for ever. Locally the plain storage
    # serves straight from the apps and static/ without a collectstatic step.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Where import_seeds looks when no path is given, and the largest seed file it accepts.
SEEDS_DIR = BASE_DIR / "seeds"
SEED_MAX_BYTES = env_int("SEED_MAX_BYTES", 1_000_000)
# import_articles (saved pages, URLs, feeds; events/ingest/fetch.py): the largest page or feed, the
# seconds to wait for a server, and the private networks (CIDR) a URL may lead to (none: only
# public addresses; the tests allow 127.0.0.1 for the server they start).
PAGE_MAX_BYTES = env_int("PAGE_MAX_BYTES", 5_000_000)
ARTICLE_FETCH_TIMEOUT = env_int("ARTICLE_FETCH_TIMEOUT", 10)
ARTICLE_FETCH_ALLOW_NETWORKS = env_list("ARTICLE_FETCH_ALLOW_NETWORKS", [])
# What a reader who does not curate sees of events and statements when they do not choose a review
# status (events/visibility.py): "verified" (public means verified), or "any" (drafts too: a site
# where the curators are the readers; the test suite written before this rule runs with it).
PUBLIC_REVIEW_STATUS = os.environ.get("PUBLIC_REVIEW_STATUS", "verified")
if PUBLIC_REVIEW_STATUS not in ("verified", "any"):
    raise ImproperlyConfigured(f"PUBLIC_REVIEW_STATUS={PUBLIC_REVIEW_STATUS!r}: use verified or any")

LOGIN_URL = "admin:login"

# Login brute-force protection (django-axes): every password login goes through
# authenticate(), so the admin login form and POST /api/token/ are both covered.
# After LOGIN_FAILURE_LIMIT wrong passwords for one username from one IP address, that
# username is refused from that address (even with the right password) for
# LOGIN_COOLOFF_MINUTES; another user, or the same user elsewhere, is not affected.
# `manage.py axes_reset` (or axes_reset_username NAME) lifts a lockout early.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 30))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME <= timedelta(0):
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be positive")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "events.logins.locked_out_page"
# The client's address, for the lockout and the API's anonymous budget: REMOTE_ADDR, unless
# TRUSTED_PROXIES reverse proxies stand in front of the app and each appends the address it
# saw to X-Forwarded-For; then the address that many entries from its right end. Whatever a
# client writes in that header itself is never believed (README, "Production").
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("TRUSTED_PROXIES must be 0 or more")
AXES_CLIENT_IP_CALLABLE = "events.logins.client_address"

# Security headers and cookies. Django's defaults already send X-Content-Type-Options:
# nosniff and Cross-Origin-Opener-Policy: same-origin; these are stated to be read here.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Nothing here reads the CSRF cookie from JavaScript (the admin, the browsable API and
# Swagger UI take the token from the page), so it can be HttpOnly too.
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    # Behind a proxy that terminates TLS, name the header it sets, e.g.
    # SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https; only when the proxy
    # overwrites that header on every request, or clients could claim HTTPS.
    _proxy_header = env_list("SECURE_PROXY_SSL_HEADER", [])
    if _proxy_header:
        if len(_proxy_header) != 2:
            raise ImproperlyConfigured(
                f"SECURE_PROXY_SSL_HEADER={os.environ['SECURE_PROXY_SSL_HEADER']!r} must be "
                "'<header>,<value>', e.g. HTTP_X_FORWARDED_PROTO,https"
            )
        SECURE_PROXY_SSL_HEADER = tuple(_proxy_header)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer's probe speaks plain HTTP to the process (conflictdb/health.py).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# django-csp 4: no inline or eval'd script anywhere (the pages, the admin, the browsable
# API and the API docs load their JavaScript from static files). Inline *styles* stay
# allowed: Django's admin widgets, Swagger UI and ReDoc set style attributes from script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        # Swagger UI and ReDoc draw icons from data: URIs; ReDoc searches in a blob: worker.
        "img-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Request bodies: Django's defaults, stated and configurable. They bound the API's JSON
# and form bodies too (DRF reads them through request.body); events/api/limits.py turns
# a refusal into a JSON 413 (or 400 for too many fields).
# The most rows one export (`?format=csv|json|timelinejs|ics`) holds; more is cut and says so
# (X-Export-Truncated). CSV streams, so memory does not grow with it; JSON, TimelineJS and
# iCalendar are built whole.
EXPORT_MAX_ROWS = env_int("EXPORT_MAX_ROWS", 10_000)
if EXPORT_MAX_ROWS < 1:
    raise ImproperlyConfigured(f"EXPORT_MAX_ROWS={EXPORT_MAX_ROWS} must be at least 1")
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "EXCEPTION_HANDLER": "events.api.limits.exception_handler",
    # Anonymous clients share a budget per IP address (in the cache: per process with the
    # default local-memory cache, so per gunicorn worker). Logged-in users are not throttled.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "120/minute")},
    # The address a budget belongs to (see TRUSTED_PROXIES). DRF's default (None) took the whole
    # X-Forwarded-For header as the identity: a client writing a new one got a new budget.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous write is told 401 with "WWW-Authenticate: Token".
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "events.api.ordering.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "events.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, plus the error responses and export formats (events/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "events.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "events.api.fastjson.JSONRenderer",  # DRF's output, encoded by orjson
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "conflictdb API",
    "DESCRIPTION": (
        "Timeline database of the Nagorno-Karabakh escalations: articles, actors, "
        "statements and events, each traceable to a character span of its source article."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from the sidecar package: the machine has no internet, so no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# LOG_FORMAT=json: every log record as one JSON line, and one per request (conflictdb/requestlog.py).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in FORMATS:
    raise ImproperlyConfigured(f"LOG_FORMAT={os.environ['LOG_FORMAT']!r} is not one of: {', '.join(FORMATS)}")
LOGGING = logging_config(LOG_FORMAT, os.environ.get("LOG_LEVEL", "WARNING"))
