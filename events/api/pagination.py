"""Pagination: opaque cursors for the big lists (events, statements) and the timeline,
page numbers for the small ones (actors, articles, outlets, escalations, CAMEO codes).

All take `page_size`, bounded by MAX_PAGE_SIZE (a larger value gives MAX_PAGE_SIZE
rows; a value that is not a positive integer is a 400 naming it). A cursor page neither
counts the rows nor skips any (no COUNT(*), no OFFSET): it reads from just after (or,
going back, just before) the row its cursor names, so the thousandth page costs what
the first does.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Q, QuerySet
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_size_of(request, default: int = DEFAULT_PAGE_SIZE) -> int:
    """The `page_size` a request asks for, at most MAX_PAGE_SIZE; `default` without one.

    Anything but a positive integer (`null`, `0`, `2.5`, empty) is a 400 naming it, not the default."""
    value = request.query_params.get("page_size")
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or int(value) < 1:
        raise exceptions.ValidationError({"page_size": [f"A whole number from 1 to {MAX_PAGE_SIZE}, not {value!r}."]})
    return min(int(value), MAX_PAGE_SIZE)


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers with a client-chosen page size, bounded so nobody can ask for the whole table."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = (
        f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}); a larger value gives {MAX_PAGE_SIZE}, "
        "anything but a positive whole number is an error (400)."
    )

    def get_page_size(self, request) -> int:
        return page_size_of(request, self.page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters


class CursorLinks(pagination.BasePagination):
    """What every cursor pagination shares: the page size, the `next`/`previous` links and their schema.

    The cursor is opaque to clients: follow `next` and `previous`. It encodes the key of
    the row a page starts after (or, going back, ends before), so rows added or removed
    elsewhere never shift a page. A subclass sets `page`, `has_next` and `has_previous`
    and says how a row's key becomes a token (`token()`).
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    invalid_cursor_message = "Invalid cursor: use the `next` or `previous` link of a page as it is."
    position_description = "Opaque position in the list"

    def get_page_size(self, request) -> int:
        return page_size_of(request, self.page_size)

    def invalid_cursor(self) -> exceptions.ValidationError:
        return exceptions.ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    def read_token(self, request) -> str | None:
        """The cursor's decoded text, None without one; a 400 naming `cursor` if it is not base64 text."""
        token = request.query_params.get(self.cursor_query_param)
        if not token:
            return None
        try:
            return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise self.invalid_cursor() from None

    def link(self, raw: str) -> str:
        url = self.request.build_absolute_uri()
        token = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
        return replace_query_param(url, self.cursor_query_param, token)

    def token(self, row, backwards: bool) -> str:
        raise NotImplementedError

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        return self.link(self.token(self.page[-1], backwards=False))

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        return self.link(self.token(self.page[0], backwards=True))

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    # Schema -------------------------------------------------------------------------------

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {**link, "description": "The next page, or null on the last."},
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
                "description": f"{self.position_description}: take it from a page's `next` or `previous` link. "
                "A cursor that was not given out by the API is an error (400).",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": PageNumberPagination.page_size_query_description,
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


