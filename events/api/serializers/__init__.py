"""Serializers for the REST API.

Reads embed small read-only summaries of related records (an actor's id, slug, name,
kind and country) taken from the viewset's one query shape, so no serializer runs a
query of its own. Writes take a related record by id (an integer) or by its key (a
string: slug, CAMEO code, article source_ref) under the same field name, and are
validated by the model itself: `ModelCleanSerializer.validate` builds the instance
the write would save and calls `full_clean()`, so the API refuses exactly what the
admin and the importer refuse (a span outside its article, a quote that is not the
article text at the span, a date that does not fit its precision, an end before its
start...), with the model's message under the field's name.

Reads go through `ReadPlanMixin` (plans.py): each serializer derives, once, from its own
declared fields a list of (name, getter, converter) that builds the same dict DRF would,
without DRF's per-field machinery for every related record of a page.

    fields.py       ReferenceField (a record by id or key), PrecisionField
    plans.py        ReadPlanMixin, ModelSerializer
    validation.py   StrictFieldsMixin, ModelCleanSerializer, VersionedSerializer
    summaries.py    the embedded summaries
    records.py      one serializer per record
    stats.py        the timeline's items and the statistics
"""

from events.api.serializers.fields import OptionalPrecisionField, PrecisionField, ReferenceField
from events.api.serializers.plans import ATTRIBUTE, COLUMN, FIELD, RELATED, ModelSerializer, ReadPlanMixin
from events.api.serializers.records import (
    ActorAliasSerializer,
    ActorSerializer,
    ArticleSerializer,
    CameoCodeSerializer,
    EscalationSerializer,
    EventParticipantSerializer,
    EventSerializer,
    EventSourceSerializer,
    OutletSerializer,
    StatementSerializer,
)
from events.api.serializers.stats import (
    CameoRootSerializer,
    SpeechActCountSerializer,
    StatsSerializer,
    TimelineItemSerializer,
    WeekCountSerializer,
)
from events.api.serializers.summaries import (
    ActorSummarySerializer,
    ArticleSummarySerializer,
    CameoCodeSummarySerializer,
    EscalationSummarySerializer,
    OutletSummarySerializer,
)
from events.api.serializers.validation import (
    TEXT_MAX_LENGTH,
    ModelCleanSerializer,
    StrictFieldsMixin,
    VersionedSerializer,
)

__all__ = [
    "ATTRIBUTE",
    "COLUMN",
    "FIELD",
    "RELATED",
    "TEXT_MAX_LENGTH",
    "ActorAliasSerializer",
    "ActorSerializer",
    "ActorSummarySerializer",
    "ArticleSerializer",
    "ArticleSummarySerializer",
    "CameoCodeSerializer",
    "CameoCodeSummarySerializer",
    "CameoRootSerializer",
    "EscalationSerializer",
    "EscalationSummarySerializer",
    "EventParticipantSerializer",
    "EventSerializer",
    "EventSourceSerializer",
    "ModelCleanSerializer",
    "ModelSerializer",
    "OptionalPrecisionField",
    "OutletSerializer",
    "OutletSummarySerializer",
    "PrecisionField",
    "ReadPlanMixin",
    "ReferenceField",
    "SpeechActCountSerializer",
    "StatementSerializer",
    "StatsSerializer",
    "StrictFieldsMixin",
    "TimelineItemSerializer",
    "VersionedSerializer",
    "WeekCountSerializer",
]
