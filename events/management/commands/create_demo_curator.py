"""Create (or reset) a local demo curator account and print its password.

For the embedded, DEBUG-mode set-up only (`make run` calls it): the account is a
member of the "curators" group, which may add, change and view the timeline's
records in the admin and through the API. It refuses to run with DEBUG off.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

CURATOR_GROUP = "curators"
# What a curator may do: add, change and view every domain record; delete drafts is
# left to administrators for now (deleting verified work must stay rare and deliberate).
CURATOR_MODELS = (
    "outlet",
    "article",
    "actor",
    "actoralias",
    "statement",
    "event",
    "eventparticipant",
    "eventsource",
    "escalation",
)


def ensure_curator_group() -> Group:
    group, _ = Group.objects.get_or_create(name=CURATOR_GROUP)
    codenames = [f"{action}_{model}" for model in CURATOR_MODELS for action in ("add", "change", "view")]
    codenames.append("view_cameocode")
    group.permissions.set(Permission.objects.filter(content_type__app_label="events", codename__in=codenames))
    return group


class Command(BaseCommand):
    help = "Create or reset the local demo curator (DEBUG only) and print its password."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="curator", help="account name (default: curator)")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("refusing to create a demo account with DEBUG off; use createsuperuser instead")
        password = secrets.token_urlsafe(12)
        user, created = get_user_model().objects.get_or_create(username=options["username"])
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(ensure_curator_group())
        verb = "created" if created else "reset"
        self.stdout.write(
            self.style.SUCCESS(
                f"demo curator {verb}: log in at /admin/ as {user.username!r} with password {password!r}"
            )
        )
