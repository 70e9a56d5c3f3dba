"""The serializers of the records: reference data, articles, actors, statements, events."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from events.api.serializers.fields import OptionalPrecisionField, PrecisionField
from events.api.serializers.plans import ModelSerializer
from events.api.serializers.summaries import (
    actor_reference,
    article_reference,
    cameo_reference,
    escalation_reference,
    outlet_reference,
)
from events.api.serializers.validation import (
    ModelCleanSerializer,
    StrictFieldsMixin,
    VersionedSerializer,
)
from events.models import (
    Actor,
    ActorAlias,
    Article,
    CameoCode,
    Escalation,
    Event,
    EventParticipant,
    EventSource,
    Outlet,
    Statement,
)

# Reference data ---------------------------------------------------------------------------


class CameoCodeSerializer(ModelSerializer):
    is_root = serializers.BooleanField(read_only=True)

    class Meta:
        model = CameoCode
        fields = ("code", "label", "root", "is_root")
        read_only_fields = fields


class OutletSerializer(ModelCleanSerializer):
    class Meta:
        model = Outlet
        fields = ("id", "slug", "name", "kind", "country", "url", "notes")


class EscalationSerializer(ModelCleanSerializer):
    date_label = serializers.CharField(read_only=True)

    class Meta:
        model = Escalation
        fields = ("id", "slug", "name", "start_date", "end_date", "date_label", "description")


# Articles ------------------------------------------------------------------------------------


class ArticleSerializer(VersionedSerializer):
    """An article; `sha256` is computed from `body`, which is frozen once spans point into it."""

    verbatim_fields = ("body",)

    def text_max_lengths(self) -> dict[str, int]:
        # The body is a seed file's text: no longer than import_seeds accepts.
        return {"body": settings.SEED_MAX_BYTES}

    outlet = outlet_reference()
    republished_by = outlet_reference()
    is_undated = serializers.BooleanField(read_only=True)

    class Meta:
        model = Article
        fields = (
            "id",
            "source_ref",
            "title",
            "caption",
            "body",
            "sha256",
            "outlet",
            "republished_by",
            "url",
            "published_on",
            "is_undated",
            "language",
            "file_name",
            "notes",
            "imported_at",
            "created_at",
            "updated_at",
            "version",
        )


# Actors ---------------------------------------------------------------------------------------


class ActorAliasSerializer(ModelCleanSerializer):
    # The alias is checked like any record (the text policy, its choices) before its actor exists.
    clean_exclude = ("actor",)

    class Meta:
        model = ActorAlias
        fields = ("name", "kind")
        validators = []  # uniqueness per actor is checked on the whole list by ActorSerializer


class ActorSerializer(VersionedSerializer):
    """An actor. `aliases`, when given, replaces the whole list (matched case-insensitively by name)."""

    affiliation = actor_reference(required=False, allow_null=True)
    aliases = ActorAliasSerializer(many=True, required=False)
    nested_fields = ("aliases",)

    class Meta:
        model = Actor
        fields = (
            "id",
            "slug",
            "name",
            "kind",
            "country",
            "role",
            "affiliation",
            "aliases",
            "description",
            "review_status",
            "created_at",
            "updated_at",
            "version",
        )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        names = [alias["name"].lower() for alias in attrs.get("aliases", [])]
        if len(set(names)) != len(names):
            raise serializers.ValidationError({"aliases": ["The same alias is listed twice (case-insensitive)."]})
        return attrs

    def create(self, validated_data):
        aliases = validated_data.pop("aliases", [])
        actor = super().create(validated_data)
        self._replace_aliases(actor, aliases)
        return actor

    def update(self, instance, validated_data):
        aliases = validated_data.pop("aliases", None)
        actor = super().update(instance, validated_data)
        if aliases is not None:
            self._replace_aliases(actor, aliases)
        return actor

    @staticmethod
    def _replace_aliases(actor: Actor, aliases: list[dict]) -> None:
        existing = {alias.name.lower(): alias for alias in ActorAlias.objects.filter(actor=actor)}
        wanted = {data["name"].lower(): data for data in aliases}
        ActorAlias.objects.filter(pk__in=[a.pk for key, a in existing.items() if key not in wanted]).delete()
        for key, data in wanted.items():
            alias = existing.get(key) or ActorAlias(actor=actor)
            alias.name = data["name"]
            alias.kind = data.get("kind", ActorAlias.Kind.OTHER)
            alias.save()


# Statements -----------------------------------------------------------------------------------


class StatementSerializer(VersionedSerializer):
    """Who said what, to or about whom, when, and where (start/end) in which article."""

    speaker = actor_reference()
    targets = actor_reference(many=True, required=False)
    article = article_reference()
    cameo = cameo_reference()
    escalation = escalation_reference()
    said_on_precision = PrecisionField(required=False)
    reported_precision = OptionalPrecisionField(required=False)
    date_label = serializers.CharField(read_only=True)
    reported_date_label = serializers.CharField(read_only=True)
    verbatim_fields = ("quote",)

    class Meta:
        model = Statement
        fields = (
            "id",
            "ref",
            "speaker",
            "targets",
            "article",
            "quote",
            "start",
            "end",
            "kind",
            "cameo",
            "summary",
            "medium",
            "medium_detail",
            "said_on",
            "said_on_precision",
            "date_label",
            "reported_date",
            "reported_precision",
            "reported_date_label",
            "date_phrase",
            "escalation",
            "review_status",
            "notes",
            "date_from",
            "date_to",
            "created_at",
            "updated_at",
            "version",
        )


# Events --------------------------------------------------------------------------------------


class EventParticipantSerializer(StrictFieldsMixin, ModelSerializer):
    actor = actor_reference()

    class Meta:
        model = EventParticipant
        fields = ("actor", "role")


class EventSourceSerializer(ModelCleanSerializer):
    """The article words supporting an event. `ref` is generated; the event is the parent's."""

    article = article_reference()
    reported_precision = OptionalPrecisionField(required=False)
    reported_date_label = serializers.CharField(read_only=True)
    clean_exclude = ("event", "ref")
    verbatim_fields = ("quote",)

    class Meta:
        model = EventSource
        fields = (
            "id",
            "ref",
            "article",
            "start",
            "end",
            "quote",
            "date_phrase",
            "reported_date",
            "reported_precision",
            "reported_date_label",
            "notes",
        )
        read_only_fields = ("ref",)


