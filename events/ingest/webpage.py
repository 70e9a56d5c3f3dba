"""Turn a saved web page (HTML bytes) into an article in the seed format, with its metadata.

trafilatura finds the main text and the page's metadata (title, site name, canonical URL;
the publication date through htmldate, which it calls); the page's `<html lang>` (or its
`content-language`/`og:locale`) gives the language. The article text is then written in
the seed format (DESIGN.md): the title, a blank line, the paragraphs separated by blank
lines; and it goes through the same checks and the same parser as a seed file
(events/ingest/parser.py), so an HTML page and a text file of the same words make the same
`ParsedArticle` and the same drafts. From then on that text is the stored body, verbatim,
and every span points into it; the HTML itself is not stored, its SHA-256 is
(`PageMeta.html_sha256`).

Refused with a `ParseError` naming the page and the reason: a file that is not HTML (an
image, a PDF, plain text), a page larger than the limit, and a page with no article text.
Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import PurePath
from urllib.parse import urlsplit

from events.ingest.parser import _SIGNATURES, DEFAULT_MAX_BYTES, _too_big, decode_seed, parse_article
from events.ingest.records import ParsedArticle, ParseError

PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
# Fewer characters of main text than this is not an article (a cookie wall, an index page).
MIN_TEXT_CHARS = 200
MAX_TITLE_CHARS = 300
# What an HTML document has near its start (after a byte order mark, comments and blank space).
_HTML_START = re.compile(rb"<(!doctype\s+html|html|head|body|meta|title|article|p|div)[\s>/]", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class PageMeta:
    """What the page says about itself (empty strings and None where it says nothing)."""

    title: str
    site_name: str
    url: str  # the canonical URL when the page gives one, else the URL it was fetched from
    hostname: str
    published_on: dt.date | None
    language: str
    html_sha256: str
    # Syndication: the address of the copy we hold (the URL it was fetched from, else its
    # `og:url`), and that of the original (an explicit original-source marker, else the
    # canonical URL); "" where the page says nothing of it.
    served_url: str = ""
    original_url: str = ""


def is_page(name: str) -> bool:
    """Whether a file name is that of a saved web page (by its suffix)."""
    return PurePath(name).suffix.lower() in PAGE_SUFFIXES


def looks_like_html(data: bytes) -> bool:
    """Whether bytes look like an HTML document: a tag of one near the start."""
    return _HTML_START.search(data[:4096].lstrip(b"\xef\xbb\xbf")) is not None


def parse_page(data: bytes, *, source: str, url: str = "", max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedArticle:
    """The article of a saved web page, in the seed format, with its `page` metadata set.

    `url`: where the page was fetched from, used when the page names no canonical URL.
    """
    if len(data) > max_bytes:
        raise ParseError(source, None, _too_big(len(data), max_bytes))
    if not data.strip():
        raise ParseError(source, None, "the file is empty")
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            raise ParseError(source, None, f"not an HTML page: this is {kind}")
    if b"\x00" in data[:4096] or not looks_like_html(data):
        raise ParseError(source, None, "not an HTML page (no HTML tag near the start of the file)")
    # Imported here: trafilatura and its dependencies take 0.3 s to import, which a seed-only run
    # (and every worker process) would pay for nothing.
    import trafilatura

    document = trafilatura.bare_extraction(
        data,
        url=url or None,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        # The date the article was first published (not the last update), from the page's markup
        # and URL only: a date guessed from the text is worse than none (the article is flagged undated).
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    text = (document.text if document is not None else "") or ""
    title = _one_line(document.title if document is not None else "")
    paragraphs = [line for line in (_one_line(raw) for raw in text.splitlines()) if line]
    if paragraphs and title and paragraphs[0] == title:
        paragraphs = paragraphs[1:]  # the page's own heading, which trafilatura keeps as the first line
    if sum(len(p) for p in paragraphs) < MIN_TEXT_CHARS:
        raise ParseError(
            source,
            None,
            "no article text found in the page (a list of links, a login or cookie page, or an empty article?)",
        )
    if not title:
        title = paragraphs[0] if len(paragraphs[0]) <= MAX_TITLE_CHARS else ""
        paragraphs = paragraphs[1:] if title else paragraphs
    if not title:
        raise ParseError(source, None, "the page has no title and its first paragraph is too long to be one")
    if len(title) > MAX_TITLE_CHARS:
        title = title[: MAX_TITLE_CHARS - 1].rstrip() + "…"
    article_text = title + "\n\n" + "\n\n".join(paragraphs) + "\n"
    # The same text policy and the same parser as a seed file.
    decoded = decode_seed(article_text.encode("utf-8"), source=source, max_bytes=max(max_bytes, len(article_text) * 4))
    parsed = parse_article(decoded, source=source)
    canonical = (document.url or "") if document is not None else ""
    meta = PageMeta(
        title=title,
        site_name=_one_line(document.sitename or ""),
        url=_web_url(canonical) or _web_url(url),
        hostname=hostname_of(_web_url(canonical) or _web_url(url)),
        published_on=_date(document.date),
        language=_language(data),
        html_sha256=hashlib.sha256(data).hexdigest(),
        **_syndication(data, canonical=_web_url(canonical), fetched=_web_url(url)),
    )
    return replace(parsed, page=meta)


# An explicit marker of the original: <link rel="original-source">, <meta name="original-source">
# or <meta name="syndication-source"> (the Google News tags), whose href/content is a URL.
_ORIGINAL_MARKERS = ("original-source", "syndication-source")


def _syndication(data: bytes, *, canonical: str, fetched: str) -> dict:
    """`served_url` and `original_url` of a page (see `PageMeta`): the original is the explicit
    marker's URL, else the canonical URL (the importer compares their outlets)."""
    from lxml import etree, html

    try:
        root = html.document_fromstring(data)
    except (ValueError, etree.ParserError):
        return {}
    marker = og_url = canonical_link = ""
    for element in root.iter("link", "meta"):
        key = " ".join((element.get("rel") or element.get("name") or element.get("property") or "").lower().split())
        value = _web_url(element.get("href") or element.get("content"))
        if not value:
            continue
        if key in _ORIGINAL_MARKERS and not marker:
            marker = value
        elif key == "og:url" and not og_url:
            og_url = value
        elif key == "canonical" and not canonical_link:
            canonical_link = value
    # trafilatura's URL prefers og:url to <link rel="canonical">: the canonical link is read here.
    return {"served_url": fetched or og_url, "original_url": marker or canonical_link or canonical}


