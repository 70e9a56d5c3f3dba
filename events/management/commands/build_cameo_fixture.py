"""Rebuild fixtures/cameo.json from the CAMEO codebook CSV (code,label per line).

The CSV (fixtures/cameo.csv, a copy of shared/data/cameo.csv) is the source; the JSON
fixture is what import_seeds and loaddata read. A test checks that the two agree.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from events.ingest.cameo import parse_cameo
from events.ingest.records import ParseError


def cameo_fixture_objects(entries) -> list[dict]:
    return [
        {"model": "events.cameocode", "pk": entry.code, "fields": {"label": entry.label, "root": entry.root}}
        for entry in entries
    ]


class Command(BaseCommand):
    help = "Convert the CAMEO codebook CSV into the cameo.json fixture."

    def add_arguments(self, parser):
        fixtures = Path(settings.FIXTURE_DIRS[0])
        parser.add_argument("csv", nargs="?", default=str(fixtures / "cameo.csv"), help="codebook CSV (code,label)")
        parser.add_argument("--output", default=str(fixtures / "cameo.json"), help="fixture file to write")

    def handle(self, *args, **options):
        path = Path(options["csv"])
        try:
            entries = parse_cameo(path.read_text(encoding="utf-8"), source=str(path))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot read the codebook: {error}") from error
        except ParseError as error:
            raise CommandError(str(error)) from error
        Path(options["output"]).write_text(
            json.dumps(cameo_fixture_objects(entries), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        self.stdout.write(self.style.SUCCESS(f"wrote {len(entries)} CAMEO codes to {options['output']}"))
