"""The conflictdb domain: outlets, articles, actors, statements, events, escalations.

Invariants live in the database (named constraints, and triggers for the ones SQL
CHECK cannot express, see migrations/0002_span_triggers.py) as well as in `clean()`,
so neither the admin, the API nor a script can store a span outside its article or
an end before its start.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce, Lower, Substr, Upper
from django.urls import reverse
from django.utils import timezone
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

from events import counts
from events.ingest import dates as fuzzy
from events.ingest.text import text_problem
from events.search import SearchQuerySet


class DatePrecision(models.TextChoices):
    DAY = fuzzy.DAY, "day"
    MONTH = fuzzy.MONTH, "month"
    SEASON = fuzzy.SEASON, "season"
    YEAR = fuzzy.YEAR, "year"
    APPROXIMATE = fuzzy.APPROXIMATE, "approximate (around this day)"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    VERIFIED = "verified", "verified"
    REJECTED = "rejected", "rejected"


def _precision_error(field: str, value: dt.date | None, precision: str | None) -> dict[str, str]:
    """clean() helper: the message for a date that does not fit its precision, or nothing."""
    if value is None or not precision:
        return {}
    try:
        fuzzy.check_fits(value, precision)
    except fuzzy.PrecisionError as error:
        return {field: str(error)}
    return {}


def _span_errors(article: Article | None, start: int | None, end: int | None, quote: str) -> dict[str, str]:
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


# Rows per UPDATE of update_with_history(): well under SQLite's limit on query parameters.
BULK_BATCH = 500


def set_review_status(queryset: models.QuerySet, status: str) -> int:
    """Give every record of `queryset` the review status `status`; returns how many changed.

    Each change moves the record to its next version and is recorded in its history (the
    curator comes from the history middleware), so a bulk verify in the admin is as
    traceable as an edit, and a form opened before it cannot silently undo it.
    """
    changing = queryset.exclude(review_status=status)
    return update_with_history(changing, reason=f"marked {status}", review_status=status)


def update_with_history(queryset: models.QuerySet, *, reason: str, **values) -> int:
    """Set `values` on every record of `queryset` (a versioned model with history); returns how many.

    One UPDATE per batch writes the values, `updated_at` and `version = version + 1`, so a
    concurrent edit is neither lost nor able to overwrite this change unnoticed (its
    conditional UPDATE finds the version moved); then each change goes into the history with
    the user from the history middleware. update() alone would skip both the history and
    auto_now.
    """
    model = queryset.model
    manager = model._default_manager
    count = 0
    with transaction.atomic():
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BULK_BATCH):
            batch = ids[start : start + BULK_BATCH]
            # Lock the rows (PostgreSQL; SQLite's IMMEDIATE transaction already holds the write
            # lock), then apply the queryset's conditions again: a writer we waited for may have
            # changed them.
            list(manager.select_for_update().filter(pk__in=batch).order_by("pk").values_list("pk", flat=True))
            batch = list(queryset.filter(pk__in=batch).values_list("pk", flat=True))
            if not batch:
                continue
            manager.filter(pk__in=batch).update(**values, version=F("version") + 1, updated_at=timezone.now())
            written = list(manager.filter(pk__in=batch).order_by("pk"))
            model.history.bulk_history_create(written, update=True, default_change_reason=reason)
            count += len(written)
    return count


class VersionConflict(Exception):
    """A write based on version `expected` of a record that has changed (or gone) since.

    Raised by VersionedModel.check_version() and by the conditional UPDATE of
    VersionedModel.save(); the API answers it with 409 or 412, the admin with a form error.
    """

    def __init__(self, record: models.Model, expected: int, current: int | None, by: str, at: dt.datetime | None):
        self.record, self.expected, self.current, self.changed_by, self.changed_at = record, expected, current, by, at
        super().__init__(self.message)

    @classmethod
    def of(cls, record: VersionedModel, expected: int) -> VersionConflict:
        """The conflict of a write based on `expected`, with who changed the record last and when."""
        stored = type(record)._default_manager.filter(pk=record.pk).values_list("version", "updated_at").first()
        if stored is None:
            return cls(record, expected, None, "", None)
        current, at = stored
        by = ""
        history = getattr(type(record), "history", None)
        if history is not None:
            last = history.filter(**{record._meta.pk.attname: record.pk}).select_related("history_user").first()
            if last is not None:
                at = last.history_date
                by = last.history_user.get_username() if last.history_user else ""
        return cls(record, expected, current, by, at)

    @property
    def when(self) -> str:
        if self.changed_at is None:
            return "an unknown time"
        return timezone.localtime(self.changed_at).strftime("%Y-%m-%d %H:%M:%S %Z")

    @property
    def who(self) -> str:
        return self.changed_by or "someone (no user recorded)"

    @property
    def message(self) -> str:
        """For API clients: what changed, and how to go on."""
        name = f"{str(self.record._meta.verbose_name).capitalize()} {self.record.pk}"
        if self.current is None:
            return f"{name} was deleted after version {self.expected}."
        return (
            f"{name} changed since version {self.expected}: it is at version {self.current}, "
            f"last changed by {self.who} at {self.when}. Read it again, re-apply your change and "
            f'send If-Match: "{self.current}".'
        )

    @property
    def form_message(self) -> str:
        """For a curator in the admin."""
        if self.current is None:
            return f"This {self.record._meta.verbose_name} was deleted after you opened it; nothing was saved."
        return (
            f"This {self.record._meta.verbose_name} was changed by {self.who} at {self.when} after you "
            f"opened it (you opened version {self.expected}, it is now at version {self.current}); "
            "reload to see their change. Nothing was saved."
        )


class CleanTextMixin:
    """Every text column follows one policy (events/ingest/text.py): no control characters, and no
    bidirectional controls outside an article's own words (`article_text_fields`, kept verbatim).

    Checked in clean_fields(), so the admin's forms, the API (full_clean()) and the importers
    refuse such text with the field's name; raw ORM writes (fixtures, migrations) are not checked.
    """

    #: Columns holding an article's own words, verbatim: bidirectional controls are kept there.
    article_text_fields: tuple[str, ...] = ()

    def clean_fields(self, exclude=None):
        try:
            super().clean_fields(exclude=exclude)
            errors = {}
        except ValidationError as error:
            errors = error.error_dict
        for field in self._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or field.name in (exclude or ()):
                continue
            value = getattr(self, field.attname)
            problem = isinstance(value, str) and text_problem(value, article_text=field.name in self.article_text_fields)
            if problem and field.name not in errors:
                errors[field.name] = [ValidationError(problem, code="text")]
        if errors:
            raise ValidationError(errors)


class VersionedModel(CleanTextMixin, models.Model):
    """Optimistic concurrency: a version number that every save moves on by one.

    Updating an existing row is a conditional UPDATE ... WHERE id = %s AND version = %s
    (the version the instance was read at, or the one check_version() was given): if
    another writer got there first it updates no row and save() raises VersionConflict,
    so two curators editing the same record never overwrite each other silently. Bulk
    writers go through update_with_history(), which moves the versions on as well.
    """

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Moves on by one with every change: the record's ETag."
    )
    #: Columns save() derives from others: written with them when save() gets update_fields.
    derived_fields: tuple[str, ...] = ()
    # The version the save in progress expects to find (None: no save, or an insert).
    _saving_from_version: int | None = None

    class Meta:
        abstract = True

    @classmethod
    def lock(cls, pk) -> None:
        """Lock row `pk` until the transaction ends, so what is read next is what a write edits.

        PostgreSQL: SELECT ... FOR UPDATE (a concurrent writer waits). SQLite has no row
        locks: its IMMEDIATE transactions (settings.py) already hold the database's write lock.
        """
        if not transaction.get_connection().in_atomic_block:
            return
        try:
            list(cls._default_manager.select_for_update().filter(pk=pk).values_list("pk", flat=True))
        except (ValueError, TypeError, ValidationError):
            pass  # not an id at all: the lookup that follows answers "not found"

    def stored_version(self) -> int | None:
        """The version of the stored row (None if it is gone), locked until the transaction ends."""
        rows = type(self)._default_manager.filter(pk=self.pk)
        if transaction.get_connection().in_atomic_block:
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def check_version(self, expected: int | None) -> None:
        """Make the next save() an edit of version `expected`, or raise VersionConflict now.

        `expected` None (the client named no version) means an edit of whatever is stored now.
        Inside a transaction the row stays locked until it ends, so the save that follows
        cannot meet a conflict it was not told about here.
        """
        current = self.stored_version()
        if current is None or (expected is not None and current != expected):
            raise VersionConflict.of(self, self.version if expected is None else expected)
        self.version = current

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at", *self.derived_fields}
        expected = self.version
        self.version, self._saving_from_version = expected + 1, expected
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = expected
            raise
        finally:
            self._saving_from_version = None

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        # Django's UPDATE of save(), made conditional on the version (one statement, so no
        # other writer can slip in between the check and the write).
        expected = self._saving_from_version
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        if super()._do_update(base_qs.filter(version=expected), using, pk_val, values, update_fields, forced_update):
            return True
        raise VersionConflict.of(self, expected)


class HistoricalRecordsWithM2M(HistoricalRecords):
    """HistoricalRecords whose deletion record keeps the many-to-many rows the record had.

    django-simple-history copies the m2m rows (`m2m_fields`) into every history record by
    querying the through table, but a deletion deletes the through rows first, so the
    library's "-" record would say "no targets" and a restore from it would lose them. The
    rows are read in pre_delete (which the library already connects, before anything is
    deleted) and written with the deletion record.
    """

    def pre_delete(self, instance, **kwargs):
        super().pre_delete(instance, **kwargs)
        instance._m2m_rows_at_deletion = {
            field.name: list(getattr(instance, field.name).through.objects.filter(**{field.m2m_field_name(): instance}))
            for field in self.get_m2m_fields_from_model(type(instance))
        }

    def create_historical_record_m2ms(self, history_instance, instance):
        rows_by_field = getattr(instance, "_m2m_rows_at_deletion", None)
        if history_instance.history_type != "-" or rows_by_field is None:
            return super().create_historical_record_m2ms(history_instance, instance)
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            # Ids (attnames), not objects: the statement's row is gone by now.
            names = [f.attname for f in getattr(type(instance), field.name).through._meta.fields]
            m2m_history_model.objects.bulk_create(
                m2m_history_model(history=history_instance, **{name: getattr(row, name) for name in names})
                for row in rows_by_field.get(field.name, [])
            )


class NaturalKeyManager(models.Manager):
    """get_by_natural_key from the lookups that make up a model's natural key, in order."""

    def __init__(self, *lookups: str):
        super().__init__()
        self.lookups = lookups

    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.lookups, values, strict=True)))


