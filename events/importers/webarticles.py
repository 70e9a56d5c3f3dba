"""What an article imported from a saved web page or a URL takes from the page (its metadata),
for the importer (events/importers/storing.py, `new_article`). A seed text file gives none of it."""

from __future__ import annotations

import datetime as dt

from events.ingest.records import ParsedArticle
from events.ingest.webpage import PageMeta
from events.models import Outlet, OutletDomain


def page_columns(parsed: ParsedArticle, *, published_on: dt.date | None, outlet: Outlet | None) -> dict:
    """The columns of a new article: publication date and outlet (the page's own first, else what
    the command was given, and who republished it), and from a page its URL, language and the
    HTML's SHA-256."""
    page = parsed.page
    if page is None:
        return {"published_on": published_on, "outlet": outlet}
    columns = {
        "published_on": page.published_on or published_on,
        **page_outlets(page, outlet=outlet),
        "url": page.url[:500],
        "html_sha256": page.html_sha256,
    }
    if page.language:
        columns["language"] = page.language
    return columns


def page_outlets(page: PageMeta, *, outlet: Outlet | None) -> dict:
    """`outlet` and `republished_by` of a page. A syndicated copy, whose original (its canonical
    URL or its original-source marker) belongs to another known outlet than the site that served
    it (the URL it came from, its `og:url` or its site name), is the original's, republished by
    the serving site's outlet; any other page is its own site's (else the one given)."""
    domains = OutletDomain.objects
    original = domains.outlet_for(url=page.original_url) if page.original_url else None
    serving = domains.outlet_for(url=page.served_url, site_name=page.site_name)
    if original is not None and serving is not None and original != serving:
        return {"outlet": original, "republished_by": serving}
    return {"outlet": domains.outlet_for(url=page.url, site_name=page.site_name) or outlet}
