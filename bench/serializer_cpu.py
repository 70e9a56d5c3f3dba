"""CPU time of the API's read path: serializing a page, and a whole request (issue 6).

Run against a generated corpus (SQLite is enough: the serializer does not care):

    DEBUG=1 DATABASE_URL=sqlite:////tmp/ser.sqlite3 .venv/bin/python manage.py migrate
    DEBUG=1 DATABASE_URL=sqlite:////tmp/ser.sqlite3 .venv/bin/python manage.py generate_corpus --events 20000
    DEBUG=1 DATABASE_URL=sqlite:////tmp/ser.sqlite3 .venv/bin/python bench/serializer_cpu.py cpu
    DEBUG=1 DATABASE_URL=sqlite:////tmp/ser.sqlite3 .venv/bin/python bench/serializer_cpu.py bodies DIR

`cpu` prints the median CPU time (time.process_time, so other processes' load does not count)
of serializing one page of 50 events, statements and timeline items (the page's rows read once,
a new serializer per repetition, as a request builds one), and of whole requests through
django.test.Client. `bodies DIR` writes the response bodies of many lists, pages, filters,
exports and details into DIR, to compare two trees byte for byte (`diff -r`); the iCalendar
exports' DTSTAMP (the time of the export) is blanked.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")
os.environ.setdefault("API_ANON_RATE", "1000000/minute")  # not throttled after 120 requests
os.environ.setdefault("EXPORT_MAX_ROWS", "700")  # exports of more than one chunk, in seconds
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from rest_framework.test import APIRequestFactory  # noqa: E402

from events.api import serializers, timeline  # noqa: E402
from events.models import Event, Statement  # noqa: E402

PAGE = 50


def cpu_ms(function, repeat: int) -> tuple[float, float]:
    """The median and the least CPU time of `function()` in ms, after two warm-up calls (on a
    shared machine the least is the steadier figure: other processes only ever add to it)."""
    function()
    function()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000, min(times) * 1000


def serializing(repeat: int) -> None:
    request = APIRequestFactory().get("/api/events/")
    context = {"request": request, "format": None, "view": None}
    events = list(Event.objects.for_timeline().order_by("date_from", "id")[:PAGE])
    statements = list(Statement.objects.for_timeline().order_by("date_from", "id")[:PAGE])
    entries = timeline.entries(timeline.keys(Event.objects.all(), Statement.objects.all(), limit=PAGE))
    cases = (
        ("events", serializers.EventSerializer, events),
        ("statements", serializers.StatementSerializer, statements),
        ("timeline", serializers.TimelineItemSerializer, entries),
    )
    for name, serializer_class, rows in cases:
        median, least = cpu_ms(lambda c=serializer_class, r=rows: c(r, many=True, context=context).data, repeat)
        print(f"serialize a page of {len(rows)} {name}: {median:.2f} ms CPU (median of {repeat}; least {least:.2f})")


REQUESTS = ("/api/events/", "/api/statements/", "/api/timeline/", "/api/events/?actor=azerbaijan")


def requesting(repeat: int) -> None:
    client = Client()
    for url in REQUESTS:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        median, least = cpu_ms(lambda u=url: client.get(u).content, repeat)
        size = len(response.content)
        print(f"GET {url}: {median:.2f} ms CPU (median of {repeat}; least {least:.2f}), {size:,} bytes")


BODIES = (
    "/api/events/",
    "/api/events/?escalation=2022-clashes",
    "/api/events/?actor=azerbaijan",
    "/api/events/?actor=azerbaijan&actor_role=target&page_size=200",
    "/api/events/?ordering=-fatalities",
    "/api/events/?ordering=title&page_size=7",
    "/api/events/?format=json&escalation=2022-clashes",
    "/api/events/?format=csv&escalation=2022-clashes",
    "/api/events/?format=csv",
    "/api/events/?format=timelinejs&escalation=2020-war",
    "/api/events/?format=ics&escalation=2020-war",
    "/api/statements/",
    "/api/statements/?escalation=2022-clashes",
    "/api/statements/?speaker=azerbaijan",
    "/api/statements/?ordering=-said_on&page_size=200",
    "/api/statements/?format=json&escalation=2023-offensive",
    "/api/statements/?format=csv",
    "/api/statements/?format=timelinejs&escalation=2023-offensive",
    "/api/statements/?format=ics&escalation=2023-offensive",
    "/api/timeline/",
    "/api/timeline/?escalation=2022-clashes",
    "/api/timeline/?actor=azerbaijan&page_size=200",
    "/api/timeline/?format=json&escalation=2022-clashes",
    "/api/timeline/?format=csv",
    "/api/timeline/?format=timelinejs&escalation=2020-war",
    "/api/timeline/?format=ics&escalation=2020-war",
    "/api/actors/",
    "/api/actors/?page=2&page_size=200",
    "/api/actors/?format=csv",
    "/api/articles/?page_size=20",
    "/api/articles/?format=csv",
    "/api/outlets/",
    "/api/escalations/",
    "/api/cameo-codes/?page_size=200",
    "/api/stats/?escalation=2022-clashes",
    "/api/events/?cursor=bogus",
    "/api/events/?escalation=nope",
)
FOLLOW = ("/api/events/", "/api/statements/", "/api/timeline/", "/api/timeline/?escalation=2022-clashes")


def bodies(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    client = Client()
    urls = list(BODIES)
    for url in FOLLOW:  # a few pages forward, then one back
        page = client.get(url).json()
        for _ in range(3):
            if page["next"]:
                urls.append(page["next"].removeprefix("http://testserver"))
                page = client.get(page["next"]).json()
        if page["previous"]:
            urls.append(page["previous"].removeprefix("http://testserver"))
    last_undated = Statement.objects.filter(said_on__isnull=True).order_by("id").values_list("id", flat=True)[:1]
    for pk in last_undated:
        urls.append(f"/api/statements/{pk}/")
    for model, path in ((Event, "events"), (Statement, "statements")):
        for pk in model.objects.order_by("id").values_list("id", flat=True)[:: max(1, model.objects.count() // 5)]:
            urls.append(f"/api/{path}/{pk}/")
    urls += ["/api/actors/1/", "/api/articles/1/", "/api/outlets/1/", "/api/escalations/1/", "/api/cameo-codes/01/"]
    for number, url in enumerate(urls):
        response = client.get(url)
        body = response.getvalue() if response.streaming else response.content
        body = re.sub(rb"DTSTAMP:[0-9TZ]+", b"DTSTAMP:-", body)
        headers = f"{response.status_code} {response.get('Content-Type')} {response.get('ETag')}\n".encode()
        (directory / f"{number:03}.txt").write_bytes(url.encode() + b"\n" + headers + body)
    print(f"{len(urls)} bodies in {directory}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["bodies"]:
        bodies(Path(sys.argv[2]))
    else:
        repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 30
        serializing(repeat)
        requesting(repeat)
