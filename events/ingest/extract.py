"""Draft who said what, about whom and when, from a parsed article.

`extract_article` runs the steps in order: wire datelines, actor mentions (gazetteer),
sentences, quotations and their speakers (quotes.py), date phrases (datephrases.py),
then per statement its targets, its date and its CAMEO code (classify.py). The result
is an `Extraction` of plain dataclasses for curators to review; `to_json` gives the
stable JSON shape used by the `extract` command and by tests.

A statement's date comes from, in order: a date phrase in its own sentence (the one
nearest the cue); the previous dated statement by the same speaker; a day-precise phrase
in the nearest other sentence naming the same speaker ("dated by 'on Tuesday' in the
next paragraph"); else the publication date, marked approximate.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from typing import Any

from events.ingest.classify import classify
from events.ingest.datephrases import ANCHOR_WORDS, YEAR_PATTERN, date_anchors, find_dates
from events.ingest.dates import APPROXIMATE, DAY
from events.ingest.gazetteer import Gazetteer
from events.ingest.quotations import Quotation, find_quotations
from events.ingest.quotes import Attribution, Attributor
from events.ingest.records import (
    KNOWN,
    PROPOSED,
    REPORTED,
    DatePhrase,
    ExtractedStatement,
    Extraction,
    Mention,
    ParsedArticle,
    Span,
    Speaker,
)
from events.ingest.segment import split_sentences

# "BAKU:", "YEREVAN, Sept 19 (Reuters) -", "MOSCOW (AP) —": a place in capitals opening a paragraph.
_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z’'.-]*(?:\s+[A-Z][A-Z’'.-]*)*)(?:,\s*[A-Z][\w.]*\.?(?:\s+[0-9]{1,2})?)?"
    r"(?:\s*\([A-Za-z .&]+\))?\s*(?::|\s[-–—])\s+"
)


# Attribution rules whose cue is in the quotation's own sentence (others borrow it from elsewhere).
_CUE_IN_SENTENCE = frozenset(
    {"quote-first", "speaker-first", "sentence-final-cue", "term-in-reported-speech", "reported-speech"}
)


def find_dateline(text: str, paragraph: Span) -> Span | None:
    """The wire dateline at the start of a paragraph, if there is one."""
    match = _DATELINE.match(text, paragraph.start, paragraph.end)
    if match and len(re.sub(r"\W", "", match.group("place"))) >= 4:
        return Span(match.start(), match.end())
    return None


# "ICRC statement on …", "Statement by the OSCE Minsk Group", "Peskov says …", "Pashinyan: …".
_HEADLINE_SPEAKS = re.compile(r"\s*(?:['’]s\s+)?(?:statement|says|said|:)(?!\w)", re.IGNORECASE)
_HEADLINE_STATEMENT_BY = re.compile(r"(?:joint\s+)?statement\s+(?:by|of|from)\s+(?:the\s+)?$", re.IGNORECASE)


def headline_speaker(text: str, headline: Span, mentions: list[Mention]) -> Speaker | None:
    """The one known actor a headline names as speaking ("X statement on …", "X says …"), if any."""
    start, end = headline.start, headline.end
    for m in mentions:  # the first known actor named in the headline
        if start <= m.start and m.end <= end and m.known:
            break
    else:
        return None
    before = text[headline.start : m.start]
    speaks = _HEADLINE_SPEAKS.match(text, m.end, headline.end)
    if (speaks and not before.strip()) or _HEADLINE_STATEMENT_BY.search(before):
        return Speaker(m.name or m.surface, KNOWN, m.actor_key, m.start, m.end)
    return None


_NAME_JOINERS = frozenset({"of", "the", "and", "for", "de", "la", "al", "-", "&"})


def is_a_name(quote: str) -> bool:
    """A name in quotation marks (an outlet “Caucasian Knot”, an operation “Revenge”): nobody's words."""
    words = quote.split()
    if not words or len(words) > 5 or quote.rstrip()[-1] in ".?!,;:…":
        return False
    return all(w[:1].isupper() or w.lower() in _NAME_JOINERS for w in words) and words[0][:1].isupper()


