"""What the parser returns: plain dataclasses with character offsets into the verbatim text."""

from __future__ import annotations

from dataclasses import dataclass


class ParseError(ValueError):
    """Bad input, with where it is: `seeds/x.txt:12: no body after the headline`."""

    def __init__(self, source: str, line: int | None, reason: str):
        self.source, self.line, self.reason = source, line, reason
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True)
class Span:
    start: int
    end: int

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

    @property
    def headline_text(self) -> str:
        return self.headline.of(self.text)

    @property
    def caption_text(self) -> str:
        return self.caption.of(self.text) if self.caption else ""
