"""A synthetic corpus for scale tests and benchmarks (`manage.py generate_corpus`, bench/).

`generate_corpus(CorpusSpec(events=N, seed=S))` writes a reproducible, realistic dataset:
the curated reference data (CAMEO codebook, outlets, the four escalations, the curated
actors, from fixtures/ insert-only as import_seeds loads them), synthetic escalations
across 2016–2026, thousands of actors with roles, affiliations and aliases, generated
articles of 2–5 KB, events with participants and sources, and statements whose spans
cut their quotes out of the article bodies.

Rows are drawn as tuples and bulk-loaded (`bulk_load`: COPY on PostgreSQL, executemany on
SQLite), which skips save(), so everything save() derives is derived here with the same functions:
Article.sha256 with Article.hash_text, Event and Statement date_from/date_to with
events.ingest.dates.range_bounds/period_bounds (the dates are drawn at a precision and
stored as the first day of their period, so the derivation also checks them). The span
triggers still check every Statement and EventSource row against its article body.

Every synthetic row carries the "syn-" prefix in its natural key (slug, ref, source_ref):
that is how `purge_synthetic()` finds them, and how a synthetic database is told from a
curated one. Same spec (seed included) → same rows, whatever the batch size; only the
database ids depend on what the tables held before.

Primary keys of the big tables are assigned here (from the current maximum) instead of
being returned by each INSERT, so one batch can refer to its own rows without a round
trip; the PostgreSQL sequences are moved past them at the end. Run it on a database
nobody else writes to at the same time (on PostgreSQL the load locks its tables until it commits).
"""

from __future__ import annotations

import datetime as dt
import queue
import random
import threading
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Generic, TypeVar

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from events import counts
from events.importers import Counts, load_fixture_objects, read_fixtures
from events.ingest import dates as fuzzy
from events.models import (
    Actor,
    ActorAlias,
    Article,
    CameoCode,
    DayCount,
    Escalation,
    Event,
    EventParticipant,
    EventSource,
    Outlet,
    ReactionCount,
    ReviewStatus,
    Statement,
)

PREFIX = "syn-"

#: Fixture files and the models of them that are reference data (no events, statements or articles).
REFERENCE_FIXTURES = ("cameo.json", "reference.json")
REFERENCE_MODELS = frozenset(
    {"events.cameocode", "events.outlet", "events.escalation", "events.actor", "events.actoralias"}
)

FIRST_DAY = dt.date(2016, 1, 1)
LAST_DAY = dt.date(2026, 10, 31)

T = TypeVar("T")


class Weighted(Generic[T]):
    """A weighted choice drawn with one random() call and a bisect (random.choices builds a list)."""

    def __init__(self, pairs: Sequence[tuple[T, float]]):
        pairs = [(item, weight) for item, weight in pairs if weight > 0]
        if not pairs:
            raise ValueError("a weighted choice needs at least one item with a positive weight")
        self.items = [item for item, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))
        self.total = self.cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self.items[min(bisect_right(self.cumulative, rng.random() * self.total), len(self.items) - 1)]


def _zipf(items: Sequence[T], total: float, exponent: float = 0.8) -> list[tuple[T, float]]:
    """Share `total` among `items` by rank, so a few are common and most are rare (as in news)."""
    raw = [1 / (rank + 1) ** exponent for rank in range(len(items))]
    scale = total / sum(raw) if raw else 0
    return [(item, weight * scale) for item, weight in zip(items, raw, strict=True)]


# The mix of the real data -------------------------------------------------------------

EVENT_PRECISIONS = Weighted(
    [(fuzzy.DAY, 80), (fuzzy.MONTH, 7), (fuzzy.SEASON, 2), (fuzzy.YEAR, 4), (fuzzy.APPROXIMATE, 7)]
)
STATEMENT_PRECISIONS = Weighted(
    [(fuzzy.DAY, 85), (fuzzy.MONTH, 5), (fuzzy.SEASON, 2), (fuzzy.YEAR, 3), (fuzzy.APPROXIMATE, 4), (None, 1)]
)
REVIEW_STATUSES = Weighted([(ReviewStatus.DRAFT, 85), (ReviewStatus.VERIFIED, 12), (ReviewStatus.REJECTED, 3)])
STATEMENT_KINDS = Weighted(
    [
        (Statement.Kind.DIRECT_QUOTE, 55),
        (Statement.Kind.PARTIAL_QUOTE, 20),
        (Statement.Kind.REPORTED, 20),
        (Statement.Kind.TERM, 5),
    ]
)
MEDIA = Weighted(
    [
        ((Statement.Medium.SOCIAL_MEDIA, "in a post on X"), 20),
        ((Statement.Medium.WRITTEN_STATEMENT, "in a statement"), 20),
        ((Statement.Medium.PRESS_BRIEFING, "at a press briefing"), 20),
        ((Statement.Medium.PHONE_CALL, "in a phone call"), 8),
        ((Statement.Medium.MEETING, "after a meeting"), 7),
        ((Statement.Medium.INTERVIEW, "in an interview"), 12),
        ((Statement.Medium.SPEECH, "in a speech"), 8),
        ((Statement.Medium.UNSPECIFIED, ""), 5),
    ]
)

# fmt: off
PLACES = (
    "Stepanakert", "Shusha", "Lachin", "Martuni", "Askeran", "Hadrut", "Fizuli", "Aghdam", "Tartar", "Kalbajar",
    "Jabrayil", "Zangilan", "Goris", "Jermuk", "Sotk", "Vardenis", "Ijevan", "Kapan", "Sadarak", "Yeraskh", "Parukh",
    "Karmir Shuka", "Berdzor", "Aghdara", "the Lachin corridor", "the Hakari bridge", "Ganja", "Barda", "Tovuz",
    "Chartar", "Taghavard", "Khramort", "Nerkin Hand",
)
CITIES = (
    "Yerevan", "Baku", "Moscow", "Brussels", "Washington", "Ankara", "Tbilisi", "Paris", "Vienna", "Geneva", "Sochi",
    "Prague", "Almaty", "Istanbul", "Berlin", "Tehran",
)

# Synthetic states (countries with no curated state actor get one): code, name, demonym, capital.
COUNTRIES = (
    ("GE", "Georgia", "Georgian", "Tbilisi"), ("IR", "Iran", "Iranian", "Tehran"),
    ("KZ", "Kazakhstan", "Kazakh", "Astana"), ("UA", "Ukraine", "Ukrainian", "Kyiv"),
    ("BY", "Belarus", "Belarusian", "Minsk"), ("IT", "Italy", "Italian", "Rome"),
    ("ES", "Spain", "Spanish", "Madrid"), ("GB", "United Kingdom", "British", "London"),
    ("PL", "Poland", "Polish", "Warsaw"), ("NL", "Netherlands", "Dutch", "The Hague"),
    ("SE", "Sweden", "Swedish", "Stockholm"), ("GR", "Greece", "Greek", "Athens"),
    ("CY", "Cyprus", "Cypriot", "Nicosia"), ("IL", "Israel", "Israeli", "Jerusalem"),
    ("PK", "Pakistan", "Pakistani", "Islamabad"), ("IN", "India", "Indian", "New Delhi"),
    ("CN", "China", "Chinese", "Beijing"), ("JP", "Japan", "Japanese", "Tokyo"),
    ("CA", "Canada", "Canadian", "Ottawa"), ("AT", "Austria", "Austrian", "Vienna"),
    ("CH", "Switzerland", "Swiss", "Bern"), ("BE", "Belgium", "Belgian", "Brussels"),
    ("HU", "Hungary", "Hungarian", "Budapest"), ("RO", "Romania", "Romanian", "Bucharest"),
    ("BG", "Bulgaria", "Bulgarian", "Sofia"), ("LT", "Lithuania", "Lithuanian", "Vilnius"),
    ("EE", "Estonia", "Estonian", "Tallinn"), ("FI", "Finland", "Finnish", "Helsinki"),
    ("NO", "Norway", "Norwegian", "Oslo"), ("CZ", "Czechia", "Czech", "Prague"), ("QA", "Qatar", "Qatari", "Doha"),
    ("AE", "United Arab Emirates", "Emirati", "Abu Dhabi"), ("EG", "Egypt", "Egyptian", "Cairo"),
    ("UZ", "Uzbekistan", "Uzbek", "Tashkent"), ("KG", "Kyrgyzstan", "Kyrgyz", "Bishkek"),
    ("TJ", "Tajikistan", "Tajik", "Dushanbe"), ("AZ", "Azerbaijan", "Azerbaijani", "Baku"),
    ("AM", "Armenia", "Armenian", "Yerevan"), ("RU", "Russia", "Russian", "Moscow"),
    ("TR", "Turkey", "Turkish", "Ankara"), ("US", "United States", "American", "Washington"),
    ("FR", "France", "French", "Paris"), ("DE", "Germany", "German", "Berlin"),
)
# How often a country's people speak in the corpus (the rest share what is left).
COUNTRY_WEIGHTS = {"AZ": 20, "AM": 20, "RU": 9, "TR": 7, "US": 6, "FR": 4, "IR": 4, "GE": 3, "DE": 2}

