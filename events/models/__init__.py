"""The conflictdb domain: outlets, articles, actors, statements, events, escalations, and the
analytics summary tables, one module per area; every model is importable from here.

Invariants live in the database (named constraints, and triggers for the ones SQL
CHECK cannot express, see migrations/0002_span_triggers.py) as well as in `clean()`,
so neither the admin, the API nor a script can store a span outside its article or
an end before its start.

Modules, each importing only those above it:
    base         date precisions, review statuses, the text policy, natural keys
    versioning   optimistic concurrency and history (VersionedModel, update_with_history)
    reference    the CAMEO codebook, outlets, escalations
    articles     source articles
    actors       actors, aliases, tenures
    records      what statements and events share (review status, period, spans)
    statements   statements
    events       events, their participants and sources
    accounts     every account of an event: the figures each source reports, the statements about it
    event_merge  merging two events, splitting a source off (curators' corrections of one incident, one event)
    analytics    the summary tables the database triggers keep (DayCount, ReactionCount)
    merge        merging actors (ActorQuerySet.merge_into), across all of the above
    places       places, their names, and where events happened (issue 17)
"""

from events.models.accounts import (
    Accounts,
    EventStatement,
    ReportedFigure,
    accounts_of,
    combined_estimate,
    statements_about,
    update_fatalities,
    with_accounts,
)
from events.models.actors import FREQUENT_ACTOR_ROWS, Actor, ActorAlias, ActorQuerySet, Tenure
from events.models.analytics import DayCount, DayCountQuerySet, ReactionCount, ReactionCountQuerySet
from events.models.articles import Article, ArticleQuerySet
from events.models.base import CleanTextMixin, DatePrecision, NaturalKeyManager, ReviewStatus
from events.models.event_merge import merge_events, split_source, survivor_of
from events.models.events import Event, EventParticipant, EventQuerySet, EventSource
from events.models.merge import ActorMerge
from events.models.places import EventPlace, EventPlaceQuerySet, Place, PlaceName, PlaceQuerySet, place_matcher
from events.models.records import TimelineRecordQuerySet
from events.models.reference import CameoCode, Escalation, EscalationQuerySet, Outlet, OutletDomain
from events.models.statements import Statement, StatementQuerySet
from events.models.versioning import (
    BULK_BATCH,
    HistoricalRecordsWithM2M,
    VersionConflict,
    VersionedModel,
    set_review_status,
    update_with_history,
)

__all__ = [
    "Accounts",
    "accounts_of",
    "Actor",
    "ActorAlias",
    "ActorMerge",
    "ActorQuerySet",
    "Article",
    "ArticleQuerySet",
    "BULK_BATCH",
    "CameoCode",
    "CleanTextMixin",
    "combined_estimate",
    "DatePrecision",
    "DayCount",
    "DayCountQuerySet",
    "Escalation",
    "EscalationQuerySet",
    "Event",
    "EventParticipant",
    "EventPlace",
    "EventPlaceQuerySet",
    "EventQuerySet",
    "EventSource",
    "EventStatement",
    "FREQUENT_ACTOR_ROWS",
    "HistoricalRecordsWithM2M",
    "merge_events",
    "NaturalKeyManager",
    "Outlet",
    "OutletDomain",
    "Place",
    "place_matcher",
    "PlaceName",
    "PlaceQuerySet",
    "ReactionCount",
    "ReactionCountQuerySet",
    "ReportedFigure",
    "ReviewStatus",
    "set_review_status",
    "split_source",
    "Statement",
    "StatementQuerySet",
    "statements_about",
    "survivor_of",
    "Tenure",
    "TimelineRecordQuerySet",
    "update_fatalities",
    "update_with_history",
    "VersionConflict",
    "VersionedModel",
    "with_accounts",
]
