#!/usr/bin/env bash
# The load test (issue 7): a fresh database, the seeds (plus a small synthetic corpus), a
# curator token, gunicorn with the production settings on 127.0.0.1, then locust headless for
# a bounded time. Prints throughput, p50/p95 and the error count; bench/RESULTS.md, "Load".
#
#   bash bench/load.sh sqlite                    # SQLite file /tmp/conflictdb-load.sqlite3
#   bash bench/load.sh postgres                  # PostgreSQL database $PG_DB (default h_load_bench)
#   USERS=20 DURATION=60s WORKERS=3 CORPUS_EVENTS=1000 bash bench/load.sh sqlite   (the defaults)
set -euo pipefail
cd "$(dirname "$0")/.."

BACKEND=${1:-sqlite}
USERS=${USERS:-20}
SPAWN_RATE=${SPAWN_RATE:-5}
DURATION=${DURATION:-60s}
WORKERS=${WORKERS:-3}
PORT=${PORT:-8123}
CORPUS_EVENTS=${CORPUS_EVENTS:-1000}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PG_DB=${PG_DB:-h_load_bench}
OUT=${OUT:-/tmp/conflictdb-load-$BACKEND}
PY=${PY:-.venv/bin/python}

. bench/serve.sh
fresh_database "$BACKEND" /tmp/conflictdb-load.sqlite3

mkdir -p "$OUT"
echo "== migrate, import the seeds, $CORPUS_EVENTS synthetic events, collectstatic ($BACKEND)"
$PY manage.py migrate --noinput -v0
$PY manage.py import_seeds -v0
if [ "$CORPUS_EVENTS" -gt 0 ]; then
  $PY manage.py generate_corpus --events "$CORPUS_EVENTS" --seed 7 --force -v0
fi
$PY manage.py collectstatic --noinput -v0
LOAD_TOKEN=$(curator_token load-curator)
export LOAD_TOKEN LOAD_CATALOGUE=$OUT/catalogue.json
$PY manage.py shell --no-imports -c '
import json, sys
from events.models import Actor, Article, Escalation, Event, Statement
json.dump({
    "events": list(Event.objects.order_by("?").values_list("id", flat=True)[:500]),
    "statements": list(Statement.objects.order_by("?").values_list("id", flat=True)[:500]),
    "actors": list(Actor.objects.order_by("?").values_list("slug", flat=True)[:200]),
    "actor_ids": list(Actor.objects.order_by("?").values_list("id", flat=True)[:200]),
    "escalations": list(Escalation.objects.values_list("slug", flat=True)),
    "articles": [[a.id, a.body] for a in Article.objects.exclude(body="").order_by("?")[:50] if len(a.body) > 400],
}, sys.stdout)' > "$LOAD_CATALOGUE"

echo "== gunicorn, $WORKERS workers, on 127.0.0.1:$PORT"
serve "$PORT" "$WORKERS" "$OUT" --access-logfile "$OUT/access.log"

echo "== locust: $USERS users, $DURATION (load before: $(uptime | sed 's/.*load average/load average/'))"
.venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --csv "$OUT/locust" --only-summary --exit-code-on-error 0 \
  > "$OUT/locust.out" 2>&1
echo "load after: $(uptime | sed 's/.*load average/load average/')"

$PY - "$OUT" "$BACKEND" <<'PY'
import csv, sys
from pathlib import Path

out, backend = Path(sys.argv[1]), sys.argv[2]
rows = list(csv.DictReader(open(out / "locust_stats.csv")))
total = next(r for r in rows if r["Name"] == "Aggregated")
print(f"{'request':44} {'n':>6} {'fail':>5} {'p50':>6} {'p95':>6}")
for r in rows:
    print(f"{r['Type'] + ' ' + r['Name']:44.44} {r['Request Count']:>6} {r['Failure Count']:>5} "
          f"{r['50%']:>6} {r['95%']:>6}")
print(
    f"\n{backend}: {float(total['Requests/s']):.1f} req/s, {total['Request Count']} requests, "
    f"{total['Failure Count']} errors, p50 {total['50%']} ms, p95 {total['95%']} ms"
)
failures = out / "locust_failures.csv"
if failures.exists() and int(total["Failure Count"]):
    print(failures.read_text()[:3000])
PY
grep -c "database is locked" "$OUT/gunicorn.log" | sed 's/^/"database is locked" in the gunicorn log: /' || true
