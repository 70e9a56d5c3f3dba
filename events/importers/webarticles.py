"""What an article imported from a saved web page or a URL takes from the page (its metadata),
for the importer (events/importers/storing.py, `new_article`). A seed text file gives none of it."""

from __future__ import annotations

import datetime as dt

from events.ingest.records import ParsedArticle
from events.models import Outlet, OutletDomain


def page_columns(parsed: ParsedArticle, *, published_on: dt.date | None, outlet: Outlet | None) -> dict:
    """The columns of a new article: publication date and outlet (the page's own first, else what
    the command was given), and from a page its URL, language and the HTML's SHA-256."""
    page = parsed.page
    if page is None:
        return {"published_on": published_on, "outlet": outlet}
    columns = {
        "published_on": page.published_on or published_on,
        "outlet": OutletDomain.objects.outlet_for(url=page.url, site_name=page.site_name) or outlet,
        "url": page.url[:500],
        "html_sha256": page.html_sha256,
    }
    if page.language:
        columns["language"] = page.language
    return columns
