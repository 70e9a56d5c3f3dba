"""Find date expressions and resolve them against the publication date.

Each phrase keeps its text, span, the rule that resolved it, the value and a precision
from dates.py; a fuzzy value is the first day of its period ("last month" in an article
of 4 August 2022 is 2022-07-01, month precision). Without a publication date only
absolute dates ("27 September 2020", "in 2020") resolve.

Relative days look back: "on Thursday" in an article of Friday 5 August 2022 is the most
recent Thursday on or before publication (4 August), and "on August 3" without a year is
the most recent 3 August on or before publication.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from events.ingest.dates import APPROXIMATE, DAY, MONTH, SEASON, YEAR
from events.ingest.gazetteer import WordScan, lower_same_length
from events.ingest.records import DatePhrase

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "several": 3}  # fmt: skip

# Month names must be capitalised ("May", "March" are also ordinary words).
_MONTH = (
    r"(?P<month>(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?|"
    r"January|February|March|April|May|June|July|August|September|October|November|December)"
)
_DAY = r"(?P<day>[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>1[89][0-9]{2}|20[0-9]{2})"
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"

Resolver = Callable[[re.Match, dt.date | None], tuple[dt.date, str] | None]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    resolve: Resolver
    anchors: frozenset[str]  # the kinds of word that can occur in a phrase this rule matches
    reach: int  # how many words a match may start before such a word


def _rule(name: str, pattern: str, anchors: str, reach: int, flags: int = 0) -> Callable[[Resolver], Rule]:
    def register(resolve: Resolver) -> Rule:
        return Rule(name, re.compile(pattern, flags), resolve, frozenset(anchors.split()), reach)

    return register


def _month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _shift_month(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _season_start(day: dt.date) -> dt.date:
    """First day of the meteorological season containing `day`."""
    month = 12 if day.month == 12 else (day.month // 3) * 3 or 12
    year = day.year - 1 if day.month in (1, 2) else day.year
    return dt.date(year, month, 1)


def _latest_on_or_before(published: dt.date, month: int, day: int) -> dt.date | None:
    for year in (published.year, published.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= published:
            return candidate
    return None


def _month(match: re.Match) -> int:
    return MONTHS[match.group("month").rstrip(".").lower()]


@_rule("day-month-year", rf"\b{_DAY}\s+{_MONTH}(?:,)?\s+{_YEAR}\b", "month", 1)
def _day_month_year(match, published):
    return dt.date(int(match.group("year")), _month(match), int(match.group("day"))), DAY


@_rule("month-day-year", rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", "month", 0)
def _month_day_year(match, published):
    return dt.date(int(match.group("year")), _month(match), int(match.group("day"))), DAY


@_rule("day-month", rf"\b{_DAY}\s+{_MONTH}(?!\w)", "month", 1)
def _day_month(match, published):
    return published and (_latest_on_or_before(published, _month(match), int(match.group("day"))), DAY)


@_rule("month-day", rf"\b{_MONTH}\s+{_DAY}\b(?!,?\s*[0-9])", "month", 0)
def _month_day(match, published):
    return published and (_latest_on_or_before(published, _month(match), int(match.group("day"))), DAY)


@_rule("month-year", rf"\b(?:in\s+|since\s+)?{_MONTH}\s+(?:of\s+)?{_YEAR}\b", "month", 1)
def _month_year(match, published):
    return _month_start(int(match.group("year")), _month(match)), MONTH


@_rule("in-month", rf"\b(?:(?:in|since|during|until|by|early|late)\s+|mid-){_MONTH}(?!\s*[0-9])(?!\w)", "month", 1)
def _in_month(match, published):
    if not published:
        return None
    month = _month(match)
    year = published.year if month <= published.month else published.year - 1
    return _month_start(year, month), MONTH


@_rule("part-of-month", rf"\b(?:end|beginning|start|middle)\s+of\s+{_MONTH}(?!\s*[0-9])(?!\w)", "month", 2)
def _part_of_month(match, published):
    return _in_month.resolve(match, published)


@_rule("as-recently-as-year", rf"\b(?:recently|late|early)\s+as\s+{_YEAR}\b", "year", 2)
def _as_recently_as_year(match, published):
    return dt.date(int(match.group("year")), 1, 1), YEAR


@_rule("since-year", rf"\bsince\s+{_YEAR}\b", "year", 1)
def _since_year(match, published):
    return dt.date(int(match.group("year")), 1, 1), YEAR


@_rule("in-year", rf"\b(?:in|during|by|until|from|of|before|after)\s+(?:(?:early|mid|late)[- ])?{_YEAR}\b", "year", 2)
def _in_year(match, published):
    return dt.date(int(match.group("year")), 1, 1), YEAR


@_rule("weekday", rf"\b(?:(?:earlier|later|late|early)\s+)?(?:on\s+)?{_WEEKDAY}{_PART}\b", "weekday", 2, re.I)
def _weekday(match, published):
    if not published or not match.group("weekday")[0].isupper():
        return None
    back = (published.weekday() - WEEKDAYS[match.group("weekday").lower()]) % 7
    return published - dt.timedelta(days=back), DAY


@_rule("last-weekday", rf"\blast\s+{_WEEKDAY}\b", "weekday", 1)
def _last_weekday(match, published):
    if not published:
        return None
    back = (published.weekday() - WEEKDAYS[match.group("weekday").lower()]) % 7 or 7
    return published - dt.timedelta(days=back), DAY


@_rule("yesterday", r"\b(?:yesterday|last\s+night)\b", "day daypart", 1, re.I)
def _yesterday(match, published):
    return published and (published - dt.timedelta(days=1), DAY)


@_rule("today", r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening))\b", "day daypart", 1, re.I)
def _today(match, published):
    return published and (published, DAY)


@_rule("ago", r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|[0-9]+)\s+"
       r"(?P<unit>day|week|month|year)s?\s+ago\b", "days weeks months years", 1, re.I)  # fmt: skip
def _ago(match, published):
    if not published:
        return None
    n = match.group("n").lower()
    n = int(n) if n.isdigit() else NUMBERS[n]
    unit = match.group("unit").lower()
    if unit == "day":
        return published - dt.timedelta(days=n), DAY
    if unit == "week":
        return published - dt.timedelta(weeks=n), APPROXIMATE
    if unit == "month":
        return _shift_month(published, -n), MONTH
    return dt.date(published.year - n, 1, 1), YEAR


@_rule("week", r"\b(?:(?:earlier|later)\s+)?(?P<which>last|this|next)\s+week\b", "weeks", 2, re.I)
def _week(match, published):
    # There is no week precision: the middle of that week, give or take (approximate).
    if not published:
        return None
    monday = published - dt.timedelta(days=published.weekday())
    offset = {"last": -7, "this": 0, "next": 7}[match.group("which").lower()]
    return monday + dt.timedelta(days=offset + 3), APPROXIMATE


@_rule("month-relative", r"\b(?:(?:earlier|later)\s+)?(?P<which>last|this|next)\s+month\b", "months", 2, re.I)
def _month_relative(match, published):
    offset = {"last": -1, "this": 0, "next": 1}[match.group("which").lower()]
    return published and (_shift_month(published, offset), MONTH)


@_rule(
    "season",
    r"\b(?:(?:earlier|later)\s+)?(?P<which>last|this|next)\s+(?P<season>spring|summer|autumn|fall|winter)\b",
    "season",
    2,
    re.I,
)
def _season(match, published):
    if not published:
        return None
    month = SEASONS[match.group("season").lower()]
    which = match.group("which").lower()
    current = _season_start(published)
    # "this summer" is the summer of the publication year (winter: the one that began in December).
    year = published.year - 1 if month == 12 and published.month <= 2 else published.year
    start = dt.date(year, month, 1)
    if which == "last" and start >= current:
        start = dt.date(year - 1, month, 1)
    elif which == "next" and start <= current:
        start = dt.date(year + 1, month, 1)
    return start, SEASON


@_rule("year-relative", r"\b(?:(?:earlier|later)\s+)?(?P<which>last|this|next)\s+year\b", "years", 2, re.I)
def _year_relative(match, published):
    offset = {"last": -1, "this": 0, "next": 1}[match.group("which").lower()]
    return published and (dt.date(published.year + offset, 1, 1), YEAR)


# Tried in this order; where two phrases overlap the longer one wins.
RULES = [
    _day_month_year, _month_day_year, _month_year, _day_month, _month_day, _in_month, _part_of_month,
    _since_year, _as_recently_as_year, _in_year, _last_weekday, _weekday, _yesterday, _today, _ago,
    _week, _month_relative, _season, _year_relative,
]  # fmt: skip

# One fast pass over the lower-cased text finds the words every phrase must contain; the
# rules are then tried only at the few words just before each of them.
_ANCHOR_WORDS = {
    "month": [*MONTHS],
    "weekday": [*WEEKDAYS],
    "day": ["yesterday", "today", "tonight"],
    "daypart": ["night", "morning", "afternoon", "evening"],
    "days": ["day", "days"],
    "weeks": ["week", "weeks"],
    "months": ["month", "months"],
    "years": ["year", "years"],
    "season": [*SEASONS],
}
_KIND_OF = {word: kind for kind, words in _ANCHOR_WORDS.items() for word in words}
ANCHOR_WORDS = frozenset(_KIND_OF)
YEAR_PATTERN = "1[89][0-9][0-9]|20[0-9][0-9]"
_YEAR = re.compile(YEAR_PATTERN)
_ANCHOR = WordScan(_KIND_OF, extra=YEAR_PATTERN)
# Common words ("fall", "year", "evening") count only after the word that makes them a date.
_UNIT_GUARD = re.compile(
    r"\b(?:last|this|next|[0-9]+|an?|one|two|three|four|five|six|seven|eight|nine|ten|several)\s+$"
)
_GUARDS = {
    **{unit: _UNIT_GUARD for unit in ("days", "weeks", "months", "years")},
    "season": re.compile(r"\b(?:last|this|next)\s+$"),
    "daypart": re.compile(r"\b(?:last|this)\s+$"),
}


def _word_starts_before(text: str, lo: int, at: int) -> list[int]:
    """Where the two words before offset `at` begin (same line, after `lo`), then `at` itself."""
    starts = [at]
    lo = max(lo, text.rfind("\n", lo, at) + 1)
    while len(starts) < 3:
        end = starts[0]
        while end > lo and text[end - 1] in " ,":
            end -= 1
        if end == starts[0] or end <= lo:
            break
        space = text.rfind(" ", lo, end)
        starts.insert(0, space + 1 if space >= 0 else lo)
    return starts


_RULES_BY_KIND = {
    kind: [(order, rule) for order, rule in enumerate(RULES) if kind in rule.anchors]
    for kind in ("year", *_ANCHOR_WORDS)
}


def date_anchors(words: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """The (start, word) pairs of a scan (Gazetteer.scan_with) that anchor a date phrase: what
    find_dates reads of `words` (it skips the rest), so a range without any needs no call."""
    kinds, year = _KIND_OF, _YEAR.fullmatch  # _anchor_kind, inline: it runs for every word of the scan
    return [item for item in words if item[1] in kinds or (item[1][:1] in "12" and year(item[1]))]


def _anchor_kind(word: str) -> str | None:
    return _KIND_OF.get(word) or ("year" if word[:1] in "12" and _YEAR.fullmatch(word) else None)


def find_dates(
    text: str,
    start: int,
    end: int,
    published_on: dt.date | None,
    *,
    lower: str | None = None,
    words: Sequence[tuple[int, str]] | None = None,
) -> list[DatePhrase]:
    """Resolved date phrases in text[start:end], in order, never overlapping.

    `lower`: lower_same_length(text) when the caller has it, for a range that whitespace (or
    the text's edges) sets off from the rest. `words`: (start, word) pairs of the range found by a
    scan of ANCHOR_WORDS and YEAR_PATTERN among others (Gazetteer.scan_with; `lower` given).
    """
    if lower is None:
        lower, base = lower_same_length(text[start:end]), start
    else:
        base = 0
    low, stop = start - base, end - base
    candidates: list[tuple[int, int, int, str, dt.date, str]] = []
    for anchor_start, word in _ANCHOR.scan(lower, low, stop) if words is None else words:
        kind = _anchor_kind(word)
        if kind is None:
            continue  # another pass's word (Gazetteer.scan_with)
        guard = _GUARDS.get(kind)
        if guard and not guard.search(lower, max(low, anchor_start - 12), anchor_start):
            continue
        at = base + anchor_start
        starts = _word_starts_before(text, max(start, at - 24), at)
        for order, rule in _RULES_BY_KIND[kind]:
            for begin in starts[-rule.reach - 1 :]:
                match = rule.pattern.match(text, begin, end)
                if match and match.end() > at:
                    resolved = rule.resolve(match, published_on)
                    if resolved and resolved[0]:
                        candidates.append((match.start(), match.start() - match.end(), order, rule.name, *resolved))
    candidates.sort()
    phrases: list[DatePhrase] = []
    for m_start, negative_length, _, name, value, precision in candidates:
        m_end = m_start - negative_length
        if phrases and m_start < phrases[-1].end:
            continue
        phrases.append(DatePhrase(text[m_start:m_end], m_start, m_end, name, value, precision))
    return phrases
