"""The one policy for stored text: which characters a text may hold, and how the article's own
words are shown when they hold something that changes how text is displayed.

- Control characters (C0 other than tab, newline and carriage return; DEL; C1) are refused in
  every stored text: they are invisible, and some terminals and viewers act on them.
- Bidirectional controls (embeddings, overrides, isolates and the directional marks) make text
  display in another order than it is stored: a name or a note holding U+202E shows something it
  is not. They are refused in every text except an article's own words (its body, and the quotes
  cut out of it), which are kept verbatim since every offset points into them; there,
  `show_controls()` replaces each by a visible marker ("[U+202E]") wherever they are rendered.

Used by the models (events.models.CleanTextMixin: the admin, the API and the importers all call
full_clean()) and by the seed parser (events/ingest/parser.py). Pure Python: no Django.
"""

from __future__ import annotations

import re
import unicodedata

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _named(char: str) -> str:
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def control_problem(text: str) -> tuple[int, str] | None:
    """(character offset, reason) of the first control character in `text`, or None."""
    match = CONTROL.search(text)
    if match is None:
        return None
    return match.start(), f"control character {_named(match.group())}"


def bidi_problem(text: str) -> tuple[int, str] | None:
    """(character offset, reason) of the first bidirectional control in `text`, or None."""
    match = BIDI.search(text)
    if match is None:
        return None
    return (
        match.start(),
        f"bidirectional control {_named(match.group())}, which changes how the text around it is shown",
    )


def text_problem(text: str, *, article_text: bool = False) -> str | None:
    """Why `text` may not be stored, or None. `article_text`: an article's own words (bidi kept)."""
    problem = control_problem(text) or (None if article_text else bidi_problem(text))
    if problem is None:
        return None
    offset, reason = problem
    return f"{reason} at character {offset}: not allowed in this text"


def show_controls(text: str) -> str:
    """`text` with each bidirectional control replaced by a visible marker, for rendering only."""
    return BIDI.sub(lambda match: f"[U+{ord(match.group()):04X}]", text)
