"""What the synthetic corpus is drawn from: weighted choices, the words and phrases of its
articles, names, kinds of event and of statement. Written for the corpus, not copied from any source."""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Generic, TypeVar

from events.ingest import dates as fuzzy
from events.models import (
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


def zipf(items: Sequence[T], total: float, exponent: float = 0.8) -> list[tuple[T, float]]:
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
