"""Benchmarks of the reader-facing requests against a generated corpus (run on demand, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pg python bench/run.py
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/run.py --requests 20 --import-articles 2000
    python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/bench_pg6 --json /tmp/pg6.json \\
        --markdown /tmp/pg6.md --plans-file /tmp/pg6-plans.txt --import-articles 1000

The database must hold a synthetic corpus (`manage.py generate_corpus --events N`). Each
scenario is one URL requested through Django's test Client (the whole stack: middleware,
filters, serializers, templates; no network), a few times to warm up, then `--requests`
times or for at most `--seconds`; it prints p50/p95/max in milliseconds, the response
size and the number of SQL queries of one request. A scenario whose endpoint does not
exist (yet) is skipped with a note.

Then (each can be turned off):
- plans: the slowest queries of each scenario with EXPLAIN (ANALYZE, BUFFERS) on
  PostgreSQL (EXPLAIN QUERY PLAN on SQLite), flagging a sequential scan of events_event
  (or events_statement) in a filtered scenario;
- the CSV export: `?format=csv` of the event list with the export cap raised to `--csv-rows`
  (100,000 by default; EXPORT_MAX_ROWS), served by gunicorn with one worker on 127.0.0.1
  and read to the end: time, rows, first byte, and the peak RSS of the serving worker;
- the import: `import_seeds` of `--import-articles` generated seed files (articles/s),
  inside a transaction that is rolled back, so the corpus stays as it was.

`--json FILE` also writes the figures as JSON, `--markdown FILE` as tables for bench/RESULTS.md.
`--database-url URL` measures that database instead of $DATABASE_URL. The 1-minute load average
is recorded with each scenario: on a shared machine it says how much the figures are inflated.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _database_url_argument(argv: list[str]) -> str | None:
    """`--database-url URL` is read before Django is set up, since settings read DATABASE_URL."""
    for index, arg in enumerate(argv):
        if arg.startswith("--database-url="):
            return arg.split("=", 1)[1]
        if arg == "--database-url" and index + 1 < len(argv):
            return argv[index + 1]
    return None


if __name__ == "__main__" and _database_url_argument(sys.argv):
    os.environ["DATABASE_URL"] = _database_url_argument(sys.argv)
# Production-like settings unless told otherwise: DEBUG off (no query log kept in memory).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conflictdb.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# The test client speaks plain HTTP: no redirect to HTTPS; no anonymous throttle to trip.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("API_ANON_RATE", "1000000/minute")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

# The server's start-up (conflictdb/wsgi.py): the application, then its objects frozen out of the
# garbage collector's full collections, so requests are measured as gunicorn serves them.
import conflictdb.wsgi  # noqa: E402, F401
from events.models import Escalation, Event, EventParticipant, Statement  # noqa: E402
from scale import corpus  # noqa: E402

SEQ_SCAN = re.compile(r"Seq Scan on (events_event|events_statement)(?=\s|$)", re.M)
SQLITE_SCAN = re.compile(r"\bSCAN (events_event|events_statement)\b(?! USING)")


class Rollback(Exception):
    pass


@dataclass
class Scenario:
    name: str
    url: str
    filtered: bool = False
    note: str = ""


@dataclass
class Result:
    name: str
    url: str
    status: int | None = None
    requests: int = 0
    p50_ms: float | None = None
    p95_ms: float | None = None
    max_ms: float | None = None
    bytes: int = 0
    queries: int | None = None
    sql_ms: float | None = None  # time in the database during the captured request
    seq_scans: list[str] = field(default_factory=list)
    load: tuple[float, float] | None = None  # 1-minute load average before and after (a shared machine)
    note: str = ""


def machine() -> dict:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            database = cursor.fetchone()[0].split(" on ")[0]
        else:
            cursor.execute("SELECT sqlite_version()")
            database = f"SQLite {cursor.fetchone()[0]}"
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "",
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory / 2**30, 1),
        "load_average": os.getloadavg(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": database,
        "events": Event.objects.count(),
        "statements": Statement.objects.count(),
    }


def choose_filters() -> dict:
    """Realistic filter values from the corpus: the busiest escalation, a common and a rare actor in it."""
    escalation = Escalation.objects.annotate(n=Count("events")).order_by("-n", "slug").first()
    if escalation is None:
        raise SystemExit("no escalation in this database: generate a corpus first (manage.py generate_corpus)")
    ranked = list(
        EventParticipant.objects.filter(event__escalation=escalation)
        .values_list("actor__slug")
        .annotate(n=Count("id"))
        .order_by("-n", "actor__slug")
    )
    common = ranked[0][0]
    rare = next((slug for slug, n in reversed(ranked) if n >= 3), ranked[-1][0])
    end = escalation.end_date or escalation.start_date + dt.timedelta(days=60)
    span = (end - escalation.start_date).days
    speaker = (
        Statement.objects.filter(escalation=escalation)
        .values_list("speaker__slug")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return {
        "escalation": escalation.slug,
        "common_actor": common,
        "rare_actor": rare,
        "speaker": speaker[0] if speaker else common,
        "date_from": (escalation.start_date + dt.timedelta(days=span // 4)).isoformat(),
        "date_to": (escalation.start_date + dt.timedelta(days=3 * span // 4)).isoformat(),
        "word": "Jermuk",  # a place name: about 1 event in 30 mentions it
    }


def url_exists(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def halfway_cursor(events: int) -> str:
    """The cursor of the API event list that a client following `next` links would reach half-way down."""
    from events.api.pagination import KeysetPagination

    paginator = KeysetPagination()
    paginator.ordering = paginator.ordering_of(Event.objects.all())
    row = Event.objects.order_by(*(("-" if desc else "") + name for name, desc in paginator.ordering))[events // 2]
    raw = paginator.token(row, backwards=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def scenarios(f: dict, events: int) -> list[Scenario]:
    window = {"date_from": f["date_from"], "date_to": f["date_to"]}
    common = {"escalation": f["escalation"], "actor": f["common_actor"], **window}
    rare = {"escalation": f["escalation"], "actor": f["rare_actor"], **window}
    api_timeline = url_exists("api:timeline")
    reactions = url_exists("events:reactions")
    found = [
        Scenario("api events, first page", "/api/events/"),
        # Half-way down the list: what a deep page costs in a big table (a keyset cursor, no OFFSET).
        Scenario(
            "api events, cursor half-way down",
            f"/api/events/?{urlencode({'cursor': halfway_cursor(events)})}",
            note=f"after row {events // 2:,}",
        ),
        Scenario(
            "api events, escalation+actor+dates (common actor)", f"/api/events/?{urlencode(common)}", filtered=True
        ),
        Scenario("api events, escalation+actor+dates (rare actor)", f"/api/events/?{urlencode(rare)}", filtered=True),
        Scenario("api events, full-text q", f"/api/events/?{urlencode({'q': f['word']})}", filtered=True),
        Scenario(
            "api statements, escalation+speaker+dates",
            f"/api/statements/?{urlencode({'escalation': f['escalation'], 'speaker': f['speaker'], **window})}",
            filtered=True,
        ),
    ]
    if api_timeline:
        found += [
            Scenario("api timeline, first page", api_timeline),
            Scenario(
                "api timeline, escalation+actor",
                f"{api_timeline}?{urlencode({'escalation': f['escalation'], 'actor': f['common_actor']})}",
                filtered=True,
            ),
        ]
    else:
        found.append(Scenario("api timeline", "", note="skipped: /api/timeline/ does not exist yet"))
    found += [
        Scenario("page timeline, unfiltered", "/"),
        Scenario("page timeline, escalation", f"/?{urlencode({'escalation': f['escalation']})}", filtered=True),
        Scenario(
            "page timeline, escalation+actor",
            f"/?{urlencode({'escalation': f['escalation'], 'actor': f['common_actor']})}",
            filtered=True,
            note="common actor",
        ),
        Scenario(
            "page timeline, escalation+actor (rare actor)",
            f"/?{urlencode({'escalation': f['escalation'], 'actor': f['rare_actor']})}",
            filtered=True,
        ),
        Scenario(
            "page timeline, escalation+actor+dates",
            f"/?{urlencode(common)}",
            filtered=True,
            note="common actor",
        ),
    ]
    found.append(
        Scenario("page reactions", reactions)
        if reactions
        else Scenario("page reactions", "", note="skipped: /reactions/ does not exist yet")
    )
    return found


def consume(response) -> int:
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure(
    client: Client, scenario: Scenario, *, requests: int, seconds: float, warmup: int
) -> tuple[Result, list[dict]]:
    result = Result(scenario.name, scenario.url, note=scenario.note)
    if not scenario.url:
        return result, []
    for _ in range(warmup):
        response = client.get(scenario.url)
        result.bytes = consume(response)
        result.status = response.status_code
        if response.status_code != 200:
            result.note = (result.note + f" HTTP {response.status_code}: {response.content[:200]!r}").strip()
            return result, []
    with CaptureQueriesContext(connection) as captured:
        consume(client.get(scenario.url))
    # A copy now: every request starts by clearing the connection's query log (request_started).
    queries = list(captured.captured_queries)
    result.queries = len(queries)
    result.sql_ms = round(sum(float(q["time"] or 0) for q in queries) * 1000, 1)
    times: list[float] = []
    load_before = os.getloadavg()[0]
    deadline = time.perf_counter() + seconds
    while len(times) < requests and (time.perf_counter() < deadline or len(times) < 5):
        began = time.perf_counter()
        consume(client.get(scenario.url))
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    result.requests = len(times)
    result.p50_ms = round(statistics.median(times), 1)
    result.p95_ms = round(times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], 1)
    result.max_ms = round(times[-1], 1)
    result.load = (round(load_before, 2), round(os.getloadavg()[0], 2))
    return result, queries


def explain(queries: list[dict], *, top: int | None) -> list[tuple[str, str]]:
    """(sql, plan) of the slowest `top` queries touching the big tables (all of them if top is None)."""
    relevant = [q for q in queries if "events_event" in q["sql"] or "events_statement" in q["sql"]]
    relevant.sort(key=lambda q: float(q["time"] or 0), reverse=True)
    plans = []
    with connection.cursor() as cursor:
        for query in relevant[:top]:
            sql = query["sql"]
            try:
                if connection.vendor == "postgresql":
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                else:
                    cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                    plan = "\n".join(" ".join(str(c) for c in row[1:]) for row in cursor.fetchall())
            except Exception as error:  # a query Django formats for the log may not re-run as is
                plan = f"(not explained: {error})"
            plans.append((sql, plan))
    return plans


def seq_scans(plan: str) -> list[str]:
    pattern = SEQ_SCAN if connection.vendor == "postgresql" else SQLITE_SCAN
    return sorted(set(pattern.findall(plan)))


def serving_app():
    """The WSGI application bench/run.py serves the CSV export with (gunicorn "run:serving_app()").

    The export cap is raised to EXPORT_MAX_ROWS from the environment: as a setting where the
    code reads it from settings, and on the module constant where it is still one.
    """
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    from events.api import renderers

    rows = int(os.environ["EXPORT_MAX_ROWS"])
    settings.EXPORT_MAX_ROWS = rows
    if hasattr(renderers, "EXPORT_MAX_ROWS"):
        renderers.EXPORT_MAX_ROWS = rows
    return get_wsgi_application()


def _proc_status_kib(pid: int, field_name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1])
    return 0


def csv_export(url: str, *, rows: int, timeout: float) -> dict:
    """Stream the CSV export from a real server and measure the serving process.

    gunicorn with one sync worker (the production server of README.md) serves it on a free
    port of 127.0.0.1, with the export cap at `rows`. The peak RSS is the worker's own
    (VmHWM of the worker process, reset just before the request), and its growth over the
    worker's RSS before the request; the client here only counts bytes and lines.
    """
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "EXPORT_MAX_ROWS": str(rows)}
    server = subprocess.Popen(
        [
            sys.executable, "-m", "gunicorn", "--pythonpath", str(ROOT / "bench"), "--bind", f"127.0.0.1:{port}",
            "--workers", "1", "--timeout", str(int(timeout) + 60), "--log-level", "warning", "run:serving_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/events/?page_size=1", timeout=60).read()  # also warms the worker
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    return {"url": url, "note": f"the server did not start: {server.stderr.read()[-500:]}"}
                time.sleep(0.5)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        worker = int(children[0])
        Path(f"/proc/{worker}/clear_refs").write_text("5")  # reset the worker's VmHWM to its current RSS
        rss_before = _proc_status_kib(worker, "VmRSS")
        began = time.perf_counter()
        lines, size, first = 0, 0, None
        with urllib.request.urlopen(f"{base}{url}", timeout=timeout) as response:
            status, truncated = response.status, response.headers.get("X-Export-Truncated", "")
            max_rows = response.headers.get("X-Export-Max-Rows", "")
            while chunk := response.read(1 << 16):
                if first is None:
                    first = time.perf_counter() - began
                size += len(chunk)
                lines += chunk.count(b"\n")
        seconds = time.perf_counter() - began
        peak = _proc_status_kib(worker, "VmHWM")
        return {
            "url": url,
            "server": "gunicorn, 1 sync worker",
            "status": status,
            "rows_asked": rows,
            "rows": max(lines - 1, 0),
            "bytes": size,
            "seconds": round(seconds, 1),
            "rows_per_s": round(max(lines - 1, 0) / seconds) if seconds else None,
            "first_byte_s": round(first or 0, 3),
            "server_rss_before_mib": round(rss_before / 1024, 1),
            "server_peak_rss_mib": round(peak / 1024, 1),
            "server_peak_rss_growth_mib": round((peak - rss_before) / 1024, 1),
            "truncated": truncated,
            "max_rows_header": max_rows,
            "load": os.getloadavg()[0],
        }
    except OSError as error:
        return {"url": url, "note": f"failed: {error}"}
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def import_articles(count: int, *, draft: bool) -> dict:
    """import_seeds of `count` generated files, timed, then rolled back (the corpus stays as it was).

    `draft=False` runs it with --no-draft (texts only), which tells the cost of storing an
    article from the cost of the extractor that drafts its statements.
    """
    options = {} if draft else {"no_draft": True}
    with tempfile.TemporaryDirectory(prefix="conflictdb-import-") as folder:
        for name, text in corpus.article_files(count, seed=11):
            Path(folder, name).write_text(text, encoding="utf-8")
        statements_before = Statement.objects.count()
        began = time.perf_counter()
        try:
            with transaction.atomic():
                call_command(
                    "import_seeds", folder, fixtures=[], published=dt.date(2023, 9, 20), verbosity=0, **options
                )
                drafted = Statement.objects.count() - statements_before
                elapsed = time.perf_counter() - began
                raise Rollback
        except Rollback:
            pass
    return {
        "articles": count,
        "drafting": draft,
        "seconds": round(elapsed, 1),
        "articles_per_s": round(count / elapsed, 1),
        "drafted_statements": drafted,
    }


def main() -> None:
    args = arguments()
    # Production static storage serves collectstatic's manifest; the pages need it to render.
    call_command("collectstatic", "--noinput", verbosity=0)

    if not corpus.synthetic(Event.objects.all()).exists():
        raise SystemExit("no synthetic corpus in this database: run manage.py generate_corpus --events N first")
    info = machine()
    filters = choose_filters()
    print(
        f"# {info['database']}: {info['events']:,} events, {info['statements']:,} statements; "
        f"{info['nproc']} cores, {info['memory_gib']} GiB, load {info['load_average'][0]:.2f}"
    )
    print(f"# filters: {json.dumps(filters)}")
    results = run_scenarios(args, filters, info["events"])

    export = None
    if not args.no_csv and not args.only:
        export = csv_export("/api/events/?format=csv", rows=args.csv_rows, timeout=args.csv_timeout)
        print(f"csv export: {json.dumps(export)}")
    imported = []
    if args.import_articles and not args.only:
        for draft in (True, False):
            imported.append(import_articles(args.import_articles, draft=draft))
            print(f"import: {json.dumps(imported[-1])}")
    info["load_average_after"] = os.getloadavg()
    if args.json:
        document = {
            "machine": info,
            "filters": filters,
            "results": [asdict(r) for r in results],
            "csv_export": export,
            "import": imported,
        }
        args.json.write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")
    if args.markdown:
        args.markdown.write_text(markdown(info, results, export, imported), encoding="utf-8")
        print(f"# markdown table written to {args.markdown}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="the database to measure (default: $DATABASE_URL)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per scenario (default 30)")
    parser.add_argument("--seconds", type=float, default=30, help="at most this long per scenario (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--only", nargs="*", help="run the scenarios whose name contains one of these words")
    parser.add_argument(
        "--plans",
        type=int,
        default=2,
        help="explain this many slowest queries per unfiltered scenario (0: none); a filtered one has all its "
        "queries on the big tables explained, so that any sequential scan of them is flagged",
    )
    parser.add_argument("--plans-file", type=Path, help="write the full plans here instead of printing them")
    parser.add_argument("--import-articles", type=int, default=10_000, help="files for the import benchmark (0: skip)")
    parser.add_argument("--no-csv", action="store_true", help="skip the CSV export")
    parser.add_argument("--csv-rows", type=int, default=100_000, help="rows the CSV export asks for (default 100000)")
    parser.add_argument("--csv-timeout", type=float, default=1800, help="give the CSV export up to this many seconds")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--markdown", type=Path, help="also write the results as a markdown table")
    return parser.parse_args()


def run_scenarios(args: argparse.Namespace, filters: dict, events: int) -> list[Result]:
    """Measure each scenario (those of --only), print its line, and the query plans asked for."""
    client = Client()
    results, plan_text = [], []
    for scenario in scenarios(filters, events):
        if args.only and not any(word in scenario.name for word in args.only):
            continue
        result, queries = measure(client, scenario, requests=args.requests, seconds=args.seconds, warmup=args.warmup)
        if args.plans and queries:
            for sql, plan in explain(queries, top=None if scenario.filtered else args.plans):
                scans = seq_scans(plan)
                if scans and scenario.filtered:
                    result.seq_scans += scans
                plan_text.append(f"## {scenario.name}\n{sql}\n{plan}\n")
        results.append(result)
        print_result(scenario.name, result)
    if plan_text:
        if args.plans_file:
            args.plans_file.write_text("\n".join(plan_text), encoding="utf-8")
            print(f"# plans written to {args.plans_file}")
        else:
            print("\n# Query plans\n\n" + "\n".join(plan_text))
    return results


def print_result(name: str, result: Result) -> None:
    flag = f"  SEQUENTIAL SCAN of {', '.join(sorted(set(result.seq_scans)))}" if result.seq_scans else ""
    if result.p50_ms is None:
        print(f"{name:55} {result.note}")
        return
    print(
        f"{name:55} p50 {result.p50_ms:8.1f} ms  p95 {result.p95_ms:8.1f} ms"
        f"  max {result.max_ms:8.1f} ms"
        f"  {result.queries:3} queries ({result.sql_ms:.0f} ms SQL)  {result.bytes / 1024:7.1f} KiB"
        f"  n={result.requests}  load {result.load[0]:.1f}-{result.load[1]:.1f}{flag}"
        + (f"  ({result.note})" if result.note else "")
    )


def markdown(info: dict, results: list[Result], export: dict | None, imported: list[dict]) -> str:
    """The figures as markdown tables, ready for bench/RESULTS.md."""
    lines = [
        f"{info['database']}, {info['events']:,} events, {info['statements']:,} statements; "
        f"{info['nproc']} cores ({info['cpu']}), {info['memory_gib']} GiB; load average "
        f"{info['load_average'][0]:.1f} at the start, {info['load_average_after'][0]:.1f} at the end.",
        "",
        "| request | queries | p50 ms | p95 ms | max ms | n | SQL ms (one request) | KiB | load "
        "| seq scan (filtered) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for r in results:
        if r.p50_ms is None:
            lines.append(f"| {r.name} | | | | | | | | | {r.note} |")
            continue
        scans = ", ".join(sorted(set(r.seq_scans))) or "—"
        lines.append(
            f"| {r.name} | {r.queries} | {r.p50_ms:,.0f} | {r.p95_ms:,.0f} | {r.max_ms:,.0f} | {r.requests} "
            f"| {r.sql_ms:,.0f} | {r.bytes / 1024:,.0f} | {r.load[0]:.1f}–{r.load[1]:.1f} | {scans} |"
        )
    if export:
        lines += [
            "",
            "| CSV export | rows | seconds | rows/s | first byte s | server peak RSS | growth | truncated |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        if "rows" in export:
            lines.append(
                f"| `{export['url']}` (asked {export['rows_asked']:,}) | {export['rows']:,} | {export['seconds']} "
                f"| {export['rows_per_s']} | {export['first_byte_s']} | {export['server_peak_rss_mib']} MiB "
                f"| +{export['server_peak_rss_growth_mib']} MiB | {export['truncated'] or '—'} |"
            )
        else:
            lines.append(f"| `{export['url']}` | {export.get('note', '')} | | | | | | |")
    if imported:
        lines += ["", "| import_seeds | articles | seconds | articles/s | drafted statements |"]
        lines += ["| --- | ---: | ---: | ---: | ---: |"]
        for i in imported:
            lines.append(
                f"| {'drafting' if i['drafting'] else '--no-draft'} | {i['articles']:,} | {i['seconds']} "
                f"| {i['articles_per_s']} | {i['drafted_statements']:,} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
