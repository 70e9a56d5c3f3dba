#!/usr/bin/env bash
# The nightly fuzz run (issue 21; `make fuzz`): schemathesis against a live gunicorn with the
# production settings, a random seed (printed, so a failure can be replayed) and at least 5,000
# generated requests over every operation of /api/schema/, on SQLite and on PostgreSQL, as a
# curator with a token. Checks: no 5xx, and every status code, content type, header and body as
# the schema documents it. The fixed-seed, in-process run stays in the suite (events/tests/test_fuzz.py).
#
#   bash bench/fuzz.sh sqlite|postgres        # or `make fuzz` for both
#   SEED=1234 MAX_EXAMPLES=3 bash bench/fuzz.sh sqlite      (defaults: a random seed, 3 per operation and
#   phase: the coverage phase alone sends some 11,000 requests)
set -euo pipefail
cd "$(dirname "$0")/.."

BACKEND=${1:-sqlite}
SEED=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
MAX_EXAMPLES=${MAX_EXAMPLES:-3}
WORKERS=${WORKERS:-3}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PG_DB=${PG_DB:-conflictdb_fuzz}
OUT=${OUT:-/tmp/conflictdb-fuzz-$BACKEND}
PY=${PY:-.venv/bin/python}
PORT=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

mkdir -p "$OUT"
. bench/serve.sh
fresh_database "$BACKEND" "$OUT/db.sqlite3"

echo "== $BACKEND: migrate, import the seeds, a curator token"
$PY manage.py migrate --noinput -v0
$PY manage.py import_seeds -v0
TOKEN=$(curator_token fuzz-curator)
serve "$PORT" "$WORKERS" "$OUT"

echo "== schemathesis, seed $SEED, up to $MAX_EXAMPLES examples per operation and phase"
status=0
.venv/bin/st run "http://127.0.0.1:$PORT/api/schema/?format=json" \
  --header "Authorization: Token $TOKEN" --seed "$SEED" --max-examples "$MAX_EXAMPLES" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --workers 2 --no-color --suppress-health-check all \
  --report ndjson --report-ndjson-path "$OUT/events.ndjson" > "$OUT/st.out" 2>&1 || status=$?
tail -n 40 "$OUT/st.out"
$PY - "$OUT/events.ndjson" "$BACKEND" "$SEED" <<'PY'
import json, sys
from collections import Counter

statuses, cases = Counter(), 0
for line in open(sys.argv[1]):
    event = json.loads(line)
    for kind, body in event.items():
        if kind == "ScenarioFinished":
            for case in (body.get("recorder") or {}).get("interactions", {}).values():
                cases += 1
                response = (case.get("response") or {})
                statuses[response.get("status_code")] += 1
server_errors = sum(n for code, n in statuses.items() if isinstance(code, int) and code >= 500)
print(f"{sys.argv[2]}: seed {sys.argv[3]}, {cases} requests, {server_errors} 5xx, status codes {dict(sorted(statuses.items(), key=str))}")
PY
grep -c "Traceback" "$OUT/gunicorn.log" | sed 's/^/tracebacks in the gunicorn log: /' || true
exit $status
