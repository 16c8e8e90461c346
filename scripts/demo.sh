#!/usr/bin/env bash
# Runs the web server, a Celery worker and Celery beat together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"
mkdir -p var

pids=()
stop_all() {
  trap - EXIT INT TERM
  echo "Stopping web server, worker and beat..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop_all EXIT INT TERM

.venv/bin/python manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)
.venv/bin/celery -A config worker --pool solo --loglevel WARNING &
pids+=($!)
.venv/bin/celery -A config beat --schedule var/celerybeat-schedule --loglevel WARNING &
pids+=($!)

sleep 3
echo
echo "  Coaching Cycles is running at ${SITE_URL}/ with a Celery worker and beat."
echo "  Press Ctrl-C to stop all three."
echo
.venv/bin/python manage.py seed_demo --logins-only
# Return when any of the three stops (or on Ctrl-C); the trap stops the others.
wait -n
