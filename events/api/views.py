"""REST API viewsets: one per model, each over one QuerySet method and one FilterSet.

Reading is open to everyone; writing needs a logged-in user (session or token) with
the model's add/change/delete permission (DjangoModelPermissionsOrAnonReadOnly, set
in REST_FRAMEWORK). Writes run in a transaction, and the database's own refusals
(the triggers that freeze an article body and keep spans inside it) come back as
400s with a message, a delete of a record others still refer to as a 409.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import HttpResponse
from django.template import engines
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView
from rest_framework import exceptions, status, viewsets
from rest_framework.settings import api_settings

from events import filters as event_filters
from events.api import serializers
from events.models import Actor, Article, CameoCode, Escalation, Event, Outlet, Statement

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


class CuratedViewSet(viewsets.ModelViewSet):
    """Base for the writable viewsets: transactional writes, database refusals as 4xx."""


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
    ordering_fields = ("published_on", "title", "source_ref", "created_at", "id")


class ActorViewSet(CuratedViewSet):
    queryset = Actor.objects.for_listing()
    serializer_class = serializers.ActorSerializer
    filterset_class = event_filters.ActorFilter
    ordering_fields = ("name", "slug", "kind", "country", "created_at", "id")


class StatementViewSet(CuratedViewSet):
    queryset = Statement.objects.for_timeline()
    serializer_class = serializers.StatementSerializer
    filterset_class = event_filters.StatementFilter
    ordering_fields = ("date_from", "date_to", "said_on", "created_at", "updated_at", "id")


class EventViewSet(CuratedViewSet):
    queryset = Event.objects.for_timeline()
    serializer_class = serializers.EventSerializer
    filterset_class = event_filters.EventFilter
    ordering_fields = ("date_from", "date_to", "start_date", "title", "fatalities", "created_at", "updated_at", "id")


class EscalationViewSet(CuratedViewSet):
    queryset = Escalation.objects.all()
    serializer_class = serializers.EscalationSerializer
    filterset_class = event_filters.EscalationFilter
    ordering_fields = ("start_date", "end_date", "name", "id")


class OutletViewSet(CuratedViewSet):
    queryset = Outlet.objects.all()
    serializer_class = serializers.OutletSerializer
    filterset_class = event_filters.OutletFilter
    ordering_fields = ("name", "slug", "kind", "country", "id")


class CameoCodeViewSet(viewsets.ReadOnlyModelViewSet):
    """The CAMEO codebook (read-only: it is loaded from fixtures/cameo.json)."""

    queryset = CameoCode.objects.all()
    serializer_class = serializers.CameoCodeSerializer
    filterset_class = event_filters.CameoCodeFilter
    ordering_fields = ("code", "label")


# The stock ReDoc page links Google Fonts; this one only loads the sidecar's static files,
# so the docs work on a machine without internet and leak no reader to a third party.
REDOC_OFFLINE = """{% extends "drf_spectacular/redoc.html" %}
{% block head %}
<title>{{ title|default:"Redoc" }}</title>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0; padding: 0; }</style>
{% endblock head %}"""


class OfflineRedocView(SpectacularRedocView):
    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        context = super().get(request, *args, **kwargs).data
        return HttpResponse(engines["django"].from_string(REDOC_OFFLINE).render(context, request))
