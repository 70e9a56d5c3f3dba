"""`/healthz`: whether this process can serve, for a load balancer or an orchestrator.

200 `{"status": "ok", ...}` when the database answers and every migration on disk is applied;
503 with the reason otherwise (`"database": "unreachable (OperationalError)"`, or
`"migrations": "1 not applied: events.0015_..."`), so that a node is taken out of rotation
instead of answering 500s. A plain Django view: no authentication, no DRF throttle, no session,
and exempt from the HTTPS redirect (settings.SECURE_REDIRECT_EXEMPT), since a probe speaks to the
process directly. One query a call: the applied migrations (which is also what shows the
database answers); the migrations on disk are read once per process.
"""

from __future__ import annotations

import functools

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

OK = "ok"


@functools.cache
def migrations_on_disk() -> frozenset[tuple[str, str]]:
    """Every migration of the installed apps, as (app label, name): files do not change while the process runs."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.nodes)


def problems(database=connection) -> dict[str, str]:
    """What stops this process from serving, by check ("database", "migrations"); empty when nothing does."""
    try:
        applied = set(MigrationRecorder(database).applied_migrations())
    except DatabaseError as error:
        # The class only: a driver's message can name hosts and users, and this answers anyone.
        return {"database": f"unreachable ({type(error).__name__})"}
    missing = sorted(migrations_on_disk() - applied)
    if missing:
        names = ", ".join(f"{app}.{name}" for app, name in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        return {"migrations": f"{len(missing)} not applied: {names}{more}"}
    return {}


@require_safe
@never_cache
def healthz(request):
    found = problems()
    checks = {"database": OK, "migrations": OK, **found}
    if found:
        return JsonResponse({"status": "unavailable", **checks}, status=503)
    return JsonResponse({"status": OK, **checks})