class CameoCode(CleanTextMixin, models.Model):
    """One entry of the CAMEO codebook (fixtures/cameo.json, from shared/data/cameo.csv)."""

    code = models.CharField(max_length=4, primary_key=True)
    label = models.CharField(max_length=200)
    # The two-digit root ("02" for every appeal), stored so type-family filters need no LIKE.
    root = models.CharField(max_length=2, db_index=True, blank=True, editable=False)

    objects = NaturalKeyManager("code")

    class Meta:
        ordering = ("code",)
        verbose_name = "CAMEO code"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{2,4}$"),
                name="events_cameocode_digits",
                violation_error_message="a CAMEO code is 2 to 4 digits",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.label}"

    def natural_key(self):
        return (self.code,)

    @property
    def is_root(self) -> bool:
        return len(self.code) == 2

    def save(self, *args, **kwargs):
        # Derived column, not a side effect: the root is part of the code itself.
        self.root = self.code[:2]
        super().save(*args, **kwargs)


class Outlet(CleanTextMixin, models.Model):
    class Kind(models.TextChoices):
        WIRE = "wire", "news agency (wire)"
        STATE_MEDIA = "state_media", "state media"
        NEWSPAPER = "newspaper", "newspaper"
        DIASPORA_PRESS = "diaspora_press", "diaspora press"
        BROADCASTER = "broadcaster", "broadcaster"
        OFFICIAL = "official", "official channel"
        AGGREGATOR = "aggregator", "aggregator / republisher"
        OTHER = "other", "other"

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER)
    country = CountryField(blank=True)
    url = models.URLField(blank=True)
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager("slug")

    class Meta:
        ordering = ("name",)

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class EscalationQuerySet(models.QuerySet):
    def containing(self, day: dt.date | None) -> Escalation | None:
        """The escalation whose period contains `day` (the earliest if several), or None.

        The escalations are read once per queryset and searched in memory: the importer asks
        this of one queryset for every date it drafts (a query per date before, 494 for 1,000
        files, 0.3-0.5 s of the import at 10^6 events on PostgreSQL).
        """
        if day is None:
            return None
        return next((escalation for escalation in self if escalation.contains(day)), None)


