"""Import the curated fixtures and the seed articles.

    python manage.py import_seeds                 # fixtures + every seeds/*.txt
    python manage.py import_seeds path/a.txt dir/ # given files and folders
    python manage.py import_seeds --dry-run       # report only, write nothing

Fixtures first (CAMEO codes, outlets, escalations, actors, article metadata, events),
then the knowledge base (fixtures/knowledge/: actors, aliases, who held which office when),
the places (fixtures/places/ and GeoNames; events placed at the end, events/importers/places.py),
then each file in its own transaction with the curated statements and event sources
that point into it, and draft statements the extractor finds beyond them (review status
"draft"; `--no-draft` to skip): every quotation found, those whose speaker the extractor
cannot tell as "speaker needed" drafts with no speaker, for a curator to credit.
Insert-only: a record that exists is never overwritten, so curated edits survive a
re-import, and a second run creates and changes nothing. A bad file is reported with its
path and reason, leaves nothing behind, does not stop the others, and makes the command
exit non-zero.
"""

import datetime as dt
import os
from argparse import ArgumentTypeError
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from events import counts as day_counts
from events.importers import (
    CREATED,
    SPEAKER_NEEDED,
    UPDATED,
    Counts,
    CuratedFixtures,
    DraftCache,
    FileReport,
    ImportFailure,
    articles_not_found,
    gazetteer_entries,
    import_article_files,
    import_curated_spans,
    import_jobs,
    load_knowledge,
    load_standalone_fixtures,
    read_fixtures,
)
from events.importers.places import load_places, place_events
from events.ingest.knowledge import DEFAULT_DIR as DEFAULT_KNOWLEDGE_DIR
from events.ingest.knowledge import KnowledgeBase, load_knowledge_base
from events.ingest.pipeline import GazetteerSource, Job, prepare_files
from events.ingest.placedata import load_places as load_place_data
from events.ingest.records import ParseError
from events.ingest.webpage import is_page
from events.models import CameoCode, Outlet
from events.search import deferred_indexing

FIXTURE_NAMES = ("cameo.json", "reference.json", "curated.json")
# From this many files a worker process preparing files ahead of the import pays for its
# start (0.15-0.2 s): 20 and 50 files took longer with one, 200 files 5-30% less (bench/RESULTS.md).
WORKER_MIN_FILES = 100


class DryRunRollback(Exception):
    """Raised at the end of a dry run to roll every write back."""


