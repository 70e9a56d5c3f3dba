"""Create (or reset) a local demo curator account and print its password.

For the embedded, DEBUG-mode set-up only (`make run` calls it): the account is a
member of the "curators" group (events/roles.py, made by migration 0006_roles),
which may add, change and view the timeline's records in the admin and through the
API. It refuses to run with DEBUG off.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

from events.roles import grant_curator_permissions


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
        user.groups.add(grant_curator_permissions(Group, Permission))
        verb = "created" if created else "reset"
        self.stdout.write(
            self.style.SUCCESS(
                f"demo curator {verb}: log in at /admin/ as {user.username!r} with password {password!r}"
            )
        )