class Escalation(CleanTextMixin, models.Model):
    """A named period that groups events on the timeline."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Empty while it is ongoing.")
    description = models.TextField(blank=True)

    objects = NaturalKeyManager.from_queryset(EscalationQuerySet)("slug")

    class Meta:
        ordering = ("start_date", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="events_escalation_end_after_start",
                violation_error_message="the end is before the start",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "the end is before the start"})

    @property
    def date_label(self) -> str:
        return fuzzy.format_fuzzy_range(self.start_date, fuzzy.DAY, self.end_date, fuzzy.DAY)

    def contains(self, day: dt.date) -> bool:
        """Whether `day` is within the escalation's period (an open one has no end)."""
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class ArticleQuerySet(SearchQuerySet):
    def for_listing(self):
        """The one query shape for lists of articles (API): the outlets come in the same query."""
        return self.select_related("outlet", "republished_by")

    def with_text(self):
        """Articles whose seed file has been imported (metadata-only rows have no body yet)."""
        return self.exclude(body="")


class Article(VersionedModel):
    """A source article. `body` is the file's text verbatim: every span elsewhere indexes into it.

    Offsets are Python string indices (Unicode code points), which is also what
    SQLite's length() and PostgreSQL's char_length() count.
    """

    article_text_fields = ("body",)

    source_ref = models.CharField(max_length=200, unique=True, help_text="Stable provenance key: the seed file name.")
    title = models.CharField(max_length=500, blank=True)
    caption = models.TextField(blank=True, help_text="Image caption as in the file; may be junk.")
    body = models.TextField(blank=True, help_text="The whole file text, verbatim. Empty until the file is imported.")
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="articles")
    republished_by = models.ForeignKey(
        Outlet,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="republications",
        help_text="Who published the copy we hold, when it is not the original outlet's own text.",
    )
    url = models.URLField(max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True, help_text="Empty: the article is flagged as undated.")
    language = models.CharField(max_length=10, default="en")
    file_name = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True, help_text="What a reader should know about this source.")
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    drafted_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the importer last drafted statements from this text. The unchanged file is not "
        "drafted again (import_seeds --redraft does).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NaturalKeyManager.from_queryset(ArticleQuerySet)("source_ref")
    derived_fields = ("sha256",)

    class Meta:
        ordering = ("published_on", "id")
        constraints = [
            # One article per content: a file imported under two names is the same article.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~Q(sha256=""),
                name="events_article_unique_sha256",
                violation_error_message="an article with exactly this text already exists",
            ),
            models.CheckConstraint(
                condition=Q(sha256="") | Q(sha256__regex=r"^[0-9a-f]{64}$"),
                name="events_article_sha256_hex",
                violation_error_message="sha256 must be 64 lower-case hexadecimal digits",
            ),
            models.CheckConstraint(
                condition=Q(body="", sha256="") | (~Q(body="") & ~Q(sha256="")),
                name="events_article_body_has_hash",
                violation_error_message="an article with a body needs the body's sha256, and one without a body none",
            ),
        ]
        indexes = [
            # Article list filtered by outlet and ordered by date (API, outlet pages).
            models.Index(fields=["outlet", "published_on"], name="events_article_outlet_date"),
        ]

    def __str__(self):
        return self.title or self.source_ref

    def natural_key(self):
        return (self.source_ref,)

    def get_absolute_url(self):
        return reverse("events:article", args=[self.pk])

    @staticmethod
    def hash_text(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def is_undated(self) -> bool:
        return self.published_on is None

    def excerpt(self, start: int, end: int) -> str:
        return self.body[start:end]

    def derive_hash(self) -> None:
        """Set sha256 from the body; save() calls it, and bulk writers must."""
        self.sha256 = self.hash_text(self.body) if self.body else ""

    def clean(self):
        # The hash is derived (see save()); set it here too so the constraints validate the real pair.
        self.derive_hash()
        twin = Article.objects.filter(sha256=self.sha256).exclude(sha256="").exclude(pk=self.pk).first()
        if twin is not None:
            raise ValidationError(
                {"body": f"the article {twin.source_ref!r} already has exactly this text (same SHA-256)"}
            )

    def save(self, *args, **kwargs):
        # Derived column (as CameoCode.root): the hash always belongs to the body it is stored with.
        self.derive_hash()
        super().save(*args, **kwargs)


@dataclass
class ActorMerge:
    """What ActorQuerySet.merge_into() did: the counts of rows moved to the survivor."""

    survivor: Actor
    merged: list[str]
    statements: int = 0
    targets: int = 0
    participations: int = 0
    aliases: int = 0
    members: int = 0


# An actor in more statements or events than this (as speaker, target or participant) is
# "frequent": records involving it are found by testing rows in index order, not by looking
# its rows up first (ActorQuerySet.with_frequency).
FREQUENT_ACTOR_ROWS = 2000


class ActorQuerySet(models.QuerySet):
    def for_listing(self):
        """The one query shape for lists of actors (API): affiliation joined, aliases prefetched."""
        return self.select_related("affiliation").prefetch_related("aliases")

    def and_affiliations(self, ids):
        """The actors `ids` and every actor some actor is affiliated to: all that a walk up the
        affiliations of `ids` can meet, in one query (the reactions page groups its speakers so)."""
        affiliations = Actor.objects.filter(affiliation__isnull=False).order_by().values("affiliation")
        return self.filter(Q(pk__in=ids) | Q(pk__in=affiliations))

    def matching(self, text: str):
        """Actors whose name or one of whose aliases contains `text` (case-insensitive)."""
        return self.filter(Q(name__icontains=text) | Q(aliases__name__icontains=text)).distinct()

    def with_frequency(self):
        """Annotate `frequent`: the actor speaks, is addressed or takes part in more than
        FREQUENT_ACTOR_ROWS statements or events.

        Three index scans of at most that many entries each (`... LIMIT 1 OFFSET n`), so the
        cost is bounded whatever the actor. The actor filters choose their query shape by it
        (Statement.objects.spoken_by_or_addressed_to(), Event.objects.with_participant()), as
        the databases' estimates cannot (bench/RESULTS.md).
        """
        beyond = slice(FREQUENT_ACTOR_ROWS, FREQUENT_ACTOR_ROWS + 1)
        spoken = Statement.objects.filter(speaker=OuterRef("pk")).order_by().values("pk")[beyond]
        addressed = Statement.targets.through.objects.filter(actor=OuterRef("pk")).order_by().values("pk")[beyond]
        taking_part = EventParticipant.objects.filter(actor=OuterRef("pk")).order_by().values("pk")[beyond]
        return self.annotate(frequent=Exists(spoken) | Exists(addressed) | Exists(taking_part))

    def merge_into(self, survivor: Actor) -> ActorMerge:
        """Merge every actor of this queryset (but `survivor`) into `survivor`, in one transaction.

        Their statements (as speaker and as target), event participations, aliases and
        affiliated actors move to the survivor, each merged actor's name becomes one of its
        aliases, blank fields of the survivor (country, role, affiliation, description) are
        filled from them, and they are deleted. A row the survivor already has (the same role
        in an event, the same statement target, the same alias) is dropped, not doubled. Two
        statements at the same span of an article by two of the merged actors are the same
        statement recorded twice: that is for the curator to settle first, so the merge is
        refused (ValidationError) and nothing changes. Every change is recorded in the history.
        """
        with transaction.atomic():
            duplicates = list(self.exclude(pk=survivor.pk).order_by("pk"))
            if not duplicates:
                raise ValidationError("Choose at least one actor other than the one that is kept.")
            survivor = Actor.objects.select_for_update().get(pk=survivor.pk)
            merged_ids = [actor.pk for actor in duplicates]
            names = ", ".join(actor.name for actor in duplicates)
            reason = f"merged into {survivor.name} (#{survivor.pk})"
            result = ActorMerge(survivor=survivor, merged=[actor.name for actor in duplicates])

            twice = (
                Statement.objects.filter(speaker__in=[survivor.pk, *merged_ids])
                .values("article", "start", "end")
                .annotate(n=models.Count("id"))
                .filter(n__gt=1)
            )
            if clashes := list(twice[:5]):
                spans = "; ".join(f"article {c['article']} characters {c['start']}–{c['end']}" for c in clashes)
                raise ValidationError(
                    f"{survivor.name} and {names} are both credited with the same words ({spans}): "
                    "delete or reject one of the two statements first."
                )

            statements = Statement.objects.filter(speaker__in=merged_ids)
            result.statements = update_with_history(statements, reason=reason, speaker=survivor)

            # Statement targets: re-point each row, or drop it where the survivor is already a target.
            through = Statement.targets.through
            targeted = set(through.objects.filter(actor=survivor).values_list("statement_id", flat=True))
            move, drop = [], []
            for row_id, statement_id in through.objects.filter(actor__in=merged_ids).values_list("id", "statement_id"):
                (drop if statement_id in targeted else move).append(row_id)
                targeted.add(statement_id)
            through.objects.filter(pk__in=drop).delete()
            result.targets = through.objects.filter(pk__in=move).update(actor=survivor)

            roles = set(EventParticipant.objects.filter(actor=survivor).values_list("event_id", "role"))
            result.participations = _move_to_survivor(
                EventParticipant, merged_ids, survivor, roles, lambda p: (p.event_id, p.role), reason
            )

            known = {survivor.name.casefold(), *(a.casefold() for a in survivor.aliases.values_list("name", flat=True))}
            result.aliases = _move_to_survivor(
                ActorAlias, merged_ids, survivor, known, lambda alias: alias.name.casefold(), reason
            )
            for actor in duplicates:
                if actor.name.casefold() not in known:
                    known.add(actor.name.casefold())
                    alias = ActorAlias(actor=survivor, name=actor.name, kind=ActorAlias.Kind.OTHER)
                    alias._change_reason = reason
                    alias.save()
                    result.aliases += 1

            members = Actor.objects.filter(affiliation__in=merged_ids).exclude(pk=survivor.pk)
            result.members = update_with_history(members, reason=reason, affiliation=survivor)

            # Offices: a merged person's tenures become the survivor's (one the survivor has
            # already, by natural key, is dropped), and offices of a merged organisation its.
            held = set(Tenure.objects.filter(actor=survivor).values_list("office", "start"))
            _move_to_survivor(Tenure, merged_ids, survivor, held, lambda tenure: (tenure.office, tenure.start), reason)
            offices = list(Tenure.objects.filter(organisation__in=merged_ids))
            for tenure in offices:
                tenure.organisation = survivor
            bulk_update_with_history(offices, Tenure, ["organisation"], default_change_reason=reason)

            # The survivor's own record: an affiliation to a merged actor goes up to that
            # actor's own (outside the merge), and blank fields are filled from the merged ones.
            by_id = {actor.pk: actor for actor in duplicates}
            while survivor.affiliation_id in by_id:
                survivor.affiliation_id = by_id[survivor.affiliation_id].affiliation_id
            for actor in duplicates:
                for name in ("country", "role", "description"):
                    if not getattr(survivor, name) and getattr(actor, name):
                        setattr(survivor, name, getattr(actor, name))
                if survivor.affiliation_id is None and actor.affiliation_id not in (*merged_ids, survivor.pk):
                    survivor.affiliation_id = actor.affiliation_id
            if survivor.affiliation_id == survivor.pk:
                survivor.affiliation_id = None
            survivor.clean()  # refuses an affiliation cycle the merge would close
            survivor._change_reason = f"merged {names} into it"
            survivor.save()

            for actor in duplicates:
                actor._change_reason = reason
                actor.delete()
        return result


def _move_to_survivor(model, merged_ids: list[int], survivor, kept: set, key, reason: str) -> int:
    """Move the `model` rows of the merged actors (their `actor`) to the survivor, in the history;
    a row whose `key` is in `kept` (the survivor has it already) is deleted instead. Returns how
    many moved."""
    moved = []
    for row in model.objects.filter(actor__in=merged_ids).order_by("pk"):
        if key(row) in kept:
            row._change_reason = reason
            row.delete()
        else:
            kept.add(key(row))
            row.actor = survivor
            moved.append(row)
    bulk_update_with_history(moved, model, ["actor"], default_change_reason=reason)
    return len(moved)


class Actor(VersionedModel):
    class Kind(models.TextChoices):
        PERSON = "person", "person"
        STATE = "state", "state"
        GOVERNMENT_BODY = "government_body", "government body"
        INTERNATIONAL_ORG = "international_org", "international organisation"
        ARMED_GROUP = "armed_group", "armed group"
        POPULATION = "population", "population / group of people"
        MEDIA = "media", "media outlet"
        UNNAMED_SOURCE = "unnamed_source", "unnamed source"

    slug = models.SlugField(max_length=100, unique=True, help_text="Stable key; the name may be edited.")
    name = models.CharField(max_length=200, db_index=True, help_text="Canonical name.")
    kind = models.CharField(max_length=20, choices=Kind)
    country = CountryField(blank=True, help_text="ISO 3166 country the actor belongs to, if any.")
    role = models.CharField(max_length=200, blank=True, help_text="Title or function, e.g. Secretary of State.")
    affiliation = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text="Blinken → United States; the Russian Foreign Ministry → Russia.",
    )
    description = models.TextField(blank=True)
    review_status = models.CharField(max_length=10, choices=ReviewStatus, default=ReviewStatus.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NaturalKeyManager.from_queryset(ActorQuerySet)("slug")
    # Who changed what and when, with revert in the admin (django-simple-history).
    history = HistoricalRecords()

    class Meta:
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=~Q(affiliation=F("id")),
                name="events_actor_not_own_affiliation",
                violation_error_message="an actor cannot be affiliated to itself",
            ),
        ]
        indexes = [
            # The `actor`/`speaker` filters name an actor by slug or name in any case (iexact,
            # UPPER(...) = UPPER(...) on PostgreSQL): two index lookups instead of a scan of
            # every actor (7.7 ms with 5,000 actors).
            models.Index(Upper("slug"), name="events_actor_upper_slug"),
            models.Index(Upper("name"), name="events_actor_upper_name"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("events:actor", args=[self.pk])

    def clean(self):
        ancestor, seen = self.affiliation, set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"affiliation": "an actor cannot be affiliated to itself, even indirectly"})
            seen.add(ancestor.pk)
            ancestor = ancestor.affiliation


