"""What statements and events share: a review status, a dated period (TimelineRecordQuerySet), and
spans of articles (SpanRecord: Statement and EventSource)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from events.ingest import dates as fuzzy
from events.models.base import CleanTextMixin, DatePrecision, ReviewStatus, precision_error
from events.models.versioning import set_review_status, update_with_history
from events.search import SearchQuerySet

if TYPE_CHECKING:
    from events.models.articles import Article


def span_errors(article: Article | None, start: int | None, end: int | None, quote: str) -> dict[str, str]:
    """clean() helper shared by Statement and EventSource: the span must cut the quote out of the body."""
    if article is None or start is None or end is None:
        return {}
    if start < 0 or end <= start:
        return {"end": f"the span {start}–{end} is empty or reversed"}
    length = len(article.body)
    if end > length:
        return {"end": f"the span {start}–{end} ends past the article body ({length} characters)"}
    actual = article.body[start:end]
    if quote and actual != quote:
        return {"quote": f"the article text at {start}–{end} is {actual!r}, not {quote!r}"}
    return {}


def without_escalation_within(records: models.QuerySet, escalation, date_field: str) -> models.QuerySet:
    """The records without an escalation whose `date_field` is in `escalation`'s period (also used by
    migration 0019 on historical models)."""
    records = records.filter(escalation__isnull=True, **{f"{date_field}__gte": escalation.start_date})
    return records.filter(**{f"{date_field}__lte": escalation.end_date}) if escalation.end_date else records


class TimelineRecordQuerySet(SearchQuerySet):
    """What statements and events share: a review status and a dated period (date_from/date_to)."""

    def verified(self):
        return self.filter(review_status=ReviewStatus.VERIFIED)

    def mark_verified(self) -> int:
        return set_review_status(self, ReviewStatus.VERIFIED)

    def mark_rejected(self) -> int:
        return set_review_status(self, ReviewStatus.REJECTED)

    def assign_escalations(self, escalations) -> int:
        """Give each record of these without an escalation the one whose period holds its date
        (its model's `ESCALATION_DATE`: the date drafting assigns by), the earliest if several;
        returns how many moved. A record with an escalation keeps it (a curator's choice). The
        admin calls it when an escalation's dates change; migration 0019 for what is stored."""
        count = 0
        for escalation in sorted(escalations, key=lambda e: (e.start_date, e.pk)):
            records = without_escalation_within(self, escalation, self.model.ESCALATION_DATE)
            count += update_with_history(records, reason=f"in {escalation.slug} by its date", escalation=escalation)
        return count

    def overlapping(self, start: dt.date | None, end: dt.date | None):
        """Records whose whole period (at its precision) overlaps [start, end]; either bound may be open."""
        qs = self
        if start:
            qs = qs.filter(date_to__gte=start)
        if end:
            qs = qs.filter(date_from__lte=end)
        return qs


class SpanRecord(CleanTextMixin, models.Model):
    """A record cut out of an article: the exact words at a character span of its body, the words
    that date it there, and the date the article gives (Statement, EventSource).

    Its fields, its check and its two constraints are written here once; each record adds its
    `article` (its own related name) and its own uniqueness. The span triggers
    (migrations/0002_span_triggers.py) check the same rule in the database.
    """

    #: The quote is the article's own words, kept verbatim (CleanTextMixin: before it in every MRO).
    article_text_fields = ("quote",)

    ref = models.SlugField(max_length=200, unique=True, help_text="Stable provenance key for re-imports.")
    start = models.PositiveIntegerField(help_text="Character offset of the span in the article body.")
    end = models.PositiveIntegerField(help_text="Offset just past the span.")
    quote = models.TextField(help_text="The exact words of the article at the span.")
    date_phrase = models.CharField(max_length=200, blank=True, help_text='The words that date it, e.g. "on Tuesday".')
    reported_date = models.DateField(
        null=True,
        blank=True,
        help_text="The date the article gives (for a statement: when it differs from what is known).",
    )
    reported_precision = models.CharField(max_length=12, choices=DatePrecision, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        abstract = True
        # Named for each record: events_statement_span_not_empty, events_eventsource_span_not_empty...
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="%(app_label)s_%(class)s_span_not_empty",
                violation_error_message="the span is empty or reversed: end must be after start",
            ),
            models.CheckConstraint(
                condition=Q(reported_date__isnull=True) | ~Q(reported_precision=""),
                name="%(app_label)s_%(class)s_reported_date_has_precision",
                violation_error_message="a reported date needs its precision",
            ),
        ]

    @property
    def reported_date_label(self) -> str:
        if self.reported_date is None:
            return ""
        return fuzzy.format_fuzzy_date(self.reported_date, self.reported_precision or fuzzy.DAY)

    def span_errors(self) -> dict[str, str]:
        """clean()'s findings on the reported date and the span, by field (empty: none)."""
        errors = precision_error("reported_date", self.reported_date, self.reported_precision or fuzzy.DAY)
        if self.article_id:
            errors |= span_errors(self.article, self.start, self.end, self.quote)
        return errors

    def clean(self):
        if errors := self.span_errors():
            raise ValidationError(errors)