FIRST_NAMES = {
    "AM": (
        "Aram", "Armen", "Anahit", "Gohar", "Hayk", "Karen", "Lilit", "Mher", "Narek", "Nune", "Ruben", "Sona",
        "Tigran", "Vahe", "Zaruhi", "Gevorg", "Ani", "Davit", "Levon", "Mariam",
    ),
    "AZ": (
        "Elnur", "Aygun", "Farid", "Gunel", "Ilham", "Kamran", "Leyla", "Mahir", "Nigar", "Orkhan", "Rashad",
        "Sevinj", "Tural", "Ulviyya", "Vusal", "Zaur", "Aysel", "Elchin", "Hikmet", "Jeyhun",
    ),
    "RU": (
        "Alexei", "Anna", "Dmitry", "Elena", "Igor", "Irina", "Konstantin", "Marina", "Nikolai", "Olga", "Pavel",
        "Sergei", "Svetlana", "Yuri", "Tatiana", "Andrei",
    ),
    "TR": (
        "Ahmet", "Ayse", "Burak", "Elif", "Emre", "Fatma", "Hakan", "Kemal", "Mehmet", "Zeynep", "Omer", "Selin",
        "Yusuf", "Deniz",
    ),
    "": (
        "Anna", "Ben", "Claire", "David", "Elena", "Frank", "Greta", "Hans", "Ines", "Jan", "Katarina", "Luca",
        "Maria", "Nils", "Olivia", "Pierre", "Sofia", "Thomas", "Ursula", "Victor",
    ),
}
SURNAMES = {
    "AM": (
        "Petrosyan", "Hakobyan", "Sargsyan", "Grigoryan", "Harutyunyan", "Mkrtchyan", "Avetisyan", "Karapetyan",
        "Khachatryan", "Vardanyan", "Ghazaryan", "Davtyan", "Melkonyan", "Abrahamyan", "Galstyan", "Manukyan",
        "Simonyan", "Poghosyan", "Asatryan", "Babayan",
    ),
    "AZ": (
        "Aliyev", "Mammadov", "Hasanov", "Huseynov", "Guliyev", "Ismayilov", "Abbasov", "Jafarov", "Karimov",
        "Mustafayev", "Rzayev", "Safarov", "Valiyev", "Zeynalov", "Bayramov", "Hajiyev", "Ahmadov", "Nasirov",
        "Orujov", "Qasimov",
    ),
    "RU": (
        "Ivanov", "Smirnov", "Kuznetsov", "Popov", "Volkov", "Sokolov", "Lebedev", "Kozlov", "Novikov", "Morozov",
        "Pavlov", "Orlov", "Belov", "Frolov",
    ),
    "TR": (
        "Yilmaz", "Kaya", "Demir", "Celik", "Sahin", "Yildiz", "Aydin", "Ozturk", "Arslan", "Dogan", "Kilic",
        "Aslan", "Korkmaz", "Polat",
    ),
    "": (
        "Andersen", "Bauer", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia", "Hansen", "Jansen", "Keller",
        "Lambert", "Moreau", "Novak", "Olsen", "Peeters", "Rossi", "Schmidt", "Taylor", "Varga", "Weber", "Nowak",
        "Horvat", "Kowalski", "Lindqvist",
    ),
}
BODIES = (
    (
        "Ministry of Foreign Affairs of {country}", "Foreign Minister of {country}", "{demonym} Foreign Ministry",
    ),
    (
        "Ministry of Defence of {country}", "Defence Minister of {country}", "{demonym} Defence Ministry",
    ),
    (
        "Office of the President of {country}", "President of {country}", "{demonym} presidency",
    ),
    (
        "Parliament of {country}", "Member of the Parliament of {country}", "{demonym} parliament",
    ),
    (
        "Security Council of {country}", "Secretary of the Security Council of {country}",
        "{demonym} Security Council",
    ),
)
PERSON_ROLES = (
    "Deputy Foreign Minister of {country}", "spokesperson of the {body}", "Ambassador of {country}",
    "adviser to the President of {country}", "Human Rights Defender of {country}", "senior official of the {body}",
)
ORG_WORDS = (
    (
        "Caucasus", "Black Sea", "Caspian", "Eurasian", "European", "International", "Inter-Parliamentary",
        "Regional",
    ),
    (
        "Council", "Assembly", "Commission", "Mission", "Committee", "Forum", "Union", "Fund", "Observatory",
    ),
    (
        "for Peace", "for Dialogue", "for Security", "for Refugees", "for Cooperation", "on Human Rights", "", "",
    ),
)
GROUP_WORDS = (
    (
        "Volunteer", "Self-Defence", "Border", "Reserve", "Mountain", "Special",
    ),
    (
        "Battalion", "Brigade", "Regiment", "Detachment", "Unit",
    ),
)
OUTLET_WORDS = (
    (
        "Caucasus", "South Caucasus", "Eurasia", "Regional", "Border", "Capital", "Evening", "Morning", "Global",
        "Frontline",
    ),
    (
        "Observer", "Herald", "Monitor", "Wire", "Times", "Report", "Review", "Bulletin", "Dispatch", "Post",
    ),
)

# fmt: on

# Event kinds: CAMEO family, weight, titles, sentences, whether both sides are equal parties.


@dataclass(frozen=True)
class EventKind:
    root: str
    weight: int
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    talks: bool = False
    deadly: bool = False


EVENT_KINDS = (
    EventKind(
        "19",
        30,
        ("Exchange of fire near {loc}", "Shelling near {loc}", "Drone strike near {loc}", "Border clashes near {loc}"),
        (
            "{A} and {B} exchanged fire near {loc} {when}, {toll}.",
            "{A} shelled positions held by {B} near {loc} {when}, {toll}.",
            "A drone operated by {A} struck a position of {B} near {loc} {when}, {toll}.",
        ),
        deadly=True,
    ),
    EventKind(
        "18",
        8,
        ("Assault on positions near {loc}", "Attack on a convoy near {loc}"),
        (
            "{A} launched an assault on {B} positions near {loc} {when}, {toll}.",
            "A convoy of {B} came under attack from {A} near {loc} {when}, {toll}.",
        ),
        deadly=True,
    ),
    EventKind(
        "17",
        8,
        ("Road through {loc} blocked", "Checkpoint set up near {loc}"),
        (
            "{A} closed the road through {loc} to all traffic {when}, a move {B} called illegal.",
            "{A} set up a checkpoint near {loc} {when}, and {B} said it cut off supplies to the area.",
        ),
    ),
    EventKind(
        "15",
        6,
        ("Troop build-up near {loc}", "Military exercises near {loc}"),
        (
            "{A} moved armoured units and artillery towards {loc} {when}, according to {B}.",
            "{A} began large-scale military exercises near {loc} {when}, which {B} called a threat.",
        ),
    ),
    EventKind(
        "14",
        6,
        ("Protest in {city}", "Rally in {city}"),
        (
            "Thousands of people rallied in {city} {when} to demand action from {B}.",
            "Protesters gathered outside government buildings in {city} {when}, accusing {B} of inaction.",
        ),
    ),
    EventKind(
        "04",
        14,
        ("Talks between {a} and {b} in {city}", "Phone call between {a} and {b}"),
        (
            "Representatives of {A} and {B} held talks in {city} {when} on the situation around {loc}.",
            "The leaders of {A} and {B} spoke by phone {when} about the situation around {loc}.",
        ),
        talks=True,
    ),
    EventKind(
        "03",
        5,
        ("{a} and {b} agree to resume talks",),
        ("{A} and {B} said {when} that they were ready to resume negotiations on a peace treaty.",),
        talks=True,
    ),
    EventKind(
        "05",
        4,
        ("{a} and {b} sign a joint statement",),
        ("{A} and {B} signed a joint statement in {city} {when} on the delimitation of the border near {loc}.",),
        talks=True,
    ),
    EventKind(
        "07",
        5,
        ("Humanitarian aid delivered to {loc}",),
        ("A convoy organised by {A} delivered humanitarian aid to {loc} {when}, with the agreement of {B}.",),
    ),
    EventKind(
        "08",
        6,
        ("Ceasefire declared near {loc}",),
        ("{A} and {B} agreed to a ceasefire along the line of contact near {loc} {when}.",),
        talks=True,
    ),
    EventKind(
        "16",
        3,
        ("{a} recalls its ambassador from {b}",),
        ("{A} recalled its ambassador from {B} {when} in protest at the fighting near {loc}.",),
    ),
    EventKind(
        "13",
        3,
        ("{a} warns {b} of retaliation",),
        ("{A} warned {B} {when} that any further attack near {loc} would meet a decisive response.",),
    ),
)
EVENT_KIND_CHOICE = Weighted([(kind, kind.weight) for kind in EVENT_KINDS])

