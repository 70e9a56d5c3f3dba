"""Summaries (read-only, embedded) of related records, and the references writes take."""

from __future__ import annotations

from rest_framework import serializers

from events.api.serializers.fields import ReferenceField
from events.api.serializers.plans import ModelSerializer
from events.models import (
    Actor,
    Article,
    CameoCode,
    Escalation,
    Outlet,
)

# `kind` and `country` are plain strings here: the full serializers carry their enums.


class OutletSummarySerializer(ModelSerializer):
    kind = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True)

    class Meta:
        model = Outlet
        fields = ("id", "slug", "name", "kind", "country")
        read_only_fields = fields


class ActorSummarySerializer(ModelSerializer):
    kind = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True)

    class Meta:
        model = Actor
        fields = ("id", "slug", "name", "kind", "country")
        read_only_fields = fields


class ArticleSummarySerializer(ModelSerializer):
    outlet = OutletSummarySerializer(read_only=True, allow_null=True)
    # Declared so the schema says what the full Article's says: a URL, or empty when unknown.
    url = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = Article
        fields = ("id", "source_ref", "title", "url", "published_on", "outlet")
        read_only_fields = fields


class CameoCodeSummarySerializer(ModelSerializer):
    class Meta:
        model = CameoCode
        fields = ("code", "label")
        read_only_fields = fields


class EscalationSummarySerializer(ModelSerializer):
    class Meta:
        model = Escalation
        fields = ("id", "slug", "name")
        read_only_fields = fields


def actor_reference(**kwargs) -> ReferenceField:
    return ReferenceField(queryset=Actor.objects.all(), summary=ActorSummarySerializer, key="slug", **kwargs)


def escalation_reference() -> ReferenceField:
    return ReferenceField(
        queryset=Escalation.objects.all(),
        summary=EscalationSummarySerializer,
        key="slug",
        required=False,
        allow_null=True,
    )


def cameo_reference(**kwargs) -> ReferenceField:
    return ReferenceField(queryset=CameoCode.objects.all(), summary=CameoCodeSummarySerializer, key="code", **kwargs)


def article_reference(**kwargs) -> ReferenceField:
    return ReferenceField(queryset=Article.objects.all(), summary=ArticleSummarySerializer, key="source_ref", **kwargs)


def outlet_reference() -> ReferenceField:
    return ReferenceField(
        queryset=Outlet.objects.all(), summary=OutletSummarySerializer, key="slug", required=False, allow_null=True
    )
