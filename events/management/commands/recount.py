"""Check, or count again, the timeline's per-day counts (DayCount, events/counts.py).

    python manage.py recount --check     # compare with the rows; exit 1 naming what differs
    python manage.py recount             # count every record again (one transaction)

The database's triggers keep the counts as rows are written, so neither is needed in
normal use. They are for a database whose rows were changed with its triggers off (SQL
run by hand on a restored copy, a bulk load interrupted by a crash).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from events import counts


class Command(BaseCommand):
    help = "Check (--check) or rebuild the timeline's per-day counts from the events and statements."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only compare; exit 1 if a count is wrong")

    def handle(self, *args, **options):
        if options["check"]:
            with connection.cursor() as cursor:
                wrong = counts.differences(cursor)
            if wrong:
                shown = "\n".join(f"  {row}" for row in wrong[:20])
                raise CommandError(
                    f"{len(wrong)} count row(s) differ from the records (kind, escalation, actor, from, to, n):\n"
                    f"{shown}\nRun `manage.py recount` to count again."
                )
            self.stdout.write("The timeline's counts match the records.")
            return
        rows = counts.recount(connection)
        self.stdout.write(f"Counted again: {rows} rows of counts.")
