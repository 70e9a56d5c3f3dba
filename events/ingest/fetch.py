"""Fetch an article's page, or a feed of them, from the web: carefully, since the address comes from outside.

- Only http and https; the host must resolve to public addresses: a private, loopback,
  link-local or reserved address (the machine itself, the office network, a cloud's metadata
  service) is refused unless its network is in `allow_networks` (a setting: the tests allow
  127.0.0.1 for the server they start). Checked again at every redirect.
- Redirects are followed by hand, at most `max_redirects`, and a loop is named as such.
- A connect and read timeout, and a deadline for the whole answer, so a server that sends a
  byte at a time cannot hold the import.
- The answer must be 200 with an accepted content type (an HTML page; for a feed, RSS/Atom/XML),
  and at most `max_bytes`: its Content-Length is checked first, and reading stops past the limit.

Errors are `FetchError` (a ParseError: the same "source: reason" message as a bad file).
Feeds (RSS, Atom) are read with feedparser: `feed_links` gives each entry's page address.
Pure Python: no Django.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from events.ingest.records import ParseError

PAGE_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")
USER_AGENT = "conflictdb-import/1.0 (article importer; one page per request)"
_REDIRECTS = (301, 302, 303, 307, 308)
_NAME = re.compile(r"[^a-z0-9]+")


class FetchError(ParseError):
    def __init__(self, url: str, reason: str):
        super().__init__(url, None, reason)


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    data: bytes

    @property
    def is_feed(self) -> bool:
        return self.content_type in FEED_TYPES


def fetch(
    url: str,
    *,
    accept: Iterable[str] = PAGE_TYPES + FEED_TYPES,
    max_bytes: int = 5_000_000,
    timeout: float = 10.0,
    deadline: float = 30.0,
    max_redirects: int = 5,
    allow_networks: Iterable[str] = (),
    client=None,
) -> Fetched:
    """GET `url` under the rules above; the final URL, the content type and the body."""
    import httpx  # imported on use: a run without URLs does not pay for it

    accept = tuple(accept)
    allowed = [ipaddress.ip_network(net, strict=False) for net in allow_networks]
    own_client = client is None
    if own_client:
        client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": ", ".join(accept)},
            trust_env=False,  # no proxy from the environment: the address checked is the one reached
        )
    started = time.monotonic()
    seen: list[str] = []
    try:
        current = url
        while True:
            _check_address(current, allowed, original=url)
            seen.append(current)
            try:
                with client.stream("GET", current) as response:
                    if response.status_code in _REDIRECTS:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(url, f"a redirect ({response.status_code}) with no address to go to")
                        target = urljoin(current, location)
                        if target in seen:
                            raise FetchError(url, f"a redirect loop ({' -> '.join([*seen, target])})")
                        if len(seen) > max_redirects:
                            raise FetchError(url, f"more than {max_redirects} redirects (last to {target})")
                        current = target
                        continue
                    if response.status_code != 200:
                        raise FetchError(url, f"the server answered {response.status_code} {response.reason_phrase}")
                    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if content_type not in accept:
                        raise FetchError(
                            url,
                            f"the answer is {content_type or 'of no stated type'}, not an HTML page or a feed "
                            f"(accepted: {', '.join(accept)})",
                        )
                    length = response.headers.get("content-length", "")
                    if length.isdigit() and int(length) > max_bytes:
                        raise FetchError(url, f"the page is {int(length):,} bytes; the limit is {max_bytes:,} bytes")
                    data = _read(response, url=url, max_bytes=max_bytes, started=started, deadline=deadline)
                    return Fetched(str(response.url), content_type, data)
            except httpx.TimeoutException:
                raise FetchError(url, f"no answer within {timeout:g} s (timed out)") from None
            except httpx.HTTPError as error:
                raise FetchError(url, f"cannot fetch it: {error}") from None
    finally:
        if own_client:
            client.close()


def _read(response, *, url: str, max_bytes: int, started: float, deadline: float) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, f"the page is larger than the limit of {max_bytes:,} bytes (reading stopped)")
        if time.monotonic() - started > deadline:
            raise FetchError(url, f"the answer took more than {deadline:g} s (stopped)")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_address(url: str, allowed: list, *, original: str) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to a non-public address not allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(original, f"not a web address (http or https): {url}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(original, f"a bad port in {url}") from None
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(original, f"cannot find the host {parts.hostname}: {error}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global and not any(address in net for net in allowed):
            raise FetchError(
                original,
                f"{parts.hostname} is at {address}, a private or local network address: refused "
                "(ARTICLE_FETCH_ALLOW_NETWORKS allows such networks)",
            )


def feed_links(data: bytes, *, source: str) -> list[str]:
    """The page address of each entry of an RSS or Atom feed, in the feed's order, without repeats."""
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries:
        problem = getattr(feed, "bozo_exception", None)
        reason = f"not a feed ({problem})" if feed.bozo and problem else "a feed with no entries"
        raise ParseError(source, None, reason)
    links = []
    for entry in feed.entries:
        link = (entry.get("link") or "").strip()
        if link and link not in links:
            links.append(link)
    if not links:
        raise ParseError(source, None, "no entry of the feed links to a page")
    return links


def is_feed_name(name: str) -> bool:
    return name.lower().endswith((".rss", ".atom", ".xml"))


def looks_like_url(value: str) -> bool:
    return urlsplit(value).scheme in ("http", "https")


def source_ref_for(url: str) -> str:
    """The article's stable provenance key for a page fetched from `url`: its host and path, and
    a hash of the whole URL (re-importing the URL finds the same article)."""
    parts = urlsplit(url)
    readable = _NAME.sub("-", f"{(parts.hostname or '').removeprefix('www.')}{parts.path}".lower()).strip("-")
    return f"{readable[:150]}-{hashlib.sha256(url.encode()).hexdigest()[:10]}.html"
