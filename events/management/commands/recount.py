"""Check, or count again, the counts the triggers keep (events/counts.py): the timeline's per-day
counts (DayCount) and the reactions page's per speaker, escalation and CAMEO family (ReactionCount).

    python manage.py recount --check     # compare with the rows; exit 1 naming what differs
    python manage.py recount --compact   # fold the rows written since the last time (cheap)
    python manage.py recount             # count every record again (one transaction)

The database's triggers keep the counts as rows are written, so --check and a recount are
not needed in normal use: they are for a database whose rows were changed with its
triggers off (SQL run by hand on a restored copy, a bulk load interrupted by a crash).
The triggers add a row for each change; import_seeds folds them after its files, and
--compact does it for the edits made in between (a nightly job, say).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from events import counts


class Command(BaseCommand):
    help = (
        "Check (--check) or rebuild the timeline's per-day counts and the reactions page's counts "
        "from the events and statements."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--check", action="store_true", help="only compare; exit 1 if a count is wrong")
        group.add_argument("--compact", action="store_true", help="fold the rows written since the last time")

    def handle(self, *args, **options):
        if options["check"]:
            with connection.cursor() as cursor:
                wrong = counts.differences(cursor)
            if wrong:
                shown = "\n".join(f"  {row}" for row in wrong[:20])
                raise CommandError(
                    f"{len(wrong)} count row(s) differ from the records (table, then events_daycount's kind, "
                    "escalation, actor, from, to, review status, n; events_reactioncount's speaker, escalation, "
                    "family, review status, n):\n"
                    f"{shown}\nRun `manage.py recount` to count again."
                )
            self.stdout.write("The timeline's and the reactions page's counts match the records.")
            return
        if options["compact"]:
            keys = counts.compact(connection)
            self.stdout.write(f"Folded the rows of {keys} count(s).")
            return
        rows = counts.recount(connection)
        self.stdout.write(f"Counted again: {rows} rows of counts.")
