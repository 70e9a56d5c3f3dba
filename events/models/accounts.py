"""Every account of an event: the figures each source reports, and the statements about it.

An event (models.Event) is one incident; each EventSource is one article's account of it.
An account keeps what that article says: its date (EventSource.reported_date), its place as
written, who the article says reports it, and here the dead and injured it reports
(`ReportedFigure`, as worded, with the side they belong to and low / best / high). The event
keeps one estimate over its accounts (Event.fatalities_low / fatalities / fatalities_high).

`EventStatement` links a statement to the event it is about, with the stance it takes
(claims, denies, condemns, blames, calls for, responds).

The drafting workflow is events/importers/events.py; merging and splitting events models/event_merge.py.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from dataclasses import field as dc_field

from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from simple_history.models import HistoricalRecords

from events.ingest.eventdraft import fatalities
from events.models.base import NaturalKeyManager, ReviewStatus
from events.models.events import Event, EventParticipant, EventSource
from events.models.reference import Outlet


class ReportedFigure(models.Model):
    """A count of dead or injured as one source reports it ("at least 200 soldiers")."""

    class Kind(models.TextChoices):
        KILLED = "killed", "killed"
        INJURED = "injured", "injured"

    source = models.ForeignKey("events.EventSource", on_delete=models.CASCADE, related_name="figures")
    kind = models.CharField(max_length=8, choices=Kind)
    wording = models.CharField(max_length=100, help_text="The words of the count as written: “at least 200”, “dozens”.")
    victims = models.CharField(max_length=200, blank=True, help_text="Who the count is of, as written: “civilians”.")
    side = models.ForeignKey(
        "events.Actor",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_losses",
        help_text="The side the victims belong to, where the source says.",
    )
    low = models.PositiveIntegerField(null=True, blank=True)
    best = models.PositiveIntegerField(null=True, blank=True)
    high = models.PositiveIntegerField(null=True, blank=True)
    start = models.PositiveIntegerField(help_text="Where the count is written in the source's article.")
    end = models.PositiveIntegerField()

    objects = NaturalKeyManager("source__ref", "kind", "start", "end")
    history = HistoricalRecords()

    class Meta:
        ordering = ("source", "start", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(low__isnull=True) | Q(best__isnull=True) | Q(low__lte=F("best")),
                name="events_reportedfigure_low_le_best",
                violation_error_message="the low estimate is above the best",
            ),
            models.CheckConstraint(
                condition=Q(high__isnull=True) | Q(best__isnull=True) | Q(best__lte=F("high")),
                name="events_reportedfigure_best_le_high",
                violation_error_message="the best estimate is above the high",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="events_reportedfigure_span_not_empty",
                violation_error_message="the span is empty or reversed: end must be after start",
            ),
        ]

    def __str__(self):
        return f"{self.wording} {self.victims} {self.kind}".replace("  ", " ")

    def natural_key(self):
        return (*self.source.natural_key(), self.kind, self.start, self.end)

    natural_key.dependencies = ["events.eventsource"]


class EventStatement(models.Model):
    """A statement about an event, and the stance it takes towards it."""

    class Stance(models.TextChoices):
        CLAIMS = "claims", "claims"
        DENIES = "denies", "denies"
        CONDEMNS = "condemns", "condemns"
        BLAMES = "blames", "blames"
        CALLS_FOR = "calls_for", "calls for"
        RESPONDS = "responds", "responds"

    statement = models.ForeignKey("events.Statement", on_delete=models.CASCADE, related_name="event_links")
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="statement_links")
    stance = models.CharField(max_length=10, choices=Stance, default=Stance.RESPONDS)
    review_status = models.CharField(max_length=10, choices=ReviewStatus, default=ReviewStatus.DRAFT)
    rule = models.CharField(
        max_length=100, blank=True, help_text="Why the importer linked them (empty: a curator did)."
    )

    objects = NaturalKeyManager("statement__ref", "event__slug")
    history = HistoricalRecords()

    class Meta:
        ordering = ("event", "statement", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "event"],
                name="events_eventstatement_unique",
                violation_error_message="this statement is already linked to this event",
            ),
        ]
        indexes = [
            # The event page and the API's statements of an event: WHERE event_id = X.
            models.Index(fields=["event", "stance"], name="events_eventstatement_event"),
        ]

    def __str__(self):
        return f"{self.statement_id} {self.stance} {self.event_id}"

    def natural_key(self):
        return (*self.statement.natural_key(), *self.event.natural_key())

    natural_key.dependencies = ["events.statement", "events.event"]


def combined_estimate(accounts: list[tuple[int | None, int | None, int | None]]) -> tuple[int | None, ...]:
    """The event's (low, best, high) over its accounts' own: the lowest low, the median best,
    the highest high (a bound no account gives stays open)."""
    lows = [low for low, _, _ in accounts if low is not None]
    bests = [best for _, best, _ in accounts if best is not None]
    highs = [high for _, _, high in accounts if high is not None]
    return (
        min(lows) if lows else None,
        int(statistics.median_low(bests)) if bests else None,
        max(highs) if highs else None,
    )


# Every account side by side ----------------------------------------------------------------------


@dataclass
class Account:
    """One source's account of an event: who published it, whom it credits, what date, place and toll it gives."""

    source: EventSource
    figures: list[ReportedFigure]
    statements: list[EventStatement]  # statements of the same article about the event

    @property
    def outlet(self):
        return self.source.article.outlet

    @property
    def killed(self) -> tuple[int | None, int | None, int | None]:
        return fatalities(self.figures)


# The outlet kinds that speak for a state: their sources count per country ("state media of
# either side"); the other kinds count as one group each, wherever the outlet is.
SIDED_OUTLET_KINDS = (Outlet.Kind.STATE_MEDIA, Outlet.Kind.OFFICIAL)