class ActorAlias(CleanTextMixin, models.Model):
    """Another name an actor goes by in the sources."""

    class Kind(models.TextChoices):
        SURNAME = "surname", "surname / short name"
        DEMONYM = "demonym", "demonym or adjective"
        CAPITAL = "capital", "capital or seat used for the government"
        ABBREVIATION = "abbreviation", "abbreviation"
        MISSPELLING = "misspelling", "misspelling seen in a source"
        TITLE = "title", "name with title"
        OTHER = "other", "other name"

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.OTHER)

    objects = NaturalKeyManager("actor__slug", "name")
    history = HistoricalRecords()

    class Meta:
        ordering = ("actor", "name")
        verbose_name_plural = "actor aliases"
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "actor",
                name="events_actoralias_unique_per_actor",
                violation_error_message="this actor already has this alias (aliases are compared case-insensitively)",
            ),
        ]
        indexes = [
            # Gazetteer and alias search look aliases up by lower-cased name.
            models.Index(Lower("name"), name="events_actoralias_lower_name"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (*self.actor.natural_key(), self.name)

    natural_key.dependencies = ["events.actor"]


class Tenure(models.Model):
    """Who held an office when: "the Kremlin spokesman" on a given day is this person.

    Loaded from the knowledge base (fixtures/knowledge/, events/ingest/knowledge.py: an office
    with its holders) by import_seeds, insert-only; curators add and correct them in the admin
    (inline on the actor page). The office's wordings stay in the knowledge base, which the
    extractor reads; here is what a reader and a curator see. An open end is empty.
    """

    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="tenures", help_text="The holder.")
    office = models.SlugField(max_length=100, help_text="The office's key in the knowledge base.")
    title = models.CharField(max_length=200, help_text="The office, e.g. Press Secretary of the President of Russia.")
    organisation = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offices",
        help_text="Whose office it is (the Kremlin, the Russian Foreign Ministry).",
    )
    start = models.DateField(null=True, blank=True, help_text="Empty: not known.")
    end = models.DateField(null=True, blank=True, help_text="Empty: still in office, or not known.")
    notes = models.TextField(blank=True, help_text="The source (a URL) of the dates.")

    objects = NaturalKeyManager("office", "actor__slug", "start")
    history = HistoricalRecords()

    class Meta:
        ordering = ("actor", "start", "office")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="events_tenure_end_not_before_start",
                violation_error_message="a tenure cannot end before it starts",
            ),
            # The natural key: one holding of an office by a person from a day (the same person may
            # hold it twice, as a re-appointed prime minister does). An unknown start counts as
            # one value, so a second import cannot add the same open-dated holding again.
            models.UniqueConstraint(
                "office",
                "actor",
                Coalesce("start", models.Value(dt.date(1, 1, 1))),
                name="events_tenure_unique_holding",
                violation_error_message="this person already holds this office from this date",
            ),
        ]

    def __str__(self):
        return f"{self.actor}: {self.title} ({self.period_label})"

    def natural_key(self):
        return (self.office, *self.actor.natural_key(), self.start)

    natural_key.dependencies = ["events.actor"]

    @property
    def period_label(self) -> str:
        start = self.start.strftime("%-d %B %Y") if self.start else "?"
        end = self.end.strftime("%-d %B %Y") if self.end else ""
        return f"{start} – {end}".strip() if self.end or self.start else "dates not known"

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "a tenure cannot end before it starts"})


