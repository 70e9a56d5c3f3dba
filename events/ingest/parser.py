"""Validate a seed file and split it into headline, caption and paragraphs.

Seed format (DESIGN.md): a headline line, a blank line, an optional one-line image
caption followed by two or more blank lines, then paragraphs separated by blank lines.
Nothing here touches the database or settings: bytes in, `ParsedArticle` out.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
from pathlib import Path

from events.ingest.records import ParsedArticle, ParseError, Span
from events.ingest.text import bidi_problem, control_problem

DEFAULT_MAX_BYTES = 1_000_000
MAX_HEADLINE_CHARS = 500

# A block is a run of non-blank lines; blocks are separated by one or more blank lines.
_BLOCK = re.compile(r"[^\r\n]*\S[^\r\n]*(?:\r?\n[^\r\n]*\S[^\r\n]*)*")
# What a file that is not an article usually turns out to be, by its first bytes.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
    (b"\xff\xfe", "UTF-16 text (little-endian byte order mark); save it as UTF-8"),
    (b"\xfe\xff", "UTF-16 text (big-endian byte order mark); save it as UTF-8"),
)
# Why the operating system would not let us read a file, in the words of this format.
_OS_REASONS = {
    errno.ELOOP: "a symbolic link loop (too many levels of symbolic links)",
    errno.ENOENT: "no such file (a symbolic link to nothing?)",
    errno.EACCES: "cannot read the file: permission denied",
    errno.EISDIR: "a folder, not a file",
}


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _too_big(size: int, max_bytes: int) -> str:
    return f"the file is {size:,} bytes; the limit is {max_bytes:,} bytes"


def read_seed(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, within: Path | None = None) -> bytes:
    """Read the bytes of a seed file, refusing what is not a regular file of at most `max_bytes`.

    The size is checked before reading, and no more than `max_bytes + 1` bytes are read
    (a file that grows meanwhile or a device cannot exhaust memory). `within` is the folder
    the file was found in: a symbolic link leading out of it is refused. The file is opened
    non-blocking, so a named pipe is refused instead of waiting for a writer.
    """
    source = str(path)
    try:
        if within is not None:
            real, folder = os.path.realpath(path, strict=True), os.path.realpath(within, strict=True)
            if os.path.commonpath([real, folder]) != folder:
                raise ParseError(source, None, f"a symbolic link to {real}, outside the folder {within}: refused")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        reason = _OS_REASONS.get(error.errno, f"cannot read the file: {error.strerror or error}")
        raise ParseError(source, None, reason) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ParseError(source, None, _OS_REASONS[errno.EISDIR])
        if not stat.S_ISREG(info.st_mode):
            raise ParseError(source, None, "not a regular file (a device, pipe or socket)")
        if info.st_size > max_bytes:
            raise ParseError(source, None, _too_big(info.st_size, max_bytes))
        with os.fdopen(fd, "rb", closefd=False) as file:
            # The size it has now and one byte more (a buffer of max_bytes + 1 for every small file
            # costs more than the read); only a file that grows meanwhile takes a second read.
            data = file.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += file.read(max_bytes + 1 - len(data))
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise ParseError(source, None, f"the file grew while it was read; the limit is {max_bytes:,} bytes")
    return data


def _looks_like_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte order mark: mostly-ASCII text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.6 * half and even < 0.1 * half:
        return "little-endian"
    if even > 0.6 * half and odd < 0.1 * half:
        return "big-endian"
    return None


def decode_seed(data: bytes, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Check the raw bytes of a seed file and decode them as UTF-8, refusing what is not an article.

    A UTF-8 byte order mark (some Windows editors write one) marks the encoding and is not
    text: it is dropped, so the headline does not start with it and offsets count from the
    first character of the article.
    """
    if len(data) > max_bytes:
        raise ParseError(source, None, _too_big(len(data), max_bytes))
    original, data = data, data.removeprefix(codecs.BOM_UTF8)
    if not data.strip():
        raise ParseError(source, None, "the file is empty" if not data else "the file holds only whitespace")
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise ParseError(source, None, f"not a text article: this is {kind}")
    byte_order = _looks_like_utf16(data)
    if byte_order:
        raise ParseError(source, None, f"UTF-16 text ({byte_order}, no byte order mark), not UTF-8: save it as UTF-8")
    nul = data.find(b"\x00")
    if nul != -1:
        raise ParseError(source, data.count(b"\n", 0, nul) + 1, f"binary file: NUL byte at byte {nul}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start : error.start + 1].hex()
        raise ParseError(
            source,
            line,
            f"not UTF-8: invalid byte 0x{bad} at byte {error.start} (Latin-1 or Windows-1252? save it as UTF-8)",
        ) from None
    # Control characters other than tab, newline and carriage return (events/ingest/text.py).
    control = control_problem(text)
    if control:
        _refuse(source, text, *control, bom=len(data) < len(original), what="binary file: ")
    return text


def _refuse(source: str, text: str, offset: int, reason: str, *, bom: bool, what: str = "") -> None:
    """A ParseError naming the character's line and its byte offset in the file."""
    byte = len(text[:offset].encode("utf-8")) + (len(codecs.BOM_UTF8) if bom else 0)
    raise ParseError(source, _line_of(text, offset), f"{what}{reason} at byte {byte} (character {offset})")


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
    # The headline and caption become the article's title and caption, shown as names are:
    # no bidirectional controls there (events/ingest/text.py); the paragraphs keep theirs.
    for block in (headline, caption):
        problem = block is not None and bidi_problem(block.of(text))
        if problem:
            _refuse(source, text, block.start + problem[0], problem[1], bom=False, what="in the headline or caption: ")
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
