"""Find quotations in an article and attribute each one to its speaker.

The rules, tried in order for every quotation (the first that names a speaker wins):

1. quote-first: a cue right after the quotation ("“…,” Blinken warned", "“…,” said a
   senior official", "“…,” the minister, Anna Example, said");
2. speaker-first: the last cue before it in the same sentence ("Price said: “…”",
   "X told Y that “…”", "calling the operation “…”", "According to X, Y “…”"); the
   speaker is the subject of that cue (a participle's speaker is the name right before it);
3. sentence-final cue: "The move is “…” and must stop, the minister said.";
4. split around the cue: a quotation opening a sentence after a quote-first attribution
   in the same paragraph ("“…,” Price said. “…”") continues that speaker;
5. a paragraph that is nothing but a quotation continues the previous paragraph's speaker,
   and a quotation left open at the end of a paragraph runs on into the next one.

Speakers are known actors (gazetteer mentions), proposed actors (a named person or body
the gazetteer lacks, "European Council President Charles Michel"), or anonymous sources
("a senior official"). He/she resolve to the subject of the nearest earlier sentence that
names a person; "the ministry" to the latest actor whose name or title has that word.
Whatever cannot be resolved is left unattributed: a wrong speaker is worse than none.

A short quoted phrase with no cue governing it (“counter-terrorism measures”,
the so-called “Zangezur Corridor”) is a term, not a statement by the writer; it is
credited to a speaker only when it sits inside that speaker's reported words.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from operator import itemgetter

from events.ingest.gazetteer import TITLE_HEADS, lower_same_length, word_alternation
from events.ingest.records import (
    ANONYMOUS,
    DIRECT,
    KNOWN,
    PARTIAL,
    PROPOSED,
    REPORTED,
    TERM,
    Mention,
    ProposedActor,
    Span,
    Speaker,
)

_first_item = itemgetter(0)

# ---------------------------------------------------------------------------------------
# Finding quotations

_MARK = re.compile(r"[“”\"]")


@dataclass(frozen=True)
class Quotation:
    """The text inside one pair of quotation marks (or up to the end of its paragraph)."""

    start: int
    end: int
    paragraph: int
    mark: int  # offset of the opening mark; the paragraph start for a continuation without one
    closed: bool  # False: still open at the end of the paragraph
    continues: bool  # continues a quotation left open at the end of the previous paragraph

    def __init__(self, start: int, end: int, paragraph: int, mark: int, closed: bool, continues: bool) -> None:
        # As records.Span: __dict__ directly, as the generated __init__ does field by field.
        d = self.__dict__
        d["start"], d["end"], d["paragraph"], d["mark"], d["closed"], d["continues"] = (
            start,
            end,
            paragraph,
            mark,
            closed,
            continues,
        )


def find_quotations(text: str, paragraphs: Sequence[Span]) -> list[Quotation]:
    """Quotations in the paragraphs, in order. Quotes inside quotes stay inside the outer one."""
    found: list[Quotation] = []
    open_before = False
    for index, paragraph in enumerate(paragraphs):
        depth, straight, opened = 0, False, None
        for match in _MARK.finditer(text, paragraph.start, paragraph.end):
            mark, at = match.group(), match.start()
            if mark == "“" and not straight:
                if depth == 0:
                    opened = at
                depth += 1
            elif mark == "”" and depth:
                depth -= 1
                if depth == 0:
                    found.append(
                        _quotation(text, opened, at, index, paragraph, open_before and opened == paragraph.start)
                    )
            elif mark == "”" and not straight and open_before and not any(q.paragraph == index for q in found):
                # The opening mark was in the previous paragraph and was not repeated here.
                found.append(Quotation(paragraph.start, at, index, paragraph.start, True, True))
            elif mark == '"' and depth == 0:
                if straight:
                    found.append(
                        _quotation(text, opened, at, index, paragraph, open_before and opened == paragraph.start)
                    )
                else:
                    opened = at
                straight = not straight
        still_open = depth > 0 or straight
        if still_open:
            found.append(_quotation(text, opened, None, index, paragraph, open_before and opened == paragraph.start))
        open_before = still_open
    found = [q for q in found if q.end > q.start]
    singles = [q for index, p in enumerate(paragraphs) for q in _single_quotations(text, p, index)]
    if singles:
        spans = [(q.mark, q.end + 1) for q in found]
        found += [q for q in singles if not any(a <= q.mark < b for a, b in spans)]
        found.sort(key=lambda q: q.mark)
    return found


# ‘…’ or '…' around words, the marks set off from them as quotation marks are (not an
# apostrophe inside or after a word: "Armenia's", "soldiers' families").
_SINGLE = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))(?P<mark>[‘'])(?P<body>[^\s‘’'\"“”][^‘’\"“”\n]{0,118}?[^\s‘’'\"“”]|[^\s‘’'\"“”])[’'](?![\w’'])")


def _single_quotations(text: str, paragraph: Span, index: int) -> list[Quotation]:
    """Quotations in single marks (headlines and some outlets use them), closed in one paragraph."""
    if "‘" not in text[paragraph.start : paragraph.end] and " '" not in text[paragraph.start : paragraph.end]:
        return []
    found = []
    for match in _SINGLE.finditer(text, paragraph.start, paragraph.end):
        if match.group("mark") == "‘" or text[match.end() - 1] == "'":
            if re.search(r"[^\W\d_]", match.group("body")):
                found.append(Quotation(match.start("body"), match.end("body"), index, match.start(), True, False))
    return found


def _quotation(text: str, opened: int, closed: int | None, index: int, paragraph: Span, continues: bool) -> Quotation:
    end = closed if closed is not None else paragraph.end
    while closed is None and end > opened + 1 and text[end - 1].isspace():
        end -= 1
    return Quotation(opened + 1, end, index, opened, closed is not None, continues)


# ---------------------------------------------------------------------------------------
# Vocabulary

# The patterns below run on the lower-cased text (Attributor.lower), which is much faster
# than case-insensitive matching; _NAME alone needs the original case.

# Speech cues ("according to" and these words, every form spelled out), matched in the
# lower-cased text as one prefix-factored regex.
CUE_WORDS = """
    say says said saying tell tells told telling warn warns warned warning add adds added adding stated stating
    notes noted noting stress stresses stressed stressing urge urges urged urging call calls called calling
    accuse accuses accused accusing claim claims claimed claiming deny denies denied denying wrote writes writing
    tweet tweets tweeted tweeting posted posting announce announces announced announcing declare declares declared
    declaring insist insists insisted insisting voices voiced voicing express expresses expressed expressing
    describe describes described describing demand demands demanded demanding condemn condemns condemned condemning
    criticise criticises criticised criticising criticize criticizes criticized criticizing denounce denounces
    denounced denouncing argue argues argued arguing ask asks asked asking reply replies replied replying respond
    responds responded responding explain explains explained explaining emphasise emphasises emphasised emphasising
    emphasize emphasizes emphasized emphasizing reiterate reiterates reiterated reiterating branded branding dubbed
    labelled labeled slammed slamming praise praises praised praising welcome welcomes welcomed welcoming reported
    confirm confirms confirmed confirming acknowledge acknowledges acknowledged acknowledging admit admits admitted
    admitting quoted vow vows vowed vowing pledge pledges pledged pledging threaten threatens threatened threatening
    promise promises promised promising appeal appeals appealed appealing rejected dismissed shouted exclaimed
    underline underlines underlined underlining pointed remarked asserted recalled mentioned highlighted
    clarified suggested lamented observed concluded commented answered continued read reads
