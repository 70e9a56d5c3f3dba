# Sourced by bench/load.sh and bench/fuzz.sh: the production settings on localhost, a fresh
# database, a curator's token and gunicorn on 127.0.0.1. Expects PY, PG_URL and PG_DB.

# Production settings (README "Production"); plain HTTP on localhost, so no HTTPS redirect.
export DEBUG=0 ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0
export SECRET_KEY=${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}
# Every simulated client comes from 127.0.0.1: the per-address anonymous budget would turn
# the run into a throttling test (429s), so it is raised for this run only.
export API_ANON_RATE=${API_ANON_RATE:-1000000/minute}

# fresh_database sqlite|postgres SQLITE_FILE: an empty database in DATABASE_URL.
fresh_database() {
  case "$1" in
    sqlite)
      rm -f "$2" "$2-wal" "$2-shm"
      export DATABASE_URL=sqlite:///$2 ;;
    postgres)
      dropdb --if-exists -h 127.0.0.1 -U postgres "$PG_DB"
      createdb -h 127.0.0.1 -U postgres "$PG_DB"
      export DATABASE_URL=$PG_URL/$PG_DB ;;
    *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
  esac
}

# curator_token USERNAME: prints the token of a curator of that name (created if missing).
curator_token() {
  $PY manage.py shell --no-imports -c "
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
user, _ = User.objects.get_or_create(username='$1', defaults={'is_staff': True})
user.groups.add(Group.objects.get(name='curators'))
print(Token.objects.get_or_create(user=user)[0].key)"
}

# serve PORT WORKERS OUT [gunicorn options…]: gunicorn in the background until the script exits.
serve() {
  local port=$1 workers=$2 out=$3
  shift 3
  : > "$out/gunicorn.log"  # this run's log only
  .venv/bin/gunicorn conflictdb.wsgi --bind "127.0.0.1:$port" --workers "$workers" \
    --error-logfile "$out/gunicorn.log" --capture-output --daemon --pid "$out/gunicorn.pid" "$@"
  trap "kill \"\$(cat '$out/gunicorn.pid')\" 2>/dev/null || true" EXIT
  for _ in $(seq 60); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/api/" && break
    sleep 1
  done
}
