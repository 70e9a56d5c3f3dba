"""The timeline's items and the statistics endpoint's answer."""

from __future__ import annotations

from rest_framework import serializers

from events.api.serializers.records import EventSerializer, StatementSerializer
from events.api.serializers.summaries import (
    ActorSummarySerializer,
    EscalationSummarySerializer,
)


class TimelineItemSerializer(serializers.Serializer):
    """One row of /api/timeline/: `kind` says which of `event` and `statement` it holds (the other is null).

    The record is the same representation as in /api/events/ or /api/statements/.
    """

    kind = serializers.ChoiceField(choices=[("event", "event"), ("statement", "statement")], read_only=True)
    id = serializers.IntegerField(read_only=True)
    date_from = serializers.DateField(
        read_only=True, allow_null=True, help_text="The first day its date may mean: the timeline's order."
    )
    event = EventSerializer(read_only=True, allow_null=True)
    statement = StatementSerializer(read_only=True, allow_null=True)

    def to_representation(self, entry):
        # The declared nested serializers, reused for every row (not one serializer per row).
        return self.item(entry.kind, entry.obj, self.fields[entry.kind].to_representation(entry.obj))

    @staticmethod
    def item(kind: str, obj, record: dict) -> dict:
        # `obj` is the record's model instance, or its plain row (events/api/rows.py).
        return {
            "kind": kind,
            "id": obj.pk,
            "date_from": obj.date_from.isoformat() if obj.date_from else None,
            "event": record if kind == "event" else None,
            "statement": record if kind == "statement" else None,
        }


class CameoRootSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The two-digit CAMEO family, e.g. 02 (appeal).")
    label = serializers.CharField()


class SpeechActCountSerializer(serializers.Serializer):
    escalation = EscalationSummarySerializer(allow_null=True, help_text="Null: outside any escalation.")
    actor = ActorSummarySerializer(help_text="The speaker.")
    cameo_root = CameoRootSerializer()
    count = serializers.IntegerField()


class WeekCountSerializer(serializers.Serializer):
    week = serializers.CharField(help_text="ISO 8601 week, e.g. 2023-W38.")
    start = serializers.DateField(help_text="Its Monday.")
    events = serializers.IntegerField(help_text="Events whose (first) date falls in the week.")
    statements = serializers.IntegerField(help_text="Statements said in the week (undated ones are not counted).")


class StatsSerializer(serializers.Serializer):
    statements_by_escalation_actor_root = SpeechActCountSerializer(
        many=True,
        help_text="Who said what kind of thing in which escalation: statements per escalation, speaker "
        "and CAMEO family, in escalation order, then by speaker and family.",
    )
    weekly = WeekCountSerializer(many=True, help_text="Events and statements per ISO week, in date order.")
