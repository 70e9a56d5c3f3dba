"""This app against Datasette on the same SQLite file, side by side (issue 19; run on demand).

    python bench/peer.py --database-url sqlite:////work/bench19/sqlite5.sqlite3 \\
        --datasette-venv /work/bench19/dsenv --requests 60 --markdown /tmp/peer.md

For each request of the issue's table (the event list first page, filtered by a common and by a
rare actor with an escalation and dates, full-text `q`) this finds the app's own main query (the
page's SELECT of events, captured through Django's test client, with its parameters), then
serves the app with gunicorn (one sync worker, production settings: DEBUG=0, a random
SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0, a high API_ANON_RATE) and Datasette
on the same file, both on free ports of 127.0.0.1, and runs ../shared/bench/peer_latency.py
(requests alternated app, Datasette, raw sqlite3) for each. It prints one line per request and,
with --markdown, a table of p95s and ratios with the load average before and after.

Datasette runs from its own virtual environment (`--datasette-venv`), created with
`pip install datasette==0.65.5` when it does not exist yet (`make bench-datasette` does the same).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
PEER_LATENCY = ROOT.parent / "shared" / "bench" / "peer_latency.py"
DATASETTE = "datasette==0.65.5"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=60).read()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server for {url} did not start") from None
            time.sleep(0.5)


def datasette_venv(path: Path) -> Path:
    binary = path / "bin" / "datasette"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
        subprocess.run([str(path / "bin" / "pip"), "install", "--quiet", DATASETTE], check=True)
    return binary


def main_queries(database_url: str) -> dict:
    """{name: (app path, the main SQL with its parameters)} for the issue's four requests."""
    code = r"""
import json, os, sys
sys.path.insert(0, "bench")
import run
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from urllib.parse import urlencode
f = run.choose_filters()
window = {"date_from": f["date_from"], "date_to": f["date_to"]}
paths = {
    "events, filtered by a common actor": "/api/events/?"
    + urlencode({"escalation": f["escalation"], "actor": f["common_actor"], **window}),
    "events, rare actor": "/api/events/?"
    + urlencode({"escalation": f["escalation"], "actor": f["rare_actor"], **window}),
    "events, first page": "/api/events/",
    "full-text ?q=": "/api/events/?" + urlencode({"q": f["word"]}),
}
found = {}
client = Client()
for name, path in paths.items():
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, HTTP_ACCEPT="application/json").status_code == 200
    # The page's SELECT of events: the first query reading events_event with a LIMIT.
    sql = next(q["sql"] for q in captured.captured_queries if 'FROM "events_event"' in q["sql"] and "LIMIT" in q["sql"])
    found[name] = (path, sql)
print(json.dumps(found))
"""
    env = {**os.environ, "DATABASE_URL": database_url}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="sqlite:////path/to/corpus.sqlite3")
    parser.add_argument("--datasette-venv", type=Path, required=True, help="Datasette's own virtual environment")
    parser.add_argument("--requests", type=int, default=60, help="alternated requests per endpoint (default 60)")
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    parser.add_argument(
        "--peer-latency", type=Path, default=PEER_LATENCY, help=f"the alternating client (default {PEER_LATENCY})"
    )
    args = parser.parse_args()
    database = Path(args.database_url.removeprefix("sqlite:///"))
    datasette = datasette_venv(args.datasette_venv)
    queries = main_queries(args.database_url)

    app_port, ds_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "API_ANON_RATE": "1000000/minute",
    }
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    app = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{app_port}", "--workers", "1",
         "--log-level", "warning", "conflictdb.wsgi"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    peer = subprocess.Popen(
        [str(datasette), "serve", str(database), "--host", "127.0.0.1", "--port", str(ds_port),
         "--setting", "sql_time_limit_ms", "10000", "--setting", "max_returned_rows", "1000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    results = []
    try:
        wait_for(f"http://127.0.0.1:{app_port}/api/events/?page_size=1", app)
        wait_for(f"http://127.0.0.1:{ds_port}/-/versions.json", peer)
        for name, (path, sql) in queries.items():
            with (
                tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as sql_file,
                tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out,
            ):
                sql_file.write(sql)
            peer_url = f"http://127.0.0.1:{ds_port}/{database.stem}.json?{urlencode({'sql': sql, '_shape': 'array'})}"
            load_before = os.getloadavg()[0]
            subprocess.run(
                [
                    *(sys.executable, str(args.peer_latency), f"http://127.0.0.1:{app_port}{path}", peer_url),
                    *(str(args.requests), "--raw-sqlite", str(database), "--raw-sql-file", sql_file.name),
                    *("--label", name, "--json", out.name),
                ],
                check=True,
            )  # fmt: skip
            result = json.loads(Path(out.name).read_text())
            result["load"] = (load_before, os.getloadavg()[0])
            results.append(result)
    finally:
        for server in (app, peer):
            server.terminate()
            server.wait(timeout=30)
    table = [
        "| request | app p50 | app p95 | Datasette p95 | raw SQL p95 "
        "| app / Datasette (p95) | app / raw SQL (p95) | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in results:
        a, b, c = r["A"], r["B"], r["C"]
        table.append(
            f"| {r['label']} | {a['p50']:.1f} | {a['p95']:.1f} | {b['p95']:.1f} | {c['p95']:.2f} | "
            f"{a['p95'] / b['p95']:.2f}× | {a['p95'] / c['p95']:.1f}× | {r['load'][0]:.1f}–{r['load'][1]:.1f} |"
        )
    text = "\n".join(table)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