"""
_CUE = re.compile(r"\b(?:according to|" + word_alternation(CUE_WORDS.split()) + r")\b")
# A cue word used as a noun ("a call", "the claims", "her tweet") or in "so-called" is no cue.
_NOUN_BEFORE = re.compile(
    r"(?:\b(?:a|an|the|his|her|its|their|our|this|that|these|those|such|phone|telephone|video)\s+|so-)$"
)
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+(?:\w+ly\s+)?$")
_BY_AGENT = re.compile(r"\s*by\s+")
_STATEMENT_BY = re.compile(
    r"\s*(?:(?:a|the)\s+(?:statement|readout|report|post|message)\s+(?:from|by|of|issued\s+by)\s+)?"
)

_PRONOUN = re.compile(r"\b(?:he|she|it)\b")
_ANONYMOUS_HEADS = (
    "sources? officials? diplomats? aides? insiders? people person spokes(?:man|woman|person) representatives? "
    "residents? witness(?:es)? soldiers? officers? commanders? doctors? villagers? refugees? activists? analysts? "
    "experts? observers? lawmakers? ministers? members? protesters? demonstrators?"
).replace(" ", "|")
_ANONYMOUS = re.compile(
    r"\b(?:(?:an?|one|two|three|several|some|other)\s+(?:[\w.’'-]+\s+){0,3}?"
    rf"(?:{_ANONYMOUS_HEADS})"
    r"(?:\s+(?:familiar\s+with\s+[\w\s]{0,40}?|close\s+to\s+[\w\s]{0,40}?|who\s+(?:asked|declined|spoke)\s+[\w\s]{0,40}?)"
    r"(?=[,.;:]|\s+(?:said|told|says|added)))?"
    r"|(?:anonymous|unnamed)\s+(?:[\w.-]+\s+){0,2}?(?:sources?|officials?|diplomats?))\b",
)
_NOMINAL_HEADS = (
    "minister|ministry|president|spokes(?:man|woman|person)|department|government|leader|envoy|ambassador|"
    "premier|chancellor|presidency|office|governor|mayor|commander|pm|statement|readout|communiqu[eé]|agency"
)
# What a nominal's head word may stand for in a name or title ("the PM": Prime Minister X).
_HEAD_WORDS = {"pm": ("prime minister", " pm"), "premier": ("prime minister", "premier")}
# A nominal that names a document: it speaks for whoever issued it.
_DOCUMENT_HEADS = frozenset({"statement", "readout", "communique", "communiqué"})
_NOMINAL = re.compile(rf"\bthe\s+(?:[\w’'-]+\s+){{0,3}}?(?P<head>{_NOMINAL_HEADS})\b")
# Cheap first checks: without one of these words in a range, the patterns above cannot match.
_ANONYMOUS_HINT = re.compile(rf"\b(?:{_ANONYMOUS_HEADS}|anonymous|unnamed)\b")
_NOMINAL_HINT = re.compile(rf"\b(?:{_NOMINAL_HEADS})\b")
_NAME = re.compile(r"[A-Z][\w’'.-]*(?:\s+(?:(?:of|for|de|da|al|bin|van|von|der|du|la|le)\s+)?[A-Z][\w’'.-]*)*")
_NOT_NAME = frozenset(
    """The A An On In At As By For From To Of And But Or While When After Before During Since Earlier Later
    Meanwhile Also Then However It He She They We I His Her Its Their Our This That These Those There Here
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July
    August September October November December Speaking Asked According""".split()
)
_ORG_HEADS = {
    "ministry": "government_body", "department": "government_body", "office": "government_body",
    "government": "government_body", "parliament": "government_body", "presidency": "government_body",
    "service": "government_body", "agency": "government_body", "committee": "government_body",
    "commission": "international_org", "council": "international_org", "union": "international_org",
    "organization": "international_org", "organisation": "international_org",
    "army": "armed_group", "forces": "armed_group", "guard": "armed_group", "brigade": "armed_group",
}  # fmt: skip
_SUBJECT_BEFORE = frozenset(
    """to of in on at with from for by about against over between into through towards toward under among
    without within near after before during than like via""".split()
)
_SUBJECT_BEFORE = frozenset(
    """and but while whereas as when although though because that then also meanwhile however so yet
    where if once earlier later now what which""".split()
)
_DETERMINER = frozenset({"the", "a", "an"})
# Words of titles: a capitalised run of only these ("Prime Minister", "Foreign Minister") names no one.
_TITLE_WORDS = TITLE_HEADS | {"prime", "foreign", "defence", "defense", "deputy", "vice", "first", "interior", "of"}
# Words of a body's name that say what it does, not whose it is ("Defence Ministry", "General Staff").
_GENERIC_BODY_WORDS = _TITLE_WORDS | set(_ORG_HEADS) | {
    "affairs", "armed", "national", "state", "general", "staff", "security", "internal", "emergency", "situations",
    "justice", "health", "border", "press", "and", "the",
}  # fmt: skip
_BOUNDARY = re.compile(r"[;:]|,\s+(?:and|but|while|whereas|although|though|with)\b|\s[—–]\s|\bbut\b|\bwhile\b")
_DEMONYM_ENDINGS = ("ian", "ean", "ani", "eri", "ish", "ese", "ch", "ic")
_NEXT_WORD = re.compile(r"\s+([\w-]+)")
_AND_VERB = re.compile(r"\band\s+(?:\w+ly\s+)?$")
_RELATIVE = re.compile(r",\s+(?:who|which|whose|whom)\b[^,]*,")
_THAT_BETWEEN = re.compile(r"\b(?:that|which|who|whom|whether|if|because)\b")
_WORD = re.compile(r"[\w’'.-]+|[^\w\s]")
_LAST_TOKEN = re.compile(r"([\w’'.-]+|[^\w\s])\s*$")
# The writer keeps a distance: "the so-called “…”", "what it calls “…”".
# A quoted verb phrase ("will not tolerate") is words quoted, not a term.
_NOT_A_TERM = re.compile(
    r"(?:will|would|shall|should|can|could|may|might|must|is|are|was|were|has|have|had|do|does|did|not|never|"
    r"we|i|you|they|he|she|it|our|my)\b",
)
_COORDINATED = re.compile(r"\s*(?:,|,?\s+(?:and|or|as\s+well\s+as))\s*")
_BARE_VERB = re.compile(r",?\s*(?:and|but)\s+(?:\w+ly\s+)?")
_NAMING_VERBS = (
    r"(?:calls?|called|terms?|termed|describes?|described|dubs|dubbed|labels?|labell?ed|brands?|branded|"
    r"refers\s+to|referred\s+to)"
)
# "what Baku calls “…”", "what the ministry described as a “…”": the term is the naming side's.
_TERMED_BY = re.compile(
    r"\bwhat\s+(?P<who>(?:[\w’'.-]+\s+){1,5}?)(?:has\s+|have\s+|had\s+|is\s+|was\s+)?"
    + _NAMING_VERBS
    + r"(?:\s+as)?(?:\s+(?:its|their|his|her|the|a|an))?\s*$"
)

# Reported speech: a speech verb and its "that" clause, "accused X of", "according to X, …".
_REPORTED_HINT = re.compile(r"\b(?:that|accus|according to)")
_REPORTED = (
    re.compile(
        r"\b(?P<cue>(?:said|says|stated|states|noted|notes|stressed|stresses|warned|warns|added|adds|claimed|claims|"
        r"insisted|insists|announced|announces|argued|argues|emphasi[sz]ed|underlined|reiterated|confirmed|denied)"
        r"(?:\s+(?:on\s+\w+|in\s+a\s+statement|earlier|later|today|yesterday))?)\s+that\s+"
    ),
    re.compile(r"\b(?P<cue>accused|accuses)\s+(?:[\w’'-]+\s+){1,4}?of\s+"),
    re.compile(r"(?P<cue>according to)\s+[^,]{2,60},\s+"),
)

# After a name, what marks it as a person's or a body's name: an apposition or a verb it is the subject of.
_MARKED_NAME = re.compile(
    r"(?:\s*,\s+(?:a|an|the|who|head|chief|director|spokesperson|spokesman|spokeswoman)\s"
    r"|\s+(?:said|says|told|tells|added|adds|noted|stressed|wrote|is|was|has|had|does|did|doesn|didn)\b)"
)

_TITLED = re.compile(r"\b(?:" + "|".join(sorted(TITLE_HEADS, key=len, reverse=True)) + r")\b")

# Rules whose speaker governs the rest of the sentence's quotations.
_REPORTED_RULES = frozenset({"speaker-first", "term-in-reported-speech", "same-sentence"})

# Priorities when several candidates could be the speaker of a quote-first cue.
_NAMED, _ANON, _NOMINAL_RANK, _PRONOUN_RANK = 3, 2, 1, 0


# The two helper types below are built by the hundred per article: slotted, not frozen, as
# a frozen dataclass costs five times as much to create.
@dataclass(slots=True)
class Candidate:
    """Something in the text that could be a speaker, with what it resolves to (None: unresolved).

    A pronoun or a description ("he", "the ministry") is resolved when its speaker is first
    asked for (`resolve`): most candidates are never chosen, and resolving one walks the article.
    """

    start: int
    end: int
    rank: int
    resolved: Speaker | None
    kind: str = ""  # the actor kind, when known
    resolve: Callable[[], Speaker | None] | None = None

    @property
    def speaker(self) -> Speaker | None:
        if self.resolve is not None:
            self.resolved, self.resolve = self.resolve(), None
        return self.resolved


@dataclass(frozen=True)
class Attribution:
    quotation: Quotation
    kind: str
    speaker: Speaker | None
    rule: str
    cue: str = ""
    cue_span: Span | None = None

    def __init__(
        self,
        quotation: Quotation,
        kind: str,
        speaker: Speaker | None,
        rule: str,
        cue: str = "",
        cue_span: Span | None = None,
    ) -> None:
        d = self.__dict__  # as records.Span
        d["quotation"], d["kind"], d["speaker"], d["rule"], d["cue"], d["cue_span"] = (
            quotation,
            kind,
            speaker,
            rule,
            cue,
            cue_span,
        )


@dataclass(slots=True)
class _Cue:
    word: str
    start: int
    end: int

    @property
    def participle(self) -> bool:
        return self.word.lower().endswith("ing")

    @property
    def according_to(self) -> bool:
        return self.word.lower().startswith("according")


# ---------------------------------------------------------------------------------------
# Attribution


class Attributor:
    """Attributes the quotations of one article; see the module docstring for the rules."""

    def __init__(
        self,
        text: str,
        paragraphs: Sequence[Span],
        sentences: Sequence[Span],
        mentions: Sequence[Mention],
        quotations: Sequence[Quotation],
        *,
        lower: str | None = None,
        genders: dict[str, str] | None = None,
        headline_speaker: Speaker | None = None,
        unresolved: Sequence[Mention] = (),
    ) -> None:
        self.text = text
        self.headline_speaker = headline_speaker
        # Offices whose holder on the article's date is unknown: someone speaks there, not whoever is near.
        self._unresolved = [(m.start, m.end) for m in unresolved]
        self._surnames: dict[str, list[tuple[str, Mention]]] | None = None  # people's surnames by initial
        self.lower = lower if lower is not None else lower_same_length(text)
        self.paragraphs = paragraphs
        self.sentences = sentences
        self._sentence_starts = [s.start for s in sentences]
        self.quotations = quotations
        self._quote_spans = sorted((q.mark, q.end + 1) for q in quotations)
        self._quote_marks = [a for a, _ in self._quote_spans]
        self.mentions = _outside(mentions, self._quote_spans)
        self._mention_starts = [m.start for m in self.mentions]
        self.proposed: dict[str, ProposedActor] = {}
        self.genders = genders or {}
        # Where each attributed quotation stands, its speaker and the speaker's kind ("it", "the statement").
        self._said: list[tuple[int, Speaker, str]] = []
        self._kinds = {m.actor_key: m.kind for m in mentions}
        self._pending: dict[str, ProposedActor] = {}
        # Candidates by text range; cleared when an actor is proposed (surnames may then resolve).
        self._cache: dict[tuple[int, int], list[Candidate]] = {}
        # Named people outside quotations (position, speaker), for he/she.
        self._speakers: list[Speaker | None] = [None] * len(self.mentions)  # made on first use
        self._people_cache: list[tuple[int, Speaker]] | None = None

    @property
    def _people(self) -> list[tuple[int, Speaker]]:
        """Named people outside quotations (position, speaker), for he/she (made on first use)."""
        if self._people_cache is None:
            self._people_cache = [
                (m.start, self._speaker(i)) for i, m in enumerate(self.mentions) if m.kind == "person"
            ]
        return self._people_cache

    def _speaker(self, index: int) -> Speaker:
        """The speaker named by mention number `index` (one object per mention)."""
        speaker = self._speakers[index]
        if speaker is None:
            speaker = self._speakers[index] = _known(self.mentions[index])
        return speaker

    # -- public ----------------------------------------------------------------------

    def attribute_all(self) -> list[Attribution]:
        results: list[Attribution] = []
        for index, q in enumerate(self.quotations):
            attribution = self._attribute(q, index, results)
            speaker = self._chosen(attribution.speaker)
            results.append(attribution)
            if speaker and speaker.actor_key:
                kind = self._kinds.get(speaker.actor_key) or (
                    self.proposed[speaker.actor_key].kind if speaker.actor_key in self.proposed else ""
                )
                self._said.append((q.mark, speaker, kind))
        return self._share_final_cues(_propagate_runs(results))

    def _share_final_cues(self, results: list[Attribution]) -> list[Attribution]:
        """A cue closing a sentence ("…, the ministry said.") governs every quotation of the
        sentence: the earlier ones left without a speaker share the last one's."""
        for i in range(len(results) - 2, -1, -1):
            a, b = results[i], results[i + 1]
            if a.speaker is not None or b.speaker is None:
                continue
            if b.rule not in {"sentence-final-cue", "quote-first", "sentence-final-shared"}:
                continue
            if self._sentence_of(a.quotation.mark) != self._sentence_of(b.quotation.mark):
                continue
            if self._cues(a.quotation.end + 1, b.quotation.mark):
                continue  # a cue of its own in between: not one speech act
            rule = "sentence-final-shared"
            results[i] = Attribution(a.quotation, a.kind, b.speaker, rule, b.cue, b.cue_span)
        return results

    # -- one quotation ---------------------------------------------------------------

    def _attribute(self, q: Quotation, index: int, previous: list[Attribution]) -> Attribution:
        left_start = self._left_start(q, index)
        right_end = self._right_end(q, index)
        left = self.text[left_start : q.mark]
        quote = self.text[q.start : q.end]
        right_cue = self._quote_first(q, right_end)
        left_cue = self._last_cue(left_start, q.mark)
        kind = self._kind(q, quote, left, left_cue, right_cue is not None)

        termed = (
            _TERMED_BY.search(self.lower, max(left_start, q.mark - 120), q.mark)
            if kind == TERM and "what " in self.lower[max(left_start, q.mark - 120) : q.mark]
            else None
        )
        if termed:
            who = [c for c in self._candidates(termed.start("who"), termed.end("who")) if c.rank >= _NOMINAL_RANK]
            if who and who[-1].speaker:
                verb = Span(termed.end("who"), termed.end())
                return Attribution(q, kind, who[-1].speaker, "term-of-speaker", verb.of(self.text).strip(), verb)
        if right_cue:
            speaker, cue = right_cue
            return Attribution(q, kind, speaker, "quote-first", cue.word, Span(cue.start, cue.end))
        if left_cue:
            speaker = self._speaker_of(left_cue, left_start)
            if speaker:
                rule = "term-in-reported-speech" if kind == TERM else "speaker-first"
                return Attribution(q, kind, speaker, rule, left_cue.word, Span(left_cue.start, left_cue.end))
        final = self._sentence_final_cue(q)
        if final:
            speaker, cue = final
            rule = "term-in-reported-speech" if kind == TERM else "sentence-final-cue"
            return Attribution(q, kind, speaker, rule, cue.word, Span(cue.start, cue.end))
        if kind != TERM:
            inherited = self._inherited(q, left, previous)
            if inherited:
                return inherited
        cue_span = Span(left_cue.start, left_cue.end) if left_cue else None
        return Attribution(
            q, kind, None, "term" if kind == TERM else "unattributed", left_cue.word if left_cue else "", cue_span
        )

    def _kind(self, q: Quotation, quote: str, left: str, cue: _Cue | None, quote_first: bool) -> str:
        words = quote.split()
        lead = left.strip()
        tail = left.rstrip()[-9:].lower()
        if tail.endswith(("so-called", "dubbed")):
            return TERM
        if "what " in left[-120:].lower() and _TERMED_BY.search(left[-120:].lower()):
            return TERM
        if (
            len(words) <= 4
            and quote.rstrip()[-1:] not in ".?!,;:"
            and not _NOT_A_TERM.match(quote.lower())
            and not quote_first
            and q.closed
        ):
            governed = cue is not None and self._governs(cue, q.mark)
            if not governed:
                return TERM
        if not lead or lead.endswith(":") or q.continues:
            return DIRECT
        if cue is not None and len(self.text[cue.end : q.mark].split()) <= 3:
            if quote[:1].isupper() or quote.lower().startswith("that "):
                return DIRECT
        return PARTIAL

    def _governs(self, cue: _Cue, at: int) -> bool:
        """Is the quotation at `at` the cue's own object ("calling it “…”"), not inside a clause after it?"""
        between = self.lower[cue.end : at]
        return len(between.split()) <= 6 and not _THAT_BETWEEN.search(between)

    # -- contexts --------------------------------------------------------------------

    def _sentence_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._sentence_starts, offset) - 1)

    def _left_start(self, q: Quotation, index: int) -> int:
        """Where the context before quotation number `index` starts: its sentence, or the quote before it."""
        start = self.sentences[self._sentence_of(q.mark)].start if self.sentences else q.mark
        before = self.quotations[index - 1] if index else None
        if before and before.paragraph == q.paragraph and before.closed:
            start = max(start, before.end + 1)
        return min(start, q.mark)

    def _right_end(self, q: Quotation, index: int) -> int:
        """Where the context after quotation number `index` ends: its sentence, or the next quote."""
        if not q.closed:
            return q.end
        after = q.end + 1
        sentence = self.sentences[self._sentence_of(after)] if self.sentences else Span(after, after)
        end = sentence.end if sentence.start <= after else after
        if index + 1 < len(self.quotations):
            end = min(end, max(after, self.quotations[index + 1].mark))
        paragraph = self.paragraphs[q.paragraph]
        return min(max(end, after), paragraph.end)

    # -- cues --------------------------------------------------------------------------

    def _cues(self, start: int, end: int) -> list[_Cue]:
        cues = []
        for match in _CUE.finditer(self.lower, start, end):
            if _NOUN_BEFORE.search(self.lower, max(0, match.start() - 12), match.start()):
                continue
            cues.append(_Cue(self.text[match.start() : match.end()], match.start(), match.end()))
        return cues

    def _last_cue(self, start: int, end: int) -> _Cue | None:
        cues = self._cues(start, end)
        return cues[-1] if cues else None

    def _quote_first(self, q: Quotation, right_end: int) -> tuple[Speaker, _Cue] | None:
        """“…,” X said / “…,” said X: a cue within the first words after the closing mark."""
        if not q.closed:
            return None
        quote_end = self.text[q.start : q.end].rstrip()[-1:]
        after = q.end + 1
        right = self.text[after:right_end]
        if quote_end in "?!" and not right.strip():
            # “…?” he asked. The sentence splitter ends the sentence at the question mark.
            following = self.sentences[self._sentence_of(after + 1)] if self.sentences else None
            if following and following.start > after and not self.text[after : following.start].strip():
                right_end = following.end
                right = self.text[after:right_end]
        if not (quote_end in ",?!—–-…" or right[:1] in ",—–"):
            return None
        cues = [c for c in self._cues(after, right_end) if len(self.text[after : c.start].split()) <= 8]
        if not cues:
            return None
        cue = cues[0]
        if cue.according_to and not self.text[after : cue.start].strip(" ,—–-\n"):
            speaker = self._speaker_of(cue, after)
            return (speaker, cue) if speaker else None
        before = [c for c in self._candidates(after, cue.start) if not self._possessive(c)]
        if before:
            # "“…,” the minister, Anna Example, said": a name beats a description or a pronoun;
            # "“…,” Anna Example, adviser to the president, said": the name before the apposition.
            first = before[0]
            if first.rank == _NAMED and self.text[first.end : first.end + 1] == "," and len(before) > 1:
                return (first.speaker, cue) if first.speaker else None
            best = max(before, key=lambda c: (c.rank, c.start))
            return (best.speaker, cue) if best.speaker else None
        if self.text[after : cue.start].strip(" ,—–-\n"):
            return None  # someone we cannot name ("a passer-by told AFP"): not whoever comes next
        after_cue = self._candidates(cue.end, min(right_end, cue.end + 120))
        if after_cue and not self.text[cue.end : after_cue[0].start].strip():
            first = after_cue[0]
            appositive = [
                c for c in after_cue[1:3] if c.rank == _NAMED and self.text[first.end : c.start].strip() == ","
            ]
            chosen = appositive[0] if first.rank < _NAMED and appositive else first
            return (chosen.speaker, cue) if chosen.speaker else None
        return None

    def _sentence_final_cue(self, q: Quotation) -> tuple[Speaker, _Cue] | None:
        """“…” and must stop, the minister said."""
        if not q.closed:
            return None
        sentence = self.sentences[self._sentence_of(q.end + 1)]
        tail_start = self.text.rfind(",", q.end, sentence.end)
        if tail_start == -1:
            return None
        cues = self._cues(tail_start, sentence.end)
        if not cues or len(self.text[cues[0].end : sentence.end].split()) > 6:
            return None
        cue = cues[0]
        before = [c for c in self._candidates(tail_start + 1, cue.start) if not self._possessive(c)]
        if not before or self.text[tail_start + 1 : before[0].start].strip():
            return None
        best = max(before, key=lambda c: (c.rank, c.start))
        return (best.speaker, cue) if best.speaker else None

    def _speaker_of(self, cue: _Cue, region_start: int) -> Speaker | None:
        """The speaker of a cue found before a quotation."""
        text = self.lower
        if cue.according_to:
            skip = _STATEMENT_BY.match(text, cue.end)
            after = self._candidates(skip.end(), min(len(text), skip.end() + 120))
            if after and not text[skip.end() : after[0].start].strip():
                return after[0].speaker
            return None
        if _PASSIVE_BEFORE.search(text, max(region_start, cue.start - 30), cue.start):
            agent = _BY_AGENT.match(text, cue.end)
            after = self._candidates(agent.end(), agent.end() + 120) if agent else []
            return after[0].speaker if after and after[0].start == agent.end() else None
        if cue.participle:
            # "with X saying", "X, calling it", "quoted X as saying": the name right before.
            before = self._candidates(region_start, cue.start)
            if before and text[before[-1].end : cue.start].strip(" ,") in {"", "as"}:
                return before[-1].speaker
        return self._subject(region_start, cue.start)

    def _subject(self, region_start: int, cue_start: int) -> Speaker | None:
        """The nearest candidate before the cue that can be its subject (not an object or a modifier).

        Two subjects joined by "and" or a comma ("Baku and Yerevan said") name no single
        speaker. A verb with no subject of its own ("…, but warned") shares the one before.
        """
        start, boundary = region_start, None
        for boundary in _BOUNDARY.finditer(self.lower, region_start, cue_start):
            start = boundary.end()
        hidden = [(m.start(), m.end()) for m in _RELATIVE.finditer(self.lower, start, cue_start)]
        candidates = [
            c
            for c in self._candidates(start, cue_start)
            if not any(a <= c.start < b for a, b in hidden)
            and not self._possessive(c)
            and not self._modifier(c, cue_start)
            and self._subject_position(c, start)
        ]
        if candidates:
            subject = candidates[-1]
            if len(candidates) > 1 and _COORDINATED.fullmatch(self.lower[candidates[-2].end : subject.start]):
                return None
            return subject.speaker
        if boundary and _BARE_VERB.fullmatch(self.lower[boundary.start() : cue_start]):
            return self._subject(self.sentences[self._sentence_of(boundary.start())].start, boundary.start())
        sentence_start = self.sentences[self._sentence_of(cue_start)].start
        if region_start > sentence_start and _AND_VERB.search(self.lower, max(region_start, cue_start - 12), cue_start):
            # "X issued a statement condemning “…” and called for …": the subject the quotation
            # before the verb cut off from it is the sentence's own.
            opening = [
                c
                for c in self._candidates(sentence_start, cue_start)
                if c.rank >= _NOMINAL_RANK and not self._possessive(c)
            ]
            if opening and self._subject_position(opening[0], sentence_start):
                return opening[0].speaker
        return None

    def _modifier(self, candidate: Candidate, cue_start: int) -> bool:
        """A demonym before a noun ("Azeri human rights official accuses"): it describes the
        speaker, it is not the speaker."""
        surface = self.text[candidate.start : candidate.end]
        if candidate.kind != "state" or not surface.lower().endswith(_DEMONYM_ENDINGS):
            return False
        following = _NEXT_WORD.match(self.text, candidate.end, cue_start)
        return bool(following and following.group(1).islower())

    def _possessive(self, candidate: Candidate) -> bool:
        return self.text[candidate.end : candidate.end + 2] in {"’s", "'s"} or self.text[
            candidate.end : candidate.end + 1
        ] in {"’", "'"}

    def _subject_position(self, candidate: Candidate, region_start: int) -> bool:
        """A subject follows the start of its clause, punctuation, a conjunction, or a date."""
        start = candidate.start
        for _ in range(2):
            last = _LAST_TOKEN.search(self.text, max(region_start, start - 40), start)
            if not last:
                return True
            word = last.group(1)
            lower = word.lower()
            if lower in _DETERMINER:
                start = last.start()
                continue
            if not word[0].isalnum() or lower in _SUBJECT_BEFORE or word[0].isupper() or word[0].isdigit():
                return True
            return False
        return True

    # -- candidates ----------------------------------------------------------------------

    def _candidates(self, start: int, end: int) -> list[Candidate]:
        """Possible speakers in text[start:end], in order, without overlaps (longer and better first)."""
        if (start, end) not in self._cache:
            self._cache[(start, end)] = self._find_candidates(start, end)
        return self._cache[(start, end)]

    def _find_candidates(self, start: int, end: int) -> list[Candidate]:
        text = self.text
        found: list[Candidate] = []
        inside = []
        for a, b in self._quote_spans[max(0, bisect.bisect_right(self._quote_marks, start) - 1) :]:
            if a >= end:
                break
            if start < b:
                inside.append((a, b))
        if inside:
            # Never look for speakers inside a quotation: take the pieces around them.
            pieces, position = [], start
            for a, b in inside:
                if a > position:
                    pieces.extend(self._candidates(position, a))
                position = max(position, b)
            if position < end:
                pieces.extend(self._candidates(position, end))
            return pieces
        i = bisect.bisect_left(self._mention_starts, start)
        while i < len(self.mentions) and self.mentions[i].start < end:
            m = self.mentions[i]
            if m.end <= end:
                found.append(Candidate(m.start, m.end, _NAMED, self._speaker(i), m.kind))
            i += 1
        found += [Candidate(a, b, _NAMED, None, "person") for a, b in self._unresolved if start <= a and b <= end]
        anonymous = (
            _ANONYMOUS.finditer(self.lower, start, end) if _ANONYMOUS_HINT.search(self.lower, start, end) else ()
        )
        for match in anonymous:
            label = text[match.start() : match.end()]
            inside = [c for c in found if match.start() <= c.start and c.end <= match.end()]
            key = next((c.speaker.actor_key for c in inside if c.kind == "unnamed_source"), None)
            found.append(
                Candidate(match.start(), match.end(), _ANON, Speaker(label, ANONYMOUS, key, match.start(), match.end()))
            )
        nominal = _NOMINAL.finditer(self.lower, start, end) if _NOMINAL_HINT.search(self.lower, start, end) else ()
        for match in nominal:
            resolve = partial(self._resolve_nominal, match)
            found.append(Candidate(match.start(), match.end(), _NOMINAL_RANK, None, "", resolve))
        for match in _PRONOUN.finditer(self.lower, start, end):
            resolve = partial(self._resolve_pronoun, match.start())
            found.append(Candidate(match.start(), match.end(), _PRONOUN_RANK, None, "", resolve))
        named = {(c.start, c.end) for c in found if c.rank == _NAMED}
        for match in _NAME.finditer(text, start, end):
            if match.span() in named:
                continue  # a known name
            candidate = self._name_candidate(match.start(), match.end(), found)
            if candidate:
                found.append(candidate)
        return _without_overlaps(found)

    def reported_speech(self) -> list[Attribution]:
        """Positions reported without quotation marks: "X said that …", "X accused Y of …",
        "according to X, …", each with the span of the paraphrase and the cue's speaker (only
        where the speaker is found: an unsure paraphrase is not worth a curator's time)."""
        found: list[Attribution] = []
        quoted = {self._sentence_of(q.mark) for q in self.quotations} | {
            self._sentence_of(q.end) for q in self.quotations
        }
        for k, sentence in enumerate(self.sentences):
            if k in quoted or not _REPORTED_HINT.search(self.lower, sentence.start, sentence.end):
                continue
            match = next(filter(None, (r.search(self.lower, sentence.start, sentence.end) for r in _REPORTED)), None)
            if not match or (match.group("cue") == "according to" and match.start() != sentence.start):
                continue
            cue = _Cue(self.text[match.start("cue") : match.end("cue")], match.start("cue"), match.end("cue"))
            speaker = self._speaker_of(cue, sentence.start)
            end = sentence.end
            while end > match.end() and (self.text[end - 1].isspace() or self.text[end - 1] in ".;"):
                end -= 1
            start = match.start("cue") if match.group("cue").startswith("accus") else match.end()
            if speaker is None or end - start < 12:
                continue
            span = Quotation(start, end, self._paragraph_of(start), start, True, False)
            found.append(Attribution(span, REPORTED, self._chosen(speaker), "reported-speech", cue.word, Span(cue.start, cue.end)))
        return found

    def named_unknowns(self) -> list[Mention]:
        """People and bodies the gazetteer lacks that the text marks as names: a title before
        them ("Deputy Prime Minister Anna Example"), an apposition after them ("Anna Example, a
        resident of …"), or a verb they are the subject of ("Anna Example says …"). For the
        article's list of actors named; they become proposed actors only when they speak."""
        found: list[Mention] = []
        proposed = {p.key for p in self.proposed.values()}
        for match in _NAME.finditer(self.text, self.paragraphs[0].start if self.paragraphs else 0):
            start, end = match.span()
            if " " not in self.text[start:end] or self._inside_quotation(start):
                continue
            marked = _MARKED_NAME.match(self.lower, end - (self.text[end - 1] == "."))
            if not marked and not _TITLED.search(self.lower, start, end):
                continue  # neither a title nor an apposition nor a verb: cheap to rule out first
            i = bisect.bisect_left(self._mention_starts, start - 120)
            known = []
            while i < len(self.mentions) and self.mentions[i].start < end:
                m = self.mentions[i]
                if m.end > start:
                    known.append(Candidate(m.start, m.end, _NAMED, None, m.kind))
                i += 1
            candidate = self._name_candidate(start, end, known)
            if candidate is None or candidate.speaker is None or candidate.speaker.actor_key in proposed:
                continue
            pending = self._pending.get(candidate.speaker.actor_key)
            after = self.lower[candidate.end : candidate.end + 40]
            if (pending and pending.role) or _MARKED_NAME.match(after):
                name = candidate.speaker.label
                found.append(Mention(candidate.speaker.actor_key, candidate.start, candidate.end, name, False, name, candidate.kind))
        return found

    def _inside_quotation(self, at: int) -> bool:
        k = bisect.bisect_right(self._quote_marks, at) - 1
        return k >= 0 and self._quote_spans[k][0] < at < self._quote_spans[k][1]

    def _name_candidate(self, start: int, end: int, found: list[Candidate]) -> Candidate | None:
        """An unknown name in speaker position: a proposed person or body (None if it is not one)."""
        if self.text[end - 1] == "." and not re.search(r"(?:^|\s)\w\.$", self.text[max(start, end - 3) : end]):
            end -= 1  # the sentence's full stop ("said Ms Bauer."), not an initial ("John F.")
        if " " not in self.text[start:end]:
            # One capitalised word: only the surname of someone already proposed, or a misspelling
            # of the surname of a person the article names ("Hajivev" after "Hikmet Hajiyev").
            existing = self._proposed_by_surname(self.text[start:end])
            if not existing:
                named = self._misspelt_surname(self.text[start:end], start)
                return Candidate(start, end, _NAMED, named, "person") if named else None
            return Candidate(start, end, _NAMED, Speaker(existing.name, PROPOSED, existing.key, start, end), "person")
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(self.text, start, end)]
        while words and words[0][2] in _NOT_NAME:
            words.pop(0)
        if not words:
            return None
        start = words[0][0]
        known = [c for c in found if c.rank == _NAMED and c.start < end and start < c.end]
        if any(c.start < start or c.end > end for c in known):
            return None  # part of a known name
        heads = [i for i, w in enumerate(words[:-1]) if w[2].rstrip(".").lower() in TITLE_HEADS]
        title_words, name_words = (words[: heads[-1] + 1], words[heads[-1] + 1 :]) if heads else ([], words)
        name_start, name_end = name_words[0][0], name_words[-1][1]
        if not heads:
            # "Azerbaijani Defence Ministry": a body whose name may contain a known demonym.
            uncovered = [w for w in words if not any(c.start <= w[0] < c.end for c in known)]
            org = next((_ORG_HEADS[w[2].lower()] for w in uncovered if w[2].lower() in _ORG_HEADS), None)
            if org and len(uncovered) == len(words) and all(w[2].lower() in _GENERIC_BODY_WORDS for w in words):
                return None  # "the Defence Ministry": whose, the text does not say here; no new actor
            if org:
                return self._proposal(self.text[start:end], org, "", start, end)
        if any(c.start < name_end and name_start < c.end for c in known):
            return None  # the name itself is known: its mention is the candidate
        if not all(w[2][0].isupper() and w[2].isalpha() and w[2] not in _NOT_NAME for w in name_words):
            return None
        if all(w[2].lower() in _GENERIC_BODY_WORDS for w in name_words):
            return None  # "the Prime Minister", "the General Staff": a title or a function, no one's name
        name = self.text[name_start:name_end]
        title = self.text[title_words[0][0] : title_words[-1][1]] if title_words else ""
        if len(name_words) == 1:
            existing = self._proposed_by_surname(name)
            if existing:
                return Candidate(
                    start, end, _NAMED, Speaker(existing.name, PROPOSED, existing.key, start, end), "person"
                )
            if not title:
                return None  # a lone capitalised word ("Reuters") is too weak to propose
        if len(name_words) > 4:
            return None
        return self._proposal(name, "person", title, start, end)

    def _proposal(self, name: str, kind: str, role: str, start: int, end: int) -> Candidate:
        """A candidate for an actor the gazetteer lacks; it is proposed only if chosen as a speaker."""
        key = "new:" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self._pending.setdefault(key, ProposedActor(key, name, kind, role, start, end))
        return Candidate(start, end, _NAMED, Speaker(name, PROPOSED, key, start, end), kind)

    def _chosen(self, speaker: Speaker | None) -> Speaker | None:
        if speaker and speaker.status == PROPOSED and speaker.actor_key not in self.proposed:
            self.proposed[speaker.actor_key] = self._pending[speaker.actor_key]
            self._cache.clear()
        return speaker

    def _misspelt_surname(self, word: str, before: int) -> Speaker | None:
        """The one person named earlier whose surname `word` misspells by one letter."""
        if len(word) < 5 or not word.isalpha():
            return None
        if self._surnames is None:
            self._surnames = {}
            for m in self.mentions:
                if m.kind == "person" and m.name:
                    surname = m.name.split()[-1]
                    self._surnames.setdefault(surname[:1], []).append((surname, m))
        found = {
            m.actor_key: m
            for surname, m in self._surnames.get(word[:1], ())
            if m.start < before and abs(len(surname) - len(word)) <= 1 and _one_edit(word, surname)
        }
        if len(found) != 1:
            return None
        m = next(iter(found.values()))
        return Speaker(m.name, KNOWN if m.known else PROPOSED, m.actor_key, before, before + len(word))

    def _proposed_by_surname(self, surname: str) -> ProposedActor | None:
        if not self.proposed:
            return None
        matches = [p for p in self.proposed.values() if p.kind == "person" and p.name.split()[-1] == surname]
        return matches[0] if len(matches) == 1 else None

    def _resolve_pronoun(self, at: int) -> Speaker | None:
        """He/she: the first person named in the nearest earlier sentence that names one (of the
        pronoun's gender, where the knowledge base knows it). It: the body that spoke last, in this
        paragraph or the one before ("the ministry said ... it added")."""
        word = self.lower[at : at + 3].rstrip()
        if word == "it":
            said = self._last_said(at, persons=False, paragraphs=1)
            if said:
                return said
            # "Baku announced it was launching …": the body that is the sentence's subject.
            sentence = self.sentences[self._sentence_of(at)]
            i = bisect.bisect_left(self._mention_starts, sentence.start)
            opening = self.mentions[i] if i < len(self.mentions) else None
            if opening and opening.start < min(at, sentence.start + 40) and opening.kind not in {"person", ""}:
                return _known(opening)
            return None
        wanted = "male" if word == "he" else "female"
        here = self._sentence_of(at)
        proposed = [(p.start, p) for p in self.proposed.values() if p.kind == "person"]
        people = sorted(self._people + proposed, key=_first_item)
        # In text order the sentence numbers only grow: the first person of the last sentence before `here`.
        starts, best_k, best = self._sentence_starts, -1, None
        for position, who in people:
            k = max(0, bisect.bisect_right(starts, position) - 1)
            if k >= here:
                break
            key = who.key if isinstance(who, ProposedActor) else who.actor_key
            if self.genders.get(key, wanted) != wanted:
                continue
            if k > best_k:
                best_k, best = k, who
        if best_k < here - 1 and here > 0:
            # Nearer than any known person: a sentence that opens on someone the gazetteer lacks
            # ("Anna Example, the head of a rights group, told reporters ...").
            for k in range(here - 1, max(best_k, here - 3, -1), -1):
                sentence = self.sentences[k]
                opening = self._candidates(sentence.start, min(sentence.end, sentence.start + 80))
                if opening and opening[0].start == sentence.start and opening[0].rank == _NAMED:
                    if opening[0].kind == "person" and opening[0].speaker:
                        return opening[0].speaker
        if isinstance(best, ProposedActor):
            return Speaker(best.name, PROPOSED, best.key, best.start, best.end)
        return best

    def _last_said(self, before: int, *, persons: bool | None, paragraphs: int) -> Speaker | None:
        """The speaker of the latest statement attributed before `before`, no more than
        `paragraphs` paragraphs back (`persons`: only people, only bodies, or None: either)."""
        floor = self.paragraphs[max(0, self._paragraph_of(before) - paragraphs)].start
        for position, speaker, kind in reversed(self._said):
            if position >= before:
                continue
            if position < floor:
                return None
            if persons is None or (kind == "person") == persons:
                return speaker
        return None

    def _resolve_nominal(self, match: re.Match) -> Speaker | None:
        """ "the ministry" / "the Russian minister" / "the PM": the latest actor named before (two
        paragraphs back at most) whose name or title has the word and the words before it.
        "The statement" speaks for whoever spoke last, or else for whoever issued it."""
        head = match.group("head").lower()
        if head in _DOCUMENT_HEADS:
            return self._issuer(match.start())
        qualifiers = [
            w for w in re.findall(r"[\w]+", self.lower[match.start() + 4 : match.start("head")]) if len(w) > 2
        ]
        forms = _HEAD_WORDS.get(head, (head,))
        paragraph = self._paragraph_of(match.start())
        window_start = self.paragraphs[max(0, paragraph - 2)].start
        fits = []
        for m in reversed(self.mentions):
            if m.start >= match.start():
                continue
            words = f"{m.surface} {m.name} {m.title}".lower()
            if any(form in f" {words}" for form in forms) and all(
                any(w[:5] == q[:5] for w in re.findall(r"\w+", words)) for q in qualifiers
            ):
                if m.start >= window_start:
                    return _known(m)
                fits.append(m)
        # Further back, only if one actor alone fits ("the prime minister", named once at the top).
        return _known(fits[0]) if fits and len({m.actor_key for m in fits}) == 1 else None

    def _issuer(self, before: int) -> Speaker | None:
        """Who issued the statement that a later "the statement said" quotes: the named subject of
        the last sentence before `before` that speaks of a statement, unless someone was quoted
        since (then the statement is theirs)."""
        for k in range(self._sentence_of(before) - 1, -1, -1):
            sentence = self.sentences[k]
            said = self._last_said(before, persons=None, paragraphs=3)
            if said and any(sentence.start <= position for position, speaker, _ in self._said[-1:]):
                return said
            found = self.lower.find("statement", sentence.start, sentence.end)
            if found != -1:
                named = [c for c in self._candidates(sentence.start, found) if c.rank == _NAMED and c.speaker]
                return named[0].speaker if named else None
        return self._last_said(before, persons=None, paragraphs=3)

    def _paragraph_of(self, offset: int) -> int:
        starts = [p.start for p in self.paragraphs]
        return max(0, bisect.bisect_right(starts, offset) - 1)

    # -- inheritance -------------------------------------------------------------------------

    def _inherited(self, q: Quotation, left: str, previous: list[Attribution]) -> Attribution | None:
        kind = DIRECT if not left.strip() else PARTIAL
        same = [a for a in previous if a.quotation.paragraph == q.paragraph and a.kind != TERM]
        if same and not left.strip():
            last = same[-1]
            # Names in the attribution clause ("“…,” said X, the ICRC's director.") are X's description.
            after = last.quotation.end + 1
            if last.rule == "quote-first" and last.cue_span:
                after = max(after, min(q.mark, self.sentences[self._sentence_of(last.cue_span.start)].end))
            if last.speaker and self._only_speaker_between(after, q.mark, last.speaker):
                return Attribution(q, kind, last.speaker, "split-cue", last.cue, last.cue_span)
        here = self._sentence_of(q.mark)
        in_sentence = [a for a in previous if a.speaker and self._sentence_of(a.quotation.mark) == here]
        if in_sentence and in_sentence[-1].rule in _REPORTED_RULES:
            # "X stressed that the “…” were “important,” but would be “…”": one speaker, one sentence.
            last = in_sentence[-1]
            between = self._cues(last.quotation.end + 1, q.mark)
            if all(c.participle for c in between) and (
                between or self._only_speaker_between(last.quotation.end + 1, q.mark, last.speaker)
            ):
                return Attribution(q, PARTIAL, last.speaker, "same-sentence", last.cue, last.cue_span)
        if (
            q.paragraph == 0
            and self.headline_speaker
            and q.mark == self.paragraphs[0].start
            and self._pure_quotation_paragraph(0)
        ):
            # A statement published as it is under "X statement on …": the body's opening quotation is X's.
            return Attribution(q, DIRECT, self.headline_speaker, "headline-speaker")
        if (
            q.paragraph > 0
            and self._pure_quotation_paragraph(q.paragraph)
            and q.mark == self.paragraphs[q.paragraph].start
        ):
            speaker = self._last_speaker(q.paragraph - 1, previous)
            if speaker:
                return Attribution(q, DIRECT, speaker, "continues-speaker")
        return None

    def _only_speaker_between(self, start: int, end: int, speaker: Speaker) -> bool:
        return all(
            c.speaker and c.speaker.actor_key == speaker.actor_key and c.speaker.label == speaker.label
            for c in self._candidates(start, end)
            if c.rank >= _ANON or c.speaker
        )

    def _pure_quotation_paragraph(self, index: int) -> bool:
        paragraph = self.paragraphs[index]
        outside, position = [], paragraph.start
        for q in self.quotations:
            if q.paragraph == index:
                outside.append(self.text[position : q.mark])
                position = q.end + 1
        outside.append(self.text[position : paragraph.end])
        return not re.search(r"\w", "".join(outside))

    def _last_speaker(self, index: int, previous: list[Attribution]) -> Speaker | None:
        """Who was speaking at the end of paragraph `index`, if nobody else was named after them."""
        paragraph = self.paragraphs[index]
        said = [a for a in previous if a.quotation.paragraph == index and a.kind != TERM]
        if said:
            last = said[-1]
            if last.speaker and self._only_speaker_between(last.quotation.end + 1, paragraph.end, last.speaker):
                return last.speaker
            return None
        last_sentence = self.sentences[self._sentence_of(paragraph.end - 1)]
        cue = self._last_cue(last_sentence.start, paragraph.end)
        speaker = self._speaker_of(cue, last_sentence.start) if cue else None
        return speaker or self._introduced(index)

    def _introduced(self, index: int) -> Speaker | None:
        """A short paragraph that opens on a person ("Anna Example is still shaken by what she saw.")
        introduces the quotation paragraph after it."""
        paragraph = self.paragraphs[index]
        first, last = self._sentence_of(paragraph.start), self._sentence_of(paragraph.end - 1)
        if last - first > 1 or any(q.paragraph == index for q in self.quotations):
            return None
        opening = self._candidates(paragraph.start, min(paragraph.end, paragraph.start + 80))
        if not opening or opening[0].start != paragraph.start or opening[0].rank != _NAMED:
            return None
        person = opening[0]
        return self._chosen(person.speaker) if person.kind == "person" else None


