"""CPU time the serving process spends per request, for one or more trees of this app and
Datasette, on the same SQLite file (issue 19; run on demand).

    python bench/server_cpu.py lists --trees /tmp/before . --requests 40
    python bench/server_cpu.py csv --trees /tmp/before . --rounds 2

On a shared machine the wall-clock latency of a request swings with the load (bench/peer.py's
p95s move by 1.8x from run to run at a load of 6-9 on 2 cores); the CPU time the server's own
process uses per request moves much less. `lists`: gunicorn (one sync worker, production
settings, as bench/peer.py) for each tree and Datasette (`--datasette-venv`) are started
side by side, and each of bench/peer.py's four requests is sent to each in turn `--requests`
times; it prints the worker's CPU (user + system, from /proc) per request and the p50/p95 of
the latency. `csv`: `/api/events/?format=csv&review_status=any` with the export cap at
`--rows`, served by gunicorn with bench/run.py's serving_app(), read to the end for each tree
in turn `--rounds` times: seconds, rows/s, the worker's CPU per row, bytes and a digest of
the body (the trees must give the same bytes). A tree is a checkout with its .venv (a copy of
another commit: `git archive REV | tar -x -C /tmp/before`, and a .venv symlink).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peer  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def hit(url: str) -> float:
    began = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"})) as response:
        assert response.status == 200, url
        response.read()
    return (time.perf_counter() - began) * 1000


def serve(tree: Path, env: dict, app: str = "conflictdb.wsgi") -> tuple[subprocess.Popen, int]:
    port = peer.free_port()
    server = subprocess.Popen(
        [str(tree / ".venv/bin/python"), "-m", "gunicorn", "--pythonpath", str(tree / "bench"),
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "900", "--log-level", "warning", app],
        cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    peer.wait_for(f"http://127.0.0.1:{port}/api/events/?page_size=1", server)
    return server, port


def worker_of(server: subprocess.Popen) -> int:
    return int(Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()[0])


def environment(database_url: str, **more) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "API_ANON_RATE": "1000000/minute",
        **more,
    }


def lists(args) -> None:
    database = Path(args.database_url.removeprefix("sqlite:///"))
    queries = peer.main_queries(args.database_url)
    env = environment(args.database_url)
    servers, urls_of = [], {}
    try:
        for tree in args.trees:
            server, port = serve(tree, env)
            servers.append(server)
            urls_of[str(tree)] = (port, worker_of(server))
        datasette = subprocess.Popen(
            [str(peer.datasette_venv(args.datasette_venv)), "serve", str(database), "--host", "127.0.0.1",
             "--port", str(ds_port := peer.free_port()), "--setting", "sql_time_limit_ms", "10000"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        servers.append(datasette)
        peer.wait_for(f"http://127.0.0.1:{ds_port}/-/versions.json", datasette)
        print(f"load {os.getloadavg()[0]:.1f}", flush=True)
        for name, (path, sql) in queries.items():
            targets = {tree: (f"http://127.0.0.1:{port}{path}", pid) for tree, (port, pid) in urls_of.items()}
            query = urlencode({"sql": sql, "_shape": "array"})
            targets["datasette"] = (f"http://127.0.0.1:{ds_port}/{database.stem}.json?{query}", datasette.pid)
            for url, _ in targets.values():
                for _ in range(3):
                    hit(url)
            used = dict.fromkeys(targets, 0.0)
            latency: dict = {key: [] for key in targets}
            for _ in range(args.requests):
                for key, (url, pid) in targets.items():
                    before = cpu_seconds(pid)
                    latency[key].append(hit(url))
                    used[key] += cpu_seconds(pid) - before
            p95 = int(0.95 * args.requests) - 1
            cells = [
                f"{key}: CPU {used[key] / args.requests * 1000:.1f} ms/request, "
                f"p50 {statistics.median(latency[key]):.1f} p95 {sorted(latency[key])[p95]:.1f}"
                for key in targets
            ]
            print(f"{name} | " + " | ".join(cells), flush=True)
        print(f"load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)


def csv_export(args) -> None:
    env = environment(args.database_url, EXPORT_MAX_ROWS=str(args.rows))
    for _ in range(args.rounds):
        for tree in args.trees:
            server, port = serve(tree, env, "run:serving_app()")
            try:
                worker, load = worker_of(server), os.getloadavg()[0]
                before, began = cpu_seconds(worker), time.perf_counter()
                digest, size, lines = hashlib.sha256(), 0, 0
                url = f"http://127.0.0.1:{port}/api/events/?format=csv&review_status=any"
                with urllib.request.urlopen(url, timeout=900) as response:
                    while chunk := response.read(1 << 16):
                        digest.update(chunk)
                        size += len(chunk)
                        lines += chunk.count(b"\n")
                seconds, used = time.perf_counter() - began, cpu_seconds(worker) - before
                print(
                    f"{tree}: {seconds:.1f} s, {args.rows / seconds:,.0f} rows/s, worker CPU {used:.1f} s = "
                    f"{used / args.rows * 1e6:.0f} us/row, {size:,} bytes, {lines:,} lines, "
                    f"sha256 {digest.hexdigest()[:16]}, load {load:.1f}-{os.getloadavg()[0]:.1f}",
                    flush=True,
                )
            finally:
                server.terminate()
                server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("lists", "csv"))
    parser.add_argument("--trees", type=Path, nargs="+", default=[Path(".")], help="checkouts with a .venv")
    parser.add_argument("--database-url", default="sqlite:////work/bench19/sqlite5.sqlite3")
    parser.add_argument("--datasette-venv", type=Path, default=Path("/work/bench19/dsenv"))
    parser.add_argument("--requests", type=int, default=40, help="requests of each kind to each server (lists)")
    parser.add_argument("--rounds", type=int, default=2, help="exports per tree (csv)")
    parser.add_argument("--rows", type=int, default=100_000, help="the export cap (csv)")
    args = parser.parse_args()
    args.trees = [tree.resolve() for tree in args.trees]
    lists(args) if args.what == "lists" else csv_export(args)


if __name__ == "__main__":
    main()
