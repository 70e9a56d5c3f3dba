"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from conflictdb.serving import settle_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")
application = get_asgi_application()
settle_startup_objects()
