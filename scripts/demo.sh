#!/usr/bin/env bash
# Runs the web server, a Celery worker and Celery beat together; one Ctrl-C stops all
# three and ends the script with status 0 (so `make demo` reports no error).
# PORT (default 8000) is the web server's port; every address printed here uses it.
set -uo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
export PORT
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"
PY="${DEMO_PYTHON:-.venv/bin/python}"
mkdir -p var

pids=()
stopped=0
stop_all() {
  [[ $stopped == 1 ]] && return
  stopped=1
  trap - INT TERM EXIT
  echo
  echo "Stopping web server, worker and beat..."
  kill -TERM "${pids[@]}" 2>/dev/null
  # Ten seconds to finish what they are doing, then they are made to stop.
  for _ in $(seq 50); do
    kill -0 "${pids[@]}" 2>/dev/null || break
    sleep 0.2
  done
  kill -KILL "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
  echo "Stopped."
}
# Ctrl-C (or a TERM) is the normal way to stop the demo: not an error.
trap 'stop_all; exit 0' INT TERM
trap stop_all EXIT

"$PY" manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)
"$PY" -m celery -A config worker --pool solo --loglevel WARNING &
pids+=($!)
"$PY" -m celery -A config beat --schedule var/celerybeat-schedule --loglevel WARNING &
pids+=($!)

sleep 3
echo
echo "  Coaching Cycles is running at ${SITE_URL}/ with a Celery worker and beat."
echo "  Press Ctrl-C to stop all three."
echo
"$PY" manage.py seed_demo --logins-only
# Return when any of the three stops (or on Ctrl-C, whose trap stops the others).
wait -n
status=$?
echo "A process of the demo stopped (status ${status}); stopping the others."
stop_all
exit "$status"
