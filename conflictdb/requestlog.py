"""A request id on every request, and an opt-in JSON log line per request (`LOG_FORMAT=json`).

RequestLogMiddleware (first in settings.MIDDLEWARE, so it times everything the others do) takes
the request id from an incoming `X-Request-ID` (a proxy's, or a client's: letters, digits and
`._:-`, up to 128 characters; anything else is replaced) or makes one, puts it on the request
(`request.request_id`) and on the response's `X-Request-ID`, and logs one record to the
`conflictdb.requests` logger: request id, user, method, path, status, duration in ms.

With `LOG_FORMAT=json` (logging_config() below) every log record, these included, is written as
one JSON object per line on stderr, the request's fields at the top level; with the default
`text`, the request records are not written (the web server's access log has them).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

logger = logging.getLogger("conflictdb.requests")

REQUEST_ID_HEADER = "X-Request-ID"
# What an incoming id may be: a proxy's uuid or trace id, never something that breaks a log line.
_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
FORMATS = ("text", "json")


def request_id_of(request) -> str:
    """The incoming X-Request-ID when it is a usable id, else a new one (32 hexadecimal digits)."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if _VALID_ID.fullmatch(incoming) else uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_of(request)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        if logger.isEnabledFor(logging.INFO):
            user = getattr(request, "user", None)
            fields = {
                "request_id": request.request_id,
                "user": user.get_username() if user is not None and user.is_authenticated else "",
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            logger.info("%(method)s %(path)s %(status)s", fields, extra={"request_fields": fields})
        return response


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, a request's fields, an exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "request_fields", {}),
        }
        # Django's records about a request (django.request: 4xx, 5xx) carry it: the same id joins them.
        request_id = getattr(getattr(record, "request", None), "request_id", None)
        if request_id and "request_id" not in entry:
            entry["request_id"] = request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime  # times in UTC, as the Z says


def logging_config(log_format: str, level: str) -> dict:
    """settings.LOGGING for LOG_FORMAT (`text` or `json`) and LOG_LEVEL."""
    handler = {"class": "logging.StreamHandler"}
    config = {"version": 1, "disable_existing_loggers": False, "handlers": {"console": handler}}
    config["root"] = {"handlers": ["console"], "level": level}
    # The request lines are JSON's alone (LOG_LEVEL=INFO does not add them to the text format).
    config["loggers"] = {"conflictdb.requests": {"level": "WARNING"}}
    if log_format == "json":
        config["formatters"] = {"json": {"()": JsonFormatter}}
        handler["formatter"] = "json"
        config["loggers"] = {
            "conflictdb.requests": {"level": "INFO"},
            # Django's own records through the JSON handler only (its default console handler
            # writes them as text while DEBUG is on).
            "django": {"handlers": [], "level": level, "propagate": True},
        }
    return config