class TimelineRecordQuerySet(SearchQuerySet):
    """What statements and events share: a review status and a dated period (date_from/date_to)."""

    def verified(self):
        return self.filter(review_status=ReviewStatus.VERIFIED)

    def mark_verified(self) -> int:
        return set_review_status(self, ReviewStatus.VERIFIED)

    def mark_rejected(self) -> int:
        return set_review_status(self, ReviewStatus.REJECTED)

    def overlapping(self, start: dt.date | None, end: dt.date | None):
        """Records whose whole period (at its precision) overlaps [start, end]; either bound may be open."""
        qs = self
        if start:
            qs = qs.filter(date_to__gte=start)
        if end:
            qs = qs.filter(date_from__lte=end)
        return qs


class StatementQuerySet(TimelineRecordQuerySet):
    # The reactions page counts (views.reactions): these two read the rows; ReactionCount's
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
            self.attributed().select_related("speaker", "article__outlet", "cameo", "escalation")
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


class Statement(VersionedModel):
    """Who said what, to or about whom, when, how, and where in which article."""

    article_text_fields = ("quote",)

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

    ref = models.SlugField(max_length=200, unique=True, help_text="Stable provenance key for re-imports.")
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
    quote = models.TextField(help_text="The exact words of the article at the span.")
    start = models.PositiveIntegerField(help_text="Character offset of the span in the article body.")
    end = models.PositiveIntegerField(help_text="Offset just past the span.")
    summary = models.CharField(max_length=500, blank=True, help_text="One line in the curator's words.")
    cameo = models.ForeignKey(CameoCode, on_delete=models.PROTECT, related_name="statements", verbose_name="CAMEO code")
    medium = models.CharField(max_length=20, choices=Medium, default=Medium.UNSPECIFIED)
    medium_detail = models.CharField(max_length=200, blank=True, help_text='As the source puts it, e.g. "on X".')
    said_on = models.DateField(null=True, blank=True, help_text="When it was said, as best known.")
    said_on_precision = models.CharField(max_length=12, choices=DatePrecision, default=DatePrecision.DAY)
    reported_date = models.DateField(
        null=True, blank=True, help_text="The date the article gives, when it differs from what is known."
    )
    reported_precision = models.CharField(max_length=12, choices=DatePrecision, blank=True)
    date_phrase = models.CharField(max_length=200, blank=True, help_text='The words that date it, e.g. "on Tuesday".')
    # Indexed by events_statement_escalation (escalation_id, date_from), not on its own.
    escalation = models.ForeignKey(
        Escalation, null=True, blank=True, on_delete=models.PROTECT, related_name="statements", db_index=False
    )
    review_status = models.CharField(max_length=10, choices=ReviewStatus, default=ReviewStatus.DRAFT)
    notes = models.TextField(blank=True)
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
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="events_statement_span_not_empty",
                violation_error_message="the span is empty or reversed: end must be after start",
            ),
            models.UniqueConstraint(
                fields=["article", "speaker", "start", "end"],
                name="events_statement_unique_span_speaker",
                violation_error_message="this speaker already has a statement at this span of this article",
            ),
            models.CheckConstraint(
                condition=Q(reported_date__isnull=True) | ~Q(reported_precision=""),
                name="events_statement_reported_date_has_precision",
                violation_error_message="a reported date needs its precision",
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

    @property
    def reported_date_label(self) -> str:
        if self.reported_date is None:
            return ""
        return fuzzy.format_fuzzy_date(self.reported_date, self.reported_precision or fuzzy.DAY)

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
        errors |= _precision_error("said_on", self.said_on, self.said_on_precision)
        errors |= _precision_error("reported_date", self.reported_date, self.reported_precision or fuzzy.DAY)
        if self.article_id:
            errors |= _span_errors(self.article, self.start, self.end, self.quote)
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
    fatalities = models.PositiveIntegerField(null=True, blank=True, help_text="Where reported.")
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
            models.Index(fields=["escalation", "date_from", "id"], name="events_event_escalation"),
            # Review queue.
            models.Index(fields=["review_status", "date_from"], name="events_event_review"),
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
        errors |= _precision_error("start_date", self.start_date, self.start_precision)
        errors |= _precision_error("end_date", self.end_date, self.end_precision or fuzzy.DAY)
        if self.end_date and not self.end_precision:
            errors.setdefault("end_precision", "an end date needs a precision")
        if self.end_date is None and self.end_precision:
            errors.setdefault("end_precision", "a precision without an end date")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors.setdefault("end_date", "the end is before the start")
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


class EventSource(CleanTextMixin, models.Model):
    """The words of an article that support an event, and the date that article gives it."""

    article_text_fields = ("quote",)

    ref = models.SlugField(max_length=200, unique=True, help_text="Stable provenance key for re-imports.")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sources")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="event_sources")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField(help_text="The article text at the span.")
    date_phrase = models.CharField(max_length=200, blank=True)
    reported_date = models.DateField(null=True, blank=True, help_text="The date this article gives the event.")
    reported_precision = models.CharField(max_length=12, choices=DatePrecision, blank=True)
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager("ref")
    history = HistoricalRecords()

    class Meta:
        ordering = ("event", "article", "start")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="events_eventsource_span_not_empty",
                violation_error_message="the span is empty or reversed: end must be after start",
            ),
            models.UniqueConstraint(
                fields=["event", "article", "start", "end"],
                name="events_eventsource_unique_span",
                violation_error_message="this span of this article already supports the event",
            ),
            models.CheckConstraint(
                condition=Q(reported_date__isnull=True) | ~Q(reported_precision=""),
                name="events_eventsource_reported_date_has_precision",
                violation_error_message="a reported date needs its precision",
            ),
        ]

    def __str__(self):
        return f"{self.article} [{self.start}:{self.end}]"

    def natural_key(self):
        return (self.ref,)

    @property
    def reported_date_label(self) -> str:
        if self.reported_date is None:
            return ""
        return fuzzy.format_fuzzy_date(self.reported_date, self.reported_precision or fuzzy.DAY)

    def clean(self):
        errors = _precision_error("reported_date", self.reported_date, self.reported_precision or fuzzy.DAY)
        if self.article_id:
            errors |= _span_errors(self.article, self.start, self.end, self.quote)
        if errors:
            raise ValidationError(errors)