def extract_article(
    parsed: ParsedArticle,
    gazetteer: Gazetteer,
    published_on: dt.date | None,
    *,
    detail_unattributed: bool = True,
    list_unknowns: bool = False,
) -> Extraction:
    """Everything the extractor drafts from one article (see the module docstring).

    `detail_unattributed=False` (for a caller that drafts no unattributed quotation): an
    unattributed statement keeps its quote, span, kind, rule and cue but gets no targets, date
    or CAMEO code. The attributed ones are the same either way: an unattributed statement has
    no speaker whose later statements it could date. `list_unknowns`: also list the people and
    bodies the gazetteer lacks that the text marks as names (`extract`'s list of actors named;
    drafting does not need them).
    """
    text = parsed.text
    paragraphs = parsed.paragraphs
    datelines = [span for span in (find_dateline(text, p) for p in paragraphs[:1]) if span]
    blocks = [parsed.headline, *([parsed.caption] if parsed.caption else []), *paragraphs]

    # One lower-cased copy for every block (blocks are set off by blank lines, a dateline ends
    # in a space, so each block reads as it would on its own) unless lower-casing changes the
    # length of some character (then each block is lower-cased apart, as lower_same_length does).
    lower = text.lower()
    lower = lower if len(lower) == len(text) else None
    mentions: list[Mention] = []
    in_titles: list[Mention] = []
    dates: list[DatePhrase] = []
    for dateline in datelines:
        # "MOSCOW (Sputnik) –": the agency the dateline credits is named too.
        mentions.extend(m for m in gazetteer.find_mentions(text, dateline.start, dateline.end) if m.kind == "media")
    # One scan of the text finds the words where an actor's name or a date phrase may start.
    words = gazetteer.scan_with(ANCHOR_WORDS, YEAR_PATTERN).scan(lower, 0, len(text)) if lower is not None else None
    starts = [at for at, _ in words] if words is not None else []
    # The date phrases' anchors among them: a block with none has no date phrase.
    anchors = date_anchors(words) if words is not None else []
    anchor_starts = [at for at, _ in anchors]
    for block in blocks:
        start = next((d.end for d in datelines if d.start == block.start), block.start)
        in_block = in_dates = None
        if words is not None:
            first, stop = bisect.bisect_left(starts, block.start), bisect.bisect_left(starts, block.end)
            in_block = words[first:stop]
            first, stop = bisect.bisect_left(anchor_starts, block.start), bisect.bisect_left(anchor_starts, block.end)
            in_dates = anchors[first:stop]
        mentions.extend(
            gazetteer.find_mentions(
                text,
                start,
                block.end,
                lower=lower,
                absorbed=in_titles,
                words=in_block,
            )
        )
        if in_dates is None or in_dates:
            dates.extend(find_dates(text, block.start, block.end, published_on, lower=lower, words=in_dates))
    vacant: list[Mention] = []
    mentions = gazetteer.resolve_offices(mentions, published_on, text, vacant)
    body_mentions = [m for m in mentions if m.start >= (paragraphs[0].start if paragraphs else 0)]

    sentences = [s for p in paragraphs for s in split_sentences(text, p.start, p.end)]
    quotations = find_quotations(text, paragraphs)
    attributor = Attributor(
        text,
        paragraphs,
        sentences,
        body_mentions,
        quotations,
        lower=lower,
        genders=gazetteer.genders,
        headline_speaker=headline_speaker(text, parsed.headline, mentions),
        unresolved=vacant,
    )
    attributions = attributor.attribute_all()
    attributions = sorted((*attributions, *attributor.reported_speech()), key=lambda a: a.quotation.start)

    context = _Context(text, sentences, body_mentions, dates, quotations, published_on, [p.start for p in paragraphs])
    statements = [
        context.statement(a, detailed=a.speaker is not None or detail_unattributed)
        for a in attributions
        if not is_a_name(text[a.quotation.start : a.quotation.end])
    ]

    named_unknowns = tuple(attributor.named_unknowns()) if list_unknowns else ()

    proposed_mentions = {
        (s.speaker.start, s.speaker.end): s.speaker for s in statements if s.speaker and s.speaker.status == PROPOSED
    }
    for (start, end), speaker in proposed_mentions.items():
        actor = attributor.proposed[speaker.actor_key]
        mentions.append(Mention(actor.key, start, end, text[start:end], False, actor.name, actor.kind, actor.role))
    mentions.sort(key=lambda m: (m.start, m.end))
    return Extraction(
        source=parsed.source,
        headline=parsed.headline_text,
        published_on=published_on,
        mentions=tuple(mentions),
        statements=tuple(statements),
        dates=tuple(dates),
        proposed_actors=tuple(attributor.proposed.values()),
        title_mentions=tuple(gazetteer.named_in_titles(in_titles)),
        named_unknowns=named_unknowns,
    )


