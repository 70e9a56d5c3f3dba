"""Find the quotations of an article: double marks of any style, paragraph runs left open
(the continued-quote convention), and single marks where no double mark is used."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from events.ingest.records import Span

_MARKS = '“”"'  # the double quotation marks


def _marks(text: str, start: int, end: int) -> list[int]:
    """Where the double quotation marks stand in text[start:end], in order: `[“”"]` found with
    str.find (a regex skipping to a character set tests every character of the text apart)."""
    found = []
    for mark in _MARKS:
        at = text.find(mark, start, end)
        while at != -1:
            found.append(at)
            at = text.find(mark, at + 1, end)
    found.sort()
    return found


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
        for at in _marks(text, paragraph.start, paragraph.end):
            mark = text[at]
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
_SINGLE = re.compile(
    r"(?:(?<=^)|(?<=[\s(\[—–-]))(?P<mark>[‘'])(?P<body>[^\s‘’'\"“”][^‘’\"“”\n]{0,118}?[^\s‘’'\"“”]|[^\s‘’'\"“”])[’'](?![\w’'])"
)


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