class DayCountQuerySet(models.QuerySet):
    def grouped(self, *columns: str, actor: int | None = None, escalations=None, date_from=None, date_to=None):
        """[(kind rank, value of each of `columns`..., n)]: the records counted, as a GROUP BY would count them.

        kind rank: 0 events, 1 statements. `columns` are "escalation" and/or "date_from"
        (None for a record without one, as the records' own columns). The records are
        those involving `actor` (every record without one), in `escalations` (ids, None
        for "no escalation"; every escalation without), whose period overlaps
        [date_from, date_to] as the date filters read it.
        """
        rows = self.filter(actor_id=actor or counts.EVERY_RECORD)
        if escalations is not None:
            rows = rows.filter(escalation_id__in=[counts.NO_ESCALATION if e is None else e for e in escalations])
        undated = dt.date.fromisoformat(counts.UNDATED)
        if date_from is not None or date_to is not None:
            rows = rows.exclude(date_from=undated)  # a date range never keeps an undated record
        if date_from is not None:
            rows = rows.filter(date_to__gte=date_from)
        if date_to is not None:
            rows = rows.filter(date_from__lte=date_to)
        names = [{"escalation": "escalation_id", "date_from": "date_from"}[column] for column in columns]
        grouped = rows.values_list("kind", *names).annotate(total=models.Sum("n")).filter(total__gt=0)
        result = []
        for kind, *values, n in grouped.order_by("kind", *names):
            values = [
                None if (name == "escalation_id" and value == counts.NO_ESCALATION) or value == undated else value
                for name, value in zip(names, values, strict=True)
            ]
            result.append((kind, *values, n))
        return result


