"""REST API viewsets: one per model, each over one QuerySet method and one FilterSet.

Reading is open to everyone; writing needs a logged-in user (session or token) with
the model's add/change/delete permission (DjangoModelPermissionsOrAnonReadOnly, set
in REST_FRAMEWORK), and deleting a verified statement or event needs an administrator
(events/roles.py). Writes run in a transaction, and the database's own refusals
(the triggers that freeze an article body and keep spans inside it) come back as
400s with a message, a delete of a record others still refer to as a 409.

Every list also exports its filtered rows (`?format=csv|json`, and for events and
statements `timelinejs` and `ics`: events/api/exports.py). /api/timeline/ merges events
and statements in one cursor-paginated stream with the same filters and exports;
/api/stats/ counts them for charts.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError, RestrictedError
from django.db.models.functions import TruncWeek
from django.http import HttpResponse, JsonResponse
from django.template import engines
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView
from rest_framework import exceptions, generics, permissions, status, viewsets
from rest_framework.response import Response
from rest_framework.settings import api_settings

from events import filters as event_filters
from events.api import renderers, rows, serializers, timeline
from events.api.exports import EXPORT_CHUNK, ExportMixin, timeline_csv_rows
from events.api.lists import PlainRowsMixin
from events.api.pagination import KeysetPagination, TimelineCursorPagination
from events.models import (
    Actor,
    Article,
    CameoCode,
    Escalation,
    Event,
    Outlet,
    Statement,
    VersionConflict,
    VersionedModel,
)
from events.roles import DELETE_REFUSED, UNVERIFY_REFUSED, may_delete, may_leave_verification

# The triggers of migrations/0002_span_triggers.py name themselves in their messages.
INTEGRITY_ERRORS = (
    (
        "events_article_body_frozen",
        "body",
        "The body cannot change: statements or event sources point into it by character offset. "
        "Import the new text as a new article instead.",
    ),
    (
        "span_in_body",
        api_settings.NON_FIELD_ERRORS_KEY,
        "The span does not cut the quote out of the article body: start, end and quote must match the article text.",
    ),
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the record."
    default_code = "conflict"


class PreconditionFailed(Exception):
    """If-Match named a version the record is no longer at (answered 412, see CuratedViewSet)."""

    def __init__(self, conflict: VersionConflict):
        self.conflict = conflict
        super().__init__(conflict.message)


def conflict_body(conflict: VersionConflict) -> dict:
    return {
        "detail": conflict.message,
        "current_version": conflict.current,
        "changed_by": conflict.changed_by or None,
        "changed_at": conflict.changed_at.isoformat() if conflict.changed_at and conflict.current else None,
    }


def etag(version: int) -> str:
    return f'"{version}"'


class KeepsVerifiedRecords(permissions.BasePermission):
    """Only an administrator deletes a verified record, or takes one out of verification (events/roles.py)."""

    message = DELETE_REFUSED

    def has_object_permission(self, request, view, obj):
        if request.method == "DELETE":
            return may_delete(request.user, obj)
        data = request.data if request.method in ("PUT", "PATCH") else None
        if isinstance(data, Mapping) and "review_status" in data and hasattr(obj, "review_status"):
            self.message = UNVERIFY_REFUSED
            return may_leave_verification(request.user, type(obj), obj.pk, data["review_status"])
        return True


class CuratedViewSet(PlainRowsMixin, ExportMixin, viewsets.ModelViewSet):
    """Base for the writable viewsets: transactional writes, database refusals as 4xx, exports."""

    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, KeepsVerifiedRecords]

    # Versioned records (events.models.VersionedModel): a detail answer carries `ETag: "<version>"`;
    # PUT, PATCH and DELETE run in one transaction that locks the row before reading it, check
    # If-Match against it (412), and the body's `version` (409, VersionedSerializer); the save
    # itself is conditional on the version, so no write overwrites another one unseen.

    def _versioned(self) -> bool:
        return issubclass(self.get_queryset().model, VersionedModel)

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().update(request, *args, **kwargs)

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            return super().destroy(request, *args, **kwargs)

    def get_object(self):
        if self.request.method not in ("PUT", "PATCH", "DELETE") or not self._versioned():
            return super().get_object()
        model = self.get_queryset().model
        # Lock the row first (PostgreSQL; on SQLite the IMMEDIATE transaction holds the write
        # lock), so the copy read next is the one this write edits, not one read before another
        # writer committed.
        model.lock(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field))
        record = super().get_object()
        header = self.request.headers.get("If-Match")
        if header is not None and header.strip() != "*":
            versions = [int(tag[1:-1]) for tag in parse_etags(header) if re.fullmatch(r'"[0-9]{1,18}"', tag)]
            if not versions:
                raise exceptions.ValidationError(
                    {"If-Match": ['Send the version the ETag gave, in quotes (If-Match: "3"), or *.']}
                )
            try:
                record.check_version(record.version if record.version in versions else versions[0])
            except VersionConflict as conflict:
                raise PreconditionFailed(conflict) from conflict
        return record

    def handle_exception(self, exc):
        if isinstance(exc, PreconditionFailed | VersionConflict):
            # 412: If-Match named another version; 409: the body's `version` did (or the save met a writer).
            if isinstance(exc, PreconditionFailed):
                conflict, code = exc.conflict, status.HTTP_412_PRECONDITION_FAILED
            else:
                conflict, code = exc, status.HTTP_409_CONFLICT
            response = Response(conflict_body(conflict), status=code)
            if conflict.current:
                response["ETag"] = etag(conflict.current)
            return response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (
            self.action in ("retrieve", "create", "update", "partial_update")
            and response.status_code in (200, 201)
            and isinstance(getattr(response, "data", None), dict)
            and "version" in response.data
        ):
            response["ETag"] = etag(response.data["version"])
        return response

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError as error:
            raise Conflict(self._still_referred_to(instance, error.protected_objects)) from error
        except RestrictedError as error:
            raise Conflict(self._still_referred_to(instance, error.restricted_objects)) from error

    @staticmethod
    def _still_referred_to(instance, referrers) -> str:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in referrers})
        return (
            f"{str(instance._meta.verbose_name).capitalize()} {instance.pk} is still referred to by "
            f"{len(referrers)} record(s) ({', '.join(kinds)}); remove or reassign them first."
        )

    def _save(self, serializer):
        try:
            # A savepoint, so a refused write leaves the connection usable (PostgreSQL).
            with transaction.atomic():
                serializer.save()
        except IntegrityError as error:
            for marker, field, message in INTEGRITY_ERRORS:
                if marker in str(error):
                    raise exceptions.ValidationError({field: [message]}) from error
            raise
        # Answer with the list's query shape rather than lazy per-relation queries.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


class ArticleViewSet(CuratedViewSet):
    """Source articles. The body is verbatim; sha256 is computed from it."""

    queryset = Article.objects.for_listing()
    serializer_class = serializers.ArticleSerializer
    filterset_class = event_filters.ArticleFilter
    export_title = "conflictdb articles"
    ordering_fields = ("published_on", "title", "source_ref", "created_at", "id")


class ActorViewSet(CuratedViewSet):
    queryset = Actor.objects.for_listing()
    serializer_class = serializers.ActorSerializer
    filterset_class = event_filters.ActorFilter
    export_title = "conflictdb actors"
    ordering_fields = ("name", "slug", "kind", "country", "created_at", "id")


class StatementViewSet(CuratedViewSet):
    """Statements, a cursor page at a time (`next`/`previous`; nothing counted, nothing skipped)."""

    pagination_class = KeysetPagination
    queryset = Statement.objects.for_timeline()
    serializer_class = serializers.StatementSerializer
    filterset_class = event_filters.StatementFilter
    export_title = "conflictdb statements"
    export_formats = ("json", "csv", "timelinejs", "ics")
    export_resource = "statement"
    ordering_fields = ("date_from", "date_to", "said_on", "created_at", "updated_at", "id")


class EventViewSet(CuratedViewSet):
    """Events, a cursor page at a time (`next`/`previous`; nothing counted, nothing skipped)."""

    pagination_class = KeysetPagination
    queryset = Event.objects.for_timeline()
    serializer_class = serializers.EventSerializer
    filterset_class = event_filters.EventFilter
    export_title = "conflictdb events"
    export_formats = ("json", "csv", "timelinejs", "ics")
    export_resource = "event"
    ordering_fields = ("date_from", "date_to", "start_date", "title", "fatalities", "created_at", "updated_at", "id")


class EscalationViewSet(CuratedViewSet):
    queryset = Escalation.objects.all()
    serializer_class = serializers.EscalationSerializer
    filterset_class = event_filters.EscalationFilter
    export_title = "conflictdb escalations"
    ordering_fields = ("start_date", "end_date", "name", "id")


class OutletViewSet(CuratedViewSet):
    queryset = Outlet.objects.all()
    serializer_class = serializers.OutletSerializer
    filterset_class = event_filters.OutletFilter
    export_title = "conflictdb outlets"
    ordering_fields = ("name", "slug", "kind", "country", "id")


class CameoCodeViewSet(PlainRowsMixin, ExportMixin, viewsets.ReadOnlyModelViewSet):
    """The CAMEO codebook (read-only: it is loaded from fixtures/cameo.json)."""

    queryset = CameoCode.objects.all()
    serializer_class = serializers.CameoCodeSerializer
    filterset_class = event_filters.CameoCodeFilter
    export_title = "conflictdb cameo-codes"
    ordering_fields = ("code", "label")


# The timeline and statistics -------------------------------------------------------------------


def filtered_streams(request):
    """(events, statements) kept by the timeline's filters (None: a parameter leaves that kind out).

    The timeline and the stats have one order: an `ordering` (which the lists take) is refused,
    not silently ignored."""
    if "ordering" in request.query_params:
        raise exceptions.ValidationError({"ordering": [TIMELINE_ORDER]})
    filterset = event_filters.TimelineFilter(request.query_params, queryset=Event.objects.none(), request=request)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset.streams(Event.objects.all(), Statement.objects.attributed())


TIMELINE_ORDER = "The timeline has one order (by date, events before statements on a day, then id): no ordering."


class TimelineView(ExportMixin, generics.ListAPIView):
    """Events and statements in one chronological stream: by date (the first day a date may mean),
    events before statements on a day, then by id; undated statements last.

    Each row says its `kind` and holds the record as /api/events/ or /api/statements/ shows
    it. The filters are the lists' (a parameter only one kind takes, such as `location` or
    `speaker`, keeps that kind only). Pages follow opaque cursors (`next`, `previous`);
    nothing is counted, so a page costs the same wherever it is.
    """

    # The filters are documented (and validated) by TimelineFilter over Event's fields;
    # the rows come from TimelineFilter.streams().
    queryset = Event.objects.none()
    serializer_class = serializers.TimelineItemSerializer
    filterset_class = event_filters.TimelineFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = TimelineCursorPagination
    export_formats = ("json", "csv", "timelinejs", "ics")
    export_resource = "timeline"
    export_title = "conflictdb timeline"

    def list(self, request, *args, **kwargs):
        events, statements = filtered_streams(request)
        if self.is_export(request):
            limit = renderers.export_max_rows()
            keys = timeline.keys(events, statements, limit=limit + 1)
            if isinstance(request.accepted_renderer, renderers.CSVRenderer):
                # The CSV written from the rows, without the records' dicts.
                lines = timeline_csv_rows(keys[:limit], self.get_serializer(), EXPORT_CHUNK)
                if lines is not None:
                    return self.export_response(lines, truncated=len(keys) > limit, cells=True)
            only = {kind: renderers.csv_fields(request.accepted_renderer, kind) for kind in timeline.KINDS}
            items = rows.timeline_chunks(keys[:limit], self.get_serializer(), chunk=EXPORT_CHUNK, only=only)
            return self.export_response(items, truncated=len(keys) > limit)
        page = self.paginator.paginate_streams(events, statements, request)
        return self.paginator.get_paginated_response(rows.timeline_items(page, self.get_serializer()))


class StatsView(generics.GenericAPIView):
    """Counts for charts, over the timeline's filters: statements per escalation, speaker and CAMEO
    family ("who said what kind of thing in which escalation"), and events and statements per ISO week."""

    queryset = Event.objects.none()
    serializer_class = serializers.StatsSerializer
    filterset_class = event_filters.TimelineFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = None

    def get(self, request, *args, **kwargs):
        events, statements = filtered_streams(request)
        return Response(
            {"statements_by_escalation_actor_root": speech_acts(statements), "weekly": weekly(events, statements)}
        )


def speech_acts(statements) -> list[dict]:
    """Statements per (escalation, speaker, CAMEO root): one GROUP BY, and one query for the roots' labels."""
    if statements is None:
        return []
    rows = list(
        statements.order_by()
        .values(
            "escalation_id",
            "escalation__slug",
            "escalation__name",
            "escalation__start_date",
            "speaker_id",
            "speaker__slug",
            "speaker__name",
            "speaker__kind",
            "speaker__country",
            "cameo__root",
        )
        .annotate(count=Count("id"))
    )
    labels = dict(CameoCode.objects.filter(code__in={row["cameo__root"] for row in rows}).values_list("code", "label"))
    # Escalations in date order, then statements outside any escalation; within one, by speaker and family.
    rows.sort(
        key=lambda row: (
            row["escalation__start_date"] is None,
            row["escalation__start_date"] or "",
            row["escalation_id"] or 0,
            row["speaker__name"],
            row["speaker_id"],
            row["cameo__root"],
        )
    )
    return [
        {
            "escalation": None
            if row["escalation_id"] is None
            else {"id": row["escalation_id"], "slug": row["escalation__slug"], "name": row["escalation__name"]},
            "actor": {
                "id": row["speaker_id"],
                "slug": row["speaker__slug"],
                "name": row["speaker__name"],
                "kind": row["speaker__kind"],
                "country": row["speaker__country"],
            },
            "cameo_root": {"code": row["cameo__root"], "label": labels.get(row["cameo__root"], "")},
            "count": row["count"],
        }
        for row in rows
    ]


