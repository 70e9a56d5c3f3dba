"""What a serving process does once the application is loaded (conflictdb/wsgi.py, asgi.py)."""

import gc

# Whether this process serves requests (settle_startup_objects() was called): tests and commands
# freeze nothing.
_serving = False


def settle_startup_objects() -> None:
    """Move every object made so far (Django, the apps, the URLs, the settings) out of the
    garbage collector's reach: they live as long as the process, and each full collection
    walked them all again.

    Measured on a timeline page at 10^6 events on PostgreSQL (60 requests, bench/RESULTS.md):
    full collections paused a request for 90-140 ms, about one in twelve requests, which
    made the p95 170-180 ms against a p50 of 100; frozen, they pause it 30-70 ms and the p95
    is 120-130 ms. gc.freeze() before workers fork also keeps those pages shared between them.
    """
    global _serving
    _serving = True
    gc.freeze()


class SettleFirstRequestObjects:
    """Middleware: in a serving process, after its first request, the objects that request loaded
    for good (compiled templates, the URL resolver's patterns, translation catalogues, the ORM's
    and the apps' caches) are frozen too, after a full collection so no garbage is frozen with them.

    Frozen at start-up only, those objects were still walked by every full collection: on the
    timeline page at 10^5 events (SQLite), one request in three or four paused 36-99 ms, which made
    the p95 130 ms against a median of 78; frozen after the first request, the pauses are 2-8 ms
    (bench/RESULTS.md, issue 19, fourth pass).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.settled = False

    def __call__(self, request):
        response = self.get_response(request)
        if _serving and not self.settled:
            self.settled = True
            gc.collect()
            gc.freeze()
        return response
