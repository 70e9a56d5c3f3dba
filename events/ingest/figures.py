"""Fatalities and injured as an article reports them, parsed to low / best / high (UCDP style).

"kills twelve civilians and injures more than 40", "at least 200 soldiers died", "dozens of
people were wounded", "two of its servicemen were killed", "the death toll rose to 68": each
figure keeps the words it was read from (`wording`), who it counts as written (`victims`),
the side those victims belong to when the figure names it, and three numbers:

- an exact number: low = best = high;
- "at least", "more than", "over": low = best = the number, no high;
- "nearly", "almost", "up to", "as many as", "fewer than": best = high = the number, no low;
- "about", "around", "some", "roughly": best only;
- a word with no number ("dozens", "hundreds", "several"): the range the word allows
  (dozens: 24 to 99, best 24), the lowest reading as best, as UCDP does with vague reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KILLED, INJURED = "killed", "injured"

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "a dozen": 12, "dozen": 12,
}  # fmt: skip
# Words that give a range and no number: (low, best, high); None: open.
_VAGUE = {
    "dozens": (24, 24, 99), "scores": (40, 40, None), "hundreds": (200, 200, 999),
    "thousands": (2000, 2000, None), "several": (3, 3, 9), "a few": (2, 3, 5), "a number": (2, None, None),
}  # fmt: skip
_AT_LEAST = ("at least", "more than", "over", "upwards of", "no fewer than", "no less than")
_AT_MOST = ("nearly", "almost", "up to", "as many as", "fewer than", "less than", "at most", "under")
_ABOUT = ("about", "around", "some", "roughly", "approximately", "an estimated", "estimated", "close to")

_QUAL = "|".join(sorted((*_AT_LEAST, *_AT_MOST, *_ABOUT), key=len, reverse=True)).replace(" ", r"\s+")
_TENS = r"(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
_WORD_NUMBER = _TENS + r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
_NUMBER = (
    r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+|a\s+dozen|dozens|scores|hundreds|thousands|several|a\s+few|a\s+number"
    rf"|{_WORD_NUMBER}|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|an?)"
)
_PERSON = (
    r"(?:people|persons?|civilians?|soldiers?|servicem[ae]n|service\s+members?|servicemembers?|troops|fighters?"
    r"|militants?|peacekeepers?|officers?|policem[ae]n|police\s+officers?|children|child|women|woman|men|man"
    r"|residents?|villagers?|personnel|drivers?|journalists?|others|guards?|conscripts?|volunteers?|members?"
    r"|servicewomen|military|border\s+guards?|inhabitants|victims|individuals)"
)
_WHO = rf"(?P<who>(?:of\s+)?(?:[\w’'.-]+\s+){{0,3}}?{_PERSON})"
_DEAD = r"(?P<verb>killed|dead|died|die|wounded|injured|hurt|lost\s+their\s+lives)"
_HURT = (
    r"(?P<verb>killing|killed|kills|kill|injuring|injured|injures|wounding|wounded|wounds|claimed\s+the\s+lives\s+of)"
)

_BEFORE = re.compile(
    rf"\b(?:(?P<qual>{_QUAL})\s+)?(?P<num>{_NUMBER})(?:\s+{_WHO})?\s+(?:(?:were|was|have\s+been|had\s+been|has\s+been"
    rf"|are|is|being|reportedly|were\s+reportedly|have|had|also)\s+){{0,2}}{_DEAD}\b",
    re.IGNORECASE,
)
_AFTER = re.compile(
    rf"\b{_HURT}\s+(?:(?P<qual>{_QUAL})\s+)?(?P<num>{_NUMBER})(?:\s+{_WHO})?(?=\W|$)",
    re.IGNORECASE,
)
_TOLL = re.compile(
    rf"\b(?P<verb>death\s+toll|casualties|fatalities)\s+(?:has\s+|had\s+)?(?:rose\s+to|risen\s+to|rises\s+to|reached|stands\s+at"
    rf"|stood\s+at|climbed\s+to|of|at)\s+(?:(?P<qual>{_QUAL})\s+)?(?P<num>{_NUMBER})\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


@dataclass(frozen=True)
class Figure:
    """One reported count of dead or injured, as written, and what it says in numbers."""

    kind: str  # KILLED or INJURED
    wording: str  # "at least 200", "dozens", "twelve"
    victims: str  # "civilians", "Armenian soldiers", "" when the figure does not say
    low: int | None
    best: int | None
    high: int | None
    start: int
    end: int
    side: str = ""  # the actor key of the side the victims belong to, when the figure names it


def number_of(word: str) -> int | None:
    """The value of a number as written ("12", "1,200", "twelve", "forty-two"); None for a vague word."""
    word = " ".join(word.lower().replace("-", " ").split())
    if word.replace(",", "").isdigit():
        return int(word.replace(",", ""))
    if word in ("a", "an"):
        return 1
    if word in _UNITS:
        return _UNITS[word]
    parts = word.split()
    if len(parts) == 2 and parts[0] in _UNITS and parts[1] in _UNITS:
        return _UNITS[parts[0]] + _UNITS[parts[1]]
    return None


def estimate(qualifier: str, number: str) -> tuple[int | None, int | None, int | None]:
    """(low, best, high) of a number and the words before it (see the module docstring)."""
    qualifier = " ".join(qualifier.lower().split())
    vague = _VAGUE.get(" ".join(number.lower().split()))
    if vague is not None:
        return vague
    value = number_of(number)
    if value is None:
        return None, None, None
    if qualifier in _AT_LEAST:
        return value, value, None
    if qualifier in _AT_MOST:
        return None, value, value
    if qualifier in _ABOUT:
        return None, value, None
    return value, value, value


def find_figures(text: str, start: int, end: int) -> list[Figure]:
    """The counts of dead and injured reported in text[start:end], in order, never overlapping."""
    found: list[Figure] = []
    for pattern in (_AFTER, _BEFORE, _TOLL):
        for match in pattern.finditer(text, start, end):
            number, qualifier = match.group("num"), match.group("qual") or ""
            who = (match.groupdict().get("who") or "").strip()
            if number.lower() in ("a", "an") and not (who and not who.lower().endswith("s")):
                continue  # "a" counts one person only: "a soldier was killed", not "a strike killed"
            if _YEAR.fullmatch(number) and not qualifier:
                continue  # "in 2020 killed": a year
            low, best, high = estimate(qualifier, number)
            if best is None and low is None:
                continue
            verb = match.group("verb").lower()
            kind = INJURED if verb.startswith(("injur", "wound", "hurt")) else KILLED
            wording_start = match.start("qual") if match.group("qual") else match.start("num")
            if any(f.start < match.end() and match.start() < f.end for f in found):
                continue
            victims = who[3:] if who.lower().startswith("of ") else who
            found.append(
                Figure(
                    kind, text[wording_start : match.end("num")], victims, low, best, high, match.start(), match.end()
                )
            )
    found.sort(key=lambda f: f.start)
    return found