# What speakers say, by CAMEO family: direct quotes, paraphrases, partial quotes (before, quoted, after).
STATEMENT_ROOTS = Weighted(
    [("01", 10), ("02", 22), ("03", 9), ("04", 7), ("05", 4), ("10", 10), ("11", 20), ("12", 9), ("13", 9)]
)
# fmt: off
QUOTES = {
    "01": (
        "The situation around {loc} remains tense but under control",
        "We are following the developments around {loc} very closely", "Our position on {loc} has not changed",
    ),
    "02": (
        "We call on both sides to stop the fighting immediately", "We urge {t} to return to the negotiating table",
        "All sides must respect the ceasefire and refrain from provocations",
        "We appeal to {t} to reopen the road through {loc} without delay",
    ),
    "03": (
        "We are ready to resume talks without preconditions",
        "We stand ready to help both sides reach a lasting settlement",
    ),
    "04": (
        "We discussed the situation around {loc} in detail",
        "We exchanged views on the next steps towards a peace agreement",
    ),
    "05": (
        "We have agreed on the next steps of the border commission",
        "Both sides have agreed to keep this channel open",
    ),
    "10": ("{t} must withdraw its troops from {loc}", "We demand an immediate end to the blockade of {loc}"),
    "11": (
        "{t} bears full responsibility for the escalation near {loc}",
        "This is a gross violation of the ceasefire by {t}", "The shelling of {loc} is unacceptable",
    ),
    "12": ("We reject these baseless accusations", "The claims made by {t} have nothing to do with reality"),
    "13": (
        "Any further provocation near {loc} will receive a decisive response",
        "{t} will be held accountable for every shot fired",
    ),
}
PARAPHRASES = {
    "01": ("the situation around {loc} remained tense",),
    "02": ("both sides should show restraint and return to talks", "{t} should reopen the road through {loc}"),
    "03": ("the government was ready to resume negotiations",),
    "04": ("the sides had discussed the situation around {loc}",),
    "05": ("the sides had agreed to continue the work of the border commission",),
    "10": ("{t} should withdraw its forces from {loc}",),
    "11": ("{t} had violated the ceasefire near {loc}", "the shelling of {loc} had been deliberate"),
    "12": ("the accusations made by {t} were groundless",),
    "13": ("the army was ready to respond to any attack near {loc}",),
}
PARTIALS = {
    "02": (
        ("that {t} must ", "immediately cease hostilities", ""),
        ("that all sides should ", "show maximum restraint", " near {loc}"),
        ("that {t} should ", "return to the negotiating table", ""),
    ),
    "10": (
        ("that {t} must ", "withdraw its forces", " from {loc}"),
        ("that {t} should ", "lift the blockade", " of {loc}"),
    ),
    "11": (
        ("that {t} ", "bears full responsibility", " for the escalation near {loc}"),
        ("that {t} had ", "grossly violated the ceasefire", ""),
    ),
    "13": (("that {t} would ", "pay a heavy price", " for any attack near {loc}"),),
}
TERMS = (
    "counter-terrorism measures", "local anti-terrorist activities", "a humanitarian catastrophe",
    "ethnic cleansing", "a provocation", "the Zangezur Corridor", "a peace agenda",
)
FILLER = (
    "The region has seen repeated flare-ups since the ceasefire of 1994.",
    "Residents of {loc} reported hearing explosions through the night.",
    "Neither claim could be independently verified.",
    "The line of contact runs through mountainous terrain that is difficult to monitor.",
    "Diplomats in {city} said efforts to arrange a meeting of the foreign ministers were continuing.",
    "Local officials said schools in {loc} would stay closed until further notice.",
    "Both governments have accused each other of violating earlier agreements.",
    "Observers have warned that the humanitarian situation could deteriorate quickly.",
    "Traffic on the main road near {loc} was suspended for several hours.",
    "The foreign ministry did not respond to a request for comment.",
    "Analysts in {city} said the incident showed how fragile the truce remained.",
    "Several families were evacuated from villages near {loc}.",
    "Talks mediated by third countries have so far produced few results.",
    "The defence ministry published a video that it said showed the strike.",
    "International organisations called for access for humanitarian workers.",
)
HEADLINES = (
    "{title} as calls for restraint grow", "{title}, officials say", "{title}: what we know",
    "Tensions rise after {title_lower}", "{title}",
)
ESCALATION_NAMES = ("Clashes near", "Fighting around", "Border escalation at", "Crisis over")
RECAP_LEADS = (
    "In a related development reported earlier: ", "The agency also recalled an earlier development. ",
    "Separately, earlier reports gave these details. ",
)
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
)
WEEKDAYS = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)
# fmt: on


# Specification, report, refusals -----------------------------------------------------------