def hostname_of(url: str) -> str:
    """The host of a URL, lower-case, without a leading "www." ("" when there is none)."""
    host = (urlsplit(url).hostname or "") if url else ""
    return host.lower().removeprefix("www.")


def _one_line(value: str | None) -> str:
    return _SPACE.sub(" ", value or "").strip()


def _web_url(value: str | None) -> str:
    """An http(s) URL as given, or "" for anything else (a relative link, a file path)."""
    value = (value or "").strip()
    return value if urlsplit(value).scheme in ("http", "https") and urlsplit(value).hostname else ""


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _language(data: bytes) -> str:
    """The page's language tag (`<html lang>`, else its content-language or og:locale), or ""."""
    from lxml import html as lxml_html  # a dependency of trafilatura

    try:
        root = lxml_html.document_fromstring(data)
    except (ValueError, TypeError, SyntaxError):
        return ""
    candidates = [root.get("lang"), root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += root.xpath(
        "//meta[translate(@http-equiv,'CONTENT-LANGUAGE','content-language')='content-language']/@content"
    )
    candidates += root.xpath("//meta[@property='og:locale']/@content")
    for candidate in candidates:
        tag = (candidate or "").strip().split(",")[0].strip()
        if _LANGUAGE.match(tag):
            return tag.replace("_", "-").lower()[:10]
    return ""
