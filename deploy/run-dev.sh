#!/usr/bin/env bash
# `make run`: gunicorn on $HOST:$PORT and the tick job every minute, until Ctrl-C.
#
# Ctrl-C reaches every process of the terminal's foreground group: gunicorn shuts down on its own, and the
# EXIT trap ends the tick loop (a background loop of a script ignores SIGINT). The trap names the loop's
# pid: `kill 0` would signal this shell too, which re-entered the trap until bash crashed.
set -u
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}

# Every worker must count the same login attempts: with Redis reachable, the counts live there; without
# it, one worker process (with threads) keeps them in memory, which is then one count too.
if [ -z "${RATELIMIT_STORAGE_URI:-}" ] && "$BIN/python" -c \
    "import redis; redis.Redis(host='127.0.0.1', port=6379, socket_connect_timeout=1).ping()" 2>/dev/null; then
  export RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0
fi
case "${RATELIMIT_STORAGE_URI:-memory://}" in
  memory://*) WORKERS=1; echo "Rate limits: in memory, so one worker (start Redis on 127.0.0.1:6379 for two)" ;;
  *) WORKERS=${WORKERS:-2}; echo "Rate limits: ${RATELIMIT_STORAGE_URI%%@*}, shared by $WORKERS workers" ;;
esac

(
  trap 'kill "$nap" 2>/dev/null; exit 0' TERM
  nap=
  while true; do
    "$BIN/flask" --app neighbors tick >/dev/null 2>&1
    sleep 60 & nap=$!
    wait "$nap"
  done
) &
ticker=$!
trap 'kill "$ticker" 2>/dev/null; wait "$ticker" 2>/dev/null' EXIT

"$BIN/gunicorn" --bind "$HOST:$PORT" --workers "$WORKERS" --threads 4 --access-logfile - 'neighbors:create_app()'
status=$?
# gunicorn stopped by Ctrl-C or SIGTERM has done what was asked: that is a clean stop
exit $status
