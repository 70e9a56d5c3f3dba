"""Draft events from an article's sentences: what happened, when, who did it to whom, where, and the toll.

`draft_events(parsed, extraction)` reads the body sentence by sentence. A sentence reports
an event when one of the event words of eventtypes.py occurs in it outside a hedge ("called
for a ceasefire", "could attack", "did not shell" are no events). For each it drafts:

- the CAMEO code and family of the event word, and the rule that matched;
- the date, resolved as a statement's is (extract.py): the date phrase of the sentence
  nearest the event word, else a day-precise date earlier in the same paragraph, else the
  publication date marked approximate; phrase and rule are kept. "overnight" spans the
  night before the day it names (or before publication); "since Tuesday" starts then and
  is ongoing; "from 1 to 3 August" / "between ... and ..." gives a start and an end;
- participants from the actors the extractor found in the sentence (gazetteer mentions),
  with a role: named before the event word, the initiator; after it, the target ("by X"
  in a passive sentence, the initiator); after "brokered by" / "mediated by", the mediator;
  in talks and agreements, participants. An actor who only reports it ("X said", "according
  to X") is the claimant (`reported_by`), no participant;
- the place as written ("in Tartar", "near Lachin", "shelled Stepanakert");
- the dead and injured as reported (figures.py).

One incident written about in several sentences of an article is drafted once: a later
sentence of the same family and date adds its participants and any figure of a kind the
first had none of. The span of a draft is the first sentence that reports it.

Kept out of extract_article (whose speed is budgeted): the pipeline calls this on the
extraction it has, mentions and date phrases included.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field, replace

from events.ingest.dates import APPROXIMATE, DAY
from events.ingest.eventtypes import EVENT_WORDS, STEMS, VIOLENT, EventWord
from events.ingest.figures import Figure, find_figures
from events.ingest.gazetteer import lower_same_length, word_alternation
from events.ingest.records import DatePhrase, Extraction, Mention, ParsedArticle, Span
from events.ingest.segment import split_sentences

INITIATOR, TARGET, MEDIATOR, PARTICIPANT = "initiator", "target", "mediator", "participant"


@dataclass(frozen=True)
class Participant:
    actor_key: str
    name: str
    role: str


@dataclass(frozen=True)
class DraftedEvent:
    """An event one article reports, with the sentence (`start`, `end`) that reports it."""

    cameo: str
    family: str
    rule: str
    trigger: str  # the event word as written
    start: int
    end: int
    date: dt.date | None
    precision: str
    date_phrase: str = ""
    date_rule: str = ""
    end_date: dt.date | None = None
    end_precision: str = ""
    ongoing: bool = False
    participants: tuple[Participant, ...] = ()
    reported_by: tuple[str, ...] = ()  # actor keys of those the article says report it
    place: str = ""
    figures: tuple[Figure, ...] = ()
    sentences: tuple[Span, ...] = field(default=(), compare=False)  # every sentence of the article reporting it

    def role_of(self, role: str) -> list[str]:
        return [p.name for p in self.participants if p.role == role]

    @property
    def title(self) -> str:
        """A curator's working title: "Shelling: Armenia against Azerbaijan, in Tartar"."""
        label = self.rule.split(" (")[0].replace("-", " ")
        title = label[:1].upper() + label[1:]
        initiators, targets = self.role_of(INITIATOR), self.role_of(TARGET)
        others = self.role_of(PARTICIPANT) + self.role_of(MEDIATOR)
        who = ""
        if initiators and targets:
            who = f"{', '.join(initiators)} against {', '.join(targets)}"
        elif initiators or targets or others:
            who = ", ".join(initiators or targets or others)
        parts = [title + (f": {who}" if who else "")]
        if self.place:
            parts.append(f"in {self.place}")
        return ", ".join(parts)[:300]


# A hedge in the few words before the event word in its clause: appeals, threats, conditions,
# negation. A word set, not a pattern searched backwards: this runs for every event word found.
_HEDGES = frozenset(
    "urge urges urged urging demand demands demanded demanding appeal appeals appealed should must would could "
    "might may can will threaten threatens threatened threat if unless avoid prevent prevented preventing not no "
    "never without fear fears risk possible potential any refrain refrained hope hopes hoped ready prepared plan "
    "plans planned intend intends intended want wants wanted seek seeks seeking".split()
)
_CALLS = frozenset({"call", "calls", "called", "calling"})
_WORD = re.compile(r"[\w’'-]+")


def _hedged(lower: str, clause_start: int, at: int) -> bool:
    """Whether the clause before offset `at` hedges what follows ("called for a", "would not")."""
    words = _WORD.findall(lower, max(clause_start, at - 60), at)[-7:]
    for k, word in enumerate(words):
        if word in _HEDGES or (word in _CALLS and k + 1 < len(words) and words[k + 1] in ("for", "on", "to", "upon")):
            return True
    return False