class KeysetPagination(CursorLinks):
    """Cursor pages over a list's ordering in effect (`?ordering=`, else the model's), which
    StableOrderingFilter always ends with the primary key, so every row has a unique key.

    A page is `WHERE (ordering columns) beyond the cursor's row ORDER BY ... LIMIT size + 1`:
    on the default order (date_from, id) an index range scan of the timeline index, at
    any depth. NULLs sort where the database puts them (last ascending on PostgreSQL,
    first on SQLite), so the index still gives the order; the cursor knows which. A cursor
    made for another ordering than the request's is an error (400 naming `cursor`).
    """

    invalid_ordering_message = "This cursor belongs to another ordering: follow the links of a page as they are."

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        self.request = request
        size = self.get_page_size(request)
        self.ordering = self.ordering_of(queryset)
        position, backwards = self.decode_cursor(request, queryset.model)
        ordered = queryset.order_by(*(("" if desc == backwards else "-") + name for name, desc in self.ordering))
        if position is None:
            rows = list(ordered[: size + 1])
        else:
            model = queryset.model
            rows = list(ordered.filter(self.beyond(model, position, backwards))[: size + 1])
            leading = model._meta.get_field(self.ordering[0][0])
            nulls_follow = self._nulls_beyond(leading, self.ordering[0][1] == backwards)
            if len(rows) <= size and position[0] is not None and nulls_follow:
                # The leading column's NULLs come after all its values in this direction: read them
                # only once the values run out, so the query above stays one index range scan.
                rows += list(ordered.filter(**{f"{leading.attname}__isnull": True})[: size + 1 - len(rows)])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
            self.has_previous, self.has_next = more, bool(rows)
        else:
            self.has_next, self.has_previous = more, position is not None and bool(rows)
        self.page = rows
        return rows

    @staticmethod
    def ordering_of(queryset: QuerySet) -> list[tuple[str, bool]]:
        """(field name, descending) of the queryset's ordering, up to and including the primary key."""
        terms = list(queryset.query.order_by or queryset.model._meta.ordering)
        pk = queryset.model._meta.pk.name
        ordering = []
        for term in terms:
            if not isinstance(term, str):
                raise TypeError(f"keyset pagination needs field names to order by, not {term!r}")
            name = term.lstrip("-")
            ordering.append((pk if name == "pk" else name, term.startswith("-")))
            if ordering[-1][0] == pk:
                return ordering
        return [*ordering, (pk, False)]

    # The condition ------------------------------------------------------------------------

    def beyond(self, model, position: list, backwards: bool) -> Q:
        """Rows strictly after `position` (before it, backwards) in the ordering: the tuple comparison
        `a > x OR (a = x AND (b > y OR ...))`, with a leading `a >= x` the database can start an
        index range scan at."""
        fields = [model._meta.get_field(name) for name, _ in self.ordering]
        later = [desc == backwards for _, desc in self.ordering]  # True: later rows have larger values
        condition = self._strictly(fields[-1], position[-1], later[-1])
        for field, value, larger in zip(fields[-2::-1], position[-2::-1], later[-2::-1], strict=True):
            nulls = field is not fields[0]  # the leading column's NULLs are read apart (paginate_queryset)
            condition = self._strictly(field, value, larger, nulls) | (self._equal(field, value) & condition)
        if len(fields) == 1:
            return condition
        return self._at_or_beyond(fields[0], position[0], later[0]) & condition

    @staticmethod
    def _nulls_beyond(field, larger: bool) -> bool:
        """Whether the NULLs of `field` come after its values when values grow (`larger`) or shrink."""
        return field.null and connection.features.nulls_order_largest == larger

    def _strictly(self, field, value, larger: bool, nulls: bool = True) -> Q:
        """Values strictly larger (smaller) than `value`, NULL placed where the database sorts it
        (left out when `nulls` is false)."""
        nulls_beyond = self._nulls_beyond(field, larger)
        if value is None:
            # NULLs are at one end: beyond them is either nothing or every non-NULL value.
            return Q(**{f"{field.attname}__isnull": False}) if not nulls_beyond else Q(pk__in=[])
        condition = Q(**{f"{field.attname}__{'gt' if larger else 'lt'}": value})
        return condition | Q(**{f"{field.attname}__isnull": True}) if nulls_beyond and nulls else condition

    @staticmethod
    def _equal(field, value) -> Q:
        return Q(**{f"{field.attname}__isnull": True}) if value is None else Q(**{field.attname: value})

    def _at_or_beyond(self, field, value, larger: bool) -> Q:
        """The leading column from `value` on: where an index range scan starts (its NULLs apart)."""
        if value is None:
            return self._equal(field, value) | self._strictly(field, value, larger)
        return Q(**{f"{field.attname}__{'gte' if larger else 'lte'}": value})

    # Cursors ------------------------------------------------------------------------------

    def token(self, row, backwards: bool) -> str:
        values = [getattr(row, row._meta.get_field(name).attname) for name, _ in self.ordering]
        spec = ",".join(("-" if desc else "") + name for name, desc in self.ordering)
        return json.dumps([spec, values, int(backwards)], cls=DjangoJSONEncoder, separators=(",", ":"))

    def decode_cursor(self, request, model) -> tuple[list | None, bool]:
        """(the ordering values of the row a page starts after or ends before, backwards);
        (None, False) at the start."""
        raw = self.read_token(request)
        if raw is None:
            return None, False
        try:
            spec, values, backwards = json.loads(raw)
            if backwards not in (0, 1) or not isinstance(values, list) or len(values) != len(self.ordering):
                raise ValueError(raw)
        except (ValueError, TypeError):
            raise self.invalid_cursor() from None
        if spec != ",".join(("-" if desc else "") + name for name, desc in self.ordering):
            raise exceptions.ValidationError({self.cursor_query_param: [self.invalid_ordering_message]})
        try:
            position = [
                None if value is None else model._meta.get_field(name).to_python(value)
                for (name, _), value in zip(self.ordering, values, strict=True)
            ]
        except (DjangoValidationError, FieldDoesNotExist, TypeError):
            raise self.invalid_cursor() from None
        return position, backwards == 1


class TimelineCursorPagination(CursorLinks):
    """Cursor pages over the timeline's (date, kind, id) order: no COUNT(*), no OFFSET."""

    position_description = "Opaque position in the timeline"

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

    # Cursors ------------------------------------------------------------------------------

    def token(self, key, backwards: bool) -> str:
        return f"{key.date.isoformat()}|{key.kind}|{key.id}|{int(backwards)}"

    def decode_cursor(self, request) -> tuple:
        """(the key a page starts after or ends before, whether it ends before it); (None, False) at the start."""
        from events.api import timeline

        raw = self.read_token(request)
        if raw is None:
            return None, False
        try:
            date, kind, pk, backwards = raw.split("|")
            if kind not in timeline.KINDS or backwards not in ("0", "1"):
                raise ValueError(raw)
            return timeline.Key(dt.date.fromisoformat(date), kind, int(pk)), backwards == "1"
        except ValueError:
            raise self.invalid_cursor() from None
