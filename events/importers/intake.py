"""One article from the admin: pasted text, an uploaded file (seed text or saved web page) or a URL,
through the same pipeline as import_seeds and import_articles (events/ingest/pipeline.py `prepare`,
then events/importers/storing.py `import_article_file`): the same text gives the same drafts whichever way it came.

`add_article` returns the article, or raises ImportFailure with the reason; a refused input
leaves the database as it was (the import runs in its own transaction).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path, PurePath

from django.conf import settings
from django.db import transaction

from events.importers import (
    CuratedFixtures,
    DraftCache,
    ImportFailure,
    gazetteer_entries,
    import_article_file,
    import_jobs,
)
from events.ingest.fetch import FetchError, fetch, source_ref_for
from events.ingest.pipeline import GazetteerSource, prepare
from events.ingest.webpage import is_page
from events.models import Article, CameoCode, Outlet


@dataclass(frozen=True)
class Intake:
    """What a curator gave: exactly one of text, a file (name and bytes) or a URL."""

    text: str = ""
    file_name: str = ""
    data: bytes | None = None
    url: str = ""
    published_on: dt.date | None = None
    outlet: Outlet | None = None


def pasted_text(text: str) -> str:
    """A pasted text as the seed format stores it: a browser sends a textarea's line ends as CRLF."""
    return text.replace("\r\n", "\n").strip("\n") + "\n"


def add_article(intake: Intake) -> tuple[Article, list[str]]:
    """Import one article and draft its statements; (the article, the importer's warnings)."""
    url = ""
    if intake.url:
        try:
            fetched = fetch(
                intake.url,
                max_bytes=settings.PAGE_MAX_BYTES,
                timeout=settings.ARTICLE_FETCH_TIMEOUT,
                deadline=3 * settings.ARTICLE_FETCH_TIMEOUT,
                allow_networks=settings.ARTICLE_FETCH_ALLOW_NETWORKS,
            )
        except FetchError as error:
            raise ImportFailure(str(error)) from error
        if fetched.is_feed:
            raise ImportFailure(f"{intake.url}: a feed, not an article page (import_articles imports feeds)")
        name, data, url = source_ref_for(intake.url), fetched.data, fetched.url
    elif intake.data is not None:
        name, data = PurePath(intake.file_name.replace("\\", "/")).name or "upload.txt", intake.data
        if not (name.endswith(".txt") or is_page(name)):
            raise ImportFailure(f"{name}: upload a seed text file (.txt) or a saved web page (.html, .htm)")
    else:
        text = pasted_text(intake.text)
        data = text.encode("utf-8")
        name = f"pasted-{hashlib.sha256(data).hexdigest()[:12]}.txt"
    [job] = import_jobs([(Path(name), None)], published_on=intake.published_on)
    job = replace(job, data=data, url=url)
    # No CAMEO codebook (fixtures/cameo.json not loaded): the text is stored and nothing drafted, as import_seeds does.
    gazetteer = GazetteerSource(gazetteer_entries()) if CameoCode.objects.exists() else None
    prepared = prepare(job, max_bytes=settings.PAGE_MAX_BYTES, gazetteer=gazetteer.gazetteer if gazetteer else None)
    with transaction.atomic():
        report = import_article_file(
            prepared,
            curated=CuratedFixtures(),
            published_on=intake.published_on,
            outlet=intake.outlet,
            gazetteer=gazetteer,
            cache=DraftCache(),
        )
    if report.error:
        raise ImportFailure(report.error)
    if report.skipped:
        raise ImportFailure(" ".join(report.warnings))
    return Article.objects.get(source_ref=name), report.warnings
