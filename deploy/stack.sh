#!/usr/bin/env bash
# The production stack on one machine (`make stack`, `make stack-stop`): nginx terminating TLS in front of two
# gunicorn app servers, PgBouncer in transaction mode in front of PostgreSQL, rate limits in Redis.
#
#   deploy/stack.sh start    render the configuration into $STACK_DIR, migrate, start everything, wait until it answers
#   deploy/stack.sh stop     stop whatever the run directory's pid files name
#   deploy/stack.sh status   which of the processes run
#
# Everything the stack writes (configuration, certificate, secret key, pid files, logs, uploads) lives in
# $STACK_DIR, inside the project tree and ignored by git; the templates beside this script hold no path or
# port of a machine. Each setting below may be given in the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=${BIN:-$ROOT/.venv/bin}

STACK_DIR=${STACK_DIR:-.stack/run}
STACK_HTTPS_PORT=${STACK_HTTPS_PORT:-8443}       # nginx, TLS
STACK_HTTP_PORT=${STACK_HTTP_PORT:-8080}         # nginx, plain http: redirects to https
STACK_APP_PORTS=${STACK_APP_PORTS:-"8001 8002"}  # the two gunicorn app servers (upstreams)
STACK_PGBOUNCER_PORT=${STACK_PGBOUNCER_PORT:-6432}
STACK_PG_HOST=${STACK_PG_HOST:-127.0.0.1}
STACK_PG_PORT=${STACK_PG_PORT:-5432}
STACK_PG_USER=${STACK_PG_USER:-postgres}
STACK_DATABASE=${STACK_DATABASE:-neighbors_stack}
STACK_SEARCH_PATH=${STACK_SEARCH_PATH:-}         # a schema to read (the rush reads the bench data's district)
STACK_MIGRATE=${STACK_MIGRATE:-1}                # flask db upgrade before the app servers start
STACK_DEMO_DATA=${STACK_DEMO_DATA:-1}            # the demo data, once, into an empty database
STACK_REDIS_URL=${STACK_REDIS_URL:-redis://127.0.0.1:6379/0}
STACK_RATELIMIT_PREFIX=${STACK_RATELIMIT_PREFIX:-neighbors-stack}
STACK_ENV=${STACK_ENV:-production}
STACK_WORKERS=${STACK_WORKERS:-1}                # per app server: two servers of one worker = the two cores
STACK_THREADS=${STACK_THREADS:-4}
STACK_POOL_SIZE=${STACK_POOL_SIZE:-10}           # PgBouncer's server connections to PostgreSQL

mkdir -p "$STACK_DIR"
DIR=$(cd "$STACK_DIR" && pwd)

say() { echo "stack: $*"; }

alive() {  # alive PIDFILE
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

stop_one() {  # stop_one NAME PIDFILE: SIGTERM, then SIGKILL after 20 s
  local pid
  alive "$2" || { rm -f "$2"; return 0; }
  pid=$(cat "$2")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && { say "$1 did not stop in 20 s: killed"; kill -KILL "$pid" 2>/dev/null || true; }
  rm -f "$2"
  say "$1 stopped"
}

stop() {
  stop_one nginx "$DIR/nginx/nginx.pid"
  local n=1
  for _port in $STACK_APP_PORTS; do stop_one "app server $n" "$DIR/app-$n.pid"; n=$((n + 1)); done
  stop_one pgbouncer "$DIR/pgbouncer/pgbouncer.pid"
}

status() {
  local n=1 name file all=0
  for name in nginx pgbouncer; do
    file="$DIR/$name/$name.pid"
    if alive "$file"; then say "$name running (pid $(cat "$file"))"; else say "$name not running"; all=1; fi
  done
  for port in $STACK_APP_PORTS; do
    if alive "$DIR/app-$n.pid"; then say "app server $n on $port running (pid $(cat "$DIR/app-$n.pid"))"
    else say "app server $n on $port not running"; all=1; fi
    n=$((n + 1))
  done
  return $all
}

render() {  # render TEMPLATE OUTPUT: @NAME@ placeholders from this script's variables
  local upstreams="" port
  for port in $STACK_APP_PORTS; do
    upstreams+="        server 127.0.0.1:$port max_fails=1 fail_timeout=10s;"$'\n'
  done
  # as root, nginx's workers run as the owner of the project tree, who can read static/ (whoever else may not)
  local nginx_user=""
  [ "$(id -u)" = 0 ] && nginx_user="user $(stat -c %U "$ROOT");"
  local connect_query=""
  [ -n "$STACK_SEARCH_PATH" ] && connect_query=" connect_query='SET search_path TO $STACK_SEARCH_PATH'"
  UPSTREAMS="$upstreams" NGINX_USER="$nginx_user" CONNECT_QUERY="$connect_query" DIR="$DIR" ROOT="$ROOT" \
    STACK_HTTPS_PORT="$STACK_HTTPS_PORT" STACK_HTTP_PORT="$STACK_HTTP_PORT" \
    STACK_PGBOUNCER_PORT="$STACK_PGBOUNCER_PORT" STACK_PG_HOST="$STACK_PG_HOST" STACK_PG_PORT="$STACK_PG_PORT" \
    STACK_PG_USER="$STACK_PG_USER" STACK_DATABASE="$STACK_DATABASE" STACK_POOL_SIZE="$STACK_POOL_SIZE" \
    "$BIN/python" - "$1" "$2" <<'PY'
import os, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
def value(match):
    return os.environ[match.group(1)]
open(sys.argv[2], "w", encoding="utf-8").write(re.sub(r"@([A-Z_]+)@", value, text))
PY
}

wait_for() {  # wait_for WHAT URL SECONDS [curl options]
  local what=$1 url=$2 seconds=$3
  shift 3
  for _ in $(seq 1 $((seconds * 5))); do
    curl -fsS -o /dev/null "$@" "$url" 2>/dev/null && return 0
    sleep 0.2
  done
  say "$what did not answer at $url within $seconds s"
  return 1
}

certificate() {
  # A new self-signed certificate at every start, for localhost and 127.0.0.1 (clients pass it as the CA).
  mkdir -p "$DIR/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$DIR/tls/key.pem" -out "$DIR/tls/cert.pem" 2>/dev/null
  chmod 600 "$DIR/tls/key.pem"
}

database() {
  local direct="postgresql://$STACK_PG_USER@$STACK_PG_HOST:$STACK_PG_PORT/$STACK_DATABASE"
  if ! psql -h "$STACK_PG_HOST" -p "$STACK_PG_PORT" -U "$STACK_PG_USER" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$STACK_DATABASE'" | grep -q 1; then
    createdb -h "$STACK_PG_HOST" -p "$STACK_PG_PORT" -U "$STACK_PG_USER" "$STACK_DATABASE"
    say "created database $STACK_DATABASE"
  fi
  # Schema changes and the demo data go straight to PostgreSQL, as an operator's one-off commands do.
  if [ "$STACK_MIGRATE" = 1 ]; then
    DATABASE_URL=$direct SECRET_KEY=$SECRET NEIGHBORS_ENV=$STACK_ENV "$BIN/flask" --app neighbors db upgrade \
      >"$DIR/logs/migrate.log" 2>&1 || { cat "$DIR/logs/migrate.log"; return 1; }
  fi
  if [ "$STACK_DEMO_DATA" = 1 ]; then
    # the demo data is refused in production (a real database): it is loaded here as a development one-off
    DATABASE_URL=$direct NEIGHBORS_ENV=development NEIGHBORS_UPLOAD_DIR="$DIR/uploads" \
      "$BIN/flask" --app neighbors demo-data --if-empty >"$DIR/logs/demo-data.log" 2>&1 \
      || { cat "$DIR/logs/demo-data.log"; return 1; }
  fi
}

pgbouncer_start() {
  mkdir -p "$DIR/pgbouncer"
  render deploy/pgbouncer.ini.in "$DIR/pgbouncer/pgbouncer.ini"
  printf '"%s" ""\n' "$STACK_PG_USER" >"$DIR/pgbouncer/userlist.txt"
  local as_user=()
  # PgBouncer refuses to run as root: then it runs as nobody, having read its files first; its log is this
  # shell's redirection and its pid this shell's $!, as nobody may not reach the run directory
  [ "$(id -u)" = 0 ] && as_user=(-u nobody)
  setsid pgbouncer "${as_user[@]}" "$DIR/pgbouncer/pgbouncer.ini" >>"$DIR/logs/pgbouncer.log" 2>&1 </dev/null &
  echo $! >"$DIR/pgbouncer/pgbouncer.pid"
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$STACK_PGBOUNCER_PORT") 2>/dev/null && return 0
    alive "$DIR/pgbouncer/pgbouncer.pid" || break
    sleep 0.2
  done
  say "pgbouncer did not start"; tail -5 "$DIR/logs/pgbouncer.log"; return 1
}

app_start() {  # app_start N PORT
  local n=$1 port=$2
  DATABASE_URL="postgresql://$STACK_PG_USER@127.0.0.1:$STACK_PGBOUNCER_PORT/$STACK_DATABASE" \
  DATABASE_TRANSACTION_POOLING=1 NEIGHBORS_PROXY_HOPS=1 NEIGHBORS_ENV=$STACK_ENV SECRET_KEY=$SECRET \
  RATELIMIT_STORAGE_URI=$STACK_REDIS_URL RATELIMIT_KEY_PREFIX=$STACK_RATELIMIT_PREFIX \
  NEIGHBORS_UPLOAD_DIR="$DIR/uploads" \
    "$BIN/gunicorn" --bind "127.0.0.1:$port" --workers "$STACK_WORKERS" --threads "$STACK_THREADS" \
      --worker-class gthread --keep-alive 75 --daemon --pid "$DIR/app-$n.pid" \
      --access-logfile "$DIR/logs/app-$n.access.log" --error-logfile "$DIR/logs/app-$n.log" \
      'neighbors:create_app()'
}

nginx_start() {
  mkdir -p "$DIR/nginx"
  render deploy/nginx.conf.in "$DIR/nginx/nginx.conf"
  nginx -q -t -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -e "$DIR/logs/nginx-error.log"
  nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -e "$DIR/logs/nginx-error.log"
}

start() {
  local missing=() tool
  for tool in nginx pgbouncer openssl psql curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [ ${#missing[@]} = 0 ] || { say "missing: ${missing[*]} (make stack installs them)"; return 1; }
  stop >/dev/null
  mkdir -p "$DIR/logs" "$DIR/uploads"
  [ -s "$DIR/secret_key" ] || { openssl rand -hex 32 >"$DIR/secret_key"; chmod 600 "$DIR/secret_key"; }
  SECRET=$(cat "$DIR/secret_key")
  certificate
  database
  pgbouncer_start
  local n=1 port
  for port in $STACK_APP_PORTS; do app_start "$n" "$port"; n=$((n + 1)); done
  for port in $STACK_APP_PORTS; do wait_for "app server on $port" "http://127.0.0.1:$port/healthz" 120; done
  nginx_start
  wait_for nginx "https://127.0.0.1:$STACK_HTTPS_PORT/healthz" 30 --cacert "$DIR/tls/cert.pem"
  say "https://localhost:$STACK_HTTPS_PORT/ (certificate: $STACK_DIR/tls/cert.pem) — nginx → app servers on" \
      "$STACK_APP_PORTS → PgBouncer :$STACK_PGBOUNCER_PORT → PostgreSQL $STACK_DATABASE; logs in $STACK_DIR/logs"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
