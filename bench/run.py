"""Benchmarks of the reader-facing requests against a generated corpus (run on demand, not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pg python bench/run.py
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python bench/run.py --requests 20 --import-articles 2000

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
- the CSV export: `?format=csv` of the event list, read to the end in a child process
  that reports the time, the rows and the growth of its peak RSS (VmHWM);
- the import: `import_seeds` of `--import-articles` generated seed files (articles/s),
  inside a transaction that is rolled back, so the corpus stays as it was.

`--json FILE` also writes the figures as JSON (for bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
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

from events import corpus  # noqa: E402
from events.models import Escalation, Event, EventParticipant, Statement  # noqa: E402

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


def scenarios(f: dict, events: int) -> list[Scenario]:
    window = {"date_from": f["date_from"], "date_to": f["date_to"]}
    common = {"escalation": f["escalation"], "actor": f["common_actor"], **window}
    rare = {"escalation": f["escalation"], "actor": f["rare_actor"], **window}
    api_timeline = url_exists("api:timeline")
    reactions = url_exists("events:reactions")
    found = [
        Scenario("api events, first page", "/api/events/"),
        # Half-way down the list: what page-number pagination costs deep in a big table.
        Scenario(
            f"api events, page {max(events // 100, 1)}",
            f"/api/events/?page={max(events // 100, 1)}",
            note=f"OFFSET {(max(events // 100, 1) - 1) * 50:,}",
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
        Scenario(
            "page timeline, escalation+actor",
            f"/?{urlencode({'escalation': f['escalation'], 'actor': f['common_actor']})}",
            filtered=True,
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
    return result, queries


def explain(queries: list[dict], *, top: int) -> list[tuple[str, str]]:
    """(sql, plan) of the slowest `top` queries touching the big tables."""
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


def csv_export(url: str) -> dict:
    """Run the export in a child process so its peak memory is its own."""
    child = subprocess.run(
        [sys.executable, __file__, "--csv-child", url], capture_output=True, text=True, env=os.environ, check=False
    )
    if child.returncode != 0:
        return {"url": url, "note": f"failed: {child.stderr.strip().splitlines()[-1:]}"}
    return json.loads(child.stdout.strip().splitlines()[-1])


def _status_kib(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1])
    return 0


def csv_child(url: str) -> None:
    client = Client()
    # The peak RSS of this request alone: getrusage's ru_maxrss would still hold the parent's
    # peak (it survives fork and exec), so reset the kernel's high-water mark (VmHWM) instead.
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    began = time.perf_counter()
    response = client.get(url)
    rows, size, first = 0, 0, None
    if response.status_code == 200:
        chunks = response.streaming_content if response.streaming else [response.content]
        for chunk in chunks:
            if first is None:
                first = time.perf_counter() - began
            size += len(chunk)
            rows += chunk.count(b"\n")
    seconds = time.perf_counter() - began
    after = _status_kib("VmHWM")
    print(
        json.dumps(
            {
                "url": url,
                "status": response.status_code,
                "streaming": response.streaming,
                "rows": max(rows - 1, 0),
                "bytes": size,
                "seconds": round(seconds, 2),
                "first_byte_s": round(first or 0, 3),
                "peak_rss_growth_mib": round((after - before) / 1024, 1),
                "peak_rss_mib": round(after / 1024, 1),
                "truncated": response.get("X-Export-Truncated", ""),
            }
        )
    )


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
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per scenario (default 30)")
    parser.add_argument("--seconds", type=float, default=30, help="at most this long per scenario (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
    parser.add_argument("--only", nargs="*", help="run the scenarios whose name contains one of these words")
    parser.add_argument("--plans", type=int, default=2, help="explain this many slowest queries per scenario (0: none)")
    parser.add_argument("--plans-file", type=Path, help="write the full plans here instead of printing them")
    parser.add_argument("--import-articles", type=int, default=10_000, help="files for the import benchmark (0: skip)")
    parser.add_argument("--no-csv", action="store_true", help="skip the CSV export")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--csv-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # Production static storage serves collectstatic's manifest; the pages need it to render.
    call_command("collectstatic", "--noinput", verbosity=0)
    if args.csv_child:
        csv_child(args.csv_child)
        return

    if not corpus.synthetic(Event.objects.all()).exists():
        raise SystemExit("no synthetic corpus in this database: run manage.py generate_corpus --events N first")
    info = machine()
    filters = choose_filters()
    print(
        f"# {info['database']}: {info['events']:,} events, {info['statements']:,} statements; "
        f"{info['nproc']} cores, {info['memory_gib']} GiB, load {info['load_average'][0]:.2f}"
    )
    print(f"# filters: {json.dumps(filters)}")
    client = Client()
    results, plan_text = [], []
    for scenario in scenarios(filters, info["events"]):
        if args.only and not any(word in scenario.name for word in args.only):
            continue
        result, queries = measure(client, scenario, requests=args.requests, seconds=args.seconds, warmup=args.warmup)
        if args.plans and queries:
            for sql, plan in explain(queries, top=args.plans):
                scans = seq_scans(plan)
                if scans and scenario.filtered:
                    result.seq_scans += scans
                plan_text.append(f"## {scenario.name}\n{sql}\n{plan}\n")
        results.append(result)
        flag = f"  SEQUENTIAL SCAN of {', '.join(sorted(set(result.seq_scans)))}" if result.seq_scans else ""
        if result.p50_ms is None:
            print(f"{scenario.name:55} {result.note}")
        else:
            print(
                f"{scenario.name:55} p50 {result.p50_ms:8.1f} ms  p95 {result.p95_ms:8.1f} ms"
                f"  max {result.max_ms:8.1f} ms"
                f"  {result.queries:3} queries ({result.sql_ms:.0f} ms SQL)  {result.bytes / 1024:7.1f} KiB"
                f"  n={result.requests}{flag}" + (f"  ({result.note})" if result.note else "")
            )
    if plan_text:
        if args.plans_file:
            args.plans_file.write_text("\n".join(plan_text), encoding="utf-8")
            print(f"# plans written to {args.plans_file}")
        else:
            print("\n# Query plans\n\n" + "\n".join(plan_text))

    export = None
    if not args.no_csv and not args.only:
        export = csv_export("/api/events/?format=csv")
        print(f"csv export: {json.dumps(export)}")
    imported = []
    if args.import_articles and not args.only:
        for draft in (True, False):
            imported.append(import_articles(args.import_articles, draft=draft))
            print(f"import: {json.dumps(imported[-1])}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "filters": filters,
                    "results": [asdict(r) for r in results],
                    "csv_export": export,
                    "import": imported,
                },
                indent=2,
                default=str,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
