"""Render an article body as HTML paragraphs with its spans highlighted.

Pure Python (no Django), so it is fast to test. Spans are character offsets into the
verbatim body (Python string indices) and may overlap, nest or coincide (two speakers
credited with the same words). HTML elements must nest, so a span that crosses the end
of another one is closed and reopened around it: the first piece carries the anchor
`id` (`statement-12`), the continuation pieces only the class, tip and `data-span`.
Paragraphs (text separated by blank lines) become `<p>` elements; a span crossing a
paragraph break is split the same way. Every text piece and attribute is escaped, and a
bidirectional control in the body is shown as a marker (events/ingest/text.py).

A span's `title` is its tip, shown on hover and on keyboard focus (CSS, from `data-tip`)
and read by screen readers (`aria-describedby` points at a hidden copy): the first piece
of a span is focusable (`tabindex="0"`), or a link when the span has an `href`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from events.ingest.segment import split_sentences
from events.ingest.text import show_controls

# A paragraph break: a newline followed by one or more (possibly blank-looking) lines.
PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")


@dataclass(frozen=True)
class HighlightSpan:
    """One highlighted range: `anchor` is the element id ("statement-12"), unique per body."""

    start: int
    end: int
    anchor: str
    css_class: str
    title: str = ""
    href: str = ""

    @property
    def tag(self) -> str:
        return "a" if self.href else "mark"


def paragraph_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: the text between blank lines, never empty."""
    ranges, position = [], 0
    for match in PARAGRAPH_BREAK.finditer(text):
        if match.start() > position:
            ranges.append((position, match.start()))
        position = match.end()
    if position < len(text):
        ranges.append((position, len(text)))
    return ranges


def _open_tag(span: HighlightSpan, first: bool) -> str:
    attributes = [f'class="{escape(span.css_class)}"', f'data-span="{escape(span.anchor)}"']
    if first:
        attributes.insert(0, f'id="{escape(span.anchor)}"')
    else:
        attributes[0] = f'class="{escape(span.css_class)} span-continued"'
    if span.href:
        attributes.append(f'href="{escape(span.href)}"')
        if not first:
            attributes.append('tabindex="-1"')  # one tab stop per span
    elif first and span.title:
        attributes.append('tabindex="0"')
    if span.title:
        attributes.append(f'data-tip="{escape(span.title)}"')
        attributes.append(f'aria-describedby="tip-{escape(span.anchor)}"')
    return f"<{span.tag} {' '.join(attributes)}>"


def _render_paragraph(text: str, start: int, end: int, spans: list[HighlightSpan], anchored: set[str]) -> str:
    """One paragraph's HTML; `anchored` collects the anchors already given an id."""
    pieces = [(max(span.start, start), min(span.end, end), span) for span in spans]
    pieces = [(a, b, span) for a, b, span in pieces if a < b]
    boundaries = sorted({start, end, *(a for a, _, _ in pieces), *(b for _, b, _ in pieces)})
    starting: dict[int, list[tuple[int, HighlightSpan]]] = {}
    for a, b, span in pieces:
        starting.setdefault(a, []).append((b, span))

    html: list[str] = []
    stack: list[tuple[int, HighlightSpan]] = []  # (clipped end, span), outermost first
    for position, following in zip(boundaries, [*boundaries[1:], None], strict=True):
        ending = [index for index, (b, _) in enumerate(stack) if b == position]
        reopen: list[tuple[int, HighlightSpan]] = []
        if ending:
            # Close everything from the outermost span that ends here inwards, then
            # reopen the inner ones that go on (they were only cut by the closing one).
            lowest = ending[0]
            html.extend(f"</{span.tag}>" for _, span in reversed(stack[lowest:]))
            reopen = [(b, span) for b, span in stack[lowest:] if b != position]
            del stack[lowest:]
        opening = [(b, span, False) for b, span in reopen]
        opening += [(b, span, True) for b, span in starting.get(position, [])]
        # Outer first: the span that ends last wraps the others, so it is split the least.
        for b, span, fresh in sorted(opening, key=lambda item: (-item[0], item[1].start, item[1].anchor)):
            first = fresh and span.anchor not in anchored
            anchored.add(span.anchor)
            html.append(_open_tag(span, first))
            stack.append((b, span))
        if following is not None:
            html.append(escape(show_controls(text[position:following]), quote=False))
    html.extend(f"</{span.tag}>" for _, span in reversed(stack))
    return "".join(html)


def highlight(text: str, spans: list[HighlightSpan]) -> str:
    """The body as `<p>` paragraphs with `<mark>` elements for the spans (escaped HTML)."""
    valid = [span for span in spans if 0 <= span.start < span.end <= len(text)]
    anchored: set[str] = set()
    paragraphs = []
    for start, end in paragraph_ranges(text):
        inside = [span for span in valid if span.start < end and span.end > start]
        paragraphs.append(f"<p>{_render_paragraph(text, start, end, inside, anchored)}</p>")
    # A span that covers only the whitespace between paragraphs still gets its anchor.
    for span in valid:
        if span.anchor not in anchored:
            paragraphs.append(f'<span id="{escape(span.anchor)}" hidden></span>')
    return "\n".join(paragraphs)


def tips(spans: list[HighlightSpan]) -> str:
    """The spans' tips as hidden elements for their `aria-describedby` (put them next to the body)."""
    items = {span.anchor: span.title for span in spans if span.title}
    if not items:
        return ""
    inner = "".join(f'<span id="tip-{escape(anchor)}">{escape(tip)}</span>' for anchor, tip in items.items())
    return f'<div class="span-tips" hidden>{inner}</div>'


@dataclass(frozen=True)
class QuoteContext:
    """A span with the text around it: `before` + `span` + `after` is a run of the body."""

    before: str
    span: str
    after: str
    clipped_before: bool
    clipped_after: bool


def quote_context(text: str, start: int, end: int, sentences: int = 1, limit: int = 600) -> QuoteContext:
    """The span with `sentences` sentences before and after it (across paragraph breaks).

    What a curator needs to judge a quotation: who the surrounding words say is speaking,
    and when; the attribution is often the sentence before, in the paragraph before. Each
    side is cut to `limit` characters (at a word) for very long sentences.
    """
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    pieces = [piece for a, b in paragraph_ranges(text) for piece in split_sentences(text, a, b)]
    inside = [i for i, piece in enumerate(pieces) if piece.end > start and piece.start < end]
    if not inside:
        return QuoteContext("", text[start:end], "", False, False)
    low = min(pieces[max(0, inside[0] - sentences)].start, start)
    high = max(pieces[min(len(pieces) - 1, inside[-1] + sentences)].end, end)
    before, after = text[low:start], text[end:high]
    clipped_before, clipped_after = low > 0, high < len(text)
    if len(before) > limit:
        before = before[-limit:].split(" ", 1)[-1]
    if len(after) > limit:
        after = after[:limit].rsplit(" ", 1)[0]
    return QuoteContext(before, text[start:end], after, clipped_before, clipped_after)


def context_html(text: str, start: int, end: int) -> str:
    """The span `start`–`end` of `text` highlighted (`<mark>`) in the sentences around it, as escaped
    HTML: what the admin's change pages show instead of bare offsets."""
    context = quote_context(text, start, end)
    if not context.span:
        return f'<span class="span-empty">(no text at {start}–{end}: the span is empty or outside the article)</span>'
    return (
        ("… " if context.clipped_before else "")
        + escape(show_controls(context.before))
        + f'<mark data-span="{start}-{end}">{escape(show_controls(context.span))}</mark>'
        + escape(show_controls(context.after))
        + (" …" if context.clipped_after else "")
    )