@dataclass(frozen=True)
class CorpusSpec:
    """What to generate. Everything else follows from these numbers and the seed."""

    events: int
    seed: int = 1
    statements_per_event: int = 2
    batch_size: int = 5000
    #: Synthetic actors (about: ~250 states and government bodies come first, and at least 30
    #: persons); by default one per 25 events, at least 300 and at most 5000.
    actors: int | None = None
    #: Events reported per generated article (so about events / this many articles).
    events_per_article: int = 5

    def actor_count(self) -> int:
        if self.actors is not None:
            return self.actors
        return max(300, min(5000, self.events // 25))


@dataclass
class CorpusReport:
    created: Counter = field(default_factory=Counter)
    reference: Counts = field(default_factory=Counts)
    seconds: float = 0.0

    def describe(self) -> str:
        order = (
            "actors",
            "aliases",
            "outlets",
            "escalations",
            "articles",
            "events",
            "participants",
            "sources",
            "statements",
            "statement targets",
        )
        return ", ".join(f"{self.created[name]:,} {name}" for name in order if self.created[name])


def synthetic(queryset: models.QuerySet) -> models.QuerySet:
    """The synthetic rows of a queryset (by the prefix of the model's natural key)."""
    return queryset.filter(**{f"{_key_field(queryset.model)}__startswith": PREFIX})


def curated(queryset: models.QuerySet) -> models.QuerySet:
    """The rows of a queryset that are not synthetic."""
    return queryset.exclude(**{f"{_key_field(queryset.model)}__startswith": PREFIX})


def _key_field(model: type[models.Model]) -> str:
    return {Article: "source_ref", Statement: "ref", EventSource: "ref"}.get(model, "slug")


def curated_record_counts() -> dict[str, int]:
    """Curated (non-synthetic) events and statements: a database the generator must not mix into."""
    return {"events": curated(Event.objects.all()).count(), "statements": curated(Statement.objects.all()).count()}


def synthetic_event_count() -> int:
    return synthetic(Event.objects.all()).count()


def purge_synthetic() -> dict[str, int]:
    """Delete every synthetic row, dependents first; curated rows and reference data stay.

    The deletes are plain DELETE … WHERE statements (QuerySet._raw_delete): Model.delete()
    would load every row to emulate the cascades, a million objects here, and there is
    nothing to emulate because the dependents are deleted first, explicitly. Synthetic rows
    have no history (bulk_create records none), so none is lost.
    """
    statements = synthetic(Statement.objects.all())
    events = synthetic(Event.objects.all())
    articles = synthetic(Article.objects.all())
    actors = synthetic(Actor.objects.all())
    steps = [
        ("statement targets", Statement.targets.through.objects.filter(statement__in=statements.values("pk"))),
        ("statements", statements),
        (
            "sources",
            EventSource.objects.filter(models.Q(event__in=events.values("pk")) | models.Q(ref__startswith=PREFIX)),
        ),
        ("participants", EventParticipant.objects.filter(event__in=events.values("pk"))),
        ("events", events),
        ("articles", articles),
        ("aliases", ActorAlias.objects.filter(actor__in=actors.values("pk"))),
        ("actors", actors),
        ("outlets", synthetic(Outlet.objects.all())),
        ("escalations", synthetic(Escalation.objects.all())),
    ]
    deleted = {}
    with transaction.atomic(), counts.suspended(connection):
        for name, queryset in steps:
            deleted[name] = queryset._raw_delete(queryset.db)
    return deleted


def load_reference_data(fixture_dir: Path | None = None) -> Counts:
    """CAMEO codes, outlets, escalations and actors from the curated fixtures, insert-only.

    The same loader as import_seeds (a record that exists is never overwritten), but
    without the curated events and article metadata: those would make the database a
    curated one.
    """
    directory = Path(fixture_dir or settings.FIXTURE_DIRS[0])
    fixtures = read_fixtures([directory / name for name in REFERENCE_FIXTURES])
    objects = [(where, obj) for where, obj in fixtures.standalone if obj["model"] in REFERENCE_MODELS]
    counts, notes = Counts(), []
    with transaction.atomic():
        load_fixture_objects(objects, counts, kept_notes=notes)
    return counts


# Text: casts, dates, sentences -------------------------------------------------------------


@dataclass(frozen=True)
class Cast:
    """What the text generator knows of an actor: how to name it, and which state it speaks for."""

    id: int
    name: str
    kind: str
    country: str
    role: str = ""
    short: str = ""  # surname, demonym-free short name or abbreviation
    misspelling: str = ""
    demonym: str = ""
    state_id: int | None = None  # the state at the root of its affiliations

    def side(self) -> str:
        """How a report names it as a party to fighting: "Azerbaijani forces", "the Mountain Brigade"."""
        if self.kind == Actor.Kind.STATE and self.demonym:
            return f"{self.demonym} forces"
        return self.name

    def as_speaker(self, rng: random.Random) -> str:
        roll = rng.random()
        if self.kind == Actor.Kind.PERSON:
            if self.misspelling and roll < 0.03:
                return self.misspelling
            if self.short and roll < 0.35:
                return self.short
            if self.role and roll < 0.75:
                return f"{self.name}, {self.role},"
            return self.name
        if self.short and roll < 0.3:
            return self.short if self.kind == Actor.Kind.INTERNATIONAL_ORG else f"the {self.short}"
        if self.kind in (Actor.Kind.STATE, Actor.Kind.GOVERNMENT_BODY):
            return f"the {'government of ' if self.kind == Actor.Kind.STATE else ''}{self.name}"
        return self.name


def period_start(day: dt.date, precision: str) -> dt.date:
    """The stored form of a day at a precision: the first day of the period it falls in."""
    if precision == fuzzy.MONTH:
        return day.replace(day=1)
    if precision == fuzzy.SEASON:
        if day.month <= 2:
            return dt.date(day.year - 1, 12, 1)
        return dt.date(day.year, day.month - (day.month % 3), 1)
    if precision == fuzzy.YEAR:
        return dt.date(day.year, 1, 1)
    return day


def date_phrase(value: dt.date | None, precision: str, published: dt.date | None) -> str:
    """How an article dates something: "on Tuesday" close to its publication, else absolute."""
    if value is None:
        return ""
    if precision == fuzzy.DAY:
        if published is not None and 0 <= (published - value).days <= 5:
            return f"on {WEEKDAYS[value.weekday()]}"
        return f"on {value.day} {MONTHS[value.month - 1]} {value.year}"
    if precision == fuzzy.MONTH:
        return f"in {MONTHS[value.month - 1]} {value.year}"
    if precision == fuzzy.SEASON:
        season = fuzzy.SEASON_STARTS[value.month]
        year = f"{value.year}–{str(value.year + 1)[-2:]}" if value.month == 12 else str(value.year)
        return f"in the {season} of {year}"
    if precision == fuzzy.YEAR:
        return f"in {value.year}"
    return f"around {value.day} {MONTHS[value.month - 1]} {value.year}"


class Body:
    """An article body built piece by piece, remembering where spans start and end."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, text: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def text(self) -> str:
        return "".join(self.parts)


# Aliases a report uses for a second mention: "Petrosyan", "OSCE", "Georgian Foreign Ministry".
SHORT_ALIASES = (ActorAlias.Kind.SURNAME, ActorAlias.Kind.ABBREVIATION, ActorAlias.Kind.OTHER)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# Actors -----------------------------------------------------------------------------------


@dataclass
class CastBuilder:
    """Builds the synthetic actors (model instances with their ids) and the Cast used in texts."""

    rng: random.Random
    next_id: int
    actors: list[Actor] = field(default_factory=list)
    aliases: list[ActorAlias] = field(default_factory=list)
    casts: dict[int, Cast] = field(default_factory=dict)
    states: dict[str, Cast] = field(default_factory=dict)  # by country code
    bodies: dict[str, list[tuple[Cast, str]]] = field(default_factory=dict)  # country → (body, member role)
    orgs: list[Cast] = field(default_factory=list)
    groups: list[Cast] = field(default_factory=list)
    populations: list[Cast] = field(default_factory=list)
    persons: list[Cast] = field(default_factory=list)
    _names: set[str] = field(default_factory=set)

    def add_existing(self, actor: Actor, aliases: Sequence[tuple[str, str]], parents: dict[int, int | None]) -> None:
        """A curated actor already in the database joins the cast (Azerbaijan, Blinken…)."""
        short = next((name for name, kind in aliases if kind in SHORT_ALIASES), "")
        misspelling = next((name for name, kind in aliases if kind == ActorAlias.Kind.MISSPELLING), "")
        demonym = next((name for name, kind in aliases if kind == ActorAlias.Kind.DEMONYM), "")
        if not demonym and actor.kind == Actor.Kind.STATE:
            demonym = next((d for code, _, d, _ in COUNTRIES if code == actor.country), "")
        state_id = _root(actor.pk, parents)
        cast = Cast(
            actor.pk,
            actor.name,
            actor.kind,
            str(actor.country or ""),
            actor.role,
            short,
            misspelling,
            demonym,
            state_id,
        )
        self._register(cast)
        self._names.add(actor.name)

    def _register(self, cast: Cast) -> None:
        self.casts[cast.id] = cast
        if cast.kind == Actor.Kind.STATE and cast.country and cast.country not in self.states:
            self.states[cast.country] = cast
        elif cast.kind == Actor.Kind.INTERNATIONAL_ORG:
            self.orgs.append(cast)
        elif cast.kind == Actor.Kind.ARMED_GROUP:
            self.groups.append(cast)
        elif cast.kind == Actor.Kind.POPULATION:
            self.populations.append(cast)
        elif cast.kind == Actor.Kind.PERSON:
            self.persons.append(cast)

    def _new(
        self,
        *,
        slug: str,
        name: str,
        kind: str,
        country: str = "",
        role: str = "",
        affiliation: Cast | None = None,
        aliases: Sequence[tuple[str, str]] = (),
        demonym: str = "",
    ) -> Cast:
        actor_id = self.next_id
        self.next_id += 1
        self.actors.append(
            Actor(
                id=actor_id,
                slug=f"{PREFIX}{slug}",
                name=name,
                kind=kind,
                country=country,
                role=role,
                affiliation_id=affiliation.id if affiliation else None,
                review_status=REVIEW_STATUSES.pick(self.rng),
            )
        )
        seen = {name.casefold()}
        for alias, alias_kind in aliases:
            if alias and alias.casefold() not in seen:
                seen.add(alias.casefold())
                self.aliases.append(ActorAlias(actor_id=actor_id, name=alias, kind=alias_kind))
        short = next((a for a, k in aliases if k in SHORT_ALIASES), "")
        misspelling = next((a for a, k in aliases if k == ActorAlias.Kind.MISSPELLING), "")
        state_id = affiliation.state_id if affiliation else (actor_id if kind == Actor.Kind.STATE else None)
        cast = Cast(actor_id, name, kind, country, role, short, misspelling, demonym, state_id)
        self._register(cast)
        self._names.add(name)
        return cast

    def build(self, count: int) -> None:
        """About `count` synthetic actors: states, their bodies, organisations, groups, populations, persons."""
        rng = self.rng
        start = len(self.actors)
        for code, name, demonym, capital in COUNTRIES:
            if code not in self.states:
                self._new(
                    slug=f"state-{code.lower()}",
                    name=name,
                    kind=Actor.Kind.STATE,
                    country=code,
                    demonym=demonym,
                    aliases=[(demonym, ActorAlias.Kind.DEMONYM), (capital, ActorAlias.Kind.CAPITAL)],
                )
        for code, name, demonym, _ in COUNTRIES:
            state = self.states[code]
            for index, (body, member_role, alias) in enumerate(BODIES):
                body_name = body.format(country=name)
                cast = self._new(
                    slug=f"body-{code.lower()}-{index}",
                    name=body_name,
                    kind=Actor.Kind.GOVERNMENT_BODY,
                    country=code,
                    affiliation=state,
                    aliases=[(alias.format(demonym=demonym), ActorAlias.Kind.OTHER)],
                )
                self.bodies.setdefault(code, []).append((cast, member_role.format(country=name)))
        budget = max(count - (len(self.actors) - start), 0)
        n_orgs, n_groups, n_populations = max(budget // 40, 5), max(budget // 25, 5), max(budget // 40, 3)
        for n in range(n_orgs):
            words = [rng.choice(part) for part in ORG_WORDS]
            name = self._unique(" ".join(w for w in words if w), n, person=False)
            initials = "".join(w[0] for w in name.replace("-", " ").split() if w[0].isupper())
            self._new(
                slug=f"org-{n}",
                name=name,
                kind=Actor.Kind.INTERNATIONAL_ORG,
                aliases=[(initials, ActorAlias.Kind.ABBREVIATION)] if len(initials) > 1 else [],
            )
        fighters = [self.states["AZ"], self.states["AM"]]
        for n in range(n_groups):
            state = rng.choice(fighters)
            place = rng.choice(PLACES).replace("the ", "")
            name = self._unique(f"{place} {rng.choice(GROUP_WORDS[0])} {rng.choice(GROUP_WORDS[1])}", n, person=False)
            self._new(
                slug=f"group-{n}", name=name, kind=Actor.Kind.ARMED_GROUP, country=state.country, affiliation=state
            )
        for n in range(n_populations):
            place = rng.choice(PLACES + CITIES).replace("the ", "")
            name = self._unique(
                rng.choice(("Residents of {p}", "Displaced people from {p}", "Protesters in {p}")).format(p=place),
                n,
                person=False,
            )
            self._new(slug=f"population-{n}", name=name, kind=Actor.Kind.POPULATION)
        countries = Weighted(_country_weights())
        # The states and their bodies are a fixed ~250; persons fill the rest (some always exist).
        n_persons = max(count - (len(self.actors) - start), 30)
        for n in range(n_persons):
            code = countries.pick(rng)
            group = code if code in FIRST_NAMES else ""
            surname = rng.choice(SURNAMES[group])
            name = self._unique(f"{rng.choice(FIRST_NAMES[group])} {surname}", n)
            bodies = self.bodies[code]
            body, member_role = bodies[min(int(rng.random() ** 2 * len(bodies)), len(bodies) - 1)]
            if rng.random() < 0.5:
                role = member_role
            else:
                role = rng.choice(PERSON_ROLES).format(country=self.states[code].name, body=body.name)
            aliases = [(surname, ActorAlias.Kind.SURNAME)]
            if rng.random() < 0.15:
                aliases.append((_misspell(surname, rng), ActorAlias.Kind.MISSPELLING))
            if rng.random() < 0.3:
                aliases.append((f"{rng.choice(('Mr', 'Ms', 'Dr'))} {surname}", ActorAlias.Kind.TITLE))
            self._new(
                slug=f"person-{n}",
                name=name,
                kind=Actor.Kind.PERSON,
                country=code,
                role=role,
                affiliation=body if rng.random() < 0.8 else self.states[code],
                aliases=aliases,
            )

    def _unique(self, name: str, n: int, *, person: bool = True) -> str:
        """Names are not unique in the model, but a reader of the corpus should tell actors apart."""
        if name not in self._names:
            return name
        first, _, rest = name.partition(" ")
        if person and rest:
            candidate = f"{first} {chr(ord('A') + n % 26)}. {rest}"
            if candidate not in self._names:
                return candidate
        return f"{name} {n + 2}"


def _root(actor_id: int, parents: dict[int, int | None]) -> int | None:
    seen = set()
    current: int | None = actor_id
    while current is not None and parents.get(current) is not None and current not in seen:
        seen.add(current)
        current = parents[current]
    return current


def _misspell(word: str, rng: random.Random) -> str:
    """A misspelling as sources make them: two letters swapped, or one doubled."""
    if len(word) < 4:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5 and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[: i + 1] + word[i] + word[i + 1 :]


def _country_weights() -> list[tuple[str, float]]:
    others = [code for code, *_ in COUNTRIES if code not in COUNTRY_WEIGHTS]
    rest = 100 - sum(COUNTRY_WEIGHTS.values())
    return [*COUNTRY_WEIGHTS.items(), *[(code, rest / len(others)) for code in others]]


# The corpus writer ------------------------------------------------------------------------


@dataclass
class _Window:
    start: dt.date
    end: dt.date
    escalation_id: int


@dataclass
class _DraftEvent:
    """An event drawn but not yet written: what later sentences about it need."""

    id: int
    kind: EventKind
    day: dt.date  # the day it happened (its stored start may be coarser)
    start: dt.date
    precision: str
    a: Cast
    b: Cast
    loc: str
    city: str
    fatalities: int | None
    escalation_id: int | None


#: The columns each generated row gives, in order, per bulk-loaded table (model field attnames).
#: Rows are plain tuples: a model instance per row, and Django preparing its values, cost more
#: than drawing the row. The model's other columns get their defaults (`BulkLoader`).
ROWS = {
    "articles": (
        "id", "source_ref", "title", "caption", "body", "sha256", "outlet_id", "url", "published_on", "file_name",
    ),
    "events": (
        "id", "slug", "title", "summary", "event_type_id", "start_date", "start_precision", "end_date",
        "end_precision", "ongoing", "location", "escalation_id", "fatalities", "review_status", "date_from", "date_to",
    ),
    "participants": ("event_id", "actor_id", "role"),
    "sources": (
        "ref", "event_id", "article_id", "start", "end", "quote", "date_phrase", "reported_date", "reported_precision",
    ),
    "statements": (
        "id", "ref", "article_id", "speaker_id", "kind", "quote", "start", "end", "cameo_id", "medium",
        "medium_detail", "said_on", "said_on_precision", "reported_date", "reported_precision", "date_phrase",
        "escalation_id", "review_status", "date_from", "date_to",
    ),
    "targets": ("statement_id", "actor_id"),
}  # fmt: skip
#: Load order: articles first, because the span triggers read the body each Statement and
#: EventSource points into; then each table before the tables that refer to it.
MODELS = {
    "articles": Article,
    "events": Event,
    "participants": EventParticipant,
    "sources": EventSource,
    "statements": Statement,
    "targets": Statement.targets.through,
}


@dataclass
class Batch:
    """The rows of one batch of articles and what they report, as tuples in the order of ROWS."""

    articles: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    participants: list[tuple] = field(default_factory=list)
    sources: list[tuple] = field(default_factory=list)
    statements: list[tuple] = field(default_factory=list)
    targets: list[tuple] = field(default_factory=list)

    def counts(self) -> Counter:
        return Counter(
            articles=len(self.articles),
            events=len(self.events),
            participants=len(self.participants),
            sources=len(self.sources),
            statements=len(self.statements),
            **{"statement targets": len(self.targets)},
        )


class CorpusWriter:
    """Draws articles with their events and statements, one article at a time, from one seeded stream."""

    def __init__(
        self,
        spec: CorpusSpec,
        rng: random.Random,
        cast: CastBuilder,
        *,
        outlets: Sequence[int],
        windows: Sequence[_Window],
        codes: dict[str, list[str]],
        next_ids: dict[str, int],
    ):
        self.spec = spec
        self.rng = rng
        self.cast = cast
        self.outlets = list(outlets)
        self.windows = sorted(windows, key=lambda w: w.start)
        self.window_starts = [w.start for w in self.windows]
        self.codes = codes
        self.ids = dict(next_ids)
        self.serial = Counter()
        self.now = timezone.now()
        self.previous: list[_DraftEvent] = []
        self.escalation_choice = (
            Weighted([(w, max((w.end - w.start).days, 7) ** 0.5) for w in self.windows]) if self.windows else None
        )
        az, am = cast.states.get("AZ"), cast.states.get("AM")
        # The fighting is between the two states and armed groups on their sides.
        sides = [(az, 40), (am, 40)] + _zipf(
            [g for g in cast.groups if g.state_id in (getattr(az, "id", None), getattr(am, "id", None))], 20
        )
        self.belligerents = [c for c in (az, am) if c is not None]
        self.fighters = Weighted([(c, w) for c, w in sides if c is not None])
        others = [c for code, c in cast.states.items() if code not in ("AZ", "AM")]
        self.diplomats = Weighted(
            [(c, w) for c, w in [(az, 22), (am, 22)] if c is not None] + _zipf(others, 40) + _zipf(cast.orgs, 16)
        )
        self.mediators = Weighted(
            _zipf([cast.states[c] for c in ("RU", "US", "FR", "TR", "IR") if c in cast.states], 60)
            + _zipf(cast.orgs, 40)
        )
        self.crowds = Weighted(_zipf(cast.populations, 1) or [(az, 1)])
        speakers: dict[int | None, list[Cast]] = {}
        for c in cast.casts.values():
            if c.kind in (Actor.Kind.PERSON, Actor.Kind.GOVERNMENT_BODY, Actor.Kind.INTERNATIONAL_ORG):
                speakers.setdefault(c.state_id, []).append(c)
        # Within a country a few speakers dominate, as spokespeople and ministers do.
        self.speakers_of = {state: Weighted(_zipf(people, 1, 1.0)) for state, people in speakers.items()}
        self.anyone = Weighted(_zipf([c for people in speakers.values() for c in people], 1, 0.7))

    def _next(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _serial(self, name: str) -> int:
        self.serial[name] += 1
        return self.serial[name]

    # Dates

    def _draw_anchor(self) -> tuple[dt.date, int | None]:
        rng = self.rng
        if self.escalation_choice is not None and rng.random() < 0.55:
            window = self.escalation_choice.pick(rng)
            span = max((min(window.end, LAST_DAY) - window.start).days, 0)
            return window.start + dt.timedelta(days=rng.randint(0, span)), window.escalation_id
        return FIRST_DAY + dt.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days)), None

    def _escalation_of(self, day: dt.date) -> int | None:
        # The escalations do not overlap (the synthetic ones are drawn in the gaps): one look suffices.
        index = bisect_right(self.window_starts, day) - 1
        if index >= 0 and day <= self.windows[index].end:
            return self.windows[index].escalation_id
        return None

    # One article and everything it reports

    def article(self, batch: Batch) -> int:
        """Draw one article, its events and their statements into `batch`; returns the number of events."""
        rng, spec = self.rng, self.spec
        serial = self._serial("article")
        anchor, _ = self._draw_anchor()
        n_events = max(
            1,
            min(
                spec.events - self.serial["event"],
                rng.randint(max(1, spec.events_per_article - 2), spec.events_per_article + 2),
            ),
        )
        drafts = [self._draw_event(anchor) for _ in range(n_events)]
        published = max(d.day for d in drafts) + dt.timedelta(days=rng.randint(0, 2)) if rng.random() > 0.01 else None
        article_id = self._next("article")
        body = Body()
        lead = drafts[0]
        title = _capitalise(lead.kind.titles[0].format(loc=lead.loc, city=lead.city, a=lead.a.name, b=lead.b.name))
        headline = rng.choice(HEADLINES).format(title=title, title_lower=title[:1].lower() + title[1:])
        caption = f"Synthetic report {serial}: file photo, {rng.choice(PLACES)}."
        body.add(f"{headline}\n\n{caption}\n\n\n")
        target_size = rng.randint(2000, 5000)
        paragraphs = 0
        for draft in drafts:
            if paragraphs:
                body.add("\n\n")
            self._write_event(draft, article_id, published, body, batch)
            paragraphs += 1
            for _ in range(rng.randint(0, 2 * spec.statements_per_event)):
                body.add("\n\n")
                self._write_statement(draft, article_id, published, body, batch)
        for earlier in self.previous:
            if rng.random() < 0.15:
                body.add("\n\n" + rng.choice(RECAP_LEADS))
                self._write_source(earlier, article_id, published, body, batch)
        while body.length < target_size:
            body.add(
                "\n\n"
                + " ".join(rng.choice(FILLER) for _ in range(rng.randint(2, 4))).format(
                    loc=rng.choice(PLACES), city=rng.choice(CITIES)
                )
            )
        text = body.text()
        outlet = (
            self.outlets[min(int(rng.random() ** 2 * len(self.outlets)), len(self.outlets) - 1)]
            if self.outlets
            else None
        )
        batch.articles.append(
            (
                article_id,
                f"{PREFIX}article-{serial:07d}.txt",
                headline,
                caption,
                text,
                Article.hash_text(text),
                outlet,
                f"https://synthetic.example/articles/{serial}",
                published,
                f"{PREFIX}article-{serial:07d}.txt",
            )
        )
        self.previous = drafts
        return n_events

    def _draw_event(self, anchor: dt.date) -> _DraftEvent:
        rng = self.rng
        kind = EVENT_KIND_CHOICE.pick(rng)
        day = min(max(anchor - dt.timedelta(days=rng.randint(0, 6)), FIRST_DAY), LAST_DAY)
        precision = EVENT_PRECISIONS.pick(rng)
        if kind.talks or kind.root in ("16", "13", "07"):
            a = self.diplomats.pick(rng)
            # Most diplomacy involves one of the two sides; some is between third parties.
            sides = [c for c in self.belligerents if c.id != a.id]
            b = rng.choice(sides) if sides and rng.random() < 0.7 else self._other(self.diplomats, a)
        elif kind.root == "14":
            a, b = self.crowds.pick(rng), self.diplomats.pick(rng)
        else:
            a = self.fighters.pick(rng)
            b = self._other(self.fighters, a)
        fatalities = None
        if kind.deadly and rng.random() < 0.4:
            fatalities = int(rng.paretovariate(1.2)) if rng.random() < 0.9 else rng.randint(20, 400)
        return _DraftEvent(
            id=self._next("event"),
            kind=kind,
            day=day,
            start=period_start(day, precision),
            precision=precision,
            a=a,
            b=b,
            loc=rng.choice(PLACES),
            city=rng.choice(CITIES),
            fatalities=fatalities,
            escalation_id=self._escalation_of(day) if rng.random() < 0.95 else None,
        )

    def _other(self, pool: Weighted[Cast], first: Cast) -> Cast:
        for _ in range(10):
            second = pool.pick(self.rng)
            if second.id != first.id:
                return second
        return next(c for c in pool.items if c.id != first.id)

    def _event_sentence(self, draft: _DraftEvent, published: dt.date | None) -> str:
        kind, rng = draft.kind, self.rng
        when = date_phrase(draft.start, draft.precision, published)
        if draft.fatalities is None:
            toll = rng.choice(("with no casualties reported", "and the extent of the damage was unclear"))
        else:
            toll = f"and {draft.fatalities} {'person was' if draft.fatalities == 1 else 'people were'} reported killed"
        a, b = (
            (draft.a.name, draft.b.name)
            if kind.talks or kind.root in ("16", "13", "07", "14")
            else (draft.a.side(), draft.b.side())
        )
        return _capitalise(
            rng.choice(kind.sentences).format(A=a, B=b, loc=draft.loc, city=draft.city, when=when, toll=toll)
        )

    def _write_event(
        self, draft: _DraftEvent, article_id: int, published: dt.date | None, body: Body, batch: Batch
    ) -> None:
        rng, kind = self.rng, draft.kind
        serial = self._serial("event")
        end = end_precision = None
        if draft.precision == fuzzy.DAY and rng.random() < 0.25:
            end, end_precision = draft.start + dt.timedelta(days=rng.randint(1, 20)), fuzzy.DAY
        elif draft.precision == fuzzy.MONTH and rng.random() < 0.2:
            end, end_precision = (
                period_start(draft.start + dt.timedelta(days=31 * rng.randint(1, 3)), fuzzy.MONTH),
                fuzzy.MONTH,
            )
        date_from, date_to = fuzzy.range_bounds(draft.start, draft.precision, end, end_precision)
        sentence = self._write_source(draft, article_id, published, body, batch, first=True)
        title = _capitalise(
            rng.choice(kind.titles).format(loc=draft.loc, city=draft.city, a=draft.a.name, b=draft.b.name)
        )
        # In the order of ROWS["events"]; the draws happen in this order too (the seed fixes them).
        batch.events.append(
            (
                draft.id,
                f"{PREFIX}event-{serial}",
                title,
                sentence,
                rng.choice(self.codes[kind.root]),
                draft.start,
                draft.precision,
                end,
                end_precision or "",
                end is None and draft.start.year >= 2025 and rng.random() < 0.05,
                draft.city if kind.root == "14" else draft.loc,
                draft.escalation_id,
                draft.fatalities,
                REVIEW_STATUSES.pick(rng),
                date_from,
                date_to,
            )
        )
        talks = kind.talks
        roles = [
            (draft.a, EventParticipant.Role.PARTICIPANT if talks else EventParticipant.Role.INITIATOR),
            (draft.b, EventParticipant.Role.PARTICIPANT if talks else EventParticipant.Role.TARGET),
        ]
        if rng.random() < (0.4 if talks else 0.12):
            mediator = self.mediators.pick(rng)
            if mediator.id not in (draft.a.id, draft.b.id):
                roles.append((mediator, EventParticipant.Role.MEDIATOR))
        for actor, role in roles:
            batch.participants.append((draft.id, actor.id, role))

    def _write_source(
        self,
        draft: _DraftEvent,
        article_id: int,
        published: dt.date | None,
        body: Body,
        batch: Batch,
        *,
        first: bool = False,
    ) -> str:
        rng = self.rng
        sentence = self._event_sentence(draft, published)
        start, end = body.add(sentence)
        reported = reported_precision = None
        if first and draft.precision == fuzzy.DAY and rng.random() < 0.05:
            # The source dates it a day off: what it says is kept apart from what is known.
            reported, reported_precision = draft.start + dt.timedelta(days=rng.choice((-1, 1))), fuzzy.DAY
        batch.sources.append(
            (
                f"{PREFIX}source-{self._serial('source')}",
                draft.id,
                article_id,
                start,
                end,
                sentence,
                date_phrase(draft.start, draft.precision, published),
                reported,
                reported_precision or "",
            )
        )
        return sentence

    def _write_statement(
        self, draft: _DraftEvent, article_id: int, published: dt.date | None, body: Body, batch: Batch
    ) -> None:
        rng = self.rng
        parties = [draft.a, draft.b]
        side = rng.choice(parties)
        home = self.speakers_of.get(side.state_id) if rng.random() < 0.6 else None
        speaker = (home or self.anyone).pick(rng)
        others = [p for p in parties if p.state_id != speaker.state_id or p.state_id is None]
        targets = others[: 1 if rng.random() < 0.85 else 2] if rng.random() < 0.7 else []
        t = targets[0].name if targets else "the other side"
        root = STATEMENT_ROOTS.pick(rng)
        kind = STATEMENT_KINDS.pick(rng)
        if kind == Statement.Kind.PARTIAL_QUOTE and root not in PARTIALS:
            kind = Statement.Kind.DIRECT_QUOTE
        if kind == Statement.Kind.TERM and root not in ("01", "11", "12", "13"):
            kind = Statement.Kind.REPORTED
        precision = STATEMENT_PRECISIONS.pick(rng)
        said_on = None
        if precision is not None:
            said_on = period_start(min(draft.day + dt.timedelta(days=rng.randint(0, 2)), LAST_DAY), precision)
        when = date_phrase(said_on, precision or fuzzy.DAY, published)
        when = f" {when}" if when else ""
        medium, medium_phrase = MEDIA.pick(rng)
        how = f" {medium_phrase}" if medium_phrase else ""
        who = speaker.as_speaker(rng)
        who_first = _capitalise(who)  # at the start of a sentence
        slots = {"t": t, "loc": draft.loc}
        if kind == Statement.Kind.DIRECT_QUOTE:
            quote = rng.choice(QUOTES[root]).format(**slots)
            if rng.random() < 0.5:
                body.add("“")
                start, end = body.add(quote)
                body.add(f",” {who} said{when}{how}.")
            else:
                body.add(f"{who_first} said{when}{how}: “")
                start, end = body.add(quote)
                body.add(".”")
        elif kind == Statement.Kind.PARTIAL_QUOTE:
            before, quote, after = rng.choice(PARTIALS[root])
            body.add(f"{who_first} said{when}{how} {before.format(**slots)}“")
            start, end = body.add(quote)
            body.add(f"”{after.format(**slots)}.")
        elif kind == Statement.Kind.REPORTED:
            quote = rng.choice(PARAPHRASES[root]).format(**slots)
            body.add(f"{who_first} said{when}{how} that ")
            start, end = body.add(quote)
            body.add(".")
        else:
            body.add(f"{who_first} described the events near {draft.loc} as “")
            quote = rng.choice(TERMS)
            start, end = body.add(quote)
            body.add(f"”{when}.")
        date_from = date_to = reported = None
        if said_on is not None:
            date_from, date_to = fuzzy.period_bounds(said_on, precision)
            if precision == fuzzy.DAY and rng.random() < 0.04:
                reported = said_on + dt.timedelta(days=1)
        statement_id = self._next("statement")
        batch.statements.append(
            (
                statement_id,
                f"{PREFIX}statement-{self._serial('statement')}",
                article_id,
                speaker.id,
                kind,
                quote,
                start,
                end,
                rng.choice(self.codes[root]),
                medium,
                medium_phrase,
                said_on,
                precision or fuzzy.DAY,
                reported,
                fuzzy.DAY if reported else "",
                when.strip(),
                draft.escalation_id,
                REVIEW_STATUSES.pick(rng),
                date_from,
                date_to,
            )
        )
        for target in targets:
            if target.id != speaker.id:
                batch.targets.append((statement_id, target.id))


# Setting up and writing -------------------------------------------------------------------


def _next_ids() -> dict[str, int]:
    return {
        name: (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        for name, model in (("actor", Actor), ("article", Article), ("event", Event), ("statement", Statement))
    }


def _outlets(rng: random.Random) -> list[int]:
    """The curated outlets and about thirty synthetic ones, most-published first."""
    created, names = [], set()
    while len(created) < 30:
        name = f"{rng.choice(OUTLET_WORDS[0])} {rng.choice(OUTLET_WORDS[1])}"
        if name in names:
            continue
        names.add(name)
        created.append(
            Outlet(
                slug=f"{PREFIX}outlet-{len(created) + 1}",
                name=name,
                kind=rng.choice(Outlet.Kind.values),
                country=rng.choice([c for c, *_ in COUNTRIES]),
            )
        )
    Outlet.objects.bulk_create(created)
    ids = list(curated(Outlet.objects.all()).order_by("slug").values_list("id", flat=True))
    return ids + list(synthetic(Outlet.objects.all()).order_by("id").values_list("id", flat=True))


def _escalations(rng: random.Random) -> list[_Window]:
    """The escalations in the database plus one or two synthetic ones a year in the gaps, 2016–2026."""
    existing = list(Escalation.objects.order_by("start_date"))
    taken = [(e.start_date, e.end_date or e.start_date + dt.timedelta(days=60)) for e in existing]
    new = []
    for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
        for _ in range(rng.randint(1, 2)):
            start = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            end = start + dt.timedelta(days=rng.randint(3, 60))
            if end > LAST_DAY or any(
                start <= b + dt.timedelta(days=14) and a <= end + dt.timedelta(days=14) for a, b in taken
            ):
                continue
            taken.append((start, end))
            place = rng.choice(PLACES).replace("the ", "")
            new.append(
                Escalation(
                    slug=f"{PREFIX}escalation-{start.isoformat()}",
                    name=f"{rng.choice(ESCALATION_NAMES)} {place}, {MONTHS[start.month - 1]} {year}",
                    start_date=start,
                    end_date=end,
                    description="Synthetic escalation generated for scale tests.",
                )
            )
    Escalation.objects.bulk_create(new)
    return [
        _Window(e.start_date, e.end_date or e.start_date + dt.timedelta(days=60), e.pk)
        for e in Escalation.objects.order_by("start_date", "id")
    ]


def _codes() -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    for code in CameoCode.objects.order_by("code").values_list("code", flat=True):
        codes.setdefault(code[:2], []).append(code)
    needed = {kind.root for kind in EVENT_KINDS} | set(STATEMENT_ROOTS.items)
    missing = sorted(needed - set(codes))
    if missing:
        raise ValueError(f"the CAMEO codebook lacks the families {', '.join(missing)}: load fixtures/cameo.json first")
    return codes


def _cast(rng: random.Random, count: int, next_id: int) -> CastBuilder:
    """The curated actors in the database plus `count` synthetic ones (not yet written)."""
    builder = CastBuilder(rng=rng, next_id=next_id)
    existing = list(curated(Actor.objects.all()).order_by("slug"))
    parents = dict(Actor.objects.values_list("id", "affiliation_id"))
    aliases: dict[int, list[tuple[str, str]]] = {}
    for actor_id, name, kind in (
        ActorAlias.objects.filter(actor__in=[a.pk for a in existing])
        .order_by("actor", "name")
        .values_list("actor", "name", "kind")
    ):
        aliases.setdefault(actor_id, []).append((name, kind))
    for actor in existing:
        builder.add_existing(actor, aliases.get(actor.pk, []), parents)
    builder.build(count)
    return builder


def generate_corpus(
    spec: CorpusSpec,
    *,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
    fixture_dir: Path | None = None,
) -> CorpusReport:
    """Write the corpus `spec` describes.

    `progress` is called with the events written by each batch, `stage` with a line on what
    happens between batches (setting indexes aside, rebuilding them, VACUUM).
    """
    if spec.events < 1 or spec.batch_size < 1 or spec.events_per_article < 1 or spec.statements_per_event < 0:
        raise ValueError(
            "events, batch size and events per article must be positive, statements per event not negative"
        )
    stage = stage or (lambda line: None)
    began = time.perf_counter()
    report = CorpusReport(reference=load_reference_data(fixture_dir))
    rng = random.Random(spec.seed)
    ids = _next_ids()
    with transaction.atomic():
        codes = _codes()
        outlets = _outlets(rng)
        windows = _escalations(rng)
        cast = _cast(rng, spec.actor_count(), ids["actor"])
        Actor.objects.bulk_create(cast.actors)
        ActorAlias.objects.bulk_create(cast.aliases)
    report.created.update(
        actors=len(cast.actors), aliases=len(cast.aliases), outlets=len(outlets), escalations=len(windows)
    )
    writer = CorpusWriter(spec, rng, cast, outlets=outlets, windows=windows, codes=codes, next_ids=ids)
    written = 0
    # The counts (events/counts.py): one recount after the load, not a trigger per row.
    with counts.suspended(connection):
        with bulk_load(writer.now, stage) as loader:
            while written < spec.events:
                batch, in_batch = Batch(), 0
                while in_batch < spec.batch_size and written + in_batch < spec.events:
                    in_batch += writer.article(batch)
                loader.write(batch)
                written += in_batch
                report.created.update(batch.counts())
                if progress is not None:
                    progress(in_batch)
        stage("counting records per escalation, day and actor, and statements per speaker and kind (the counts)")
    report.created["outlets"] = synthetic(Outlet.objects.all()).count()
    report.created["escalations"] = synthetic(Escalation.objects.all()).count()
    stage("resetting sequences, VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    _after_bulk_load()
    report.seconds = time.perf_counter() - began
    return report


# Bulk loading -----------------------------------------------------------------------------


# The columns a load stamps with its time: every model's timestamps, and an article's import time.
STAMPS = ("created_at", "updated_at", "imported_at")


class BulkLoader:
    """Writes a Batch: COPY on PostgreSQL, executemany on SQLite, on Django's connection.

    The rows carry the columns of ROWS; each model's other columns get what bulk_create would
    have given them, computed once: the timestamps (STAMPS) get `now`, the rest their field
    default (prepared for the database by the field, as bulk_create does). An article's
    drafted_at stays empty: no importer drafted a synthetic text.
    """

    def __init__(self, now: dt.datetime):
        connection.ensure_connection()
        self.raw = connection.connection  # psycopg or sqlite3 connection: no per-row ORM work
        self.tables = []
        for name, model in MODELS.items():
            fields = {f.attname: f for f in model._meta.concrete_fields}
            rest = [f for f in model._meta.concrete_fields if f.attname not in ROWS[name] and not f.primary_key]
            tail = tuple(f.get_db_prep_save(now if f.attname in STAMPS else f.get_default(), connection) for f in rest)
            columns = ", ".join(connection.ops.quote_name(fields[n].column) for n in ROWS[name]) + "".join(
                f", {connection.ops.quote_name(f.column)}" for f in rest
            )
            self.tables.append((name, connection.ops.quote_name(model._meta.db_table), columns, tail))

    def write(self, batch: Batch) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Every batch given to write() is in the database once this returns."""


class PostgresLoader(BulkLoader):
    """COPY in a thread of its own, so the next batch is drawn while the database takes this one.

    The database side (span triggers, unique keys, full-text indexes) costs more than drawing
    the rows; with the two overlapped the load takes about as long as the slower of them.
    Django's connection is used by the copying thread only, until `close()`; at most two
    batches wait in the queue, so memory stays flat.
    """

    def __init__(self, now: dt.datetime):
        super().__init__(now)
        self.queue: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._copy_batches, name="generate_corpus COPY", daemon=True)
        self.thread.start()

    def write(self, batch: Batch) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(batch)

    def close(self) -> None:
        """Wait for the queued batches; raises what the copying thread failed with."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def _copy_batches(self) -> None:
        while (batch := self.queue.get()) is not None:
            if self.error is not None:
                continue  # drain, so that write() and close() never wait on a dead thread
            try:
                self._copy(batch)
            except BaseException as error:  # handed to the main thread
                self.error = error

    def _copy(self, batch: Batch) -> None:
        with self.raw.cursor() as cursor:
            for name, table, columns, tail in self.tables:
                rows = getattr(batch, name)
                if not rows:
                    continue
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    write = copy.write_row
                    for row in rows:
                        write(row + tail)


class SqliteLoader(BulkLoader):
    def write(self, batch: Batch) -> None:
        with transaction.atomic():
            for name, table, columns, tail in self.tables:
                rows = getattr(batch, name)
                if rows:
                    marks = ", ".join("?" * (len(rows[0]) + len(tail)))
                    self.raw.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", [r + tail for r in rows])


@contextmanager
def bulk_load(now: dt.datetime, stage: Callable[[str], None]) -> Iterator[BulkLoader]:
    """The loader for this database, with the database set up for a bulk load and restored after.

    PostgreSQL: the whole load is one transaction. Inside it the secondary B-tree indexes
    and the foreign keys of the bulk-loaded tables are set aside (dropped) and, after the
    last row, created again from their own definitions (pg_get_indexdef,
    pg_get_constraintdef): one sort per index instead of one insertion per row, and one join
    per foreign key (which checks every row, as the per-row checks would have) instead of one
    lookup per row. Unique and primary keys, CHECK constraints and the span triggers stay in
    place and check every row as it arrives. The GIN full-text indexes stay too: their cost
    is to_tsvector over each text, the same whether built after or kept during the load, and
    during the load it overlaps with drawing the rows. The DROP is transactional: if the
    load fails or is interrupted, everything rolls back, the indexes and foreign keys
    included, and the tables are as they were. The transaction holds exclusive locks on
    these tables until it ends: run it on a database of its own.

    SQLite: one transaction per batch, with synchronous=OFF and a larger page cache for the
    load (a crash can lose the last batches of a corpus that is regenerated at will, and
    the settings are restored after).
    """
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Commit without waiting for the WAL flush (this transaction only), and sort the
                # rebuilt indexes in memory.
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                # A foreign key cannot be dropped while checks of it are pending (rows written
                # earlier in an enclosing transaction: a dry run, a test): run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                indexes, foreign_keys = _set_aside(cursor)
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares them
            stage(f"set aside {len(indexes)} indexes and {len(foreign_keys)} foreign keys until the rows are in")
            loader = PostgresLoader(now)
            try:
                yield loader
            except BaseException:
                with suppress(BaseException):  # the error being raised is the one to report
                    loader.close()
                raise
            loader.close()
            stage(f"rebuilding {len(indexes)} indexes and {len(foreign_keys)} foreign keys")
            with connection.cursor() as cursor:
                for _, definition in indexes:
                    cursor.execute(definition)
                for table, name, definition in foreign_keys:
                    cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
    elif connection.vendor == "sqlite":
        if connection.in_atomic_block:  # a dry run or a test: SQLite refuses the pragma in a transaction
            yield SqliteLoader(now)
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            synchronous = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size")
            cache_size = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
        try:
            yield SqliteLoader(now)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
    else:
        raise NotImplementedError(f"generate_corpus has no bulk loader for {connection.vendor}")


def _set_aside(cursor) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """Drop the secondary indexes and foreign keys of the bulk tables; returns how to recreate them.

    Only B-tree indexes that enforce nothing: not primary, not unique, backing no constraint.
    Names and tables come back quoted, ready for SQL.
    """
    tables = [model._meta.db_table for model in MODELS.values()]
    cursor.execute(
        """
        SELECT quote_ident(ic.relname), pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indrelid
        JOIN pg_class ic ON ic.oid = i.indexrelid
        WHERE c.relname = ANY(%s) AND pg_table_is_visible(c.oid)
          AND NOT i.indisprimary AND NOT i.indisunique AND ic.relam = (SELECT oid FROM pg_am WHERE amname = 'btree')
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
        ORDER BY ic.relname
        """,
        [tables],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        """
        SELECT quote_ident(c.relname), quote_ident(k.conname), pg_get_constraintdef(k.oid)
        FROM pg_constraint k
        JOIN pg_class c ON c.oid = k.conrelid
        WHERE k.contype = 'f' AND c.relname = ANY(%s) AND pg_table_is_visible(c.oid)
        ORDER BY c.relname, k.conname
        """,
        [tables],
    )
    foreign_keys = cursor.fetchall()
    for table, name, _ in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return indexes, foreign_keys


def _after_bulk_load() -> None:
    """Sequences past the ids assigned here (PostgreSQL), and fresh planner statistics."""
    tables = [m._meta.db_table for m in (Actor, ActorAlias, DayCount, ReactionCount, *MODELS.values())]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Actor, Article, Event, Statement]):
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            # After millions of inserts the planner's row estimates are stale until autovacuum
            # gets round to it; VACUUM also fills the visibility map that index-only scans need.
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            cursor.execute(f"{verb} {', '.join(tables)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


# Article files for the import benchmark ---------------------------------------------------


def article_files(count: int, *, seed: int = 1, prefix: str = f"{PREFIX}import-") -> Iterator[tuple[str, str]]:
    """(file name, text) of `count` generated seed files, in the seed format, without a database.

    The texts come from the same writer as the corpus, with an in-memory cast.
    """
    rng = random.Random(seed)
    cast = CastBuilder(rng=rng, next_id=1)
    cast.build(300)
    codes = {root: [root] for root in {kind.root for kind in EVENT_KINDS} | set(STATEMENT_ROOTS.items)}
    windows = [
        _Window(dt.date(2020, 9, 27), dt.date(2020, 11, 10), 1),
        _Window(dt.date(2023, 9, 19), dt.date(2023, 9, 20), 2),
    ]
    spec = CorpusSpec(events=count * 5, seed=seed)
    writer = CorpusWriter(
        spec, rng, cast, outlets=[], windows=windows, codes=codes, next_ids={"article": 1, "event": 1, "statement": 1}
    )
    for n in range(1, count + 1):
        batch = Batch()
        writer.article(batch)
        yield f"{prefix}{n:06d}.txt", batch.articles[0][ROWS["articles"].index("body")]
