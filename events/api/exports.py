"""Exports of a filtered list: `?format=csv|json|timelinejs|ics` (events/api/renderers.py).

An export holds every row the filters keep, in the list's order, up to
settings.EXPORT_MAX_ROWS, instead of one page; the response says whether the
selection was cut (`X-Export-Truncated`) and where (`X-Export-Max-Rows`), and an export of
events or statements which review statuses it holds (`X-Review-Status`: the `review_status`
asked for, or the default for the reader, events/visibility.py: `verified`, or `any` for a
curator); the rows themselves are the same whoever asks. CSV is
streamed while the rows are read, EXPORT_CHUNK at a time with the list's query shape,
so memory and queries per chunk stay constant. `?format=json` exports a JSON array of
the same rows; without `format` (or with `Accept: application/json`) a list is paginated
as always. Errors (a bad filter, an unknown format: 400 naming the parameter) are JSON
whatever format was asked for.
"""

from __future__ import annotations

from functools import cache
from itertools import islice

from django.http import Http404, StreamingHttpResponse
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from events.api import renderers, rows
from events.api.serializers import EscalationSerializer
from events.compiled_query import IdListQuery
from events.models import Escalation, EventPlace
from events.visibility import ReviewStatusFilter, effective_review

#: Rows read and serialized at a time while exporting (the query count grows per chunk, not per row).
EXPORT_CHUNK = 500

EXPORT_RENDERERS = {
    "csv": renderers.CSVRenderer,
    "timelinejs": renderers.TimelineJSRenderer,
    "ics": renderers.ICalendarRenderer,
}
FILE_EXTENSIONS = {"csv": "csv", "timelinejs": "json", "ics": "ics"}

#: What each format is, for the schema and the error message of an unknown one.
FORMAT_HELP = {
    "json": "a JSON array of every filtered row (the list's representation; an event's record with its `place`)",
    "csv": "CSV with ACLED-style columns for events, statements and the timeline (event_date, time_precision, "
    "event_type, actor1, actor2, location, latitude, longitude, geo_precision, source, notes, then ours), "
    "one column per field elsewhere; streamed",
    "timelinejs": "Knight Lab's TimelineJS JSON (events, eras = escalations; an event's slide text says its "
    "place), to load in TL.Timeline",
    "ics": "iCalendar: one all-day event per event or dated statement (a placed event's LOCATION is its place, "
    "with GEO)",
}


