"""Statements: who said what, to or about whom, when, at which span of which article."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Substr

from events.ingest import dates as fuzzy
from events.models.actors import Actor
from events.models.articles import Article
from events.models.base import DatePrecision, NaturalKeyManager, ReviewStatus, precision_error
from events.models.records import SpanRecord, TimelineRecordQuerySet
from events.models.reference import CameoCode, Escalation
from events.models.versioning import HistoricalRecordsWithM2M, VersionedModel, update_with_history


class StatementQuerySet(TimelineRecordQuerySet):
    # The reactions page counts (views/reactions_page.py): these two read the rows; ReactionCount's
    # methods of the same names read the counts the triggers keep, for the filters it has.
    def statements_per_speaker(self) -> list[tuple[int, int]]:
        """[(speaker id, statements)] of these statements (every row read: 0.6-0.9 s at 10^6 on PostgreSQL)."""
        return list(self.order_by().values_list("speaker").annotate(n=models.Count("id")))

    def per_speaker_escalation_and_family(self) -> list[tuple[int, int | None, str, int]]:
        """[(speaker id, escalation id or None, CAMEO family, statements)] of these statements.

        The family is the code's first two digits, or 112 for an accusation (counts.FAMILY).
        """
        family = models.Case(
            models.When(prefix=models.Value("112"), then=models.Value("112")), default=Substr("cameo_id", 1, 2)
        )
        rows = self.order_by().annotate(prefix=Substr("cameo_id", 1, 3)).annotate(family=family)
        return list(rows.values_list("speaker", "escalation", "family").annotate(n=models.Count("id")))

    def attributed(self):
        """Statements credited to a speaker: every public list, page, count and export reads only
        these. A draft with no speaker yet ("speaker needed") is nobody's statement until a curator
        chooses who said it; it waits in the review queue."""
        return self.filter(speaker__isnull=False)

    def needing_speaker(self):
        """Drafts the importer could not credit to anyone (the review queue's "speaker needed")."""
        return self.filter(speaker__isnull=True)

    def mark_verified(self) -> int:
        """Verify these statements, or none (ValidationError) when one of them has no speaker yet."""
        with transaction.atomic():
            waiting = self.needing_speaker().count()
            if waiting:
                raise ValidationError(
                    f"{waiting} of the chosen statements {'has' if waiting == 1 else 'have'} no speaker yet "
                    "(speaker needed): choose who said it first; nothing was verified."
                )
            return super().mark_verified()

    def for_timeline(self):
        """The one query shape for every list of statements (timeline page, API, exports): the
        attributed ones only.

        The article comes with its outlet but without its text: a list shows the article's
        title and link, and its body (kilobytes a row) would be read and thrown away.
        """
        return (
            self.attributed()
            .select_related("speaker", "article__outlet", "cameo", "escalation")
            .defer("article__body", "article__caption")
            .prefetch_related(Prefetch("targets", queryset=Actor.objects.order_by("name", "id")))
        )

    def reassign_speaker(self, speaker: Actor) -> int:
        """Credit these statements to `speaker` (recorded in their history); returns how many changed.

        Refused (ValidationError, nothing changed) where the speaker already has a
        statement at the same span of the same article.
        """
        with transaction.atomic():
            statements = list(self.exclude(speaker=speaker).order_by("pk"))
            spans = {(s.article_id, s.start, s.end) for s in statements}
            taken = Statement.objects.filter(speaker=speaker).filter(
                Q(pk__in=[])
                if not spans
                else Q(*[Q(article_id=a, start=b, end=c) for a, b, c in spans], _connector=Q.OR)
            )
            if len(spans) < len(statements) or taken.exists():
                raise ValidationError(
                    f"{speaker.name} already has a statement at the same span of the article; "
                    "reject or edit one of the two first."
                )
            moved = Statement.objects.filter(pk__in=[s.pk for s in statements])
            return update_with_history(moved, reason=f"speaker reassigned to {speaker.name}", speaker=speaker)

    def involving(self, actor):
        """Statements by `actor` or addressed to or about it."""
        return self.spoken_by_or_addressed_to(Q(speaker=actor), Q(actor=actor))

    def spoken_by_or_addressed_to(self, speaker: Q, target: Q, *, frequent: bool = False):
        """Statements whose speaker matches `speaker` or one of whose target rows matches `target`
        (a condition on the statement-target table: `actor=`, `actor__country=`).

        Two shapes; `frequent` (ActorQuerySet.with_frequency) chooses, because the right one
        depends on how many statements match and the database cannot estimate that here:

        - rare (the default): `id IN (speaker lookup UNION ALL target lookup)`, two index scans
          (events_statement_speaker, the target table's actor index) of the few matching rows,
          then the other filters on those. IN keeps each statement once.
        - frequent: `speaker = X OR EXISTS (a target row X of this statement)`, tested row by
          row as the other filters' index (the escalation's, the timeline's) is read in order,
          so a page stops after about (page size / share of rows) rows. The first shape would
          join every matching id first: 465,163 for Azerbaijan at 10^6 events, 6-7 s.
        """
        through = self.model.targets.through
        if frequent:
            return self.filter(speaker | Exists(through.objects.filter(target, statement_id=OuterRef("pk"))))
        spoken = Statement.objects.filter(speaker).order_by().values("pk")
        addressed = through.objects.filter(target).order_by().values("statement_id")
        return self.filter(pk__in=spoken.union(addressed, all=True))


class Statement(VersionedModel, SpanRecord):
    """Who said what, to or about whom, when, how, and where in which article."""

    # The date that puts it in an escalation (drafting, TimelineRecordQuerySet.assign_escalations).
    ESCALATION_DATE = "said_on"

    class Kind(models.TextChoices):
        DIRECT_QUOTE = "direct", "direct quotation"
        PARTIAL_QUOTE = "partial", "partial quotation"
        REPORTED = "reported", "reported position (paraphrase)"
        TERM = "term", "term attributed to the speaker (scare quotes)"

    class Medium(models.TextChoices):
        SOCIAL_MEDIA = "social_media", "social media post"
        WRITTEN_STATEMENT = "written_statement", "written statement"
        PRESS_BRIEFING = "press_briefing", "press briefing"
        PHONE_CALL = "phone_call", "phone call"
        MEETING = "meeting", "meeting or talks"
        INTERVIEW = "interview", "interview or remarks to media"
        SPEECH = "speech", "speech or public remarks"
        UNSPECIFIED = "unspecified", "not stated"

    # No single-column indexes on these two (db_index=False): events_statement_unique_span_speaker
    # leads with article_id (article page, span trigger, PROTECT checks) and events_statement_speaker
    # with speaker_id (speaker filter, actor page); one index fewer to write per statement.
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="statements", db_index=False)
    # Empty on a draft whose speaker the importer could not tell ("speaker needed"; or on one
    # rejected so): the quotation is kept for a curator to credit (events_statement_verified_has_speaker), and the
    # public pages, the API, the exports and the counts leave it out (StatementQuerySet.attributed).
    speaker = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="statements", db_index=False
    )
    targets = models.ManyToManyField(Actor, blank=True, related_name="targeted_by_statements")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.DIRECT_QUOTE)
    summary = models.CharField(max_length=500, blank=True, help_text="One line in the curator's words.")
    cameo = models.ForeignKey(CameoCode, on_delete=models.PROTECT, related_name="statements", verbose_name="CAMEO code")
    medium = models.CharField(max_length=20, choices=Medium, default=Medium.UNSPECIFIED)
    medium_detail = models.CharField(max_length=200, blank=True, help_text='As the source puts it, e.g. "on X".')
    said_on = models.DateField(null=True, blank=True, help_text="When it was said, as best known.")
    said_on_precision = models.CharField(max_length=12, choices=DatePrecision, default=DatePrecision.DAY)
    # Indexed by events_statement_escalation (escalation_id, date_from), not on its own.
    escalation = models.ForeignKey(
        Escalation, null=True, blank=True, on_delete=models.PROTECT, related_name="statements", db_index=False
    )
    review_status = models.CharField(max_length=10, choices=ReviewStatus, default=ReviewStatus.DRAFT)
    extraction = models.JSONField(
        default=dict,
        blank=True,
        help_text="How the importer drafted it (cue, the rules that dated and coded it, a fingerprint "
        "of the drafted values); empty for curated records.",
    )
    # The period said_on may mean, derived in save() (and by bulk writers via fuzzy.range_bounds)
    # so that date-range filters are plain indexed comparisons.
    date_from = models.DateField(null=True, blank=True, editable=False)
    date_to = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NaturalKeyManager.from_queryset(StatementQuerySet)("ref")
    derived_fields = ("date_from", "date_to")
    # Targets are in the history too, so a deleted statement is restored with them (events/recovery.py).
    history = HistoricalRecordsWithM2M(m2m_fields=[targets])

    class Meta:
        ordering = ("date_from", "id")
        constraints = [
            *SpanRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["article", "speaker", "start", "end"],
                name="events_statement_unique_span_speaker",
                violation_error_message="this speaker already has a statement at this span of this article",
            ),
            models.CheckConstraint(
                # A rejected one may stay without: rejecting words nobody should be credited with
                # must not first require crediting someone.
                condition=Q(speaker__isnull=False) | ~Q(review_status=ReviewStatus.VERIFIED),
                name="events_statement_verified_has_speaker",
                violation_error_message="a verified statement needs a speaker: choose who said it first",
            ),
        ]
        indexes = [
            # Timeline and date-range filters: ORDER BY date_from, id with date_to >= X.
            models.Index(fields=["date_from", "id"], name="events_statement_timeline"),
            # Actor pages and the speaker filter, in date order.
            models.Index(fields=["speaker", "date_from"], name="events_statement_speaker"),
            # Review queue: drafts first.
            models.Index(fields=["review_status", "date_from"], name="events_statement_review"),
            # Escalation filter in timeline order: WHERE escalation_id = X ORDER BY date_from, id LIMIT n
            # starts inside the escalation (the id makes the keyset order the index order), and a
            # filter on another column (speaker OR target: spoken_by_or_addressed_to) is tested
            # row by row only until the page is full. Also the timeline's chart and band totals
            # (GROUP BY escalation, date_from WHERE escalation ...: an index-only count).
            models.Index(fields=["escalation", "date_from", "id"], name="events_statement_escalation"),
            # The same for one review status (a reader's verified statements): without it PostgreSQL
            # walked events_statement_review through every verified statement of other escalations
            # (411-559 ms for a page of an escalation at 10^6; bench/RESULTS.md, third pass).
            models.Index(fields=["review_status", "escalation", "date_from", "id"], name="events_statement_status_esc"),
            # The /reactions/ matrix: statements per speaker, escalation and CAMEO family (GROUP BY
            # speaker, escalation, family), read from this index alone instead of the table. And a
            # speaker's statements in an escalation, in date order (speaker + escalation + dates:
            # 18 ms instead of 150 ms through events_statement_speaker at 10^6 on PostgreSQL).
            models.Index(fields=["speaker", "escalation", "date_from", "cameo"], name="events_statement_reactions"),
        ]

    def __str__(self):
        return f"{self.speaker or 'speaker needed'}: {self.quote[:60]}"

    @property
    def needs_speaker(self) -> bool:
        """A draft the importer could not credit to anyone: a curator chooses the speaker."""
        return self.speaker_id is None

    @property
    def speaker_candidates(self) -> list[dict]:
        """The actors the article names, nearest to the quotation first, as the importer kept them
        for the curator ({"slug", "name"}; slug None for a name not in the database)."""
        return list(self.extraction.get("candidates", [])) if self.extraction else []

    def natural_key(self):
        return (self.ref,)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#statement-{self.pk}"

    @property
    def date_label(self) -> str:
        return fuzzy.format_fuzzy_date(self.said_on, self.said_on_precision)

    def fingerprint(self) -> str:
        """A digest of the values a curator reviews; stored when the importer drafts the record.

        The speaker counts by its slug, not its id, so a draft stays "untouched" when an
        export (export_fixtures) is loaded into another database, where the ids differ.
        """
        values = (
            self.speaker.slug if self.speaker_id else "",
            self.kind,
            self.quote,
            self.start,
            self.end,
            self.cameo_id,
            self.said_on.isoformat() if self.said_on else "",
            self.said_on_precision,
            self.review_status,
        )
        # str(), not repr(): a choice enum and its stored string must give the same digest.
        return hashlib.sha256("\x1f".join(map(str, values)).encode("utf-8")).hexdigest()[:16]

    @property
    def is_untouched_draft(self) -> bool:
        """A draft nobody has reviewed or edited since the importer wrote it (safe to re-draft)."""
        return (
            self.review_status == ReviewStatus.DRAFT
            and bool(self.extraction)
            and self.extraction.get("fingerprint") == self.fingerprint()
        )

    def clean(self):
        errors = {}
        errors |= precision_error("said_on", self.said_on, self.said_on_precision)
        errors |= self.span_errors()
        if self.speaker_id is None and self.review_status == ReviewStatus.VERIFIED:
            errors["speaker"] = "a verified statement needs a speaker: choose who said it first"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Derived columns for range queries (not a side effect on other rows).
        self.derive_period()
        super().save(*args, **kwargs)

    def derive_period(self) -> None:
        """Set date_from/date_to from said_on; save() calls it, and bulk writers must."""
        if self.said_on is not None:
            self.date_from, self.date_to = fuzzy.period_bounds(self.said_on, self.said_on_precision)
        else:
            self.date_from = self.date_to = None
