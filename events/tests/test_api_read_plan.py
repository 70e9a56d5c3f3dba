"""The serializers' read plans (events/api/serializers/plans.py, ReadPlanMixin) give exactly DRF's JSON."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from events.api import serializers, timeline
from events.api.serializers import ReadPlanMixin
from events.models import Actor, ActorAlias, Article, CameoCode, Escalation, Event, Outlet, Statement
from events.tests.conftest import SAMPLE_BODY

QUOTE = "both sides must stop firing now."
CLASH = "The two armies exchanged fire near the border overnight"

# Every list's serializer over its list's query shape (and the summaries over their models).
LISTS = (
    (serializers.EventSerializer, lambda: Event.objects.for_timeline()),
    (serializers.StatementSerializer, lambda: Statement.objects.for_timeline()),
    (serializers.ArticleSerializer, lambda: Article.objects.for_listing()),
    (serializers.ActorSerializer, lambda: Actor.objects.for_listing()),
    (serializers.EscalationSerializer, lambda: Escalation.objects.all()),
    (serializers.OutletSerializer, lambda: Outlet.objects.all()),
    (serializers.CameoCodeSerializer, lambda: CameoCode.objects.all()),
    (serializers.ActorSummarySerializer, lambda: Actor.objects.all()),
    (serializers.ArticleSummarySerializer, lambda: Article.objects.select_related("outlet")),
)


def rendered(make) -> tuple[bytes, bytes]:
    """(the JSON of make()'s data through the read plans, the same through DRF's own machinery)."""
    planned = JSONRenderer().render(make())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ReadPlanMixin, "read_plan", lambda self: None)
        drf = JSONRenderer().render(make())
    return planned, drf


@pytest.fixture
def varied(make_actor, make_article, make_outlet, make_escalation, make_statement, make_event):
    """Records with and without their optional parts: nulls, empty lists, countries, aliases."""
    outlet = make_outlet(country="AM")
    with_outlet = make_article(outlet=outlet, republished_by=make_outlet(), url="https://example.org/a")
    without_outlet = make_article(body=SAMPLE_BODY + "\n\nUpdated.", outlet=None, published_on=None)
    azerbaijan = make_actor(country="AZ", kind=Actor.Kind.STATE)
    minister = make_actor(affiliation=azerbaijan, role="Foreign Minister")
    ActorAlias.objects.create(actor=minister, name="The minister")
    escalation = make_escalation()
    make_escalation(end_date=None)
    make_statement(article=with_outlet, speaker=minister, escalation=escalation).targets.set([azerbaijan])
    make_statement(article=without_outlet, said_on=None, reported_date=dt.date(2022, 8, 2), reported_precision="day")
    make_event(
        actors=[(azerbaijan, "initiator"), (minister, "target")],
        sources=[(with_outlet, CLASH), (without_outlet, QUOTE)],
        escalation=escalation,
        end_date=dt.date(2022, 9, 1),
        end_precision="month",
        fatalities=3,
        location="Jermuk",
    )
    make_event(start_date=dt.date(2021, 1, 1), start_precision="year", ongoing=True)


@pytest.mark.parametrize(("serializer_class", "queryset"), LISTS, ids=lambda value: getattr(value, "__name__", ""))
def test_a_list_reads_as_drf_reads_it(varied, serializer_class, queryset):
    planned, drf = rendered(lambda: serializer_class(queryset(), many=True).data)
    assert planned == drf
    assert planned != b"[]"


def test_the_seeded_records_read_as_drf_reads_them(seeded):
    for serializer_class, queryset in LISTS:
        planned, drf = rendered(lambda c=serializer_class, q=queryset: c(q(), many=True).data)
        assert planned == drf, serializer_class.__name__


def test_the_timeline_reads_as_drf_reads_it(varied):
    def page():
        keys = timeline.keys(Event.objects.all(), Statement.objects.all(), limit=50)
        return serializers.TimelineItemSerializer(timeline.entries(keys), many=True).data

    planned, drf = rendered(page)
    assert planned == drf
    assert b'"statement":{' in planned and b'"event":{' in planned


def test_a_deferred_column_is_read_as_drf_reads_it(varied):
    """A statement's article is read without its body: a serializer that shows it reads it."""
    planned, drf = rendered(
        lambda: [serializers.ArticleSerializer(s.article).data for s in Statement.objects.for_timeline()]
    )
    assert planned == drf
    assert b'"body":"Ministers meet' in planned


def test_datetimes_follow_the_current_time_zone(varied):
    with timezone.override(dt.timezone(dt.timedelta(hours=4))):
        planned, drf = rendered(lambda: serializers.EventSerializer(Event.objects.for_timeline(), many=True).data)
    assert planned == drf
    assert b'+04:00"' in planned


def test_a_settings_change_is_followed(varied):
    with override_settings(REST_FRAMEWORK={"COERCE_BIGINT_TO_STRING": True, "DATE_FORMAT": "%d.%m.%Y"}):
        planned, drf = rendered(lambda: serializers.EventSerializer(Event.objects.for_timeline(), many=True).data)
    assert planned == drf
    assert b'"id":"' in planned and b'"start_date":"01.08.2022"' in planned
    # And back.
    planned, drf = rendered(lambda: serializers.EventSerializer(Event.objects.for_timeline(), many=True).data)
    assert planned == drf
    assert b'"start_date":"2022-08-01"' in planned


def test_anything_but_a_model_instance_takes_drf_path():
    row = {"id": 7, "slug": "someone", "name": "Someone", "kind": "person", "country": "AM"}
    assert serializers.ActorSummarySerializer(row).data == row


def test_a_plan_is_built_once_per_class(varied):
    """A list's serializers never build their DRF fields to read: the class's plan serves them all."""
    first, second = serializers.EventSerializer(), serializers.EventSerializer()
    assert first.read_plan() is second.read_plan() is not None
    data = serializers.EventSerializer(Event.objects.for_timeline(), many=True)
    assert data.data
    assert "fields" not in data.child.__dict__
    # A serializer whose fields were built (a write, a form) reads through its own.
    built = serializers.EventSerializer()
    assert built.fields
    assert built.read_plan() is not first.read_plan()