class ExportMixin:
    """Adds the exports to a list view; `export_formats` names the ones it offers."""

    export_formats: tuple[str, ...] = ("json", "csv")
    #: How the renderers read a row: "event", "statement", "timeline", or "" (one column per field).
    export_resource = ""
    export_title = "conflictdb"

    def is_collection(self) -> bool:
        return getattr(self, "action", "list") == "list"

    def get_renderers(self):
        found = super().get_renderers()
        if self.is_collection():
            found += [EXPORT_RENDERERS[name]() for name in self.export_formats if name in EXPORT_RENDERERS]
        return found

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            if "format" not in request.query_params:
                # The router's format suffix ("/api/actors/7.5/" is id 7, format "5"): a path
                # that names nothing, so the 404 stands.
                raise
            # DRF answers an unknown ?format= with 404; it is a bad parameter value like any other.
            offered = self.export_formats if self.is_collection() else ("json",)
            # ?format=x, or a suffix in the path: /api/events/1.5/ asks for format "5".
            value = request.query_params.get("format") or self.kwargs.get("format", "")
            raise exceptions.ValidationError(
                {"format": [f"Unknown format {value!r} here; use one of {', '.join(offered)}."]}
            ) from None

    def _answer_in_json(self):
        if isinstance(getattr(self.request, "accepted_renderer", None), tuple(EXPORT_RENDERERS.values())):
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type

    def handle_exception(self, exc):
        # An error is JSON whatever format was asked for: a CSV or calendar of a message helps nobody.
        self._answer_in_json()
        return super().handle_exception(exc)

    def options(self, request, *args, **kwargs):
        # So is the description OPTIONS gives (`?format=csv` on it was a 500: a dict is no CSV row).
        self._answer_in_json()
        return super().options(request, *args, **kwargs)

    def is_export(self, request) -> bool:
        if not self.is_collection():
            return False
        renderer = getattr(request, "accepted_renderer", None)
        return isinstance(renderer, tuple(EXPORT_RENDERERS.values())) or request.query_params.get("format") == "json"

    def get_renderer_context(self):
        context = super().get_renderer_context()
        request = context.get("request")
        if request is not None and self.is_export(request):
            context["export"] = self.export_context(request)
        return context

    def export_context(self, request) -> dict:
        context = {
            "resource": self.export_resource,
            "fields": list(self.get_serializer().fields) if not self.export_resource else [],
            "title": self.export_title,
            "description": f"Exported from {request.get_full_path()}",
        }
        if isinstance(request.accepted_renderer, renderers.TimelineJSRenderer):
            # TimelineJS shows the escalations as eras.
            context["escalations"] = EscalationSerializer(Escalation.objects.all(), many=True).data
        return context

    def export_queryset(self, queryset):
        """The filtered rows of a model list, serialized one at a time (a generator), and whether
        the selection was cut at settings.EXPORT_MAX_ROWS.

        iterator(chunk_size=...) reads EXPORT_CHUNK rows at a time and runs the prefetches per
        chunk, and one serializer serves every row, so memory and the work per row do not grow
        with the export's length: no list of all rows is ever built.
        """
        limit = renderers.export_max_rows()
        truncated = queryset[limit : limit + 1].exists()
        objects = queryset[:limit].iterator(chunk_size=EXPORT_CHUNK)
        serializer = self.get_serializer()
        return (serializer.to_representation(obj) for obj in objects), truncated

    def export_review_status(self) -> str:
        """The review status an export of this list holds ("" for a list without review statuses)."""
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is None or not isinstance(
            filterset_class.base_filters.get("review_status"), ReviewStatusFilter
        ):
            return ""
        filterset = filterset_class(self.request.query_params, queryset=self.get_queryset(), request=self.request)
        # The export's rows were filtered by these parameters already: they are valid.
        return effective_review(filterset) if filterset.is_valid() else ""

    def export_response(self, rows, truncated: bool, *, cells: bool = False):
        """`rows`: the records (dicts) of the export, or with `cells` the CSV's lines (csv_rows())."""
        request = self.request
        if self.export_resource in (renderers.EVENT, "timeline") and not cells:
            rows = with_places(rows, self.export_resource)
        renderer = request.accepted_renderer
        headers = {
            "X-Export-Max-Rows": str(renderers.export_max_rows()),
            "X-Export-Truncated": "true" if truncated else "false",
        }
        review = self.export_review_status()
        if review:
            headers["X-Review-Status"] = review
        if renderer.format in FILE_EXTENSIONS:
            name = self.export_title.replace(" ", "-")
            headers["Content-Disposition"] = f'attachment; filename="{name}.{FILE_EXTENSIONS[renderer.format]}"'
        if isinstance(renderer, renderers.CSVRenderer):
            context = self.get_renderer_context()
            context["export"]["cells"] = cells
            return StreamingHttpResponse(
                renderer.stream(rows, context),
                content_type=f"{renderer.media_type}; charset={renderer.charset}",
                headers=headers,
            )
        return Response(list(rows), headers=headers)

    def list(self, request, *args, **kwargs):
        if not self.is_export(request):
            return super().list(request, *args, **kwargs)
        rows, truncated = self.export_queryset(self.filter_queryset(self.get_queryset()))
        return self.export_response(rows, truncated)


