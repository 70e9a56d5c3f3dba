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
_BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)
_PASSIVE = re.compile(r"\b(?:was|were|is|are|been|being|be|got)\s+(?:\w+ly\s+)?$", re.IGNORECASE)
_PASSIVE_RULES = frozenset({"casualties"})
# Places: a capitalised name after a preposition of place, or right after the event word.
_NAME = r"(?P<place>[A-Z][\w’'-]+(?:\s+(?:[A-Z][\w’'-]+|of|de|el)){0,3})"
_PLACE = re.compile(rf"\b(?:in|near|at|around|towards?|outside|across|along|on|into)\s+(?:the\s+)?{_NAME}")
_OBJECT = re.compile(rf"\s+(?:of\s+)?(?:the\s+)?(?:city\s+of\s+|town\s+of\s+|village\s+of\s+)?{_NAME}")
_NOT_PLACES = frozenset(
    "January February March April May June July August September October November December Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday The A An This That It He She They We His Her Their Its Our "
    "Operation Reuters Twitter X Telegram Facebook Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
_ADJECTIVE = re.compile(r"\s+[a-z]")
_DEMONYM = re.compile(r"(?:ians?|ani|anis|eri|eris|ese|ish|ans)$")
_OVERNIGHT = re.compile(r"\bovernight(?:\s+(?:into|to)\b)?", re.IGNORECASE)
_SINCE = re.compile(r"\bsince\s+$", re.IGNORECASE)
_RANGE_OPEN = re.compile(r"\b(?:from|between)\s+(?:the\s+)?$", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"^\s*(?:to|until|till|and|through|-|–)\s+(?:the\s+)?", re.IGNORECASE)


_RULE_INDEX = {word.rule.split(" (")[0]: k for k, word in enumerate(EVENT_WORDS)}
_WORDS_OF_STEM: dict[str, set[int]] = {}
for _rule_name, _stems in STEMS.items():
    for _stem in _stems.split():
        _WORDS_OF_STEM.setdefault(_stem, set()).add(_RULE_INDEX[_rule_name])
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


def _first_unhedged(lower: str, k: int, start: int = 0, stop: int | None = None) -> re.Match | None:
    for match in EVENT_WORDS[k].pattern.finditer(lower, start, len(lower) if stop is None else stop):
        clause_start = 0
        for brk in _CLAUSE_BREAK.finditer(lower, 0, match.start()):
            clause_start = brk.end()
        if not _hedged(lower, clause_start, match.start()):
            return match
    return None


def _event_word(lower: str, candidates: list[int]) -> tuple[EventWord, re.Match] | None:
    """The event word of a lower-cased sentence: the earliest one no hedge precedes (see _hedged);
    at one place the word listed first in EVENT_WORDS (the more specific) wins. `candidates`: the
    indexes in EVENT_WORDS of the words whose stems the sentence holds."""
    best: tuple[int, int, re.Match] | None = None
    for k in candidates:
        match = _first_unhedged(lower, k)
        if match and (best is None or (match.start(), k) < best[:2]):
            best = (match.start(), k, match)
    if best is None:
        return None
    if best[1] == _CASUALTIES:
        # Casualty words give way to a more specific event word in the same clause ("killed by sniper fire").
        clause = _CLAUSE_BREAK.search(lower, best[2].end())
        stop = clause.start() if clause else len(lower)
        for k in candidates:
            if k != _CASUALTIES and (match := EVENT_WORDS[k].pattern.search(lower, best[0], stop)):
                return EVENT_WORDS[k], match
    return EVENT_WORDS[best[1]], best[2]


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
    for paragraph in parsed.paragraphs:
        if bisect.bisect_left(stem_starts, paragraph.start) == bisect.bisect_left(stem_starts, paragraph.end):
            continue  # no event word can be in it
        for sentence in split_sentences(text, paragraph.start, paragraph.end):
            words = lower[sentence.start : sentence.end]
            here = stem_words[
                bisect.bisect_left(stem_starts, sentence.start) : bisect.bisect_left(stem_starts, sentence.end)
            ]
            found = _event_word(words, sorted(set().union(*here))) if here else None
            if found is None:
                continue
            word, match = found
            trigger = Span(sentence.start + match.start(), sentence.start + match.end())
            named = mentions[
                bisect.bisect_left(mention_starts, sentence.start) : bisect.bisect_left(mention_starts, sentence.end)
            ]
            participants, claimants = _participants(text, sentence, trigger, word, named)
            figures = _sided(text, find_figures(text, sentence.start, sentence.end), named, claimants)
            if word.family not in VIOLENT:
                figures = []  # deaths in a sentence about talks or aid are not theirs
            first = bisect.bisect_left(date_starts, paragraph.start)
            here_from, here_to = (
                bisect.bisect_left(date_starts, sentence.start),
                bisect.bisect_left(date_starts, sentence.end),
            )
            earlier_days = [d for d in dates[first:here_from] if d.precision == DAY]
            when = _date(text, sentence, trigger, dates[here_from:here_to], earlier_days, published)
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
                    place=_place(text, sentence, trigger, named),
                    figures=tuple(figures),
                    sentences=(sentence,),
                )
            )
    return tuple(_merge_same_incident(drafts))


