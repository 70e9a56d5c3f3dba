"""What a serving process does once the application is loaded (conflictdb/wsgi.py, asgi.py)."""

import gc


def settle_startup_objects() -> None:
    """Move every object made so far (Django, the apps, the URLs, the settings) out of the
    garbage collector's reach: they live as long as the process, and each full collection
    walked them all again.

    Measured on a timeline page at 10^6 events on PostgreSQL (60 requests, bench/RESULTS.md):
    full collections paused a request for 90-140 ms, about one in twelve requests, which
    made the p95 170-180 ms against a p50 of 100; frozen, they pause it 30-70 ms and the p95
    is 120-130 ms. gc.freeze() before workers fork also keeps those pages shared between them.
    """
    gc.freeze()
