"""GET /api/events/<id>/accounts/: every account of an event side by side (events/models/accounts.py).

Read-only: the accounts, their figures and the statements linked to the event with their
stance, as the event page shows them, in the query shape of event_accounts.with_accounts (the
serializers read prefetched relations only).
"""

from __future__ import annotations

from rest_framework import generics, serializers
from rest_framework.response import Response

from events.api.serializers import ActorSummarySerializer, OutletSummarySerializer
from events.models import Event, EventStatement, ReportedFigure, accounts_of, with_accounts
from events.visibility import visible


class FigureSerializer(serializers.ModelSerializer):
    side = ActorSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = ReportedFigure
        fields = ("kind", "wording", "victims", "side", "low", "best", "high", "start", "end")
        read_only_fields = fields


class AccountSerializer(serializers.Serializer):
    source = serializers.IntegerField(source="source.pk")
    ref = serializers.CharField(source="source.ref")
    article = serializers.IntegerField(source="source.article_id")
    outlet = OutletSummarySerializer(allow_null=True)
    reported_by = ActorSummarySerializer(source="source.reported_by", allow_null=True)
    reported_date = serializers.DateField(source="source.reported_date", allow_null=True)
    reported_precision = serializers.CharField(source="source.reported_precision")
    date_phrase = serializers.CharField(source="source.date_phrase")
    place = serializers.CharField(source="source.place")
    quote = serializers.CharField(source="source.quote")
    start = serializers.IntegerField(source="source.start")
    end = serializers.IntegerField(source="source.end")
    figures = FigureSerializer(many=True)


class EventStatementSerializer(serializers.ModelSerializer):
    speaker = ActorSummarySerializer(source="statement.speaker", allow_null=True, read_only=True)
    quote = serializers.CharField(source="statement.quote", read_only=True)
    said_on = serializers.DateField(source="statement.said_on", allow_null=True, read_only=True)
    article = serializers.IntegerField(source="statement.article_id", read_only=True)

    class Meta:
        model = EventStatement
        fields = ("statement", "speaker", "quote", "said_on", "article", "stance", "review_status", "rule")
        read_only_fields = fields


class OutletGroupSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="The outlets' kind (empty: the sources whose article names no outlet).")
    label = serializers.CharField()
    country = serializers.CharField(help_text="ISO code: state media and official channels, by the side they speak for")
    outlets = serializers.IntegerField()
    sources = serializers.IntegerField()


class EventAccountsSerializer(serializers.Serializer):
    """The accounts of one event (`accounts_of`) and its corroboration."""

    id = serializers.IntegerField(source="event.pk")
    title = serializers.CharField(source="event.title")
    fatalities_low = serializers.IntegerField(source="event.fatalities_low", allow_null=True)
    fatalities = serializers.IntegerField(source="event.fatalities", allow_null=True)
    fatalities_high = serializers.IntegerField(source="event.fatalities_high", allow_null=True)
    sources = serializers.IntegerField(source="accounts.sources")
    outlets = serializers.IntegerField(source="accounts.outlets")
    outlet_kinds = serializers.ListField(child=serializers.CharField(), source="accounts.outlet_kinds")
    outlet_groups = OutletGroupSerializer(many=True, source="accounts.outlet_groups")
    dates = serializers.ListField(child=serializers.CharField(), source="accounts.dates")
    dates_differ = serializers.BooleanField(source="accounts.dates_differ")
    tolls = serializers.ListField(child=serializers.CharField(), source="accounts.tolls")
    tolls_differ = serializers.BooleanField(source="accounts.tolls_differ")
    accounts = AccountSerializer(many=True, source="accounts.accounts")
    statements = EventStatementSerializer(many=True, source="accounts.statements")


class EventAccountsView(generics.RetrieveAPIView):
    """Every account of an event side by side: each source's date, place, reporter and figures,
    and the statements about the event with their stance."""

    queryset = with_accounts(Event.objects.all())
    serializer_class = EventAccountsSerializer

    def get_queryset(self):
        return visible(super().get_queryset(), self.request)  # verified for a reader, as the lists

    def retrieve(self, request, *args, **kwargs):
        event = self.get_object()
        return Response(self.get_serializer({"event": event, "accounts": accounts_of(event)}).data)