class Command(BaseCommand):
    help = "Load the curated fixtures, then import seed article files (default: the seeds/ folder)."
    # The system checks import every URL module (the API schema views among them) to check the
    # URL patterns: a third of the command's start-up, for nothing it uses. `manage.py check`
    # and the test suite run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            help="seed files (.txt, UTF-8), saved web pages (.html, .htm) or folders of them; "
            "default: the seeds/ folder",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and report, then roll everything back")
        parser.add_argument(
            "--no-draft", action="store_true", help="store texts and curated records only; draft no statements"
        )
        parser.add_argument(
            "--redraft",
            action="store_true",
            help="draft unchanged files again (by default a file whose text was drafted before is not: "
            "speakers proposed since could draft new statements)",
        )
        parser.add_argument(
            "--fixtures-only",
            action="store_true",
            help="import no seed file: load the fixtures, then the statements and event sources of every "
            "article whose text is stored or in the fixtures (an export_fixtures backup)",
        )
        parser.add_argument(
            "--fixtures",
            nargs="*",
            metavar="FILE",
            help=f"curated fixture files to load first (default: {', '.join(FIXTURE_NAMES)} in fixtures/); "
            "give the option with no file to load none",
        )
        parser.add_argument(
            "--knowledge",
            metavar="DIR",
            default=str(DEFAULT_KNOWLEDGE_DIR),
            help="the knowledge base's folder (*.json: actors, aliases, offices and their holders), loaded "
            f"after the fixtures, insert-only (default: {_relative(DEFAULT_KNOWLEDGE_DIR)})",
        )
        parser.add_argument("--no-knowledge", action="store_true", help="do not load the knowledge base")
        parser.add_argument(
            "--no-places",
            action="store_true",
            help="do not load the places (fixtures/places/ and the GeoNames settlements of Armenia and Azerbaijan)",
        )
        parser.add_argument(
            "--published",
            type=parse_iso_date,
            metavar="YYYY-MM-DD",
            help="publication date for files whose metadata is not in the fixtures",
        )
        parser.add_argument(
            "--outlet", metavar="SLUG", help="outlet (slug) for files whose metadata is not in the fixtures"
        )
        parser.add_argument(
            "--workers",
            type=whole_number(0),
            metavar="N",
            help="processes reading and extracting files ahead of the import; 0 does it in this process "
            f"(default: 1 from {WORKER_MIN_FILES} files on a machine with more than one core, else 0)",
        )
        parser.add_argument(
            "--follow-links",
            action="store_true",
            help="import what a file or folder named here that is a symbolic link points to "
            "(by default such a path is refused, naming its target)",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=settings.SEED_MAX_BYTES,
            help=f"largest seed file accepted, in bytes (default {settings.SEED_MAX_BYTES:,})",
        )

    def handle(self, *args, **options):
        if options["fixtures_only"] and options["paths"]:
            raise CommandError("--fixtures-only imports no seed file: give either paths or --fixtures-only")
        files = []
        if not options["fixtures_only"]:
            files = self._seed_files(options["paths"], follow_links=options["follow_links"])
        fixture_paths = self._fixture_paths(options["fixtures"])
        try:
            curated = read_fixtures(fixture_paths) if fixture_paths else CuratedFixtures()
        except ImportFailure as error:
            raise CommandError(str(error)) from error
        knowledge = None if options["no_knowledge"] else self._knowledge(options["knowledge"])

        try:
            with transaction.atomic():
                failed, units = self._import(curated, knowledge, files, options)
                if options["dry_run"]:
                    raise DryRunRollback
        except DryRunRollback:
            self.stdout.write(self.style.WARNING("dry run: everything above was rolled back"))
        if failed:
            unit = "article(s)" if options["fixtures_only"] else "file(s)"
            raise CommandError(f"{len(failed)} of {units} {unit} failed: {', '.join(failed)}")

    def _import(
        self,
        curated: CuratedFixtures,
        knowledge: KnowledgeBase | None,
        files: list[tuple[Path, Path | None]],
        options,
    ) -> tuple[list[str], int]:
        """Load the fixtures and the files; returns what failed and how many units (files, articles) ran."""
        verbosity = options["verbosity"]
        fixture_counts = self._load_reference(curated, knowledge, files, verbosity)
        if not options["no_places"]:
            # Reported on a line of their own, not in the summary's totals (a place is not an article's record).
            self._load_places(verbosity)
        outlet = self._outlet(options["outlet"])
        gazetteer = None if options["no_draft"] else self._gazetteer(knowledge, verbosity)
        total, failed = Counts(), []
        # Files are read, parsed and extracted ahead of their import, in worker processes when
        # there are enough of them to pay for starting one (events/ingest/pipeline.py).
        workers = options["workers"]
        if workers is None:
            workers = 1 if len(files) >= WORKER_MIN_FILES and (os.cpu_count() or 1) > 1 else 0
        jobs = self._jobs(files, options)
        prepared_files = prepare_files(jobs, max_bytes=options["max_bytes"], source=gazetteer, workers=workers)
        # One FTS index write for all files at the end instead of one per file (events/search.py).
        with deferred_indexing(), closing(prepared_files):
            reports = import_article_files(
                self._progress(prepared_files, len(files), verbosity),
                curated=curated,
                published_on=options["published"],
                outlet=outlet,
                gazetteer=gazetteer,
                cache=DraftCache(),  # actors and escalations read once for the whole run
                redraft=options["redraft"],
            )
            for report in reports:
                self._record(report, total, failed, verbosity)
            units = len(files)
            if options["fixtures_only"]:
                # No seed file: the articles' text is stored (an earlier import) or came with the fixtures
                # (an export_fixtures backup), and their statements and event sources are loaded into it.
                # Each article is a unit of the summary, so spans that no longer fit do not load quietly.
                for source_ref in sorted(curated.by_article):
                    self._record(import_curated_spans(source_ref, curated=curated), total, failed, verbosity)
                    units += 1
            # The counts the triggers keep: each count the files added to folded into one row (events/counts.py).
            day_counts.compact(connection)
        if not options["no_places"]:
            placed = place_events()
            if verbosity >= 1:
                self.stdout.write(f"event places: {placed.describe()}")
        total.merge(fixture_counts)
        if verbosity >= 1:
            self._summary(total, failed, units, "article(s)" if options["fixtures_only"] else "file(s)")
        return failed, units

    def _load_reference(
        self,
        curated: CuratedFixtures,
        knowledge: KnowledgeBase | None,
        files: list[tuple[Path, Path | None]],
        verbosity: int,
    ) -> Counts:
        """The standalone fixtures, then the knowledge base; CommandError (nothing written) on bad input."""
        try:
            fixture_counts, kept = load_standalone_fixtures(curated)
        except ImportFailure as error:
            raise CommandError(f"fixtures not loaded, nothing was written: {error}") from error
        dangling = articles_not_found(curated, {path.name for path, _ in files})
        if dangling:
            raise CommandError(f"fixtures not loaded, nothing was written: {dangling[0]}")
        if verbosity >= 1 and curated.standalone:
            self.stdout.write(f"fixtures: {fixture_counts.describe()}")
        self._notes(kept, verbosity)
        if knowledge is not None:
            # After the fixtures: a curated actor of the same slug keeps its values and gains aliases.
            try:
                knowledge_counts = load_knowledge(knowledge)
            except ImportFailure as error:
                raise CommandError(f"knowledge base not loaded, nothing was written: {error}") from error
            if verbosity >= 1:
                self.stdout.write(f"knowledge base: {knowledge_counts.describe()}")
            fixture_counts.merge(knowledge_counts)
        return fixture_counts

    def _gazetteer(self, knowledge: KnowledgeBase | None, verbosity: int) -> GazetteerSource | None:
        """What drafting finds actors with: the knowledge base that was loaded (none with
        --no-knowledge) and the actors stored; None (nothing drafted) without a CAMEO codebook."""
        if CameoCode.objects.exists():
            return GazetteerSource(gazetteer_entries(knowledge or KnowledgeBase()))
        if verbosity >= 1:
            self.stderr.write(
                self.style.WARNING("no CAMEO codebook in the database (fixtures/cameo.json): nothing is drafted")
            )
        return None

    def _summary(self, total: Counts, failed: list[str], units: int, unit: str) -> None:
        summary = (
            f"{units - len(failed)} of {units} {unit} imported: "
            f"{total.total(CREATED)} created, {total.total(UPDATED)} updated, "
            f"{total.total('unchanged')} unchanged, {total.total('kept')} kept as curated, "
            f"{total.total('skipped')} drafts skipped (overlapping a stored statement), "
            f"{total.total(SPEAKER_NEEDED)} speaker needed (drafts with no speaker, in the review queue)"
        )
        self.stdout.write(self.style.ERROR(summary) if failed else self.style.SUCCESS(summary))

    def _jobs(self, files: list[tuple[Path, Path | None]], options) -> Iterable[Job]:
        """The pipeline's jobs for the files (import_articles adds the pages it fetched)."""
        return import_jobs(files, published_on=options["published"], redraft=options["redraft"])

    def _load_places(self, verbosity: int) -> None:
        try:
            counts = load_places(load_place_data())
        except (ParseError, ImportFailure) as error:
            raise CommandError(f"places not loaded, nothing was written: {error}") from error
        if verbosity >= 1:
            self.stdout.write(f"places: {counts.describe()}")

    def _record(self, report: FileReport, total: Counts, failed: list[str], verbosity: int) -> None:
        """Report one file (or one article's spans): its error, or its counts, warnings and notes."""
        if report.error:
            failed.append(report.path)
            self.stderr.write(self.style.ERROR(report.error))
            return
        total.merge(report.counts)
        if verbosity >= 1:
            self.stdout.write(f"{report.path}: {'skipped' if report.skipped else report.counts.describe()}")
            for warning in report.warnings:
                self.stderr.write(self.style.WARNING(warning))
        self._notes(report.kept_notes, verbosity)

    def _progress(self, files: Iterable, total: int, verbosity: int):
        """A progress bar on stderr when it is a terminal and there is more than one file to show."""
        stream = getattr(self.stderr, "_out", self.stderr)
        if verbosity == 0 or total < 2 or not getattr(stream, "isatty", lambda: False)():
            return files
        # Imported here, as generate_corpus does: a run without a terminal does not load it (15 ms).
        try:  # Optional: tqdm is in requirements.txt.
            from tqdm import tqdm
        except ImportError:  # pragma: no cover
            return files
        return tqdm(files, total=total, unit="file", file=stream, leave=False)

    def _notes(self, notes: list[str], verbosity: int) -> None:
        if verbosity >= 2:
            for note in notes:
                self.stdout.write(note)

    def _seed_files(self, paths: list[str], *, follow_links: bool = False) -> list[tuple[Path, Path | None]]:
        """(file, the folder it was found in or None when named on the command line).

        A folder is not searched recursively, so a link back up cannot loop. Every `*.txt`
        entry but hidden ones (editor lock files) is taken, whatever it is: a link out of
        the folder, a link loop, a sub-folder or a pipe is then reported as a bad file.
        A path that does not exist is a typo that stops the command before anything runs, and
        so is a path that is a symbolic link, unless `follow_links`: like a link out of a
        folder, it may lead anywhere.
        """
        roots = [Path(p) for p in paths] or [_relative(Path(settings.SEEDS_DIR))]
        files = []
        for root in roots:
            if root.is_symlink() and not follow_links:
                raise CommandError(
                    f"{root}: a symbolic link to {os.path.realpath(root)}: refused "
                    "(name the file or folder itself, or give --follow-links)"
                )
            if root.is_dir():
                found = sorted(
                    p for p in root.iterdir() if (p.suffix == ".txt" or is_page(p.name)) and not p.name.startswith(".")
                )
                if not found:
                    raise CommandError(f"{root}: no .txt seed files or .html pages in this folder")
                files.extend((path, root) for path in found)
            elif root.exists() or root.is_symlink():
                files.append((root, None))
            else:
                raise CommandError(f"{root}: no such file or folder")
        return files

    def _knowledge(self, directory: str) -> KnowledgeBase:
        """The knowledge base of `directory`, checked before anything is written."""
        path = Path(directory)
        if not path.is_dir():
            raise CommandError(f"--knowledge {directory}: no such folder")
        try:
            return load_knowledge_base(path)
        except ParseError as error:
            raise CommandError(f"knowledge base not loaded, nothing was written: {error}") from error

    def _fixture_paths(self, names: list[str] | None) -> list[Path]:
        if names is None:
            return [Path(settings.FIXTURE_DIRS[0]) / name for name in FIXTURE_NAMES]
        paths = [Path(name) for name in names]
        folders = [str(p) for p in paths if p.is_dir()]
        if folders:
            raise CommandError(f"--fixtures takes fixture files, not folders: {', '.join(folders)}")
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise CommandError(f"no such fixture file: {', '.join(missing)}")
        return paths

    def _outlet(self, slug: str | None) -> Outlet | None:
        if slug is None:
            return None
        try:
            return Outlet.objects.get(slug=slug)
        except Outlet.DoesNotExist:
            known = ", ".join(Outlet.objects.values_list("slug", flat=True)[:20])
            raise CommandError(f"--outlet {slug!r}: no such outlet (known: {known or 'none'})") from None


def _relative(path: Path) -> Path:
    """Show paths relative to the working directory when they are under it (shorter messages)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def whole_number(minimum: int):
    """argparse type for options that take a whole number of `minimum` or more (shared by the commands)."""

    def parse(value: str) -> int:
        try:
            number = int(value.replace("_", ""))
        except ValueError:
            number = None
        if number is None or number < minimum:
            raise ArgumentTypeError(f"{value!r} is not a whole number of {minimum} or more")
        return number

    return parse


def parse_iso_date(value: str) -> dt.date:
    """argparse type for YYYY-MM-DD options (shared by the commands that take dates)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a date in the form YYYY-MM-DD") from None