#: The OpenAPI schema of the `place` with_places gives each event record (events/api/schema.py).
PLACE_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "Where the event happened, by its most precise placing (exact, then near, region, country; "
    "then the first made); null when it has no place. Exports only (`format`), not the paginated list.",
    "properties": {
        "name": {"type": "string", "description": "The place's canonical name."},
        "latitude": {"type": "number", "format": "double", "description": "WGS 84 degrees."},
        "longitude": {"type": "number", "format": "double", "description": "WGS 84 degrees."},
        "precision": {
            "type": "string",
            "enum": list(EventPlace.Precision.values),
            "description": "How precisely the source places the event there.",
        },
        "geo_precision": {
            "type": "integer",
            "enum": sorted(set(EventPlace.ACLED.values())),
            "description": "ACLED's geo-precision: 1 the exact town, 2 near it or part of a region around it, "
            "3 the larger region.",
        },
    },
    "required": ["name", "latitude", "longitude", "precision", "geo_precision"],
}


@cache
def _best_places() -> IdListQuery:
    """EventPlace.objects.best_places()'s query, its SQL compiled once per size of id list."""
    return IdListQuery(EventPlace.objects.best_place_rows(), "event__id__in")


def places_of(ids: list) -> dict:
    """{event id: its place} of the events `ids` that have one (EventPlace.objects.best_places():
    the most precise placing's name, coordinates and ACLED geo-precision), in one query."""
    return EventPlace.objects.place_dicts(_best_places().tuples(ids))


def csv_rows(reader, queryset, kind: str, chunk: int = EXPORT_CHUNK):
    """The CSV's lines of the records of `queryset` read by `reader` (events/api/rows.py), of
    `kind` (an event or a statement), written from the rows without the records' dicts
    (renderers.csv_row_line), `chunk` rows at a time: per chunk, one query per to-many relation
    and, for events, one for their places (places_of()); None when the reader cannot."""
    compiled = renderers.csv_row_line(kind, reader)
    if compiled is None:
        return None
    line, relations = compiled
    pk = reader.pk_index

    def lines():
        for batch in reader.row_chunks(queryset, chunk):
            ids = [row[pk] for row in batch]
            many = [relation.grouped(ids, pick) for relation, pick in relations]
            places = places_of(ids) if kind == renderers.EVENT else {}  # a statement has no place
            for row in batch:
                yield line(row, many, places.get(row[pk]))

    return lines()


def timeline_csv_rows(keys: list, item_serializer, chunk: int = EXPORT_CHUNK):
    """The CSV's lines of the timeline's `keys` (events.api.timeline.keys()), as csv_rows() writes
    them, `chunk` keys at a time with the queries of rows.timeline_items() and places_of(); None
    when a reader cannot."""
    shapes, readers = rows.timeline_readers(item_serializer, renderers.CSV_FIELDS)
    if None in readers.values():
        return None
    compiled = {kind: renderers.csv_row_line(kind, readers[kind]) for kind in readers}
    if None in compiled.values():
        return None

    def lines():
        for offset in range(0, len(keys), chunk):
            part = keys[offset : offset + chunk]
            found, many = {}, {}
            for kind, reader in readers.items():
                ids = [key.id for key in part if key.kind == kind]
                found[kind] = {row[reader.pk_index]: row for row in reader.rows_by_id(shapes[kind], ids)} if ids else {}
                many[kind] = [relation.grouped(ids, pick) for relation, pick in compiled[kind][1]]
            events = found[renderers.EVENT]
            places = places_of(list(events))
            for key in part:
                row = found[key.kind].get(key.id)
                if row is not None:
                    yield compiled[key.kind][0](row, many[key.kind], places.get(key.id))

    return lines()


def with_places(rows, resource: str):
    """The exported rows, each event's record given its `place` (EventPlace.best_places: the most
    precise placing's name, coordinates and ACLED geo-precision; null when it has none). One
    query per EXPORT_CHUNK rows, read as the rows stream."""
    rows = iter(rows)
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        records = [
            record for kind, record in (renderers.unwrap(row, resource) for row in chunk) if kind == renderers.EVENT
        ]
        places = places_of([record["id"] for record in records])
        for record in records:
            record["place"] = places.get(record["id"])
        yield from chunk
