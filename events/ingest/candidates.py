"""Who could be the speaker at a place in an article: the candidates the attribution rules
choose from (known actors the gazetteer found, people and bodies it lacks, anonymous sources,
pronouns and descriptions resolved to whom they stand for), and the vocabulary of speech the
rules read (cues, subjects, titles)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter

from events.ingest.gazetteer import TITLE_HEADS, lower_same_length, whole_words
from events.ingest.quotations import Quotation
from events.ingest.records import (
    ANONYMOUS,
    KNOWN,
    PROPOSED,
    Mention,
    ProposedActor,
    Span,
    Speaker,
)

_first_item = itemgetter(0)

# ---------------------------------------------------------------------------------------
# Vocabulary

# The patterns below run on the lower-cased text (Attributor.lower), which is much faster
# than case-insensitive matching; NAME alone needs the original case.

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
CUE = re.compile(whole_words(["according to", *CUE_WORDS.split()]))  # \b(?:according to|…)\b
# A cue word used as a noun ("a call", "the claims", "her tweet") or in "so-called" is no cue.
NOUN_BEFORE = re.compile(
    r"(?:\b(?:a|an|the|his|her|its|their|our|this|that|these|those|such|phone|telephone|video)\s+|so-)$"
)
PASSIVE_BEFORE = re.compile(r"\b(?:was|were|is|are|been|being|be)\s+(?:\w+ly\s+)?$")
BY_AGENT = re.compile(r"\s*by\s+")
STATEMENT_BY = re.compile(
    r"\s*(?:(?:a|the)\s+(?:statement|readout|report|post|message)\s+(?:from|by|of|issued\s+by)\s+)?"
)

_PRONOUN = re.compile(whole_words(["he", "she", "it"]))  # \b(?:he|she|it)\b
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
# They are rf"\b(?:{_ANONYMOUS_HEADS}|anonymous|unnamed)\b" and rf"\b(?:{_NOMINAL_HEADS})\b" with
# the heads' words spelled out (whole_words: searched often, in short ranges).
_ANONYMOUS_HINT = re.compile(
    whole_words(
        """source sources official officials diplomat diplomats aide aides insider insiders people person spokesman
        spokeswoman spokesperson representative representatives resident residents witness witnesses soldier
        soldiers officer officers commander commanders doctor doctors villager villagers refugee refugees activist
        activists analyst analysts expert experts observer observers lawmaker lawmakers minister ministers member
        members protester protesters demonstrator demonstrators anonymous unnamed""".split()
    )
)
_NOMINAL_HINT = re.compile(
    whole_words(
        """minister ministry president spokesman spokeswoman spokesperson department government leader envoy
        ambassador premier chancellor presidency office governor mayor commander pm statement readout communique
        communiqué agency""".split()
    )
)
NAME = re.compile(r"[A-Z][\w’'.-]*(?:\s+(?:(?:of|for|de|da|al|bin|van|von|der|du|la|le)\s+)?[A-Z][\w’'.-]*)*")
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
SUBJECT_BEFORE = frozenset(
    """to of in on at with from for by about against over between into through towards toward under among
    without within near after before during than like via""".split()
)
SUBJECT_BEFORE = frozenset(
    """and but while whereas as when although though because that then also meanwhile however so yet
    where if once earlier later now what which""".split()
)
DETERMINER = frozenset({"the", "a", "an"})
# Words of titles: a capitalised run of only these ("Prime Minister", "Foreign Minister") names no one.
_TITLE_WORDS = TITLE_HEADS | {"prime", "foreign", "defence", "defense", "deputy", "vice", "first", "interior", "of"}
# Words of a body's name that say what it does, not whose it is ("Defence Ministry", "General Staff").
_GENERIC_BODY_WORDS = _TITLE_WORDS | set(_ORG_HEADS) | {
    "affairs", "armed", "national", "state", "general", "staff", "security", "internal", "emergency", "situations",
    "justice", "health", "border", "press", "and", "the",
}  # fmt: skip
BOUNDARY = re.compile(r"[;:]|,\s+(?:and|but|while|whereas|although|though|with)\b|\s[—–]\s|\bbut\b|\bwhile\b")
DEMONYM_ENDINGS = ("ian", "ean", "ani", "eri", "ish", "ese", "ch", "ic")
NEXT_WORD = re.compile(r"\s+([\w-]+)")
AND_VERB = re.compile(r"\band\s+(?:\w+ly\s+)?$")
RELATIVE = re.compile(r",\s+(?:who|which|whose|whom)\b[^,]*,")
THAT_BETWEEN = re.compile(r"\b(?:that|which|who|whom|whether|if|because)\b")
_WORD = re.compile(r"[\w’'.-]+|[^\w\s]")
LAST_TOKEN = re.compile(r"([\w’'.-]+|[^\w\s])\s*$")
# The writer keeps a distance: "the so-called “…”", "what it calls “…”".
# A quoted verb phrase ("will not tolerate") is words quoted, not a term.
NOT_A_TERM = re.compile(
    r"(?:will|would|shall|should|can|could|may|might|must|is|are|was|were|has|have|had|do|does|did|not|never|"
    r"we|i|you|they|he|she|it|our|my)\b",
)
COORDINATED = re.compile(r"\s*(?:,|,?\s+(?:and|or|as\s+well\s+as))\s*")
BARE_VERB = re.compile(r",?\s*(?:and|but)\s+(?:\w+ly\s+)?")
_NAMING_VERBS = (
    r"(?:calls?|called|terms?|termed|describes?|described|dubs|dubbed|labels?|labell?ed|brands?|branded|"
    r"refers\s+to|referred\s+to)"
)
# "what Baku calls “…”", "what the ministry described as a “…”": the term is the naming side's.
TERMED_BY = re.compile(
    r"\bwhat\s+(?P<who>(?:[\w’'.-]+\s+){1,5}?)(?:has\s+|have\s+|had\s+|is\s+|was\s+)?"
    + _NAMING_VERBS
    + r"(?:\s+as)?(?:\s+(?:its|their|his|her|the|a|an))?\s*$"
)

# Reported speech: a speech verb and its "that" clause, "accused X of", "according to X, …".
REPORTED_HINT = re.compile(whole_words(["that", "accus", "according to"], end=False))  # \b(?:that|…)
REPORTED_PATTERNS = (
    # "\b(?P<cue>(?:said|says|…)…": the words after their first character (whole_words), searched in every sentence.
    re.compile(
        "(?P<cue>"
        + whole_words(
            """said says stated states noted notes stressed stresses warned warns added adds claimed claims insisted
            insists announced announces argued argues emphasised emphasized underlined reiterated confirmed
            denied""".split(),
            end=False,
        )
        + r"(?:\s+(?:on\s+\w+|in\s+a\s+statement|earlier|later|today|yesterday))?)\s+that\s+"
    ),
    re.compile(r"(?P<cue>a(?<!\w\w)ccuse[ds])\s+(?:[\w’'-]+\s+){1,4}?of\s+"),  # \b(?P<cue>accused|accuses)…
    re.compile(r"(?P<cue>according to)\s+[^,]{2,60},\s+"),
)

# After a name, what marks it as a person's or a body's name: an apposition or a verb it is the subject of.
MARKED_NAME = re.compile(
    r"(?:\s*,\s+(?:a|an|the|who|head|chief|director|spokesperson|spokesman|spokeswoman)\s"
    r"|\s+(?:said|says|told|tells|added|adds|noted|stressed|wrote|is|was|has|had|does|did|doesn|didn)\b)"
)

TITLED = re.compile(r"\b(?:" + "|".join(sorted(TITLE_HEADS, key=len, reverse=True)) + r")\b")

# Rules whose speaker governs the rest of the sentence's quotations.
REPORTED_RULES = frozenset({"speaker-first", "term-in-reported-speech", "same-sentence"})

# Priorities when several candidates could be the speaker of a quote-first cue.
NAMED, ANON, NOMINAL_RANK, _PRONOUN_RANK = 3, 2, 1, 0


# Built by the hundred per article (as quotes._Cue): slotted, not frozen, as a frozen
# dataclass costs five times as much to create.
@dataclass(slots=True)
class Candidate:
    """Something in the text that could be a speaker, with what it resolves to (None: unresolved)."""

    start: int
    end: int
    rank: int
    speaker: Speaker | None
    kind: str = ""  # the actor kind, when known


class CandidateFinder:
    """The candidates of one article (the state of its attribution: mentions, quotations, the
    speakers found so far, the actors proposed)."""

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

    def _sentence_of(self, offset: int) -> int:
        k = bisect.bisect_right(self._sentence_starts, offset) - 1
        return k if k > 0 else 0

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
                found.append(Candidate(m.start, m.end, NAMED, self._speaker(i), m.kind))
            i += 1
        if self._unresolved:
            found += [Candidate(a, b, NAMED, None, "person") for a, b in self._unresolved if start <= a and b <= end]
        anonymous = (
            _ANONYMOUS.finditer(self.lower, start, end) if _ANONYMOUS_HINT.search(self.lower, start, end) else ()
        )
        for match in anonymous:
            label = text[match.start() : match.end()]
            inside = [c for c in found if match.start() <= c.start and c.end <= match.end()]
            key = next((c.speaker.actor_key for c in inside if c.kind == "unnamed_source"), None)
            found.append(
                Candidate(match.start(), match.end(), ANON, Speaker(label, ANONYMOUS, key, match.start(), match.end()))
            )
        nominal = _NOMINAL.finditer(self.lower, start, end) if _NOMINAL_HINT.search(self.lower, start, end) else ()
        for match in nominal:
            found.append(Candidate(match.start(), match.end(), NOMINAL_RANK, self._resolve_nominal(match)))
        for match in _PRONOUN.finditer(self.lower, start, end):
            found.append(Candidate(match.start(), match.end(), _PRONOUN_RANK, self._resolve_pronoun(match.start())))
        named = {(c.start, c.end) for c in found if c.rank == NAMED}
        for match in NAME.finditer(text, start, end):
            if match.span() in named:
                continue  # a known name
            candidate = self._name_candidate(match.start(), match.end(), found)
            if candidate:
                found.append(candidate)
        return _without_overlaps(found)

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
                return Candidate(start, end, NAMED, named, "person") if named else None
            return Candidate(start, end, NAMED, Speaker(existing.name, PROPOSED, existing.key, start, end), "person")
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(self.text, start, end)]
        while words and words[0][2] in _NOT_NAME:
            words.pop(0)
        if not words:
            return None
        start = words[0][0]
        known = [c for c in found if c.rank == NAMED and c.start < end and start < c.end]
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
                    start, end, NAMED, Speaker(existing.name, PROPOSED, existing.key, start, end), "person"
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
        return Candidate(start, end, NAMED, Speaker(name, PROPOSED, key, start, end), kind)

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
                if opening and opening[0].start == sentence.start and opening[0].rank == NAMED:
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
                named = [c for c in self._candidates(sentence.start, found) if c.rank == NAMED and c.speaker]
                return named[0].speaker if named else None
        return self._last_said(before, persons=None, paragraphs=3)

    def _paragraph_of(self, offset: int) -> int:
        starts = [p.start for p in self.paragraphs]
        return max(0, bisect.bisect_right(starts, offset) - 1)


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
    if len(found) < 2:
        return found
    found.sort(key=lambda c: (c.start, -(c.end - c.start), -c.rank))
    kept: list[Candidate] = []
    for c in found:
        if kept and c.start < kept[-1].end:
            outer = kept[-1]
            if outer.rank == NOMINAL_RANK and c.rank == NAMED and c.end >= outer.end:
                kept[-1] = c
            continue
        kept.append(c)
    return kept
