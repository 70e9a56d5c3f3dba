"""WSGI entry point (gunicorn conflictdb.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

from conflictdb.serving import settle_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")
application = get_wsgi_application()
settle_startup_objects()
