"""Actors, their aliases and the offices they held."""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Lower, Upper
from django.db.models.lookups import Exact
from django.urls import reverse
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from events.compiled_query import ParameterQuery
from events.models.base import CleanTextMixin, NaturalKeyManager, ReviewStatus

if TYPE_CHECKING:
    from events.models.merge import ActorMerge
from events.models.versioning import VersionedModel

# An actor in more statements or events than this (as speaker, target or participant) is
# "frequent": records involving it are found by testing rows in index order, not by looking
# its rows up first (ActorQuerySet.with_frequency).
FREQUENT_ACTOR_ROWS = 2000


@functools.cache
def _frequency(rows: int):
    """with_frequency()'s expression for a threshold, built once: every filter naming an actor
    asks for it, and building its three subqueries cost as much as running them. annotate()
    resolves a copy of it, never the expression itself."""
    beyond = slice(rows, rows + 1)
    # Through the reverse relations: statements and events import this module, not it them.
    statements = Actor.statements.field.model
    participations = Actor.participations.field.model
    spoken = statements.objects.filter(speaker=OuterRef("pk")).order_by().values("pk")[beyond]
    targets = Actor.targeted_by_statements.through
    addressed = targets.objects.filter(actor=OuterRef("pk")).order_by().values("pk")[beyond]
    taking_part = participations.objects.filter(actor=OuterRef("pk")).order_by().values("pk")[beyond]
    return Exists(spoken) | Exists(addressed) | Exists(taking_part)


def _referenced_rows(shape: tuple[int, int], values):
    """referenced_rows()'s queryset for a shape (the frequency threshold, and 1: the text alone
    or 2: the text and the id it is)."""
    threshold, parts = shape
    text, pk = values if parts == 2 else (values[0], None)
    rows = Actor.objects.all()._referenced_by(text, pk).annotate(frequent=_frequency(threshold))
    return rows.values_list("pk", "frequent")


_REFERENCED_ROWS = ParameterQuery(_referenced_rows)


#: The largest id a record can have (BigAutoField: a 64-bit integer on both databases).
_LARGEST_ID = 2**63 - 1


def _spelled_id(text: str) -> int | None:
    """The id `text` spells: decimal digits within the ids' range (a longer number is no actor's
    id, as the ORM's lookup of an out-of-range integer finds nothing), else None."""
    if not text.isdecimal():
        return None
    value = int(text)
    return value if value <= _LARGEST_ID else None


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

    def referenced_by(self, text: str):
        """Actors whose slug or canonical name is `text` in any case, or whose id it is (digits).

        Written as UPPER(column) = UPPER(text), which the indexes on UPPER(slug) and UPPER(name)
        serve on both databases; it keeps what iexact keeps (PostgreSQL's iexact is this very
        comparison; SQLite's, a LIKE without wildcards, ignores the case of ASCII letters only,
        as SQLite's UPPER() changes only those)."""
        return self._referenced_by(text, _spelled_id(text))

    def _referenced_by(self, text: str, pk: int | None):
        same = Upper(Value(text))
        condition = Exact(Upper("slug"), same) | Exact(Upper("name"), same)
        if pk is not None:
            condition |= Q(pk=pk)
        return self.filter(condition)

    def referenced_rows(self, text: str) -> list[tuple[int, bool]]:
        """[(id, frequent)] of the actors referenced_by(text), with_frequency(), in their order:
        the very rows of that queryset, its SQL compiled once per database connection with the
        text (and the id) as parameters (events/compiled_query.py). Every filter naming an
        actor asks for these, and building and compiling the three frequency subqueries cost
        more than running them. Of all actors: the queryset's own filters do not apply."""
        pk = _spelled_id(text)
        values = (text, pk) if pk is not None else (text,)
        return _REFERENCED_ROWS.rows(self.db, (FREQUENT_ACTOR_ROWS, len(values)), values)

    def with_frequency(self):
        """Annotate `frequent`: the actor speaks, is addressed or takes part in more than
        FREQUENT_ACTOR_ROWS statements or events.

        Three index scans of at most that many entries each (`... LIMIT 1 OFFSET n`), so the
        cost is bounded whatever the actor. The actor filters choose their query shape by it
        (Statement.objects.spoken_by_or_addressed_to(), Event.objects.with_participant()), as
        the databases' estimates cannot (bench/RESULTS.md).
        """
        return self.annotate(frequent=_frequency(FREQUENT_ACTOR_ROWS))

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
        from events.models.merge import merge_actors  # merging reads statements and events, which import actors

        return merge_actors(self, survivor)


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
            # The `actor`/`speaker` filters name an actor by slug or name in any case
            # (ActorQuerySet.referenced_by: UPPER(...) = UPPER(...) on both databases): two index
            # lookups instead of a scan of every actor (7.7 ms with 5,000 actors on PostgreSQL;
            # 1.4 ms with 4,000 on SQLite, whose iexact is a LIKE no index serves).
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
