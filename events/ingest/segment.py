"""Split a paragraph into sentences, with offsets into the verbatim text.

A sentence ends at `.`, `!` or `?` (plus any closing quotes or brackets right after it)
when whitespace and a capital letter, a digit or an opening quote follow. A full stop
after an abbreviation ("U.S.", "Gen.", "Mr.", "Sept.") or an initial ("John F. Kennedy")
does not end a sentence.
"""

from __future__ import annotations

import re

from events.ingest.records import Span

# Words that take a full stop without ending the sentence: titles, months, "No.", "St."...
ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr Prof Gen Lt Col Maj Capt Cmdr Adm Sgt Cpl Pvt Sen Rep Gov Amb Pres Rev Hon "
    "St Mt Ft Jr Sr Co Corp Inc Ltd No Nos vs approx "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)

# Terminal punctuation, then closing quotes or brackets that belong to the same sentence,
# then (not consumed) whitespace and what can start a new sentence. `[.!?][.!?]*`, not `[.!?]+`:
# a pattern that opens with a character set lets the regex engine skip to the next [.!?] (one
# that opens with a repeat is tried at every position).
_BOUNDARY = re.compile(r"[.!?][.!?]*[”\"’')\]]*(?=\s+[“\"‘'(\[]?[A-Z0-9À-Ý])")
_SPACE = re.compile(r"\s*")
_DOTTED = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # U.S, U.K, e.g


def _abbreviation_before(text: str, stop: int, floor: int) -> bool:
    """Is the word ending at `stop` (just before a full stop) an abbreviation or an initial?"""
    begin = max(text.rfind(" ", floor, stop), text.rfind("\n", floor, stop), floor - 1) + 1
    word = text[begin:stop].lstrip('“"‘([')
    return (
        word in ABBREVIATIONS or (len(word) == 1 and word.isupper()) or ("." in word and bool(_DOTTED.fullmatch(word)))
    )


def split_sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentences of text[start:end] as spans into `text`, without surrounding whitespace."""
    start = _SPACE.match(text, start, end).end()
    while end > start and text[end - 1].isspace():
        end -= 1
    spans: list[Span] = []
    begin = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.start()
        if text[stop] == "." and text[stop + 1 : stop + 2] != "." and _abbreviation_before(text, stop, begin):
            continue
        spans.append(Span(begin, match.end()))
        begin = _SPACE.match(text, match.end(), end).end()
    if begin < end:
        spans.append(Span(begin, end))
    return spans
