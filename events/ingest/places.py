"""Place mentions in text: which place, under which of its names (which side's), and how precisely.

"near the village of Sotk" is Sotk, precision "near"; "in Stepanakert, which Azerbaijan calls
Khankendi" is two mentions of one place, the first under its Armenian name and the second under
its Azerbaijani one; "in Syunik province" is the province (precision "region"); "Armenia" is a
country (precision "country").

Pure Python. A PlaceMatcher is built once from entries (key, canonical name, kind, curated,
names as (name, language, usage)): the places data (events/ingest/placedata.py) or the database's
rows. Finding mentions reads the text's capitalised word runs and looks their word n-grams up in
a dict (longest first), so its cost grows with the text, not with the number of names.

A name two places share is resolved to the curated place when only one of them is curated (the
team's Khojavend over a GeoNames village of that name), and left out otherwise (two villages
named Vardenis): a mention linked to the wrong place is worse than none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from events.ingest.placedata import Places

MAX_WORDS = 5
# A word that may start or continue a place name: a capital (Latin, with the Azerbaijani and
# Turkish letters) and then letters, apostrophes or inner hyphens ("Step'anakert", "Nagorno-Karabakh").
_WORD = re.compile(r"[^\W\d_][\w’'ʼ]*(?:-[^\W\d_][\w’'ʼ]*)*")
_NEAR = re.compile(
    r"(?:\bnear|\bnearby|\bclose to|\boutskirts of|\bvicinity of|\bdirection of|\bapproaches to|\bborder with"
    r"|\bkm (?:from|of))"
    r"(?:\s+the)?(?:\s+(?:village|town|city|settlement|community|border)s?)?(?:\s+of)?\s*$",
    re.IGNORECASE,
)
# Lower-case words that may continue a name: "Tigranakert of Artsakh", "Lachin district", "Lachin corridor".
_CONTINUATIONS = frozenset(
    {
        "of",
        "district",
        "region",
        "province",
        "corridor",
        "checkpoint",
        "bridge",
        "reservoir",
        "airport",
        "road",
        "highway",
    }
)
# The gaps allowed between the words of a name, as fold() writes them.
_GAPS = {" ": " ", "-": "-", "–": "-"}
_GAP = re.compile(r"[ \-–]")
# A word that may start a name: a capital letter not inside a word.
_CAPITALISED = re.compile(r"(?<![\w’'ʼ-])[^\W\d_a-zà-ÿ][\w’'ʼ]*(?:-[^\W\d_][\w’'ʼ]*)*")
_FIGURATIVE = re.compile(
    r"\s*(?:has|have|had|is|was|will|would|says?|said|accuse[sd]?|claim(?:s|ed)?|insist(?:s|ed)?|den(?:y|ies|ied)|"
    r"wants?|wanted|calls?|called|reject(?:s|ed)?|warn(?:s|ed)?|demand(?:s|ed)?|urge[sd]?|responded|hopes?|believes?)\b"
)
PRECISION_OF_KIND = {"country": "country", "region": "region", "district": "region"}


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    text: str
    key: str  # the place's key in the entries (a slug, or a database id as a string)
    place: str  # the place's canonical name
    kind: str
    language: str  # of the name used ("" when unknown)
    usage: str  # whose name it is: armenian, azerbaijani, russian, international, historical
    precision: str  # exact, near, region, country
    # "Baku said", "Yerevan has accused": the place stands for its government, and says nothing
    # about where anything happened (events are not placed by such a mention).
    figurative: bool = False


@dataclass(frozen=True)
class _Sense:
    key: str
    place: str
    kind: str
    curated: bool
    language: str
    usage: str


def fold(text: str) -> str:
    """The form names are compared in: case-folded, accents and Azerbaijani letters to plain Latin
    ("Xankəndi" and "Xankandi", "Şuşa" and "Susa"), apostrophes and dashes dropped or unified."""
    text = text.replace("ə", "a").replace("Ə", "A").replace("ı", "i").replace("İ", "I")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[’'ʼ`]", "", text).replace("–", "-").replace("—", "-")
    return " ".join(text.casefold().split()).replace(" - ", "-")


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    return fold(word)


class PlaceMatcher:
    def __init__(self, index: dict[str, _Sense]):
        self._index = index
        # Every word-prefix of a name ("nagorno-karabakh", "lachin", "lachin district"): a run of
        # words that is no prefix stops the lookup at once.
        self._prefixes = {" ".join(name.split(" ")[:n]) for name in index for n in range(1, name.count(" ") + 2)}

    @classmethod
    def from_entries(
        cls, entries: Iterable[tuple[str, str, str, bool, Iterable[tuple[str, str, str]]]]
    ) -> PlaceMatcher:
        senses: dict[str, dict[str, _Sense]] = {}
        for key, name, kind, curated, names in entries:
            names = list(names)
            if not any(n == name for n, _, _ in names):
                names.insert(0, (name, "en", "international"))
            for surface, language, usage in names:
                folded = fold(surface)
                if folded and len(folded.split()) <= MAX_WORDS:
                    senses.setdefault(folded, {}).setdefault(key, _Sense(key, name, kind, curated, language, usage))
        index = {}
        for folded, by_key in senses.items():
            candidates = list(by_key.values())
            if len(candidates) > 1:
                candidates = [s for s in candidates if s.curated]
            if len(candidates) == 1:
                index[folded] = candidates[0]
        return cls(index)

    @classmethod
    def from_places(cls, places: Places) -> PlaceMatcher:
        return cls.from_entries(
            (p.slug, p.name, p.kind, p.curated, [(n.name, n.language, n.usage) for n in p.all_names()])
            for p in places.places
        )

    def find(self, text: str) -> list[PlaceMention]:
        """The place mentions of `text`, in order, none overlapping (the longest name wins)."""
        mentions: list[PlaceMention] = []
        position = 0
        for match in _CAPITALISED.finditer(text):
            start = match.start()
            if start < position or _fold_word(match.group()) not in self._prefixes:
                continue  # inside the previous mention, or no name starts with this word
            found = self._longest(text, match)
            if found is None:
                continue
            end, sense = found
            mentions.append(
                PlaceMention(
                    start=start,
                    end=end,
                    text=text[start:end],
                    key=sense.key,
                    place=sense.place,
                    kind=sense.kind,
                    language=sense.language,
                    usage=sense.usage,
                    precision=self._precision(text, start, sense.kind),
                    figurative=_FIGURATIVE.match(text, end) is not None,
                )
            )
            position = end
        return mentions

    def _longest(self, text: str, first: re.Match) -> tuple[int, _Sense] | None:
        """The end and the sense of the longest name that starts with the word `first`."""
        best, key, word = None, "", first
        for n in range(MAX_WORDS):
            if n:
                gap = _GAP.match(text, word.end())
                word = gap and _WORD.match(text, gap.end())
                if not word or not (word.group()[0].isupper() or word.group() in _CONTINUATIONS):
                    break
                key += _GAPS[gap.group()]
            key += _fold_word(word.group())
            if key not in self._prefixes:
                break
            sense = self._index.get(key)
            if sense is not None:
                best = (word.end(), sense)
        return best

    @staticmethod
    def _precision(text: str, start: int, kind: str) -> str:
        precision = PRECISION_OF_KIND.get(kind, "exact")
        if precision == "exact" and _NEAR.search(text[max(0, start - 60) : start]):
            return "near"
        return precision


def find_places(text: str, places: Places) -> list[PlaceMention]:
    """The mentions of `places` in `text` (builds the matcher: keep a PlaceMatcher for many texts)."""
    return PlaceMatcher.from_places(places).find(text)
