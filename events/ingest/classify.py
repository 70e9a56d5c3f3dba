"""Give a statement a CAMEO code from its cue and its words, and name the rule that fired.

Rules are tried in order and the first match wins; "make statement" (010) is the fallback.
Each rule looks at the quotation, the cue verb, or the whole sentence around them (for
context such as "in a phone call" or "voiced concern"). Only codes present in the CAMEO
codebook (fixtures/cameo.csv) are used; the test suite checks that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from events.ingest.gazetteer import word_alternation

_DEESCALATION = (
    r"de-?escalat\w*|cease-?fire|truce|cease\s+(?:all\s+)?(?:hostilities|fire|fighting)|cessation\s+of\s+hostilities|"
    r"(?:end|halt|stop)\s+(?:to\s+)?(?:the\s+|all\s+)?(?:hostilities|fighting|violence|military\s+(?:operation|action)s?|shelling)|"
    r"(?:reduce|ease|defuse|lower)\s+(?:the\s+)?tensions?|restraint|avoid\s+(?:further\s+)?escalation"
)
_APPEAL = r"\b(?:urg\w*|call(?:s|ed|ing)?\s+(?:on|for|upon)|appeal\w*|ask\w*|plead\w*|implor\w*|encourag\w*)\b"


@dataclass(frozen=True)
class CameoRule:
    name: str
    code: str
    where: str  # "quote", "quote+cue" or "sentence"
    keys: frozenset[str]  # the regex runs only if one of these occurs in the lower-cased text
    pattern: re.Pattern


def _rule(name: str, code: str, where: str, keys: str, pattern: str) -> CameoRule:
    return CameoRule(name, code, where, frozenset(keys.split("|")), re.compile(pattern))


_CRITICISM = (
    "condemn|denounc|critici|slam|unacceptable|illegal|unjustifi|deplorable|outrageous|egregious|reckless|"
    "shameful|appalling"
)

# Tried in order; the first that fires gives the code.
RULES: tuple[CameoRule, ...] = (
    _rule(
        "deny",
        "016",
        "quote+cue",
        "den|reject",
        r"\b(?:den(?:y|ies|ied|ying)|rejects?\s+(?:the\s+)?(?:claims?|allegations?|accusations?))\b",
    ),
    _rule("accuse-war-crimes", "1124", "quote+cue", "war crime", r"\baccus\w*.*\bwar\s+crimes?\b"),
    _rule(
        "accuse-human-rights",
        "1122",
        "sentence",
        "accus",
        r"\baccus\w*\b.*\b(?:ethnic\s+cleansing|genocide|atrocit\w+|human\s+rights|massacre)",
    ),
    _rule(
        "accuse-aggression",
        "1123",
        "sentence",
        "accus",
        r"\baccus\w*\b.*\b(?:aggression|invasion|provocation|attack\w*)\b",
    ),
    _rule("accuse", "112", "quote+cue", "accus|blam", r"\b(?:accus\w*|blam\w*)\b"),
    _rule("demand-de-escalation", "1056", "quote+cue", "demand", rf"\bdemand\w*\b.*(?:{_DEESCALATION})"),
    _rule("demand-meeting", "106", "quote+cue", "demand", r"\bdemand\w*\b.*\b(?:talks|negotiat\w+|meeting)\b"),
    _rule("demand", "100", "quote+cue", "demand|insist", r"\b(?:demand\w*|insist\w*\s+that)\b"),
    _rule("demand-must", "100", "sentence", "must", r"\bsaid\s+that\s+\w+(?:\s+\w+)?\s+must\b"),
    _rule(
        "appeal-de-escalation",
        "0256",
        "sentence",
        "urg|call|appeal|ask|plead|implor|encourag",
        rf"{_APPEAL}.*(?:{_DEESCALATION})|(?:{_DEESCALATION}).*{_APPEAL}",
    ),
    _rule(
        "appeal-settle",
        "027",
        "quote+cue",
        "settle|peace",
        r"\b(?:need\s+for|urg\w*|call\w*\s+(?:on|for))\b.*\b(?:settlement|settle|peace\s+(?:deal|treaty|agreement))\b",
    ),
    _rule("criticize", "111", "quote+cue", _CRITICISM, rf"\b(?:{_CRITICISM})"),
    _rule(
        "telephone",
        "041",
        "sentence",
        "phone|call with|spoke by",
        r"\b(?:(?:tele)?phone(?:d)?|by\s+phone|phone\s+call|call\s+with|spoke\s+by)\b",
    ),
    _rule(
        "intent-to-mediate",
        "039",
        "quote",
        "mediat|facilitat|good offices",
        r"\b(?:mediat\w+|facilitate\s+(?:the\s+)?(?:dialogue|talks|negotiations)|good\s+offices)\b",
    ),
    _rule(
        "intent-to-meet",
        "036",
        "quote+cue",
        " to meet| to talk| to negotiate| to engage| to hold talks| to sit down",
        r"\b(?:ready|willing|prepared|plan(?:s|ning)?|intend\w*|will|hope)\s+to\s+(?:meet|talk|negotiate|engage|hold\s+talks|sit\s+down)\b",
    ),
    _rule(
        "praise",
        "051",
        "quote+cue",
        "prais|welcom|commend|applaud|hail|endors|thank|congratulat",
        r"\b(?:prais\w*|welcom\w*|commend\w*|applaud\w*|hail\w*|endors\w*|thank\w*|congratulat\w*)\b",
    ),
    _rule(
        "defend",
        "052",
        "quote",
        "forced to|defen|legitimate|sovereign|justified",
        r"\b(?:forced\s+to|right\s+to\s+defend|self-defen[cs]e|legitimate|sovereign\s+territory|justified)\b",
    ),
    _rule(
        "pessimistic",
        "012",
        "sentence",
        "concern|worr|alarm|troubl|fear",
        r"\b(?:concern\w*|worr\w+|alarm\w*|troubl\w+|fear\w*)\b",
    ),
)
FALLBACK = ("make-statement", "010")

# One scan finds every key present (a lookahead, so keys may overlap); a key found also
# implies the keys it starts with ("call with" -> "call").
_ALL_KEYS = sorted({key for rule in RULES for key in rule.keys})
# The alternation without the lookahead, searched again from the position after each hit: the
# same hits (every position where a key starts, with the same key), but the regex engine can
# skip to the next character that starts a key instead of trying the lookahead everywhere.
_KEY_SCAN = re.compile(f"({word_alternation(_ALL_KEYS)})")
_IMPLIED = {key: frozenset(k for k in _ALL_KEYS if key.startswith(k)) for key in _ALL_KEYS}


@lru_cache(maxsize=256)
def _cue_keys(cue: str) -> frozenset[str]:
    """Keys in a cue word (a small, closed vocabulary, hence the cache)."""
    return frozenset(_keys_in(cue))


def _keys_in(text: str) -> set[str]:
    found: set[str] = set()
    search, at = _KEY_SCAN.search, 0
    while match := search(text, at):
        found |= _IMPLIED[match.group(1)]
        at = match.start() + 1
    return found


def classify(quote: str, cue: str = "", sentence: str = "") -> tuple[str, str]:
    """(CAMEO code, rule name) for a statement; `sentence` defaults to the cue and the quotation."""
    cue = cue.lower()
    quote = quote.lower()
    quote_cue = f"{cue} {quote}"
    lower_sentence = sentence.lower() if sentence else quote_cue
    # The sentence holds the quotation (and the cue, unless borrowed from another sentence):
    # its keys are the first filter for all three texts. No key (most statements): no rule can fire.
    keys = _keys_in(lower_sentence) | _cue_keys(cue)
    if not keys:
        return FALLBACK[1], FALLBACK[0]
    texts = {"quote": quote, "quote+cue": quote_cue, "sentence": lower_sentence}
    for rule in RULES:
        if not rule.keys.isdisjoint(keys) and rule.pattern.search(texts[rule.where]):
            return rule.code, rule.name
    return FALLBACK[1], FALLBACK[0]