def _by_sentence(items: list, sentences: list[Span], quote_spans: list[tuple[int, int]]) -> list[tuple[int, Any]]:
    """(sentence index, item) for the items (sorted by start) in the body, outside every quotation.

    One walk over the three sorted lists instead of two binary searches per item.
    """
    found, k, q = [], 0, 0
    for item in items:
        if not sentences or item.start < sentences[0].start:
            continue  # headline or caption
        while q < len(quote_spans) and quote_spans[q][1] <= item.start:
            q += 1
        if q < len(quote_spans) and quote_spans[q][0] <= item.start and item.end <= quote_spans[q][1]:
            continue
        while k + 1 < len(sentences) and sentences[k + 1].start <= item.start:
            k += 1
        found.append((k, item))
    return found


class _Context:
    """What a statement's targets, date and code are read from."""

    def __init__(
        self,
        text: str,
        sentences: list[Span],
        mentions: list[Mention],
        dates: list[DatePhrase],
        quotations: list[Quotation],
        published_on: dt.date | None,
        paragraph_starts: list[int] | None = None,
    ) -> None:
        self.text = text
        self.sentences = sentences
        self.starts = [s.start for s in sentences]
        self.paragraph_starts = paragraph_starts or [0]
        self.mentions = mentions
        self.mention_starts = [m.start for m in mentions]
        self.quote_spans = sorted((q.mark, q.end + 1) for q in quotations)
        self.published_on = published_on
        self.last_date: dict[str, tuple[dt.date, str, str, str]] = {}
        # Dates outside quotations by sentence, and the sentences naming each actor.
        # And the first and the last day-precise date of each sentence that has one.
        self.dates_in: dict[int, list[DatePhrase]] = {}
        self.first_day: dict[int, DatePhrase] = {}
        self.last_day: dict[int, DatePhrase] = {}
        for k, d in _by_sentence(dates, sentences, self.quote_spans):
            self.dates_in.setdefault(k, []).append(d)
            if d.precision == DAY:
                self.first_day.setdefault(k, d)
                self.last_day[k] = d
        self._naming: dict[str, list[int]] = {}
        self._dated: dict[str, list[tuple[int, DatePhrase]]] = {}  # _speaker_context's, by speaker

    def naming(self, actor_key: str) -> list[int]:
        """The sentences naming an actor outside quotations (read for one actor on first use:
        most statements never need it, and those that do ask for a few speakers)."""
        found = self._naming.get(actor_key)
        if found is None:
            named = [m for m in self.mentions if m.actor_key == actor_key]
            found = self._naming[actor_key] = [k for k, _ in _by_sentence(named, self.sentences, self.quote_spans)]
        return found

    def _sentence_index(self, offset: int) -> int:
        k = bisect.bisect_right(self.starts, offset) - 1
        return k if k > 0 else 0

    def statement(self, a: Attribution, *, detailed: bool = True) -> ExtractedStatement:
        """The statement of an attribution; with `detailed`, its targets, date and CAMEO code too."""
        q = a.quotation
        quote = self.text[q.start : q.end]
        return ExtractedStatement(
            quote=quote,
            start=q.start,
            end=q.end,
            kind=a.kind,
            speaker=a.speaker,
            attribution=a.rule,
            cue=a.cue,
            cue_span=a.cue_span,
            **(self._details(a, quote) if detailed else {}),
        )

    def _details(self, a: Attribution, quote: str) -> dict[str, Any]:
        q, speaker = a.quotation, a.speaker
        span_start, span_end = q.mark, q.end
        if a.cue_span and a.rule in _CUE_IN_SENTENCE:
            span_start, span_end = min(span_start, a.cue_span.start), max(span_end, a.cue_span.end)
        first, last = self._sentence_index(span_start), self._sentence_index(span_end - 1)
        sentence = (
            self.sentences[first].start if self.sentences else span_start,
            (self.sentences[last].end if self.sentences else span_end),
        )
        speaker_key = speaker.actor_key if speaker else None
        targets: list[str] = []
        for m in self.mentions[bisect.bisect_left(self.mention_starts, sentence[0]) :]:
            if m.start >= sentence[1]:
                break
            if m.actor_key != speaker_key and m.actor_key not in targets:
                if not speaker or not (speaker.start <= m.start < speaker.end):
                    targets.append(m.actor_key)
        date = self._date(a, sentence, speaker_key)
        code, rule = classify(quote, a.cue, self.text[sentence[0] : sentence[1]])
        return {
            "targets": tuple(targets),
            "date": date[0],
            "precision": date[1],
            "date_phrase": date[2],
            "date_rule": date[3],
            "cameo": code,
            "cameo_rule": rule,
        }

    def _date(self, a: Attribution, sentence: tuple[int, int], speaker_key: str | None):
        anchor = a.cue_span.start if a.cue_span and a.rule in _CUE_IN_SENTENCE else a.quotation.mark
        first, last = self._sentence_index(sentence[0]), self._sentence_index(sentence[1] - 1)
        own = [d for k in range(first, last + 1) for d in self.dates_in.get(k, ())]
        if own:
            best = min(own, key=lambda d: abs(d.start - anchor))
            found = (best.value, best.precision, best.phrase, "sentence")
        else:
            found = (
                (self.last_date.get(speaker_key) if speaker_key else None)
                or self._paragraph_context(first)
                or self._speaker_context(speaker_key, anchor)
            )
        if found is None:
            if self.published_on is None:
                return None, "", "", ""
            found = (self.published_on, APPROXIMATE, "", "publication")
        if speaker_key and found[3] != "publication":
            self.last_date[speaker_key] = (found[0], found[1], found[2], "same-speaker")
        return found

    def _paragraph_context(self, first: int):
        """A day-precise date in an earlier sentence of the same paragraph ("On 19 September, X
        said … . Y, in turn, called it “…”"): the paragraph's scene is set once."""
        paragraph_start = self.paragraph_starts[bisect.bisect_right(self.paragraph_starts, self.starts[first]) - 1]
        last_day = self.last_day
        for k in range(first - 1, -1, -1):
            if self.starts[k] < paragraph_start:
                return None
            day = last_day.get(k)
            if day is not None:
                return day.value, DAY, day.phrase, "paragraph-context"
        return None

    def _speaker_context(self, speaker_key: str | None, anchor: int):
        """A day-precise date in the nearest other sentence naming the speaker (earlier first)."""
        if not speaker_key:
            return None
        dated = self._dated.get(speaker_key)
        if dated is None:
            # The sentences naming the speaker that hold a day-precise date, and the first such date.
            dated = self._dated[speaker_key] = []
            for k in sorted(set(self.naming(speaker_key))):
                day = self.first_day.get(k)
                if day is not None:
                    dated.append((k, day))
        if not dated:
            return None
        here = self._sentence_index(anchor)
        earlier = [item for item in dated if item[0] < here]
        later = [item for item in dated if item[0] > here]
        if not earlier and not later:
            return None
        _, d = earlier[-1] if earlier else later[0]
        return d.value, d.precision, d.phrase, "speaker-context"


