"""Where one page's time goes: its SQL per query, its template, and the rest (run on demand, not a test).

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pg6 python bench/page_phases.py /reactions/ 5
    DEBUG=1 DATABASE_URL=sqlite:////work/bench/sqlite5.sqlite3 python bench/page_phases.py "/reactions/?all=1" 3

Requests the URL through Django's test client (warm-up once, then N times) and prints the
request's time (wall and CPU), the time of the page's render() (the view module's `render`, wrapped), and
each of the request's queries run again by itself, fetched to the end, best of 3 (SQLite runs
a query as its rows are fetched, so the client's own timings miss most of it). What is left
is the view's Python, middleware and the response. SHOWSQL=1 prints the queries, SAVE=FILE
writes the response (to compare pages before and after a change), PROFILE=1 adds a cProfile.
"""

import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")

import django  # noqa: E402

django.setup()

# The server's start-up (conflictdb/wsgi.py), as bench/run.py loads it: the application, then its
# objects frozen out of the garbage collector's full collections, so requests are measured as
# gunicorn serves them (full collections are most of a page's p95 otherwise).
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

import conflictdb.wsgi  # noqa: E402, F401
from events.views import pages, reactions_page, timeline_page  # noqa: E402

PAGE_MODULES = (pages, reactions_page, timeline_page)

renders: list[float] = []
_render = timeline_page.render


def timed_render(*args, **kwargs):
    start = time.perf_counter()
    response = _render(*args, **kwargs)
    renders.append(time.perf_counter() - start)
    return response


def ms(seconds: float) -> int:
    return round(1000 * seconds)


def main(url: str, repeat: int) -> None:
    for module in PAGE_MODULES:  # each reader page's module renders with django.shortcuts.render
        module.render = timed_render
    client = Client(HTTP_HOST="localhost")
    client.get(url)
    renders.clear()
    totals, cpu = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            totals.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    queries = []
    for query in captured.captured_queries:
        times = []
        for _ in range(3):
            with connection.cursor() as cursor:
                start = time.perf_counter()
                cursor.execute(query["sql"])
                rows = cursor.fetchall()
                times.append(time.perf_counter() - start)
        queries.append((min(times), len(rows), query["sql"]))
    sql = sum(seconds for seconds, _, _ in queries)
    total, render = statistics.median(totals), statistics.median(renders)
    size = len(response.content) / 1e6
    print(f"{url}: {response.status_code}, {size:.2f} MB, {len(queries)} queries, load {os.getloadavg()[0]:.2f}")
    p95 = statistics.quantiles(totals, n=20, method="inclusive")[-1] if len(totals) > 1 else total
    print(f"  request ms {[ms(t) for t in totals]}, median {ms(total)}, p95 {ms(p95)}")
    # CPU time of this process (SQLite's work included): steadier than wall time on a loaded machine.
    print(f"  request CPU ms {[ms(t) for t in cpu]}, median {ms(statistics.median(cpu))}")
    print(f"  render ms {[ms(t) for t in renders]}, median {ms(render)}")
    print(f"  SQL ms (each query again, fetched, best of 3) {[ms(t) for t, _, _ in queries]} = {ms(sql)}")
    print(f"  rows {[n for _, n, _ in queries]}")
    print(f"  the rest (view's Python, middleware) ~{ms(total - sql - render)} ms")
    if os.environ.get("SHOWSQL"):
        for seconds, n, text in queries:
            print(f"  {ms(seconds)} ms, {n} rows: {text[:400]}")
    if os.environ.get("SAVE"):
        Path(os.environ["SAVE"]).write_bytes(response.content)
    if os.environ.get("PROFILE"):
        profile = cProfile.Profile()
        profile.runcall(client.get, url)
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/reactions/", int(sys.argv[2]) if len(sys.argv) > 2 else 5)
