"""List deleted statements and events, and restore one from its history.

    python manage.py restore_deleted --list                          # what can be restored
    python manage.py restore_deleted --model event --id 12           # put event 12 back
    python manage.py restore_deleted --model statement --id 7 --user alice

A restored event comes back with the participants and sources its deletion removed, a
statement with its targets, under their old ids; the history records the restore (as
`--user` when given). The logic is events/recovery.py, shared with the admin's
"Recently deleted" page.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from events.recovery import RESTORABLE, RestoreError, deleted, label, restorable_model, restore_deleted


class Command(BaseCommand):
    help = "Restore a deleted statement or event (with its targets, participants and sources) from its history."

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="list the deleted records that can be restored")
        parser.add_argument("--model", choices=sorted(RESTORABLE), help="what to restore: statement or event")
        parser.add_argument("--id", type=int, metavar="N", help="the id the record had")
        parser.add_argument("--user", metavar="USERNAME", help="who the history names as having restored it")

    def handle(self, *args, **options):
        if options["list"]:
            return self._list(options["model"])
        if not options["model"] or options["id"] is None:
            raise CommandError("give --model and --id of the record to restore (or --list)")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"--user {options['user']!r}: no such user")
        try:
            result = restore_deleted(restorable_model(options["model"]), options["id"], user=user)
        except RestoreError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(result.describe()))

    def _list(self, name: str | None) -> None:
        for model in [RESTORABLE[name]] if name else RESTORABLE.values():
            for record in deleted(model)[:200]:
                who = record.history_user.get_username() if record.history_user else "unknown"
                when = f"{record.history_date:%Y-%m-%d %H:%M}"
                self.stdout.write(f"{model._meta.model_name} {record.id}\t{when}\t{who}\t{label(record)}")
