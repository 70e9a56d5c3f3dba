"""Time the map's data request (/api/map/) at 10^5 placed events on SQLite (run on demand, not a test).

    DEBUG=1 DATABASE_URL=sqlite:////tmp/map.sqlite3 python bench/map.py [--events 100000] [--runs 20]

Migrates, imports the seeds (and so the places), then bulk-writes `--events` synthetic events
(dates 2020-2023, an escalation for half of them, fatalities for a third, all verified: what a
reader sees) each placed at a random place, and times /api/map/ through Django's test client for
a few filtered views:
p50/p95 wall time, p50 CPU time of the process (time.process_time: less dependent on the other
processes sharing the cores than wall time) and the answer's size. A second run reuses the events it finds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")
os.environ.setdefault("API_ANON_RATE", "1000000/minute")  # the runs are not throttled

import django  # noqa: E402

django.setup()

from io import StringIO  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from events.models import CameoCode, Escalation, Event, EventPlace, Place, ReviewStatus  # noqa: E402

VIEWS = (
    "",
    "?escalation=2020-war",
    "?place=syunik-province",
    "?place=nagorno-karabakh&date_from=2023-01-01",
    "?bbox=45.0,39.0,47.0,40.5",
    "?type=19&date_from=2022-09-01&date_to=2022-09-30",
)


def populate(n: int, seed: int) -> None:
    rng = random.Random(seed)
    codes = list(CameoCode.objects.values_list("code", flat=True))
    escalations = list(Escalation.objects.all()) + [None]
    places = list(Place.objects.values_list("pk", flat=True))
    first = dt.date(2020, 1, 1)
    batch: list[Event] = []
    start = Event.objects.count()
    for i in range(start, start + n):
        day = first + dt.timedelta(days=rng.randrange(4 * 365))
        batch.append(
            Event(
                slug=f"bench-map-{i}",
                title=f"Synthetic event {i}",
                event_type_id=rng.choice(codes),
                start_date=day,
                date_from=day,
                date_to=day,
                location="",
                escalation=rng.choice(escalations) if rng.random() < 0.5 else None,
                fatalities=rng.randrange(40) if rng.random() < 0.33 else None,
                review_status=ReviewStatus.VERIFIED,  # public: a reader sees verified records only
            )
        )
        if len(batch) == 5000:
            _write(batch, places, rng)
            batch = []
    if batch:
        _write(batch, places, rng)


def _write(batch: list[Event], places: list[int], rng: random.Random) -> None:
    events = Event.objects.bulk_create(batch)
    EventPlace.objects.bulk_create(
        EventPlace(event_id=e.pk, place_id=rng.choice(places), precision=rng.choice(("exact", "near", "region")))
        for e in events
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Place.objects.exists():
        call_command("import_seeds", stdout=StringIO(), stderr=StringIO())
    missing = args.events - EventPlace.objects.values("event").distinct().count()
    if missing > 0:
        started = time.perf_counter()
        populate(missing, args.seed)
        print(f"wrote {missing} placed events in {time.perf_counter() - started:.1f} s")
    # Events written by an earlier version of this script were drafts, which a reader does not see.
    Event.objects.filter(slug__startswith="bench-map-", review_status=ReviewStatus.DRAFT).update(
        review_status=ReviewStatus.VERIFIED
    )
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{EventPlace.objects.count()} placings of {Event.objects.count()} events")
    # One request untimed: the process's first pays for imports, the URL resolver and the
    # connection's set-up, which the first view's p95 then counted.
    client.get("/api/map/")
    print("| view | points | p50 ms | p95 ms | CPU p50 ms | bytes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for view in VIEWS:
        times, cpu, size, points = [], [], 0, 0
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get("/api/map/" + view)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.content[:300]
            size, points = len(response.content), len(response.json()["features"])
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        median, cpu_median = statistics.median(times), statistics.median(cpu)
        print(f"| `{view or '(none)'}` | {points} | {median:.0f} | {p95:.0f} | {cpu_median:.0f} | {size:,} |")


if __name__ == "__main__":
    main()
