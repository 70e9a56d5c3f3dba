"""Generate a reproducible synthetic corpus for scale tests and benchmarks.

    python manage.py generate_corpus --events 100000              # seed 1
    python manage.py generate_corpus --events 1000000 --seed 7 --batch-size 10000
    python manage.py generate_corpus --purge                      # delete the synthetic rows
    python manage.py generate_corpus --purge --events 10000       # replace the corpus

Loads the reference data it needs from fixtures/ (CAMEO codes, outlets, escalations,
curated actors; insert-only, like import_seeds), then writes synthetic actors, articles,
events and statements with bulk loads: COPY on PostgreSQL (one transaction, secondary
B-tree indexes and foreign keys rebuilt at the end), executemany on SQLite (one
transaction per batch); scale/corpus/ says what and how. Every synthetic row has a
"syn-" key, so `--purge` removes exactly those. It refuses a database that holds curated
events or statements unless `--force`, and one that already holds a synthetic corpus
(purge it first).
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.importers import ImportFailure
from events.management.commands.import_seeds import whole_number
from scale.corpus import CorpusSpec, curated_record_counts, generate_corpus, purge_synthetic, synthetic_event_count


class DryRunRollback(Exception):
    """Raised at the end of a dry run to roll every write back."""


class Command(BaseCommand):
    help = "Write a reproducible synthetic corpus (actors, articles, events, statements) for scale tests."

    def add_arguments(self, parser):
        parser.add_argument("--events", type=whole_number(1), metavar="N", help="how many synthetic events to write")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed: the same seed gives the same rows (default 1)"
        )
        parser.add_argument(
            "--statements-per-event",
            type=int,
            default=2,
            metavar="K",
            help="average statements per event (each event gets 0 to 2K; default 2)",
        )
        parser.add_argument(
            "--batch-size",
            type=whole_number(1),
            default=5000,
            metavar="B",
            help="events generated and written at a time (default 5000)",
        )
        parser.add_argument(
            "--actors",
            type=whole_number(1),
            metavar="A",
            help="synthetic actors (default: one per 25 events, between 300 and 5000)",
        )
        parser.add_argument(
            "--events-per-article",
            type=whole_number(1),
            default=5,
            metavar="E",
            help="average events reported by one generated article (default 5)",
        )
        parser.add_argument(
            "--force", action="store_true", help="add the corpus to a database that holds curated events or statements"
        )
        parser.add_argument(
            "--purge",
            action="store_true",
            help="delete every synthetic row first (alone: delete and stop); curated rows are kept",
        )
        parser.add_argument("--dry-run", action="store_true", help="generate and write, then roll everything back")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        if options["events"] is None and not options["purge"]:
            raise CommandError("give --events N (how many events to generate), or --purge to delete a synthetic corpus")
        if options["statements_per_event"] < 0:
            raise CommandError("--statements-per-event cannot be negative")
        if not options["dry_run"]:
            self._run(options, verbosity)
            return
        try:
            with transaction.atomic():
                self._run(options, verbosity)
                raise DryRunRollback
        except DryRunRollback:
            self.stdout.write(self.style.WARNING("dry run: everything above was rolled back"))

    def _run(self, options, verbosity: int) -> None:
        if options["purge"]:
            deleted = purge_synthetic()
            if verbosity >= 1:
                detail = ", ".join(f"{n:,} {name}" for name, n in deleted.items() if n)
                self.stdout.write(self.style.SUCCESS(f"purged the synthetic corpus: {detail or 'nothing to delete'}"))
        if options["events"] is None:
            return
        curated = curated_record_counts()
        if any(curated.values()) and not options["force"]:
            raise CommandError(
                f"this database holds curated data ({curated['events']:,} events, "
                f"{curated['statements']:,} statements): "
                "generate_corpus only adds synthetic rows to it with --force (use a database of its own, "
                "e.g. DATABASE_URL=sqlite:////tmp/bench.sqlite3)"
            )
        existing = synthetic_event_count()
        if existing:
            raise CommandError(
                f"this database already holds a synthetic corpus ({existing:,} events): "
                "run with --purge to replace it (generate_corpus --purge --events N)"
            )
        spec = CorpusSpec(
            events=options["events"],
            seed=options["seed"],
            statements_per_event=options["statements_per_event"],
            batch_size=options["batch_size"],
            actors=options["actors"],
            events_per_article=options["events_per_article"],
        )
        bar = self._progress_bar(spec.events, verbosity)
        began = time.perf_counter()

        def stage(line: str) -> None:
            if bar is not None:
                bar.set_postfix_str(line)
            if verbosity >= 2:
                self.stdout.write(f"[{time.perf_counter() - began:7.1f} s] {line}")

        try:
            report = generate_corpus(spec, progress=bar.update if bar is not None else None, stage=stage)
        except ImportFailure as error:
            raise CommandError(f"reference fixtures not loaded: {error}") from error
        finally:
            if bar is not None:
                bar.close()
        if verbosity >= 1:
            rate = spec.events / report.seconds if report.seconds else 0
            self.stdout.write(
                self.style.SUCCESS(
                    f"generated with seed {spec.seed} in {report.seconds:.1f} s ({rate:,.0f} events/s): "
                    f"{report.describe()}"
                )
            )
        if verbosity >= 2:
            self.stdout.write(f"reference data: {report.reference.describe()}")

    def _progress_bar(self, total: int, verbosity: int):
        # On a terminal only: a bar in a log file or a test's captured output is noise.
        if verbosity < 1 or not self.stderr.isatty():
            return None
        from tqdm import tqdm

        return tqdm(total=total, unit="event", unit_scale=True, file=sys.stderr, dynamic_ncols=True)
