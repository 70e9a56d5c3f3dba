"""Pagination: page numbers for the lists, opaque cursors for the timeline.

Both take `page_size`, bounded by MAX_PAGE_SIZE (a larger value gives MAX_PAGE_SIZE
rows; a value that is not a positive integer gives the default).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers with a client-chosen page size, bounded so nobody can ask for the whole table."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = (
        f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}); a larger value gives {MAX_PAGE_SIZE}."
    )


class TimelineCursorPagination(pagination.BasePagination):
    """Cursor pages over the timeline's (date, kind, id) order: no COUNT(*), no OFFSET.

    The cursor is opaque to clients: follow `next` and `previous`. It encodes the key of
    the row a page starts after (or, going back, ends before), so rows added or removed
    elsewhere in the timeline never shift a page.
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor_message = "Invalid cursor: use the `next` or `previous` link of a page as it is."

    def paginate_streams(self, events, statements, request) -> list:
        """The keys of the requested page (events or statements None: that kind is left out)."""
        # Imported here: DRF imports this module (REST_FRAMEWORK settings) before the models may be ready.
        from events.api import timeline

        self.request = request
        size = self.get_page_size(request)
        position, backwards = self.decode_cursor(request)
        if backwards:
            page = timeline.keys(events, statements, limit=size + 1, before=position)
            self.has_previous = len(page) > size
            self.page = page[-size:]
            self.has_next = bool(self.page)
        else:
            page = timeline.keys(events, statements, limit=size + 1, after=position)
            self.has_next = len(page) > size
            self.page = page[:size]
            self.has_previous = position is not None and bool(self.page)
        return self.page

    def get_page_size(self, request) -> int:
        try:
            size = int(request.query_params[self.page_size_query_param])
        except (KeyError, ValueError):
            return self.page_size
        return min(size, self.max_page_size) if size > 0 else self.page_size

    # Cursors ------------------------------------------------------------------------------

    def encode_cursor(self, key, backwards: bool) -> str:
        raw = f"{key.date.isoformat()}|{key.kind}|{key.id}|{int(backwards)}"
        url = self.request.build_absolute_uri()
        token = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        return replace_query_param(url, self.cursor_query_param, token)

    def decode_cursor(self, request) -> tuple:
        """(the key a page starts after or ends before, whether it ends before it); (None, False) at the start."""
        from events.api import timeline

        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return None, False
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            date, kind, pk, backwards = raw.split("|")
            if kind not in timeline.KINDS or backwards not in ("0", "1"):
                raise ValueError(raw)
            return timeline.Key(dt.date.fromisoformat(date), kind, int(pk)), backwards == "1"
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise exceptions.ValidationError({self.cursor_query_param: [self.invalid_cursor_message]}) from None

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        return self.encode_cursor(self.page[-1], backwards=False)

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        return self.encode_cursor(self.page[0], backwards=True)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    # Schema -------------------------------------------------------------------------------

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null at the end of the timeline."},
                "previous": {**link, "description": "The previous page, or null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position in the timeline: take it from a page's `next` or `previous` link. "
                "A cursor that was not given out by the API is an error (400).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": PageNumberPagination.page_size_query_description,
                "schema": {"type": "integer"},
            },
        ]