def _participants(
    text: str, sentence: Span, trigger: Span, word: EventWord, named: list[Mention]
) -> tuple[list[Participant], list[str]]:
    """The sentence's actors with their roles, and those who only report the event (claimants)."""
    claimants: list[str] = []
    for cue in _SPEECH.finditer(text, sentence.start, sentence.end):
        after_trigger = cue.start() >= trigger.end
        lo = max(trigger.end if after_trigger else sentence.start, cue.start() - 60)
        window = [m for m in named if lo <= m.start and m.end <= cue.start()]
        if window:
            # The reporting noun phrase: the last mention before the cue and those touching it.
            chosen = [window[-1]]
            for m in reversed(window[:-1]):
                if chosen[0].start - m.end <= 12:
                    chosen.insert(0, m)
            claimants.extend(m.actor_key for m in chosen if m.actor_key not in claimants)
    for m in named:
        if _ACCORDING.search(text, max(sentence.start, m.start - 30), m.start) and m.actor_key not in claimants:
            claimants.append(m.actor_key)
    passive = word.rule in _PASSIVE_RULES or bool(
        _PASSIVE.search(text, max(sentence.start, trigger.start - 20), trigger.start)
    )
    roles: dict[str, Participant] = {}
    for m in named:
        if m.actor_key in claimants and m.actor_key not in roles:
            # A claimant named again as a party ("Azerbaijan said its forces were shelled by Armenia") is still one.
            if not any(o.actor_key == m.actor_key and o is not m for o in named):
                continue
        before = text[max(sentence.start, m.start - 30) : m.start]
        if _MEDIATOR_BEFORE.search(before):
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


def _place(text: str, sentence: Span, trigger: Span, named: list[Mention]) -> str:
    """The place the sentence gives the event, as written: the object of the event word, else the
    first place phrase after it, else one before it."""
    people = [(m.start, m.end) for m in named if m.kind in ("person", "media", "international_org", "government_body")]

    def acceptable(match: re.Match) -> str:
        name = re.sub(r"[’']s$", "", match.group("place"))
        first = name.split()[0]
        if first in _NOT_PLACES or any(s < match.end("place") and match.start("place") < e for s, e in people):
            return ""
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
    for lo, hi in ((trigger.end, sentence.end), (sentence.start, trigger.start)):
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


def _merge_same_incident(drafts: list[DraftedEvent]) -> list[DraftedEvent]:
    """One draft per incident of the article: same family and date, places that do not differ (or an
    undated later mention of the same place)."""
    merged: list[DraftedEvent] = []
    for draft in drafts:
        for k, kept in enumerate(merged):
            same_place = kept.place == draft.place
            if kept.family == draft.family and (
                (kept.date == draft.date and (not kept.place or not draft.place or same_place))
                # A later mention with no date of its own of a place already reported ("the shelling of Orsk").
                or (draft.date_rule == "publication" and draft.place and same_place)
            ):
                merged[k] = _absorb(kept, draft)
                break
        else:
            merged.append(draft)
    return merged


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