_CLAUSE_BREAK = re.compile(r"[,;:—–(]|\b(?:and|but|while|after|before|as|when|which|who)\b")
# Who reports what: "X said", "according to X", "X accused Y of ...".
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|reported|reports|claimed|claims|announced|announces|accused|accuses|alleged|alleges"
    r"|stated|states|confirmed|confirms|denied|denies|blamed|blames|insisted|added|wrote|warned)\b"
)
_ACCORDING = re.compile(r"\b(?:according\s+to|per|citing|cited\s+by|quoted\s+by)\s+(?:the\s+)?$", re.IGNORECASE)
_MEDIATOR_BEFORE = re.compile(
    r"\b(?:brokered|mediated|hosted|facilitated)\s+by\s+(?:the\s+)?$|\b(?:mediation|help|auspices)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# After the event word, the start of what is reported about it or asked of others ("and called for the UN to").
_APPEAL = re.compile(r"\b(?:call(?:ed|s|ing)?\s+(?:for|on|upon)|urg(?:ed|es|ing)|appeal(?:ed|s)?)\b")
_SOURCE_PLACE = re.compile(r"\baccording\s+to\b[^,;]*$")
_THAT = re.compile(r"\bthat\b")
_SUBORDINATE = re.compile(r"\b(?:after|when|while|before|because|as\s+soon\s+as)\s", re.IGNORECASE)
_BROKER_AFTER = re.compile(r"-(?:brokered|mediated)\b", re.IGNORECASE)
_CLOSING_QUOTE = re.compile(r"[”\"’'],?\s*$")
_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|being|be|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_PASSIVE_RULES = frozenset({"casualties"})
# Places: a capitalised name after a preposition of place, or right after the event word.
_NAME = r"(?P<place>[A-Z][\w’'-]+(?:\s+(?:[A-Z][\w’'-]+|of|de|el)\b){0,3})"
_PLACE = re.compile(
    rf"\b(?:in|near|at|around|towards?|outside|across|along|on|into|inside|within|including)\s+(?:the\s+)?{_NAME}"
)
_OBJECT = re.compile(rf"\s+(?:of\s+)?(?:the\s+)?(?:city\s+of\s+|town\s+of\s+|village\s+of\s+)?{_NAME}")
_NOT_PLACES = frozenset(
    "January February March April May June July August September October November December Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday The A An This That It He She They We His Her Their Its Our "
    "Operation Reuters Twitter X Telegram Facebook Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
_ADJECTIVE = re.compile(r"\s+[a-z]")
_DEMONYM = re.compile(r"(?:ians?|ani|anis|eri|eris|ese|ish|ans)$")
_SCHEDULED = re.compile(
    r"\b(?:will\s+(?:be\s+held|take\s+place|convene|meet|open)|(?:is|are|was|were)\s+(?:scheduled|set|due)\s+(?:for|to)"
    r"|to\s+(?:be\s+held|convene))\b",
    re.IGNORECASE,
)
_OVERNIGHT = re.compile(r"\bovernight(?:\s+(?:into|to)\b)?", re.IGNORECASE)
_SINCE = re.compile(r"\bsince\s+$", re.IGNORECASE)
_RANGE_OPEN = re.compile(r"\b(?:from|between)\s+(?:the\s+)?$", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"^\s*(?:to|until|till|and|through|-|–)\s+(?:the\s+)?", re.IGNORECASE)


_RULE_INDEX = {word.rule.split(" (")[0]: k for k, word in enumerate(EVENT_WORDS)}
_WORDS_OF_STEM: dict[str, set[int]] = {}
for _rule_name, _stems in STEMS.items():
    for _stem in _stems.split():
        _WORDS_OF_STEM.setdefault(_stem, set()).add(_RULE_INDEX[_rule_name])
# The scan finds the longest stem at a place ("meeting", not "meet"): it stands for the shorter ones too.
for _stem, _indexes in _WORDS_OF_STEM.items():
    for _shorter, _theirs in list(_WORDS_OF_STEM.items()):
        if _stem != _shorter and _stem.startswith(_shorter):
            _indexes |= _theirs
# Stems begin words: "\W" lets the engine skip to the next non-word character (gazetteer.WordScan).
_STEM_SCAN = re.compile(rf"(?:^|\W)({word_alternation(_WORDS_OF_STEM)})")
_CASUALTIES = _RULE_INDEX["casualties"]


def _stems(lower: str) -> tuple[list[int], list[set[int]]]:
    """Where event stems begin in a lower-cased text, and the indexes in EVENT_WORDS each may begin."""
    starts, words = [], []
    for match in _STEM_SCAN.finditer(lower):
        starts.append(match.start(1))
        words.append(_WORDS_OF_STEM[match.group(1)])
    return starts, words


def _unhedged(lower: str, k: int, match: re.Match, breaks: list[int]) -> bool:
    """Whether no hedge of its clause precedes a match of EVENT_WORDS[k]; `breaks`: where the
    sentence's clauses begin (the ends of its clause breaks, in order)."""
    if not EVENT_WORDS[k].hedged:
        return True
    at = bisect.bisect_right(breaks, match.start()) - 1
    return not _hedged(lower, breaks[at] if at >= 0 else 0, match.start())


def _event_words(lower: str, candidates: list[int]) -> list[tuple[EventWord, re.Match]]:
    """The events of a lower-cased sentence, each as its event word: every word no hedge precedes
    (see _hedged), the earlier of two that overlap (at one place the word listed first in
    EVENT_WORDS, the more specific). Violence is one event per sentence, named by its most specific
    word ("killed in a missile attack": the attack; a casualty word only when nothing else names
    it); other families one each. A war is background, an event of its own. `candidates`: the
    indexes in EVENT_WORDS of the words whose stems the sentence holds."""
    raw = [(match.start(), k, match) for k in candidates for match in EVENT_WORDS[k].pattern.finditer(lower)]
    if not raw:
        return []  # most sentences with a stem hold no event word
    breaks = [brk.end() for brk in _CLAUSE_BREAK.finditer(lower)]
    raw.sort(key=_FIRST_TWO)
    hits, done = [], set()
    for hit in raw:  # a word's first unhedged match only: a family is one event of the sentence
        if hit[1] not in done and _unhedged(lower, hit[1], hit[2], breaks):
            hits.append(hit)
            done.add(hit[1])
    kept: list[tuple[int, re.Match]] = []
    for start, k, match in hits:
        if not kept or start >= kept[-1][1].end():
            kept.append((k, match))
    events: list[tuple[EventWord, re.Match]] = []
    families: dict[str, int] = {}
    for k, match in kept:
        word = EVENT_WORDS[k]
        family = "war" if word.needs_date else ("violence" if word.family in VIOLENT else word.family)
        at = families.get(family)
        if at is None:
            families[family] = len(events)
            events.append((word, match))
        elif k != _CASUALTIES and events[at][0].rule == "casualties":
            events[at] = (word, match)  # the attack the deaths were reported with
    events.sort(key=lambda found: found[1].start())
    # Deaths told after another event ("met ..., a week after 30 people were killed") are its background.
    return [found for n, found in enumerate(events) if n == 0 or found[0].rule != "casualties"]


def _FIRST_TWO(hit: tuple) -> tuple[int, int]:  # noqa: N802 (a sort key)
    return hit[0], hit[1]


def _segments(lower: str, found: list[tuple[EventWord, re.Match]]) -> list[tuple[int, int]]:
    """Each event's part of a sentence (offsets in `lower`): from the first clause break after the
    previous event's word (or its own word) to the next one's part."""
    bounds = [0]
    for (_, before), (_, after) in zip(found, found[1:], strict=False):
        brk = _CLAUSE_BREAK.search(lower, before.end(), after.start())
        bounds.append(brk.start() if brk else after.start())
    bounds.append(len(lower))
    return list(zip(bounds, bounds[1:], strict=False))


def draft_events(parsed: ParsedArticle, extraction: Extraction) -> tuple[DraftedEvent, ...]:
    """The events an article reports (see the module docstring). `extraction` must carry its
    mentions and date phrases (extract_article's, before the pipeline trims them)."""
    text = parsed.text
    published = extraction.published_on
    mentions = [m for m in extraction.mentions if m.known and m.kind != "media"]
    mention_starts = [m.start for m in mentions]
    dates = sorted(extraction.dates, key=lambda d: d.start)
    date_starts = [d.start for d in dates]
    drafts: list[DraftedEvent] = []
    lower = lower_same_length(text)  # offset for offset, so a match in it is a span of the text
    stem_starts, stem_words = _stems(lower)
    lead = _lead_day(parsed, dates, published)
    said = [s for s in extraction.statements if s.precision == DAY and s.date_rule != "publication"]
    for paragraph in parsed.paragraphs:
        if bisect.bisect_left(stem_starts, paragraph.start) == bisect.bisect_left(stem_starts, paragraph.end):
            continue  # no event word can be in it
        for sentence in split_sentences(text, paragraph.start, paragraph.end):
            words = lower[sentence.start : sentence.end]
            here = stem_words[
                bisect.bisect_left(stem_starts, sentence.start) : bisect.bisect_left(stem_starts, sentence.end)
            ]
            found = _event_words(words, sorted(set().union(*here))) if here else []
            if not found:
                continue
            named = mentions[
                bisect.bisect_left(mention_starts, sentence.start) : bisect.bisect_left(mention_starts, sentence.end)
            ]
            first = bisect.bisect_left(date_starts, paragraph.start)
            here_from, here_to = (
                bisect.bisect_left(date_starts, sentence.start),
                bisect.bisect_left(date_starts, sentence.end),
            )
            in_sentence = dates[here_from:here_to]
            cues = list(_SPEECH.finditer(text, sentence.start, sentence.end))  # who says what, once a sentence
            earlier_days = [d for d in dates[first:here_from] if d.precision == DAY]
            for (word, match), (lo, hi) in zip(found, _segments(words, found), strict=True):
                part = Span(sentence.start + lo, sentence.start + hi)
                trigger = Span(sentence.start + match.start(), sentence.start + match.end())
                ours = [m for m in named if part.start <= m.start < part.end]
                participants, claimants = _participants(text, sentence, trigger, word, named, ours, cues)
                # Deaths in a sentence about talks or aid are not theirs: counted for violence only.
                figures = (
                    _sided(text, find_figures(text, part.start, part.end), named, claimants)
                    if word.family in VIOLENT
                    else []
                )
                if word.rule == "casualties" and not figures and _NOUN_ONLY.fullmatch(match.group(0)):
                    continue  # "civilian casualties are unacceptable", "among the dead": no report of deaths
                relative = _MAY_BE_RELATIVE.search(words) is not None
                own = [
                    d
                    for d in in_sentence
                    if part.start <= d.start < part.end and not (relative and _aside(text, part, trigger, d))
                ]
                if len(own) > 1:  # the dates of the event word's own clause, when it has any
                    clause = _clause_of(words, match.start(), match.end(), sentence.start)
                    own = [d for d in own if clause[0] <= d.start < clause[1]] or own
                before = [d for d in in_sentence if d.end <= part.start and d.precision == DAY]
                when = _date(text, part, trigger, own, earlier_days + before, published)
                if when.get("date_rule") in ("paragraph-context", "publication"):
                    when = _relative_day(text, part, earlier_days + before) or when
                if when.get("date_rule") == "publication":
                    when = _quote_date(trigger, said) or {**when, **lead}
                if word.needs_date and when.get("date_rule") in _UNDATED:
                    continue  # "fought two wars": background with no date of its own
                if when.get("date_rule") in _UNDATED and _PAST_WAR.search(text, part.start, part.end):
                    continue  # "during the 44-day war, ...": a past war's deeds, no date to give them
                drafts.append(
                    DraftedEvent(
                        cameo=word.cameo,
                        family=word.family,
                        rule=word.rule,
                        trigger=text[trigger.start : trigger.end],
                        start=sentence.start,
                        end=sentence.end,
                        **when,
                        participants=tuple(participants),
                        reported_by=tuple(claimants),
                        place=_place(text, part, trigger, ours, cues),
                        figures=tuple(figures),
                        sentences=(sentence,),
                    )
                )
    drafts.extend(_statements_of_headline_actors(parsed, extraction, mentions))
    return tuple(_merge_same_incident(drafts))


_NOUN_ONLY = re.compile(r"dead|casualties|death\s+toll", re.IGNORECASE)
_UNDATED = frozenset({"publication", "lead-day", "paragraph-context", "quote-date"})
_PAST_WAR = re.compile(r"\bduring\s+the\s+(?:[\w-]+\s+){0,3}(?:war|conflict)\b", re.IGNORECASE)
# A relative clause set off by commas: its dates are its own
# ("the mission, which was deployed in 2020, came under fire").
_MAY_BE_RELATIVE = re.compile(r",\s*(?:which|who|whose|where)\b")
_RELATIVE = re.compile(r",\s*(?:which|who|whose|where)\b[^,;]*,")
_NEXT_DAY = re.compile(
    r"\b(?:(?P<next>the\s+(?:next|following)\s+day|a\s+day\s+later)|(?P<before>the\s+(?:previous\s+day|day\s+before)))\b",
    re.IGNORECASE,
)


def _clause_of(lower: str, start: int, end: int, offset: int) -> tuple[int, int]:
    """The clause of the word at lower[start:end] (a sentence's), in offsets of the text."""
    begin = max((brk.end() for brk in _CLAUSE_BREAK.finditer(lower, 0, start)), default=0)
    after = _CLAUSE_BREAK.search(lower, end)
    return offset + begin, offset + (after.start() if after else len(lower))


def _aside(text: str, part: Span, trigger: Span, date: DatePhrase) -> bool:
    """Whether a date phrase is in a relative clause the event word is not in."""
    for clause in _RELATIVE.finditer(text, part.start, part.end):
        if clause.start() <= date.start < clause.end() and not clause.start() <= trigger.start < clause.end():
            return True
    return False


def _relative_day(text: str, part: Span, earlier_days: list[DatePhrase]) -> dict | None:
    """ "the next day", "the day before": a day from the last day named before it in the paragraph."""
    match = _NEXT_DAY.search(text, part.start, part.end)
    if match is None or not earlier_days:
        return None
    day = earlier_days[-1].value + dt.timedelta(days=1 if match.group("next") else -1)
    return {
        "date": day,
        "precision": DAY,
        "date_phrase": match.group(0),
        "date_rule": f"relative:{earlier_days[-1].rule}",
    }


def _lead_day(parsed: ParsedArticle, dates: list[DatePhrase], published: dt.date | None) -> dict:
    """The day the article's first paragraph gives its news ("claimed on Wednesday"), for the
    undated sentences after it that tell more of that news: within three days before publication."""
    if not parsed.paragraphs or published is None:
        return {}
    first = parsed.paragraphs[0]
    for d in dates:
        if first.start <= d.start < first.end and d.precision == DAY:
            if dt.timedelta(0) < published - d.value <= dt.timedelta(days=3):
                return {"date": d.value, "precision": APPROXIMATE, "date_phrase": d.phrase, "date_rule": "lead-day"}
            return {}
    return {}


def _quote_date(trigger: Span, said: list) -> dict | None:
    """An undated event told in a quotation: the day the quotation was said (it happened by then)."""
    for statement in said:
        if statement.start <= trigger.start < statement.end:
            return {
                "date": statement.date, "precision": APPROXIMATE, "date_phrase": statement.date_phrase,
                "date_rule": "quote-date",
            }  # fmt: skip
    return None


# The noun phrase of a reporter: titles and names between two mentions ("Armenian Prime Minister Nikol Pashinyan").
_TITLE_GAP = re.compile(r"[\s’'()A-Z][\w\s’'().-]{0,30}")
_SAID_IT = re.compile(
    r"\s+(?:that\s+)?(?:it\b|its\s+(?:[\w-]+\s+)?(?:forces|troops|army|units|military|soldiers))", re.IGNORECASE
)


def _touching(text: str, left: Mention, right: Mention) -> bool:
    distance = right.start - left.end
    if distance <= 12:
        return True
    gap = text[left.end : right.start]
    return distance <= 31 and bool(_TITLE_GAP.fullmatch(gap) and gap.strip()[:1].isupper())


def _participants(
    text: str,
    sentence: Span,
    trigger: Span,
    word: EventWord,
    named: list[Mention],
    ours: list[Mention] | None = None,
    cues: list[re.Match] | None = None,
) -> tuple[list[Participant], list[str]]:
    """The actors of the event's part of the sentence (`ours`, default all `named`) with their roles,
    and those the sentence says report the event (claimants)."""
    claimants: list[str] = []
    chosen_all: list[Mention] = []
    acting: set[str] = set()  # claimants who say they did it ("Baku announced it was launching ...")
    if cues is None:
        cues = list(_SPEECH.finditer(text, sentence.start, sentence.end))
    for cue in cues:
        after_trigger = cue.start() >= trigger.end
        lo = max(trigger.end if after_trigger else sentence.start, cue.start() - 60)
        window = [m for m in named if lo <= m.start and m.end <= cue.start()]
        chosen: list[Mention] = []
        if window:
            # The reporting noun phrase: the last mention before the cue and those touching it.
            chosen = [window[-1]]
            for m in reversed(window[:-1]):
                if _touching(text, m, chosen[0]):
                    chosen.insert(0, m)
        if not window or _CLOSING_QUOTE.search(text, max(sentence.start, cue.start() - 4), cue.start()):
            # "...,” said Nazeli Baghdasaryan": the reporter right after the cue.
            chosen = [m for m in named if cue.end() < m.start <= cue.end() + 2][:1]
        claimants.extend(m.actor_key for m in chosen if m.actor_key not in claimants)
        chosen_all.extend(chosen)
        if chosen and not after_trigger and _SAID_IT.match(text, cue.end(), trigger.start):
            acting.update(m.actor_key for m in chosen)
    for m in named:
        if _ACCORDING.search(text, max(sentence.start, m.start - 30), m.start) and m.actor_key not in claimants:
            claimants.append(m.actor_key)
    passive = (
        word.rule in _PASSIVE_RULES
        or text[trigger.start : trigger.start + 4].lower() in ("came", "come")  # "came under fire"
        or bool(_PASSIVE.search(text, max(sentence.start, trigger.start - 20), trigger.start))
    )
    # What the report says after its cue is its content, not the event's parties ("following talks with
    # Y, X reported that Z is ready"); an agreement named by its date has no parties in the sentence.
    appeal = _APPEAL.search(text, trigger.end, sentence.end)
    report = min(
        next((c.start() for c in cues if c.start() >= trigger.end), sentence.end),
        appeal.start() if appeal else sentence.end,
    )
    # Who comes before a subordinate clause holding the event word is not in it ("X and Y's conflict
    # escalated after 12 people were killed when Z fired missiles").
    subordinate = (
        0
        if word.symmetric
        else max((c.end() for c in _SUBORDINATE.finditer(text, sentence.start, trigger.start)), default=0)
    )
    roles: dict[str, Participant] = {}
    for m in ours if ours is not None else named:
        if m.start > report and m.actor_key not in acting:
            continue
        if m.end <= subordinate and not word.symmetric and m.actor_key not in acting:
            continue
        if word.rule == "named-agreement" and not _BROKER_AFTER.match(text, m.end):
            continue
        if m.actor_key in acting and m.actor_key not in roles:
            roles[m.actor_key] = Participant(m.actor_key, m.name or m.surface, TARGET if passive else INITIATOR)
            continue
        if m.actor_key in claimants and m.actor_key not in roles:
            # A claimant named again as a party ("Azerbaijan said Azerbaijani posts were shelled") is still one;
            # not the same name twice in the reporter's own noun phrase ("the Mine Action Agency (ANAMA) said").
            if not any(
                o.actor_key == m.actor_key and o is not m and not any(_near(o, c) for c in chosen_all) for o in named
            ):
                continue
        before = text[max(sentence.start, m.start - 30) : m.start]
        if _MEDIATOR_BEFORE.search(before) or _BROKER_AFTER.match(text, m.end):
            role = MEDIATOR
        elif word.symmetric:
            role = PARTICIPANT
        elif m.start >= trigger.end:
            role = INITIATOR if _BY.search(before) else TARGET
        else:
            role = TARGET if passive else INITIATOR
        current = roles.get(m.actor_key)
        if current is None or (current.role == TARGET and role == INITIATOR):
            roles[m.actor_key] = Participant(m.actor_key, m.name or m.surface, role)
    claimants = [key for key in claimants if key not in roles]
    return list(roles.values()), claimants


def _near(m: Mention, other: Mention) -> bool:
    return m is other or abs(m.start - other.end) <= 3 or abs(other.start - m.end) <= 3


def _sided(text: str, figures: list[Figure], named: list[Mention], claimants: list[str]) -> list[Figure]:
    """Each figure with the side its victims belong to, when it names one ("Armenian soldiers";
    "its servicemen": the claimant's)."""
    sided = []
    for figure in figures:
        side = next((m.actor_key for m in named if figure.start <= m.start and m.end <= figure.end), "")
        if not side and re.search(r"\b(?:its|our|their)\b", figure.victims, re.IGNORECASE) and claimants:
            side = claimants[0]
        sided.append(replace(figure, side=side) if side else figure)
    return sided


def _place(text: str, sentence: Span, trigger: Span, named: list[Mention], cues: list[re.Match] | None = None) -> str:
    """The place the sentence gives the event, as written: the object of the event word, else the
    first place phrase after it, else one before it."""
    people = [(m.start, m.end) for m in named if m.kind in ("person", "media", "international_org", "government_body")]

    asides = [
        c.span()
        for c in _RELATIVE.finditer(text, sentence.start, sentence.end)
        if not c.start() <= trigger.start < c.end()
    ]

    def acceptable(match: re.Match) -> str:
        name = match.group("place")
        if re.search(r"[’']s$", name):
            return ""  # "on Azerbaijan’s aggression": whose, not where
        first = name.split()[0]
        if first in _NOT_PLACES or any(s < match.end("place") and match.start("place") < e for s, e in people):
            return ""
        if _SOURCE_PLACE.search(text, max(sentence.start, match.start() - 40), match.start()):
            return ""  # "according to the authorities in Stepanakert": where the source is
        if any(lo <= match.start() < hi for lo, hi in asides):
            return ""  # "the mission, which was deployed in Karabakh in 2020, came under fire"
        if (
            " " not in name
            and _DEMONYM.search(name)
            and (name.endswith("s") or _ADJECTIVE.match(text, match.end("place")))
        ):
            return ""  # "Armenian positions", "Azerbaijanis": a people, not a place
        return name

    direct = _OBJECT.match(text, trigger.end, sentence.end)
    if direct and (place := acceptable(direct)):
        return place
    # Before the event word, not where its report was made ("told parliament in Yerevan that ... were killed").
    if cues is None:
        cues = list(_SPEECH.finditer(text, sentence.start, trigger.start))
    reported = [c.end() for c in cues if c.end() <= trigger.start]
    start = sentence.start
    if reported:
        that = _THAT.search(text, reported[-1], trigger.start)
        start = that.end() if that else trigger.start
    for lo, hi in ((trigger.end, sentence.end), (start, trigger.start)):
        for match in _PLACE.finditer(text, lo, hi):
            if place := acceptable(match):
                return place
    return ""


def _date(
    text: str,
    sentence: Span,
    trigger: Span,
    in_sentence: list[DatePhrase],
    paragraph_days: list[DatePhrase],
    published: dt.date | None,
) -> dict:
    """The date fields of a draft (see the module docstring)."""
    overnight = _OVERNIGHT.search(text, sentence.start, sentence.end)
    for first, second in zip(in_sentence, in_sentence[1:], strict=False):
        if (
            _RANGE_OPEN.search(text, max(sentence.start, first.start - 12), first.start)
            and _RANGE_JOIN.match(text[first.end : second.start])
            and second.value >= first.value
        ):
            return {
                "date": first.value, "precision": first.precision, "date_phrase": text[first.start : second.end],
                "date_rule": f"range:{first.rule}", "end_date": second.value, "end_precision": second.precision,
            }  # fmt: skip
    future = _SCHEDULED.search(text, trigger.end, sentence.end)
    if future and (ahead := [d for d in in_sentence if d.start >= future.end() and d.precision == DAY]):
        # "the meeting will be held on September 21": the next such day, not the last one.
        day = ahead[0].value
        if published is not None and day < published and ahead[0].rule in ("day-month", "month-day"):
            later = day.replace(year=day.year + 1) if (day.month, day.day) != (2, 29) else day
            day = later if later - published <= dt.timedelta(days=90) else day
        return {
            "date": day,
            "precision": DAY,
            "date_phrase": ahead[0].phrase,
            "date_rule": f"scheduled:{ahead[0].rule}",
        }
    if in_sentence:
        best = min(in_sentence, key=lambda d: abs(d.start - trigger.start))
        found = {"date": best.value, "precision": best.precision, "date_phrase": best.phrase, "date_rule": best.rule}
        if _SINCE.search(text, max(sentence.start, best.start - 8), best.start):
            return {**found, "date_phrase": f"since {best.phrase}", "date_rule": f"since:{best.rule}", "ongoing": True}
        if overnight and best.precision == DAY:
            into = overnight.group(0).lower().endswith(("into", "to"))
            night_before = published is not None and best.value + dt.timedelta(days=1) > published
            if into or night_before:
                start, end = best.value - dt.timedelta(days=1), best.value
            else:
                start, end = best.value, best.value + dt.timedelta(days=1)
            phrase = f"{overnight.group(0)} {best.phrase}"
            return {
                "date": start, "precision": DAY, "date_phrase": phrase,
                "date_rule": f"overnight:{best.rule}", "end_date": end, "end_precision": DAY,
            }  # fmt: skip
        return found
    if overnight and published is not None:
        return {
            "date": published - dt.timedelta(days=1), "precision": DAY, "date_phrase": overnight.group(0),
            "date_rule": "overnight", "end_date": published, "end_precision": DAY,
        }  # fmt: skip
    if paragraph_days:
        day = paragraph_days[-1]
        return {"date": day.value, "precision": DAY, "date_phrase": day.phrase, "date_rule": "paragraph-context"}
    if published is None:
        return {"date": None, "precision": ""}
    return {"date": published, "precision": APPROXIMATE, "date_phrase": "", "date_rule": "publication"}


# Who speaks in an article whose headline names an institution: its spokesman ("Kremlin spokesman Dmitry Peskov").
_SPOKESMAN = re.compile(
    r"(?:[’']s)?\s+(?:press\s+)?(?:spokes(?:man|woman|person)|press\s+secretary|representative|envoy|director)\s+$",
    re.IGNORECASE,
)
_REPORTED_SPEECH = re.compile(
    r"\b(?:said|says|told|tells|stated|noted|stressed|commented|announced|declared|pledged|insisted|warned)\b"
)
_PRONOUN = re.compile(r"\b(?:he|she)\s+$", re.IGNORECASE)


def _statements_of_headline_actors(
    parsed: ParsedArticle, extraction: Extraction, mentions: list[Mention]
) -> list[DraftedEvent]:
    """What the actors the headline names said, one draft a speaker and day (CAMEO of what was said,
    family "statement"): an article headlined on a speaker ("Pashinyan says ...", "Kremlin sees
    ...") reports their statement as its news. States are left out (they head every article here);
    the spokesman of a headline institution speaks for it. Their quotations (extract.py), and
    sentences where they said something with no quotation ("Aliyev said on 24 July that ...")."""
    text, head = parsed.text, parsed.headline
    voices = {m.actor_key for m in mentions if head.start <= m.start < head.end and m.kind not in ("state", "media")}
    if not voices:
        return []
    body = [m for m in mentions if m.start >= head.end]
    names = {m.surface.lower() for m in mentions if m.actor_key in voices}
    for left, right in zip(body, body[1:], strict=False):
        if left.actor_key in voices and right.kind == "person" and _SPOKESMAN.fullmatch(text, left.end, right.start):
            voices.add(right.actor_key)
    for m in body:  # "Kremlin spokesman Dmitry Peskov", one mention with its title
        if m.kind == "person" and any(name in f"{m.title} {m.surface}".lower() for name in names):
            voices.add(m.actor_key)
    found: list[DraftedEvent] = []
    cues = set()
    for statement in extraction.statements:
        speaker = statement.speaker
        if statement.cue_span is not None:
            cues.add(statement.cue_span.start)
        if speaker is None or speaker.actor_key not in voices or statement.date is None:
            continue
        sentence = _sentence_at(parsed, statement.cue_span.start if statement.cue_span else statement.start)
        if sentence is None:
            continue
        found.append(
            _said(
                statement.cameo or "010",
                speaker.actor_key,
                speaker.label,
                statement.cue,
                sentence,
                {
                    "date": statement.date,
                    "precision": statement.precision,
                    "date_phrase": statement.date_phrase,
                    "date_rule": statement.date_rule,
                },
            )  # fmt: skip
        )
    dates = sorted(extraction.dates, key=lambda d: d.start)
    for paragraph in parsed.paragraphs:
        people = [m for m in body if paragraph.start <= m.start < paragraph.end]
        for sentence in split_sentences(text, paragraph.start, paragraph.end):
            said = [c for c in _REPORTED_SPEECH.finditer(text, sentence.start, sentence.end) if c.start() not in cues]
            for cue in said:
                speaker = next((m for m in people if cue.start() - 3 <= m.end <= cue.start()), None)
                if speaker is None and _PRONOUN.search(text, max(sentence.start, cue.start() - 5), cue.start()):
                    speaker = next((m for m in reversed(people) if m.end <= cue.start() and m.kind == "person"), None)
                if speaker is None or speaker.actor_key not in voices:
                    continue
                # Its date: the date phrase of the sentence nearer this cue than any other.
                near = [
                    d
                    for d in dates
                    if sentence.start <= d.start < sentence.end
                    and min(said, key=lambda c: _gap(c.start(), c.end(), d)) is cue
                ]
                best = min(near, key=lambda d: _gap(cue.start(), cue.end(), d), default=None)
                when = (
                    {
                        "date": best.value,
                        "precision": best.precision,
                        "date_phrase": best.phrase,
                        "date_rule": best.rule,
                    }
                    if best
                    else _date(text, sentence, Span(cue.start(), cue.end()), [], [], extraction.published_on)
                )
                if when["date"] is not None:
                    found.append(
                        _said("010", speaker.actor_key, speaker.name or speaker.surface, cue.group(0), sentence, when)
                    )
    return found


def _gap(start: int, end: int, date: DatePhrase) -> int:
    return date.start - end if date.start >= end else start - date.end if date.end <= start else 0


def _said(cameo: str, key: str, name: str, cue: str, sentence: Span, when: dict) -> DraftedEvent:
    return DraftedEvent(
        cameo=cameo, family="statement", rule="statement (of an actor the headline names)", trigger=cue,
        start=sentence.start, end=sentence.end, **when, participants=(Participant(key, name, INITIATOR),),
        sentences=(sentence,),
    )  # fmt: skip


def _sentence_at(parsed: ParsedArticle, at: int) -> Span | None:
    for paragraph in parsed.paragraphs:
        if paragraph.start <= at < paragraph.end:
            return next(
                (s for s in split_sentences(parsed.text, paragraph.start, paragraph.end) if s.start <= at < s.end), None
            )
    return None


def _merge_same_incident(drafts: list[DraftedEvent]) -> list[DraftedEvent]:
    """One draft per incident of the article: same family and date, places that do not differ (or an
    undated later mention of the same place); statements, one a speaker and day. Then a mention
    with no date of its own (dated by publication) of the family of one dated incident of the
    article is that incident ("Aliyev apologised for the deaths", the attack dated later)."""
    merged: list[DraftedEvent] = []
    for draft in drafts:
        for k, kept in enumerate(merged):
            same_place = kept.place == draft.place
            if kept.family != draft.family and not _same_family(kept, draft):
                continue
            if draft.family == "statement":
                if kept.date == draft.date and _keys(kept) == _keys(draft):
                    merged[k] = _absorb(kept, draft)
                    break
                continue
            # Two mentions with no date: one incident when a place ties them (not two placeless ones).
            both_undated = kept.date_rule == draft.date_rule == "publication"
            places = (
                same_place
                or (not kept.place or not draft.place)
                and not (both_undated and not kept.place and not draft.place)
            )
            if (kept.date == draft.date and places) or (
                # A later mention with no date of its own of a place already reported ("the shelling of Orsk").
                draft.date_rule == "publication" and draft.place and same_place
            ):
                merged[k] = _absorb(kept, draft)
                break
        else:
            merged.append(draft)

    def home(draft: DraftedEvent) -> DraftedEvent | None:
        """The one dated incident of its family an undated mention is, if there is exactly one."""
        if draft.date_rule != "publication" or draft.family == "statement":
            return None
        dated = [d for d in merged if d.family == draft.family and d.date_rule not in _UNDATED]
        if len(dated) == 1 and (not draft.place or not dated[0].place or draft.place == dated[0].place):
            return dated[0]
        return None

    if all(d.date_rule != "publication" for d in merged):
        return merged
    homes = {id(d): home(d) for d in merged}
    final = []
    for kept in merged:
        if homes[id(kept)] is not None:
            continue
        for draft in merged:
            if homes[id(draft)] is kept:
                kept = _absorb(kept, draft)
        final.append(kept)
    return final


def _same_family(kept: DraftedEvent, draft: DraftedEvent) -> bool:
    """Of one family, or deaths reported with no other word and any violence."""
    if kept.family == draft.family:
        return True
    return (kept.rule == "casualties" and draft.family in VIOLENT) or (
        draft.rule == "casualties" and kept.family in VIOLENT
    )


def _keys(draft: DraftedEvent) -> set[str]:
    return {p.actor_key for p in draft.participants}


def _absorb(kept: DraftedEvent, other: DraftedEvent) -> DraftedEvent:
    """`kept` with what `other` adds: participants it lacks, figures of a kind it has none of, a place."""
    keys = {p.actor_key for p in kept.participants}
    kinds = {f.kind for f in kept.figures}
    return replace(
        kept,
        participants=kept.participants + tuple(p for p in other.participants if p.actor_key not in keys),
        # Who reports the incident is who the first report credits; later comments are statements about it.
        reported_by=kept.reported_by or other.reported_by,
        figures=kept.figures + tuple(f for f in other.figures if f.kind not in kinds),
        place=kept.place or other.place,
        sentences=kept.sentences + other.sentences,
    )


def fatalities(figures: tuple[Figure, ...] | list[Figure]) -> tuple[int | None, int | None, int | None]:
    """(low, best, high) of the dead one account reports: the sum over its killed figures (one per
    side, as the article counts them). A bound none of them gives stays open (None)."""
    killed = [f for f in figures if f.kind == "killed"]
    if not killed:
        return None, None, None

    def total(values: list[int | None]) -> int | None:
        return None if any(v is None for v in values) else sum(values)

    return total([f.low for f in killed]), total([f.best for f in killed]), total([f.high for f in killed])
