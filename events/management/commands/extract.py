"""Run the extractor on article files without writing anything, and print what it finds.

    python manage.py extract seeds/x.txt --published 2023-09-19 --json

With --json, one JSON object per file and line (the shape is documented in README.md,
"Extraction JSON", and kept stable for other tools). Without it, a readable summary.
The gazetteer is the database's actors and aliases with the knowledge base's
(fixtures/knowledge/) added; on a database that is not migrated yet, the knowledge base alone.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from events.importers import build_gazetteer
from events.ingest.extract import extract_article, to_json
from events.ingest.gazetteer import Gazetteer
from events.ingest.knowledge import load_knowledge_base
from events.ingest.parser import decode_seed, parse_article, read_seed
from events.ingest.records import ParseError
from events.management.commands.import_seeds import parse_iso_date


class Command(BaseCommand):
    help = "Extract actors, quotations and dates from article files (no database writes)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="article files (UTF-8 text in the seed format)")
        parser.add_argument(
            "--published", type=parse_iso_date, metavar="YYYY-MM-DD", help="publication date, for relative dates"
        )
        parser.add_argument("--json", action="store_true", help="one JSON object per file and line")
        parser.add_argument(
            "--max-bytes", type=int, default=settings.SEED_MAX_BYTES, help="largest file accepted, in bytes"
        )

    def handle(self, *args, **options):
        try:
            knowledge = load_knowledge_base()
        except ParseError as error:
            raise CommandError(f"the knowledge base cannot be read: {error}") from None
        try:
            gazetteer = build_gazetteer(knowledge)
        except DatabaseError:
            self.stderr.write("the database has no actors table (run migrate): using the knowledge base alone")
            gazetteer = Gazetteer.from_entries(knowledge.gazetteer_entries())
        failed = []
        for name in options["paths"]:
            path = Path(name)
            try:
                data = read_seed(path, max_bytes=options["max_bytes"])
                parsed = parse_article(decode_seed(data, source=name, max_bytes=options["max_bytes"]), source=name)
            except ParseError as error:
                failed.append(name)
                self.stderr.write(self.style.ERROR(str(error)))
                continue
            extraction = extract_article(parsed, gazetteer, options["published"], list_unknowns=True)
            if options["json"]:
                self.stdout.write(json.dumps(to_json(extraction), ensure_ascii=False))
            else:
                self._summary(name, extraction)
        if failed:
            raise CommandError(f"{len(failed)} file(s) could not be read: {', '.join(failed)}")

    def _summary(self, name, extraction):
        self.stdout.write(self.style.MIGRATE_HEADING(f"{name}: {extraction.headline}"))
        for statement in extraction.statements:
            speaker = statement.speaker.label if statement.speaker else "(unattributed)"
            date = f"{statement.date} ({statement.precision})" if statement.date else "undated"
            self.stdout.write(
                f"  {statement.start}-{statement.end} {speaker}: “{statement.quote}” "
                f"[{statement.kind}, {statement.cameo}, {date}]"
            )
        self.stdout.write(
            f"  {len(extraction.mentions)} actor mentions, {len(extraction.dates)} dates, "
            f"{len(extraction.proposed_actors)} proposed actors"
        )
