"""Events: what happened, who took part, and the article spans that support it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from events.ingest import dates as fuzzy
from events.models.actors import Actor
from events.models.articles import Article
from events.models.base import CleanTextMixin, DatePrecision, NaturalKeyManager, ReviewStatus, precision_error
from events.models.records import SpanRecord, TimelineRecordQuerySet
from events.models.reference import CameoCode, Escalation
from events.models.versioning import VersionedModel


class EventQuerySet(TimelineRecordQuerySet):
    def for_timeline(self):
        """The one query shape for every list of events (timeline page, API)."""
        # Each relation's order ends with the id, so equal names or spans come in one order
        # whichever query reads them (the API's plain rows, events/api/rows.py, read them apart).
        return self.select_related("event_type", "escalation").prefetch_related(
            Prefetch(
                "participants",
                queryset=EventParticipant.objects.select_related("actor").order_by("role", "actor__name", "id"),
            ),
            Prefetch(
                "sources",
                queryset=EventSource.objects.select_related("article__outlet").order_by("article_id", "start", "id"),
            ),
        )

    def involving(self, actor):
        return self.filter(participants__actor=actor).distinct()

    def with_participant(self, condition: Q, *, frequent: bool = False):
        """Events with a participant row matching `condition` (`actor__in=`, `role=`...), each once.

        Two shapes, chosen by `frequent` (ActorQuerySet.with_frequency) as for statements
        (spoken_by_or_addressed_to): `id IN (the participations)` for a rare actor; for a
        frequent one `EXISTS (a participation of this event)`, tested as the events are read
        in index order, so a page stops when it is full. SQLite cannot tell a frequent actor
        from its statistics and read every participation of Azerbaijan (66,000 at 10^5 events)
        and sorted them.
        """
        participations = EventParticipant.objects.filter(condition)
        if frequent:
            return self.filter(Exists(participations.filter(event=OuterRef("pk"))))
        return self.filter(pk__in=participations.values("event"))


class Event(VersionedModel):
    # The date that puts it in an escalation (drafting, TimelineRecordQuerySet.assign_escalations).
    ESCALATION_DATE = "start_date"
    slug = models.SlugField(max_length=200, unique=True, help_text="Stable key for fixtures and re-imports.")
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    event_type = models.ForeignKey(CameoCode, on_delete=models.PROTECT, related_name="events", verbose_name="type")
    start_date = models.DateField()
    start_precision = models.CharField(max_length=12, choices=DatePrecision, default=DatePrecision.DAY)
    end_date = models.DateField(null=True, blank=True, help_text="Empty: a single date, or ongoing if marked so.")
    end_precision = models.CharField(max_length=12, choices=DatePrecision, blank=True)
    ongoing = models.BooleanField(default=False, help_text="Still going on as of the latest source.")
    location = models.CharField(max_length=200, blank=True)
    # Indexed by events_event_escalation (escalation_id, date_from), not on its own.
    escalation = models.ForeignKey(
        Escalation, null=True, blank=True, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    fatalities = models.PositiveIntegerField(null=True, blank=True, help_text="Where reported: the best estimate.")
    fatalities_low = models.PositiveIntegerField(null=True, blank=True, help_text="The lowest count the sources allow.")
    fatalities_high = models.PositiveIntegerField(
        null=True, blank=True, help_text="The highest count the sources allow."
    )
    review_status = models.CharField(max_length=10, choices=ReviewStatus, default=ReviewStatus.DRAFT)
    notes = models.TextField(blank=True)
    actors = models.ManyToManyField(Actor, through="EventParticipant", related_name="events")
    # The whole period the event may cover, derived in save() (see Statement.date_from).
    date_from = models.DateField(blank=True, editable=False)
    date_to = models.DateField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NaturalKeyManager.from_queryset(EventQuerySet)("slug")
    derived_fields = ("date_from", "date_to")
    history = HistoricalRecords()

    class Meta:
        ordering = ("date_from", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="events_event_end_after_start",
                violation_error_message="the end is before the start",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True, end_precision="")
                | (Q(end_date__isnull=False) & ~Q(end_precision="")),
                name="events_event_end_has_precision",
                violation_error_message="an end date needs a precision, and an end precision needs an end date",
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=F("date_from")),
                name="events_event_period_ordered",
                violation_error_message="the period the event covers ends before it starts",
            ),
        ]
        indexes = [
            # Timeline order and date-range overlap: ORDER BY date_from, id; WHERE date_to >= X.
            models.Index(fields=["date_from", "id"], name="events_event_timeline"),
            models.Index(fields=["date_to"], name="events_event_date_to"),
            # Escalation band of the timeline in keyset order (date_from, id): a page of events in an
            # escalation, filtered by a common participant, reads the escalation's rows only until the
            # page is full instead of walking events_event_timeline through every other escalation.
            # review_status and fatalities after them: the map's aggregate of an escalation's newest
            # events (EventPlaceQuerySet.map_groups) reads the index alone.
            models.Index(
                fields=["escalation", "date_from", "id", "review_status", "fatalities"], name="events_event_escalation"
            ),
            # Review queue, and the public (verified) timeline newest first; id, escalation and
            # fatalities after them for the map's aggregate of the newest events (map_groups), which
            # then reads the index alone.
            models.Index(
                fields=["review_status", "date_from", "id", "escalation", "fatalities"], name="events_event_review"
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        # The timeline from the event's first day on, so the event is on the first page.
        return reverse("events:timeline") + f"?date_from={self.date_from.isoformat()}#event-{self.pk}"

    @property
    def date_label(self) -> str:
        label = fuzzy.format_fuzzy_range(self.start_date, self.start_precision, self.end_date, self.end_precision)
        return f"{label} – ongoing" if self.ongoing and self.end_date is None else label

    def clean(self):
        errors = {}
        errors |= precision_error("start_date", self.start_date, self.start_precision)
        errors |= precision_error("end_date", self.end_date, self.end_precision or fuzzy.DAY)
        if self.end_date and not self.end_precision:
            errors.setdefault("end_precision", "an end date needs a precision")
        if self.end_date is None and self.end_precision:
            errors.setdefault("end_precision", "a precision without an end date")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors.setdefault("end_date", "the end is before the start")
        low, best, high = self.fatalities_low, self.fatalities, self.fatalities_high
        if low is not None and (best is not None and low > best or high is not None and low > high):
            errors.setdefault("fatalities_low", "the low estimate is above the best or the high one")
        if high is not None and best is not None and best > high:
            errors.setdefault("fatalities_high", "the high estimate is below the best")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.date_from, self.date_to = fuzzy.range_bounds(
            self.start_date, self.start_precision, self.end_date, self.end_precision or None
        )
        super().save(*args, **kwargs)


class EventParticipant(CleanTextMixin, models.Model):
    class Role(models.TextChoices):
        INITIATOR = "initiator", "initiator"
        TARGET = "target", "target"
        MEDIATOR = "mediator", "mediator"
        PARTICIPANT = "participant", "participant"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    actor = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=12, choices=Role, default=Role.PARTICIPANT)

    objects = NaturalKeyManager("event__slug", "actor__slug", "role")
    history = HistoricalRecords()

    class Meta:
        ordering = ("event", "role", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "actor", "role"],
                name="events_eventparticipant_unique_role",
                violation_error_message="this actor already has this role in the event",
            ),
        ]
        indexes = [
            # Events involving an actor (actor filter, actor page).
            models.Index(fields=["actor", "role"], name="events_participant_actor"),
        ]

    def __str__(self):
        return f"{self.actor} ({self.role})"

    def natural_key(self):
        return (*self.event.natural_key(), *self.actor.natural_key(), self.role)

    natural_key.dependencies = ["events.event", "events.actor"]


class EventSource(SpanRecord):
    """The words of an article that support an event, and the date that article gives it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sources")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="event_sources")
    place = models.CharField(max_length=200, blank=True, help_text="The place as this article writes it.")
    reported_by = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="event_reports",
        help_text="Whom the article credits with this account (“X said”, “according to X”), if anyone.",
    )  # fmt: skip
    extraction = models.JSONField(default=dict, blank=True, help_text="How the importer drafted it (empty: curated).")

    objects = NaturalKeyManager("ref")
    history = HistoricalRecords()

    class Meta:
        ordering = ("event", "article", "start")
        constraints = [
            *SpanRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["event", "article", "start", "end"],
                name="events_eventsource_unique_span",
                violation_error_message="this span of this article already supports the event",
            ),
        ]

    def __str__(self):
        return f"{self.article} [{self.start}:{self.end}]"

    def natural_key(self):
        return (self.ref,)