def speaker_name(statement: ExtractedStatement, actors: dict[str, str] | None = None) -> str | None:
    """How `to_json` names a speaker: a known actor's canonical name (`actors`: key -> name),
    else the proposed name or the anonymous label."""
    if statement.speaker is None:
        return None
    if statement.speaker.status == KNOWN:
        key = statement.speaker.actor_key
        return (actors or {}).get(key, key)
    return statement.speaker.label


def to_json(extraction: Extraction) -> dict[str, Any]:
    """The extraction as plain JSON (keys fixed: file, headline, actors, statements, dates)."""
    names = {m.actor_key: m.name for m in extraction.mentions if m.known and m.name}
    return {
        "file": extraction.source,
        "headline": extraction.headline,
        "actors": [
            {"name": m.name or m.surface, "kind": m.kind, "start": m.start, "end": m.end, "known": m.known}
            for m in sorted(
                (*extraction.mentions, *extraction.title_mentions, *extraction.named_unknowns),
                key=lambda m: (m.start, m.end),
            )
        ],
        "statements": [
            {
                "speaker": speaker_name(s, names),
                # A paraphrase is no quotation: its words are the writer's (the span still points at them).
                "quote": None if s.kind == REPORTED else s.quote,
                "kind": s.kind,
                "start": s.start,
                "end": s.end,
                "cue": s.cue,
                "date": s.date.isoformat() if s.date else None,
                "precision": s.precision or None,
                "date_phrase": s.date_phrase,
                "cameo": s.cameo,
            }
            for s in extraction.statements
        ],
        "dates": [
            {"phrase": d.phrase, "start": d.start, "end": d.end, "value": d.value.isoformat(), "precision": d.precision}
            for d in extraction.dates
        ],
    }
