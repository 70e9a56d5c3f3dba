"""Write the whole curated database as fixtures, in the format import_seeds reads.

    python manage.py export_fixtures                      # into ./export/
    python manage.py export_fixtures --output backup/2026-11-22/

Writes cameo.json, reference.json and curated.json (events/exporters.py says what goes
where and why article texts travel inside the fixtures). Natural keys only, rows in a
fixed order: the same data gives byte-identical files. Load them back, into an empty
database or the same one, with

    python manage.py import_seeds --fixtures-only --fixtures DIR/cameo.json DIR/reference.json DIR/curated.json
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from events.exporters import export_fixtures


class Command(BaseCommand):
    help = "Write every curated record (with article texts) as natural-key fixtures that import_seeds loads back."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default="export", metavar="DIR", help="folder to write the three files into (default: export/)"
        )

    def handle(self, *args, **options):
        directory = Path(options["output"])
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"--output {directory}: exists and is not a folder")
        try:
            report = export_fixtures(directory)
        except OSError as error:
            raise CommandError(f"--output {directory}: cannot write: {error.strerror or error}") from error
        if options["verbosity"] >= 1:
            for name, count in report.files.items():
                self.stdout.write(f"{directory / name}: {count} objects")
            self.stdout.write(self.style.SUCCESS(f"exported {report.describe()}"))
