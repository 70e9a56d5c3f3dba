"""Validate a seed file and split it into headline, caption and paragraphs.

Seed format (DESIGN.md): a headline line, a blank line, an optional one-line image
caption followed by two or more blank lines, then paragraphs separated by blank lines.
Nothing here touches the database or settings: bytes in, `ParsedArticle` out.
"""

from __future__ import annotations

import hashlib
import re

from events.ingest.records import ParsedArticle, ParseError, Span

DEFAULT_MAX_BYTES = 1_000_000
MAX_HEADLINE_CHARS = 500

# A block is a run of non-blank lines; blocks are separated by one or more blank lines.
_BLOCK = re.compile(r"[^\r\n]*\S[^\r\n]*(?:\r?\n[^\r\n]*\S[^\r\n]*)*")
# Control characters other than tab, newline and carriage return mark a binary file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def decode_seed(data: bytes, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Check the raw bytes of a seed file and decode them as UTF-8, refusing what is not an article."""
    if len(data) > max_bytes:
        raise ParseError(source, None, f"the file is {len(data):,} bytes; the limit is {max_bytes:,} bytes")
    if not data.strip():
        raise ParseError(source, None, "the file is empty")
    nul = data.find(b"\x00")
    if nul != -1:
        raise ParseError(source, data.count(b"\n", 0, nul) + 1, f"binary file: NUL byte at byte {nul}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.start + 1].hex()
        raise ParseError(source, line, f"not UTF-8: invalid byte 0x{bad} at byte {error.start}") from None
    control = _CONTROL.search(text)
    if control:
        raise ParseError(
            source,
            _line_of(text, control.start()),
            f"binary file: control character U+{ord(control.group()):04X} at character {control.start()}",
        )
    return text


def parse_article(text: str, *, source: str) -> ParsedArticle:
    """Split verbatim article text into headline, caption and paragraphs (offsets into `text`)."""
    blocks = [Span(m.start(), m.end()) for m in _BLOCK.finditer(text)]
    if not blocks:
        raise ParseError(source, None, "the file is empty")
    headline = blocks[0]
    headline_text = headline.of(text)
    if "\n" in headline_text:
        raise ParseError(source, 1, "the headline must be a single line followed by a blank line")
    if len(headline_text.strip()) > MAX_HEADLINE_CHARS:
        raise ParseError(
            source,
            _line_of(text, headline.start),
            f"the headline is {len(headline_text.strip())} characters long (at most {MAX_HEADLINE_CHARS}): "
            "is the blank line after it missing?",
        )
    rest = blocks[1:]
    if not rest:
        raise ParseError(source, _line_of(text, headline.end), "no body after the headline")
    caption = None
    if len(rest) > 1 and _is_caption(text, rest[0], rest[1]):
        caption, rest = rest[0], rest[1:]
    return ParsedArticle(
        source=source,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        headline=_strip(text, headline),
        caption=_strip(text, caption) if caption else None,
        paragraphs=tuple(_strip(text, block) for block in rest),
    )


def _is_caption(text: str, block: Span, following: Span) -> bool:
    """A caption is a single line set off from the body by two or more blank lines."""
    if "\n" in block.of(text):
        return False
    gap = text[block.end : following.start]
    return gap.count("\n") >= 3


def _strip(text: str, span: Span) -> Span:
    """Narrow a span to its non-whitespace content, keeping offsets into `text`."""
    chunk = span.of(text)
    start = span.start + (len(chunk) - len(chunk.lstrip()))
    end = span.end - (len(chunk) - len(chunk.rstrip()))
    return Span(start, end)