class EventSerializer(VersionedSerializer):
    """A dated event. `participants` and `sources`, when given, replace the whole lists."""

    type = cameo_reference(source="event_type")
    escalation = escalation_reference()
    start_precision = PrecisionField(required=False)
    end_precision = OptionalPrecisionField(required=False)
    date_label = serializers.CharField(read_only=True)
    participants = EventParticipantSerializer(many=True, required=False)
    sources = EventSourceSerializer(many=True, required=False)
    nested_fields = ("participants", "sources")

    class Meta:
        model = Event
        fields = (
            "id",
            "slug",
            "title",
            "summary",
            "type",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "ongoing",
            "date_label",
            "date_from",
            "date_to",
            "location",
            "escalation",
            "fatalities",
            "review_status",
            "notes",
            "participants",
            "sources",
            "created_at",
            "updated_at",
            "version",
        )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = {}
        default_role = EventParticipant.Role.PARTICIPANT
        roles = [(p["actor"].pk, p.get("role", default_role)) for p in attrs.get("participants", [])]
        if len(set(roles)) != len(roles):
            errors["participants"] = ["The same actor is listed twice with the same role."]
        spans = [(s["article"].pk, s["start"], s["end"]) for s in attrs.get("sources", [])]
        if len(set(spans)) != len(spans):
            errors["sources"] = ["The same article span is listed twice."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        participants = validated_data.pop("participants", [])
        sources = validated_data.pop("sources", [])
        event = super().create(validated_data)
        self._replace_participants(event, participants)
        self._replace_sources(event, sources)
        return event

    def update(self, instance, validated_data):
        participants = validated_data.pop("participants", None)
        sources = validated_data.pop("sources", None)
        event = super().update(instance, validated_data)
        if participants is not None:
            self._replace_participants(event, participants)
        if sources is not None:
            self._replace_sources(event, sources)
        return event

    @staticmethod
    def _replace_participants(event: Event, participants: list[dict]) -> None:
        existing = {(p.actor_id, p.role): p for p in EventParticipant.objects.filter(event=event)}
        wanted = [(p["actor"].pk, p.get("role", EventParticipant.Role.PARTICIPANT)) for p in participants]
        EventParticipant.objects.filter(pk__in=[p.pk for key, p in existing.items() if key not in wanted]).delete()
        EventParticipant.objects.bulk_create(
            EventParticipant(event=event, actor_id=actor_id, role=role)
            for actor_id, role in wanted
            if (actor_id, role) not in existing
        )

    @staticmethod
    def _replace_sources(event: Event, sources: list[dict]) -> None:
        # A source is identified by its span (the unique constraint), so re-sending the
        # same span updates its dating in place and keeps its ref.
        existing = {(s.article_id, s.start, s.end): s for s in EventSource.objects.filter(event=event)}
        wanted = {(data["article"].pk, data["start"], data["end"]): data for data in sources}
        EventSource.objects.filter(pk__in=[s.pk for key, s in existing.items() if key not in wanted]).delete()
        for key, data in wanted.items():
            article_id, start, end = key
            source = existing.get(key) or EventSource(
                event=event, ref=f"event-{event.pk}-article-{article_id}-{start}-{end}"
            )
            for name, value in data.items():
                setattr(source, name, value)
            source.save()