def _one_edit(a: str, b: str) -> bool:
    """`a` and `b` differ by one letter changed, added or dropped (not the first; equal is not a misspelling)."""
    if a == b or abs(len(a) - len(b)) > 1 or a[:1] != b[:1]:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _outside(mentions: Sequence[Mention], quote_spans: list[tuple[int, int]]) -> list[Mention]:
    """The mentions (sorted by start) that do not start inside a quotation (strictly between its
    marks), in one walk over both sorted lists instead of a binary search per mention."""
    kept, q, n = [], 0, len(quote_spans)
    for m in mentions:
        at = m.start
        # The last span opening at or before `at` (bisect_right on (at, inf) - 1).
        while q < n and quote_spans[q][0] <= at:
            q += 1
        if q and quote_spans[q - 1][0] < at < quote_spans[q - 1][1]:
            continue
        kept.append(m)
    return kept


def _known(m: Mention) -> Speaker:
    return Speaker(m.name or m.surface, KNOWN if m.known else PROPOSED, m.actor_key, m.start, m.end)


def _without_overlaps(found: list[Candidate]) -> list[Candidate]:
    """The longer of two overlapping candidates wins ("a senior Georgian official" over "Georgian"),
    except that a name ending a description is the name ("the Iranian Foreign Ministry")."""
    found.sort(key=lambda c: (c.start, -(c.end - c.start), -c.rank))
    kept: list[Candidate] = []
    for c in found:
        if kept and c.start < kept[-1].end:
            outer = kept[-1]
            if outer.rank == _NOMINAL_RANK and c.rank == _NAMED and c.end >= outer.end:
                kept[-1] = c
            continue
        kept.append(c)
    return kept


def _propagate_runs(results: list[Attribution]) -> list[Attribution]:
    """A quotation running on across paragraphs has one speaker: share the one found."""
    groups: list[list[int]] = []
    for i, a in enumerate(results):
        if a.quotation.continues and groups and not results[groups[-1][-1]].quotation.closed:
            groups[-1].append(i)
        else:
            groups.append([i])
    for group in groups:
        speakers = [results[i] for i in group if results[i].speaker]
        if not speakers or len(group) == 1:
            continue
        source = speakers[0]
        for i in group:
            if not results[i].speaker:
                results[i] = Attribution(
                    results[i].quotation,
                    results[i].kind,
                    source.speaker,
                    "continued-quotation",
                    source.cue,
                    source.cue_span,
                )
    return results
