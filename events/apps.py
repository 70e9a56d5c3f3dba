from django.apps import AppConfig
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.signals import post_migrate, pre_migrate

from events import counts, search, triggers


def _remove_triggers(using, **kwargs):
    with connections[using].schema_editor() as schema_editor:
        triggers.remove(schema_editor)
    counts.remove(connections[using])


def _install_triggers(using, **kwargs):
    if ("events", "0002_span_triggers") in MigrationRecorder(connections[using]).applied_migrations():
        with connections[using].schema_editor() as schema_editor:
            triggers.install(schema_editor)


def _install_counts(using, **kwargs):
    applied = MigrationRecorder(connections[using]).applied_migrations()
    summaries = tuple(summary for summary in counts.SUMMARIES if ("events", summary.migration) in applied)
    if summaries:
        counts.install(connections[using], summaries)


def _install_search(using, **kwargs):
    # The FTS triggers (SQLite) are lost like the span triggers when a table is rebuilt.
    if ("events", "0005_full_text_search") in MigrationRecorder(connections[using]).applied_migrations():
        with connections[using].schema_editor() as schema_editor:
            search.install(schema_editor)


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Conflict timeline"

    def ready(self):
        # SQLite loses triggers when a migration rebuilds a table: take them off before
        # every migrate and put them back after (events/triggers.py says why).
        pre_migrate.connect(_remove_triggers, sender=self, dispatch_uid="events-remove-triggers")
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="events-install-triggers")
        post_migrate.connect(_install_counts, sender=self, dispatch_uid="events-install-counts")
        post_migrate.connect(_install_search, sender=self, dispatch_uid="events-install-search")
