"""Which statements of an article are about which of its drafted events, and with what stance.

A statement is linked to an event when its sentence or its paragraph names the event's place,
its date (the event's date phrase) or its type (a word of the event's family). Each match
scores (place 2, date 2, type 1); a statement is linked to the events with its best score only,
so a paragraph about one shelling does not link its statements to every event of the article.

The stance comes from the statement: a denial in its words or cue ("denied", "false") denies;
its CAMEO code (classify.py) condemns (111, 1121…), blames (112…) or calls for (02…, 10…); a
speaker the article credits with reporting the event claims it; anything else responds.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from events.ingest.eventdraft import DraftedEvent
from events.ingest.eventtypes import STEMS
from events.ingest.gazetteer import lower_same_length
from events.ingest.records import ExtractedStatement, ParsedArticle

CLAIMS, DENIES, CONDEMNS, BLAMES, CALLS_FOR, RESPONDS = (
    "claims",
    "denies",
    "condemns",
    "blames",
    "calls_for",
    "responds",
)

_DENIAL = re.compile(r"\b(?:den(?:y|ies|ied|ying)|false|fake|fabricat\w*|disinformation|untrue|baseless|refut\w*)\b")
# Words of each family a statement may use for an event ("the attack", "this aggression").
_FAMILY_WORDS = {
    "fight": "attack shell strike fight clash offensive operation aggression hostilit fire bombard",
    "air-strike": "strike missile drone bomb attack air",
    "violation": "violat ceasefire truce provocation",
    "ceasefire": "ceasefire truce cessation",
    "seizure": "captur seiz occup liberat control",
    "blockade": "blockad corridor road closure",
    "agreement": "agreement deal accord signed",
    "talks": "talks meeting negotiat met call",
    "displacement": "exodus refugee displac flee fled evacuat cleansing",
    "aid": "aid humanitarian convoy",
    "protest": "protest rally demonstrat",
    "arrest": "arrest detain",
    "mobilisation": "mobilis mobiliz martial",
}


@dataclass(frozen=True)
class EventLink:
    statement: int  # index in extraction.statements
    event: int  # index in the drafted events
    stance: str
    rule: str  # what the statement's text named: "place", "date", "type", joined by "+"


@functools.cache
def _words_pattern(words: str) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words.split())) + ")")


def _names(text: str, words: str) -> bool:
    return bool(words) and _words_pattern(words).search(text) is not None


def stance_of(statement: ExtractedStatement, event: DraftedEvent) -> str:
    words = f"{statement.quote} {statement.cue}".lower()
    if _DENIAL.search(words):
        return DENIES
    code = statement.cameo or ""
    if code.startswith("111") or code.startswith("1121"):
        return CONDEMNS
    if code.startswith("112"):
        return BLAMES
    if code.startswith(("02", "10")):
        return CALLS_FOR
    if statement.speaker is not None and statement.speaker.actor_key in event.reported_by:
        return CLAIMS
    return RESPONDS


def link_statements(
    parsed: ParsedArticle, statements: tuple[ExtractedStatement, ...], events: tuple[DraftedEvent, ...]
) -> list[EventLink]:
    """The links between an article's statements and its drafted events (see the module docstring)."""
    if not statements or not events:
        return []
    text = parsed.text
    lower = lower_same_length(text)
    starts = [p.start for p in parsed.paragraphs]
    links: list[EventLink] = []
    for i, statement in enumerate(statements):
        if not starts or statement.start < starts[0]:
            continue
        paragraph = parsed.paragraphs[bisect.bisect_right(starts, statement.start) - 1]
        here = lower[paragraph.start : max(paragraph.end, statement.end)]
        scored = []
        for k, event in enumerate(events):
            named = []
            if event.place and event.place.lower() in here:
                named.append("place")
            if event.date_phrase and event.date_phrase.lower() in here:
                named.append("date")
            if _names(here, _FAMILY_WORDS.get(event.family, STEMS.get(event.rule, ""))):
                named.append("type")
            score = 2 * ("place" in named) + 2 * ("date" in named) + ("type" in named)
            if score:
                scored.append((score, -abs(event.start - statement.start), k, named))
        if not scored:
            continue
        best = max(s[0] for s in scored)
        for score, _, k, named in scored:
            if score == best:
                links.append(EventLink(i, k, stance_of(statement, events[k]), "+".join(named)))
    return links
