"""What the parser returns: plain dataclasses with character offsets into the verbatim text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from events.ingest.webpage import PageMeta


class ParseError(ValueError):
    """Bad input, with where it is: `seeds/x.txt:12: no body after the headline`."""

    def __init__(self, source: str, line: int | None, reason: str):
        self.source, self.line, self.reason = source, line, reason
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")


# The frozen records made by the hundred for each article (spans, speakers, statements) define
# their own __init__, which @dataclass keeps: it fills the instance's __dict__ directly, which is
# what the generated one does through object.__setattr__ for each field, at half the cost.
# Same fields, order and defaults (test_extract.py checks that they match the dataclass fields).


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def __init__(self, start: int, end: int) -> None:
        d = self.__dict__
        d["start"], d["end"] = start, end

    def of(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True)
class ParsedArticle:
    """A seed file split into headline, optional caption and paragraphs.

    `text` is the whole file, verbatim; every span indexes into it.
    """

    source: str
    text: str
    sha256: str
    headline: Span
    caption: Span | None
    paragraphs: tuple[Span, ...]
    # A saved web page's metadata (events/ingest/webpage.py PageMeta); None for a seed text file.
    page: PageMeta | None = None

    @property
    def headline_text(self) -> str:
        return self.headline.of(self.text)

    @property
    def caption_text(self) -> str:
        return self.caption.of(self.text) if self.caption else ""


# What the extractor drafts from an article (events/ingest/extract.py). Every start/end is
# an offset into ParsedArticle.text, like the spans above.


@dataclass(slots=True)
class Mention:
    """A span of text naming an actor.

    `actor_key` is the gazetteer key of a known actor, or the key of a proposed actor
    (`known=False`). A title written before a person's name ("Foreign Minister X") is
    part of the person's mention; `title` keeps it. Not frozen, unlike the other records:
    an article has a hundred mentions, and a frozen dataclass is five times slower to build.
    """

    actor_key: str
    start: int
    end: int
    surface: str
    known: bool = True
    name: str = ""
    kind: str = ""
    title: str = ""


@dataclass(frozen=True)
class DatePhrase:
    """A date expression resolved to the first day of its period (dates.py precisions)."""

    phrase: str
    start: int
    end: int
    rule: str
    value: dt.date
    precision: str


@dataclass(frozen=True)
class ProposedActor:
    """A named speaker missing from the gazetteer, drafted for a curator to accept or merge."""

    key: str
    name: str
    kind: str
    role: str
    start: int
    end: int


KNOWN, PROPOSED, ANONYMOUS = "known", "proposed", "anonymous"
DIRECT, PARTIAL, TERM, REPORTED = "direct", "partial", "term", "reported"


@dataclass(frozen=True)
class Speaker:
    """Who a statement is attributed to, and where in the text that speaker is named.

    status KNOWN: `actor_key` is a gazetteer key. PROPOSED: `actor_key` is a ProposedActor
    key. ANONYMOUS: an unnamed source ("a senior official"); `actor_key` is set only when the
    gazetteer holds a matching unnamed-source actor.
    """

    label: str
    status: str
    actor_key: str | None
    start: int
    end: int

    def __init__(self, label: str, status: str, actor_key: str | None, start: int, end: int) -> None:
        d = self.__dict__
        d["label"], d["status"], d["actor_key"], d["start"], d["end"] = label, status, actor_key, start, end


@dataclass(frozen=True)
class ExtractedStatement:
    """A quotation and what the extractor drafted about it; `speaker` is None when unattributed."""

    quote: str
    start: int
    end: int
    kind: str
    speaker: Speaker | None
    attribution: str
    cue: str = ""
    cue_span: Span | None = None
    targets: tuple[str, ...] = ()
    date: dt.date | None = None
    precision: str = ""
    date_phrase: str = ""
    date_rule: str = ""
    cameo: str = "010"
    cameo_rule: str = ""

    def __init__(
        self,
        quote: str,
        start: int,
        end: int,
        kind: str,
        speaker: Speaker | None,
        attribution: str,
        cue: str = "",
        cue_span: Span | None = None,
        targets: tuple[str, ...] = (),
        date: dt.date | None = None,
        precision: str = "",
        date_phrase: str = "",
        date_rule: str = "",
        cameo: str = "010",
        cameo_rule: str = "",
    ) -> None:
        self.__dict__.update(
            quote=quote,
            start=start,
            end=end,
            kind=kind,
            speaker=speaker,
            attribution=attribution,
            cue=cue,
            cue_span=cue_span,
            targets=targets,
            date=date,
            precision=precision,
            date_phrase=date_phrase,
            date_rule=date_rule,
            cameo=cameo,
            cameo_rule=cameo_rule,
        )


@dataclass(frozen=True)
class Extraction:
    """Everything drafted from one article."""

    source: str
    headline: str
    published_on: dt.date | None
    mentions: tuple[Mention, ...]
    statements: tuple[ExtractedStatement, ...]
    dates: tuple[DatePhrase, ...]
    proposed_actors: tuple[ProposedActor, ...]
    # Actors named inside a person's title ("State Department spokesperson X", "Armenian Prime
    # Minister Y"): named by the text too, though not mentions of their own (not targets).
    title_mentions: tuple[Mention, ...] = ()
    # People and bodies the text names that the gazetteer lacks, found where a title, an
    # apposition or a speech verb marks them as names (proposed only when they speak).
    named_unknowns: tuple[Mention, ...] = ()
    # The events the article reports (eventdraft.DraftedEvent), drafted apart from the statements by
    # eventdraft.draft_events, which the pipeline calls: extract_article leaves this empty.
    events: tuple = ()
