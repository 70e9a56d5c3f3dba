"""Storing one seed file: its verbatim text as an Article, then the curated records that point into
it and the drafts, in one transaction, so a bad file leaves nothing half-written."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from events.importers.drafting import (
    DraftCache,
    draft_statements,
    overlap,
)
from events.importers.fixtures import CuratedFixtures, load_fixture_objects
from events.importers.inserts import insert_new
from events.importers.results import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Counts,
    FileReport,
    ImportFailure,
    model_key,
    validation_reason,
)
from events.ingest.pipeline import GazetteerSource, Job, Prepared, Stored
from events.ingest.records import ParsedArticle
from events.models import Article, Outlet, ReviewStatus, Statement


def import_jobs(
    files: list[tuple[Path, Path | None]], *, published_on: dt.date | None = None, redraft: bool = False
) -> Iterator[Job]:
    """The pipeline's jobs for seed files (path, the folder it was found in or None), each with what
    the database holds of its article now, read in batches (events/ingest/pipeline.py)."""
    for at in range(0, len(files), 500):
        batch = files[at : at + 500]
        stored = {
            ref: Stored(sha256, day, drafted_at is not None)
            for ref, sha256, day, drafted_at in Article.objects.filter(
                source_ref__in=[path.name for path, _ in batch]
            ).values_list("source_ref", "sha256", "published_on", "drafted_at")
        }
        for path, within in batch:
            yield Job(path, within, stored.get(path.name), published_on, redraft)


def import_article_file(
    prepared: Prepared,
    *,
    curated: CuratedFixtures,
    published_on: dt.date | None = None,
    outlet: Outlet | None = None,
    gazetteer: GazetteerSource | None = None,
    cache: DraftCache | None = None,
    redraft: bool = False,
) -> FileReport:
    """Store the text of one seed file (read and parsed by the pipeline, events/ingest/pipeline.py),
    load the curated records that point into it, then (given a gazetteer) draft statements for
    what the curated records do not cover.

    An unchanged file whose text was drafted before is not drafted again: the actors known
    now (a speaker proposed by another file since) could draft what was not drafted then,
    and re-importing an unchanged file must create nothing. `redraft` drafts it anyway
    (new drafts only where nothing is stored, as always).

    The file is written in one transaction (a savepoint when called inside another):
    on any error nothing of it stays, and the report carries the reason. `cache` keeps the
    rows drafting reads (actors, escalations) from one file to the next of an import run.
    """
    cache = cache if cache is not None else DraftCache()
    cache.begin_file()
    path, parsed = prepared.path, prepared.parsed
    report = FileReport(path=str(path), error=prepared.error)
    if parsed is None:
        return report
    try:
        with transaction.atomic():
            drafting = gazetteer is not None
            article = _store_article(
                parsed, path=path, report=report, published_on=published_on, outlet=outlet, drafting=drafting
            )
            if article is not None:
                objects = curated.by_article.get(article.source_ref, [])
                _make_way_for_curated(article, objects, report)
                load_fixture_objects(objects, report.counts, kept_notes=report.kept_notes)
                unchanged = report.counts.by_action[UNCHANGED][model_key(Article)] == 1
                if drafting and (redraft or not unchanged or article.drafted_at is None):
                    # A new article with no curated records has no statements to look up.
                    new = report.counts.by_action[CREATED][model_key(Article)] == 1 and not objects
                    draft_statements(
                        article,
                        parsed,
                        gazetteer=gazetteer,
                        counts=report.counts,
                        cache=cache,
                        new_article=new,
                        extraction=prepared.extraction,
                    )
                    if unchanged:  # a new or changed text got drafted_at with its other columns
                        Article.objects.filter(pk=article.pk).update(drafted_at=timezone.now())
    except ImportFailure as error:
        report.error = f"{path}: {error}"
        report.counts = Counts()
    if report.error:
        cache.forget_file()
    return report


def import_curated_spans(source_ref: str, *, curated: CuratedFixtures) -> FileReport:
    """Load the curated statements and event sources of an article whose text is already
    stored (from an earlier import, or carried by the fixtures themselves, as an export of
    export_fixtures does), in one transaction; an error when it has no text to point into.
    """
    report = FileReport(path=source_ref)
    objects = curated.by_article.get(source_ref, [])
    article = Article.objects.with_text().filter(source_ref=source_ref).first()
    if article is None:
        report.error = (
            f"{source_ref}: {len(objects)} statement(s) and event source(s) point into this article, "
            "but no text of it is stored: import its seed file, or load fixtures that carry its body"
        )
        return report
    try:
        with transaction.atomic():
            _make_way_for_curated(article, objects, report)
            load_fixture_objects(objects, report.counts, kept_notes=report.kept_notes)
    except ImportFailure as error:
        report.error = f"{source_ref}: {error}"
        report.counts = Counts()
    return report


def _store_article(parsed, *, path: Path, report: FileReport, published_on, outlet, drafting) -> Article | None:
    """Create or fill the Article for a parsed file; None when the file is a duplicate to skip.

    `drafting`: statements will be drafted from a new or changed text (its drafted_at is set).
    """
    source_ref = path.name
    with connection.cursor() as cursor:
        cursor.execute(_article_and_twin_sql(connection.vendor), [source_ref, parsed.sha256, ""])
        rows = cursor.fetchall()
    twin = next((ref for _, ref in rows if ref != source_ref), None)
    if twin is not None:
        report.skipped = True
        report.warnings.append(f"{path}: skipped: same text as the article already imported as {twin!r}")
        return None
    pk = next((pk for pk, ref in rows if ref == source_ref), None)
    article = Article.objects.filter(pk=pk).first() if pk is not None else None
    fresh = fresh_text(parsed, path=path, drafting=drafting, now=timezone.now())
    if article is None:
        article = new_article(parsed, path=path, published_on=published_on, outlet=outlet, fresh=fresh)
        _save_article(article)
        report.counts.add(CREATED, Article)
    elif article.sha256 == parsed.sha256:
        report.counts.add(UNCHANGED, Article)
    else:
        _clear_drafts_of_changed_text(article, report)
        for name, value in fresh.items():
            setattr(article, name, value)
        # Title and caption come from the file unless a curator already set them.
        article.title = article.title or parsed.headline_text
        article.caption = article.caption or parsed.caption_text
        article.published_on = article.published_on or published_on
        article.outlet = article.outlet or outlet
        _save_article(article)
        report.counts.add(UPDATED, Article)
    flag_undated(article, path, report)
    return article


def fresh_text(parsed: ParsedArticle, *, path: Path, drafting: bool, now: dt.datetime) -> dict:
    """The columns a new or changed text sets on its article."""
    # A new or changed text is drafted now, or (--no-draft) waits for the next import that drafts.
    return {"body": parsed.text, "file_name": path.name, "imported_at": now, "drafted_at": now if drafting else None}


def new_article(
    parsed: ParsedArticle, *, path: Path, published_on: dt.date | None, outlet: Outlet | None, fresh: dict
) -> Article:
    return Article(
        source_ref=path.name,
        title=parsed.headline_text,
        caption=parsed.caption_text,
        published_on=published_on,
        outlet=outlet,
        **fresh,
    )


def flag_undated(article: Article, path: Path, report: FileReport) -> None:
    if article.published_on is None:
        report.warnings.append(f"{path}: no publication date is known: the article is flagged as undated")


@functools.cache
def _article_and_twin_sql(vendor: str) -> str:
    """The query for the article named `source_ref` and its twin (another article with the text
    whose hash is `sha256`), parameters [source_ref, sha256, ""], compiled once per run: Django
    compiles a queryset on every use, which took 0.3 ms a file, several times what running it takes.

    Both columns are unique, so at most two rows. ~Q(sha256="") repeats the partial unique
    index's condition so SQLite can use the index (a MULTI-INDEX OR of the two indexes).
    Two columns only: a new file (the common case) needs no more, a stored one is read after.
    """
    rows = (
        Article.objects.filter(models.Q(source_ref="?") | (models.Q(sha256="?") & ~models.Q(sha256="")))
        .order_by()
        .values_list("pk", "source_ref")[:2]
    )
    sql, params = rows.query.sql_with_params()
    if list(params) != ["?", "?", ""]:  # the parameters are not in the order the caller gives them
        raise RuntimeError(f"unexpected parameters for the article lookup: {params!r}")
    return sql


def _save_article(article: Article) -> None:
    check_article(article)
    if article._state.adding:
        article.derive_hash()  # what save() derives
        insert_new([article])
    else:
        article.save()


def check_article(article: Article) -> None:
    # Field checks only: the importer looked the source_ref and the hash up already (what
    # Article.clean() and the unique checks would query again), and the database enforces both.
    try:
        article.clean_fields(exclude=("outlet", "republished_by"))
    except ValidationError as error:
        raise ImportFailure(validation_reason(error)) from error


def _clear_drafts_of_changed_text(article: Article, report: FileReport) -> None:
    """Make way for a changed file: drop the importer's untouched drafts, refuse if anything else
    points into the old text (verified, rejected or edited statements, event sources)."""
    statements = list(article.statements.select_related("speaker"))
    kept = [statement for statement in statements if not statement.is_untouched_draft]
    if kept or article.event_sources.exists():
        raise ImportFailure(
            f"the file has changed since it was imported as {article.source_ref!r}, and curated spans point into "
            f"the old text ({len(kept)} reviewed or edited statement(s), {article.event_sources.count()} event "
            "source(s)); nothing was changed (import the new text under a new file name, or move the spans first)"
        )
    if statements:
        article.statements.filter(pk__in=[statement.pk for statement in statements]).delete()
        report.warnings.append(
            f"{article.source_ref}: the file has changed: {len(statements)} untouched draft(s) of the old text "
            "were replaced by new drafts"
        )


def _make_way_for_curated(article: Article, objects: list[tuple[str, dict]], report: FileReport) -> None:
    """Curated statements supersede the importer's untouched drafts at the spans they cover."""
    new_spans = [
        (obj["fields"].get("start"), obj["fields"].get("end"))
        for _, obj in objects
        if obj.get("model") == "events.statement"
        and not Statement.objects.filter(ref=obj["fields"].get("ref")).exists()
    ]
    if not new_spans:
        return
    superseded = [
        draft.pk
        for draft in article.statements.filter(review_status=ReviewStatus.DRAFT)
        .exclude(extraction={})
        .select_related("speaker")
        if draft.is_untouched_draft and any(overlap(draft.start, draft.end, s, e) for s, e in new_spans)
    ]
    if superseded:
        Statement.objects.filter(pk__in=superseded).delete()
        report.warnings.append(
            f"{article.source_ref}: {len(superseded)} untouched draft(s) gave way to curated statements at their spans"
        )