@dataclass
class OutletGroup:
    """The outlets of one kind (and, for state media and official channels, one country) that report
    an event, and their sources. kind "" is the sources whose article names no outlet."""

    kind: str
    label: str
    country: str  # ISO code, only for SIDED_OUTLET_KINDS
    outlets: int
    sources: int


@dataclass
class Accounts:
    """An event's accounts, and where they agree: its corroboration."""

    accounts: list[Account]
    statements: list[EventStatement]  # every statement linked to the event
    sources: int = 0
    outlets: int = 0
    outlet_kinds: list[str] = dc_field(default_factory=list)
    outlet_groups: list[OutletGroup] = dc_field(default_factory=list)  # the corroboration by kind of outlet
    dates: list[str] = dc_field(default_factory=list)  # the distinct dates the sources give, as labels
    tolls: list[str] = dc_field(default_factory=list)  # the distinct death tolls the sources give, as worded

    @property
    def dates_differ(self) -> bool:
        return len(self.dates) > 1

    @property
    def tolls_differ(self) -> bool:
        return len(self.tolls) > 1


def accounts_of(event) -> Accounts:
    """The accounts of an event (read from the relations `with_accounts` prefetches: no query)."""
    links = list(event.statement_links.all())
    accounts = []
    for source in event.sources.all():
        mine = [link for link in links if link.statement.article_id == source.article_id]
        accounts.append(Account(source, list(source.figures.all()), mine))
    outlets = {a.outlet.pk: a.outlet for a in accounts if a.outlet is not None}
    dates = []
    for account in accounts:
        label = account.source.reported_date_label
        if label and label not in dates:
            dates.append(label)
    tolls = []
    for account in accounts:
        worded = ", ".join(f.wording for f in account.figures if f.kind == ReportedFigure.Kind.KILLED)
        if worded and worded not in tolls:
            tolls.append(worded)
    return Accounts(
        accounts=accounts,
        statements=links,
        sources=len(accounts),
        outlets=len(outlets),
        outlet_kinds=sorted({outlet.get_kind_display() for outlet in outlets.values()}),
        outlet_groups=_outlet_groups(accounts),
        dates=dates,
        tolls=tolls,
    )


def _outlet_groups(accounts: list[Account]) -> list[OutletGroup]:
    """The accounts grouped by their outlet's kind (and side): most outlets first, then by label."""
    groups: dict[tuple[str, str], tuple[set, list]] = {}
    for account in accounts:
        outlet = account.outlet
        if outlet is None:
            key = ("", "")
        else:
            key = (outlet.kind, outlet.country.code if outlet.kind in SIDED_OUTLET_KINDS and outlet.country else "")
        outlets, sources = groups.setdefault(key, (set(), []))
        if outlet is not None:
            outlets.add(outlet.pk)
        sources.append(account)
    result = []
    for (kind, country), (outlets, sources) in groups.items():
        if not kind:
            label = "no outlet named"
        else:
            label = str(Outlet.Kind(kind).label)
            if country:
                label = f"{label}, {sources[0].outlet.country.name}"
        result.append(OutletGroup(kind, label, country, len(outlets), len(sources)))
    return sorted(result, key=lambda group: (not group.kind, -group.outlets, -group.sources, group.label))


def with_accounts(events: models.QuerySet) -> models.QuerySet:
    """The query shape of an event's accounts (event page, API): every relation accounts_of reads."""
    return events.select_related("event_type", "escalation").prefetch_related(
        Prefetch(
            "participants",
            queryset=EventParticipant.objects.select_related("actor").order_by("role", "actor__name", "id"),
        ),
        Prefetch(
            "sources",
            queryset=EventSource.objects.select_related("article__outlet", "reported_by").order_by(
                "article__published_on", "article_id", "start", "id"
            ),
        ),
        Prefetch("sources__figures", queryset=ReportedFigure.objects.select_related("side").order_by("start", "id")),
        Prefetch(
            "statement_links",
            queryset=EventStatement.objects.exclude(review_status=ReviewStatus.REJECTED)
            .select_related("statement__speaker__affiliation", "statement__article__outlet")
            .order_by("statement__said_on", "statement_id"),
        ),
    )


def statements_about(statements: models.QuerySet, *, event=None, stance: str | None = None) -> models.QuerySet:
    """The statements linked (not rejected) to `event` (an id), with `stance`; either may be None
    (any). One link must satisfy both; each statement comes once."""
    links = EventStatement.objects.filter(statement=OuterRef("pk")).exclude(review_status=ReviewStatus.REJECTED)
    if event is not None:
        links = links.filter(event_id=event)
    if stance:
        links = links.filter(stance=stance)
    return statements.filter(Exists(links))


def update_fatalities(*events: Event) -> None:
    """Set draft events' low / best / high fatalities from their sources' figures
    (combined_estimate): one query for the figures, an UPDATE per event that changes."""
    if not events:
        return
    by_source: dict[int, dict[int, list]] = {event.pk: {} for event in events}
    figures = ReportedFigure.objects.filter(source__event__in=list(by_source), kind=ReportedFigure.Kind.KILLED)
    for figure in figures.select_related("source").only("low", "best", "high", "kind", "source__event_id"):
        by_source[figure.source.event_id].setdefault(figure.source_id, []).append(figure)
    for event in events:
        low, best, high = combined_estimate([fatalities(f) for f in by_source[event.pk].values()])
        if (low, best, high) != (event.fatalities_low, event.fatalities, event.fatalities_high):
            event.fatalities_low, event.fatalities, event.fatalities_high = low, best, high
            event.save(update_fields=["fatalities_low", "fatalities", "fatalities_high"])
