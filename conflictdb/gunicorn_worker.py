"""gunicorn's sync worker, answering in JSON what gunicorn refuses before Django sees a request.

gunicorn refuses a request line longer than `limit_request_line` (414) and more or larger
header fields than `limit_request_fields` / `limit_request_field_size` (431) itself, with an
HTML page. The API promises JSON errors (`{"detail": ...}`), so this worker writes those two
in JSON; every other error goes through gunicorn's own handling. gunicorn.conf.py (read from
the working directory) makes it the default worker; a body over DATA_UPLOAD_MAX_MEMORY_SIZE
reaches Django and gets its 413 there (events/api/limits.py).
"""

from __future__ import annotations

import json

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.sync import SyncWorker


def refusal(exc: Exception, cfg) -> tuple[int, str, str] | None:
    """(status, reason, detail) for the limits gunicorn enforces, None for any other error."""
    if isinstance(exc, LimitRequestLine):
        return (
            414,
            "URI Too Long",
            f"The request line is too long ({exc}); at most {cfg.limit_request_line} bytes are accepted: "
            "send fewer or shorter query parameters.",
        )
    if isinstance(exc, LimitRequestHeaders):
        return (
            431,
            "Request Header Fields Too Large",
            f"The request headers are refused ({exc}); at most {cfg.limit_request_fields} fields of "
            f"{cfg.limit_request_field_size} bytes each are accepted.",
        )
    return None


class JSONErrorWorker(SyncWorker):
    def handle_error(self, req, client, addr, exc):
        answer = refusal(exc, self.cfg)
        if answer is None:
            return super().handle_error(req, client, addr, exc)
        status, reason, detail = answer
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        body = json.dumps({"detail": detail}).encode()
        head = (
            f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        try:
            util.write_nonblock(client, head.encode("latin-1") + body)
        except Exception:
            self.log.debug("Failed to send error message.")