class DayCount(models.Model):
    """How many events or statements have this escalation and period, overall or involving an actor.

    Kept by database triggers (events/counts.py says how and why): rows are added, a count
    is the sum of its key's rows. Never written by the application. No foreign keys:
    actor_id 0 is every record, escalation_id 0 no escalation.
    """

    kind = models.PositiveSmallIntegerField(choices=[(counts.EVENT, "event"), (counts.STATEMENT, "statement")])
    escalation_id = models.BigIntegerField()
    actor_id = models.BigIntegerField()
    date_from = models.DateField()
    date_to = models.DateField()
    n = models.IntegerField(help_text="Records added (+) or taken away (-); a count is the sum of its key's rows.")
    merged = models.BooleanField(default=False, help_text="Folded from the key's earlier rows by counts.compact().")

    objects = DayCountQuerySet.as_manager()

    class Meta:
        indexes = [
            # The timeline's reads: one actor (or 0), an escalation range, a date range. With n
            # in it, they read the index only (at 10^6 events on PostgreSQL, Azerbaijan's 6,446
            # rows of one escalation: 2.5 ms; 49 ms reading them from the table).
            models.Index(
                fields=["actor_id", "escalation_id", "date_from", "date_to", "kind", "n"], name="events_daycount_key"
            ),
            # counts.compact(): the keys written to since it last ran.
            models.Index(
                fields=["actor_id", "escalation_id", "date_from", "date_to", "kind"],
                condition=Q(merged=False),
                name="events_daycount_unmerged",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.escalation_id} {self.actor_id} {self.date_from}: {self.n}"


class ReactionCountQuerySet(models.QuerySet):
    """The same answers as StatementQuerySet's methods of the same names, from the counts.

    Filter the rows by `speaker` (and `speaker__country`) as the statements would be:
    StatementFilter's speaker filters apply to both.
    """

    def statements_per_speaker(self) -> list[tuple[int, int]]:
        totals = self.filter(family=counts.EVERY_FAMILY).order_by().values_list("speaker")
        return list(totals.annotate(total=models.Sum("n")).filter(total__gt=0))

    def per_speaker_escalation_and_family(self) -> list[tuple[int, int | None, str, int]]:
        rows = self.exclude(family=counts.EVERY_FAMILY).order_by()
        rows = rows.values_list("speaker", "escalation_id", "family").annotate(total=models.Sum("n"))
        return [
            (speaker, None if escalation == counts.NO_ESCALATION else escalation, family, n)
            for speaker, escalation, family, n in rows.filter(total__gt=0)
        ]


class ReactionCount(models.Model):
    """How many statements a speaker made in an escalation in a CAMEO family (the reactions page's cells).

    Kept by database triggers on events_statement, added to as DayCount is (events/counts.py):
    a count is the sum of its key's rows. Never written by the application. escalation_id 0 is
    no escalation; family "" (counts.EVERY_FAMILY, escalation 0) is the speaker's total. The
    speaker is a relation without a database constraint: the rows of an actor merged away stay
    (summing to 0) until they are folded, after the actor is deleted.
    """

    speaker = models.ForeignKey(
        Actor, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="reaction_counts"
    )
    escalation_id = models.BigIntegerField()
    family = models.CharField(
        max_length=3, blank=True, help_text="The CAMEO code's first two digits, or 112 (accusation); empty: every one."
    )
    n = models.IntegerField(help_text="Statements added (+) or taken away (-); a count is the sum of its key's rows.")
    merged = models.BooleanField(default=False, help_text="Folded from the key's earlier rows by counts.compact().")

    objects = ReactionCountQuerySet.as_manager()

    class Meta:
        indexes = [
            # The reactions page: statements per speaker (every speaker), then the cells of
            # the speakers shown, from the index alone (n is in it).
            models.Index(fields=["speaker", "escalation_id", "family", "n"], name="events_reactioncount_key"),
            # Statements per speaker, to choose the busiest: their totals only.
            models.Index(
                fields=["speaker", "n"], condition=Q(family=counts.EVERY_FAMILY), name="events_reactioncount_total"
            ),
            # counts.compact(): the keys written to since it last ran.
            models.Index(
                fields=["speaker", "escalation_id", "family"],
                condition=Q(merged=False),
                name="events_reactioncount_unmerged",
            ),
        ]

    def __str__(self):
        return f"{self.speaker_id} {self.escalation_id} {self.family}: {self.n}"
from events.geo import EventPlace, Place, PlaceName  # noqa: E402,F401  (issue 17: places, in their own module)