def weekly(events, statements) -> list[dict]:
    """Events (by start date) and dated statements per ISO week: one GROUP BY per table."""
    counts: dict = defaultdict(lambda: {"events": 0, "statements": 0})
    sources = (("events", events, "start_date"), ("statements", statements, "said_on"))
    for name, queryset, column in sources:
        if queryset is None:
            continue
        grouped = (
            queryset.filter(**{f"{column}__isnull": False})
            .order_by()
            .annotate(week=TruncWeek(column))
            .values_list("week")
            .annotate(n=Count("id"))
        )
        for week, n in grouped:
            counts[week][name] += n
    result = []
    for monday in sorted(counts):
        year, week, _ = monday.isocalendar()
        result.append({"week": f"{year}-W{week:02}", "start": monday.isoformat(), **counts[monday]})
    return result


# The stock ReDoc page links Google Fonts and starts ReDoc from an inline script; this one
# only loads the sidecar's static files and lets ReDoc start itself from the <redoc> element,
# so the docs work offline, leak no reader to a third party and pass the CSP (no inline script).
REDOC_OFFLINE = """{% extends "drf_spectacular/redoc.html" %}
{% block head %}
<title>{{ title|default:"Redoc" }}</title>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0; padding: 0; }</style>
{% endblock head %}
{% block body %}
<redoc spec-url="{{ schema_url }}"></redoc>
<script src="{{ redoc_standalone }}"></script>
{% endblock body %}"""


class OfflineRedocView(SpectacularRedocView):
    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        context = super().get(request, *args, **kwargs).data
        return HttpResponse(engines["django"].from_string(REDOC_OFFLINE).render(context, request))


@csrf_exempt  # it changes nothing; without this a write to a wrong path would get the CSRF page
def not_found(request, *args, **kwargs):
    """Any other path under /api/ (a record id that is not a number, a typo): the API's JSON 404,
    not Django's HTML page, so a client gets the documented body whatever it sends."""
    return JsonResponse({"detail": "Not found."}, status=404)
