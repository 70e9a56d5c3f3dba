"""Importing many files: runs of new files written together (PostgreSQL), with the same rows and
reports as one file at a time."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator

from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from events.importers.drafting import (
    DraftCache,
    actor_keys,
    build_drafts,
    extraction_for,
    insert_drafts,
)
from events.importers.fixtures import CuratedFixtures
from events.importers.inserts import insert_new
from events.importers.results import (
    CREATED,
    FileReport,
    ImportFailure,
)
from events.importers.storing import check_article, flag_undated, fresh_text, import_article_file, new_article
from events.ingest.pipeline import GazetteerSource, Prepared
from events.models import Article, Outlet, Statement

# New files are written this many at a time (import_article_files), by database: one INSERT for
# their articles, one for their drafts and one for the drafts' targets, in one savepoint. Per file
# that saves the round trips of its savepoint, lookups and inserts, which at 10^6 events on
# PostgreSQL took as long as the database's work itself (bench/RESULTS.md). Not more than 20:
# while the importer writes a batch it reads no result from the worker extracting files ahead
# (events/ingest/pipeline.py), which stops once its pipe is full. SQLite runs in the importing
# process, where a round trip is a function call: there batches saved nothing in the pipeline
# (10,000 files into the 10^5 corpus: 25.2-29.2 s in batches of 20, 30.3 s of 50, 23.2-27.1 s one
# file at a time), so a database not named here imports file by file.
FILES_PER_BATCH = {"postgresql": 20}


class _NotNew(Exception):
    """A file of a batch names a stored article, or has a stored article's text."""


def import_article_files(
    prepared_files: Iterable[Prepared],
    *,
    curated: CuratedFixtures,
    published_on: dt.date | None = None,
    outlet: Outlet | None = None,
    gazetteer: GazetteerSource | None = None,
    cache: DraftCache | None = None,
    redraft: bool = False,
) -> Iterator[FileReport]:
    """import_article_file for each prepared file, in order, with the same rows and reports.

    Runs of new files (no stored article of their name or text, no curated records pointing
    into them: every file of a first import) are written FILES_PER_BATCH at a time (PostgreSQL).
    A batch is one savepoint: when one of its files turns out not to be new, or is refused,
    the batch is rolled back and each of its files is imported on its own, so a bad file still
    fails alone, with its own reason. A file with the text or name of one waiting in the batch
    ends the batch first, so it meets that file stored, as it would one file at a time.
    """
    cache = cache if cache is not None else DraftCache()
    size = FILES_PER_BATCH.get(connection.vendor, 1)
    one_by_one = functools.partial(
        import_article_file,
        curated=curated,
        published_on=published_on,
        outlet=outlet,
        gazetteer=gazetteer,
        cache=cache,
        redraft=redraft,
    )
    pending: list[Prepared] = []

    def flush() -> list[FileReport]:
        reports = _import_new_files(
            pending, one_by_one, published_on=published_on, outlet=outlet, gazetteer=gazetteer, cache=cache
        )
        pending.clear()
        return reports

    for prepared in prepared_files:
        if size < 2 or not _maybe_new(prepared, curated, gazetteer, published_on):
            yield from flush()
            yield one_by_one(prepared)
            continue
        name, sha256 = prepared.path.name, prepared.parsed.sha256
        if any(other.path.name == name or other.parsed.sha256 == sha256 for other in pending):
            yield from flush()
        pending.append(prepared)
        if len(pending) >= size:
            yield from flush()
    yield from flush()


def _maybe_new(
    prepared: Prepared, curated: CuratedFixtures, gazetteer: GazetteerSource | None, published_on: dt.date | None
) -> bool:
    """Whether a prepared file can join a batch of new files: it parsed, no curated record points
    into it, and (drafting) the pipeline extracted it with the date a new article of it gets."""
    if prepared.parsed is None or prepared.error or prepared.path.name in curated.by_article:
        return False
    return gazetteer is None or (prepared.extraction is not None and prepared.extraction.published_on == published_on)


def _import_new_files(
    pending: list[Prepared],
    one_by_one: Callable[[Prepared], FileReport],
    *,
    published_on: dt.date | None,
    outlet: Outlet | None,
    gazetteer: GazetteerSource | None,
    cache: DraftCache,
) -> list[FileReport]:
    """Write a batch of files expected to be new in one savepoint, or else each on its own."""
    if len(pending) < 2:
        return [one_by_one(prepared) for prepared in pending]
    cache.begin_file()
    try:
        with transaction.atomic():
            return _write_new_files(pending, published_on=published_on, outlet=outlet, gazetteer=gazetteer, cache=cache)
    except (_NotNew, ImportFailure, DatabaseError):
        # Rolled back whole: each file again on its own, which reports a bad one with its reason.
        cache.forget_file()
        return [one_by_one(prepared) for prepared in pending]


def _write_new_files(
    pending: list[Prepared],
    *,
    published_on: dt.date | None,
    outlet: Outlet | None,
    gazetteer: GazetteerSource | None,
    cache: DraftCache,
) -> list[FileReport]:
    """Store the articles of new files and their drafts, three INSERTs for the batch; _NotNew
    when one of them has the name or the text of a stored article."""
    names = [prepared.path.name for prepared in pending]
    hashes = [prepared.parsed.sha256 for prepared in pending]
    # ~Q(sha256="") repeats the partial unique index's condition, so that the database can use it.
    # The rows (two per file at most: both columns are unique), not exists(): under its LIMIT 1
    # PostgreSQL scanned the articles (57 ms at 200,000 articles, against 2 ms for the index lookups).
    texts = models.Q(sha256__in=hashes) & ~models.Q(sha256="")
    if list(Article.objects.filter(models.Q(source_ref__in=names) | texts).order_by().values_list("pk")):
        raise _NotNew
    drafting = gazetteer is not None
    now = timezone.now()
    reports, articles = [], []
    for prepared in pending:
        fresh = fresh_text(prepared.parsed, path=prepared.path, drafting=drafting, now=now)
        article = new_article(
            prepared.parsed, path=prepared.path, published_on=published_on, outlet=outlet, fresh=fresh
        )
        check_article(article)
        article.derive_hash()  # what save() derives
        articles.append(article)
        report = FileReport(path=str(prepared.path))
        report.counts.add(CREATED, Article)
        flag_undated(article, prepared.path, report)
        reports.append(report)
    insert_new(articles)
    if drafting:
        extractions = [
            extraction_for(article, prepared.parsed, gazetteer, prepared.extraction)
            for article, prepared in zip(articles, pending, strict=True)
        ]
        cache.actors_by_slug(set().union(*map(actor_keys, extractions)))
        drafts, targets = [], {}
        for article, extraction, report in zip(articles, extractions, reports, strict=True):
            mine, their_targets = build_drafts(
                article, extraction, cache=cache, counts=report.counts, new_article=True, gazetteer=gazetteer
            )
            drafts += mine
            targets.update(their_targets)
            if mine:  # counted before the INSERT: a batch that fails is rolled back with its reports
                report.counts.add(CREATED, Statement, len(mine))
        insert_drafts(drafts, targets, label=f"{names[0]} to {names[-1]}")
    return reports
