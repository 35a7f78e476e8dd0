#!/usr/bin/env bash
# Load test: gunicorn with 2 workers, as in production (DEBUG off), against DATABASE_URL (PostgreSQL with
# generate_scale_data --organizations 300 --years 10 --scoring-round in it), 50 signed-in users (arriving 5 a second)
# for 60 seconds, LOAD_BUREAU_USERS of them (default 10) the bureau's staff and viewers (各機關進度比較, 評分回合).
# Usage: DATABASE_URL=postgres://… [LOAD_WAIT=2-8] [LOAD_BUREAU_USERS=10] perf/loadtest/run.sh [users] [seconds]
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database with the scale data}"
USERS=${1:-50}
SECONDS_=${2:-60}
PORT=${LOAD_PORT:-8765}
BIN=.venv/bin
export DEBUG=0 SECRET_KEY=${SECRET_KEY:-loadtest-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SECURE_HSTS_SECONDS=0
export LOAD_BUREAU_USERS=${LOAD_BUREAU_USERS:-10}
$BIN/python manage.py collectstatic --noinput -v0
$BIN/python manage.py loadtest_accounts --users "$USERS" --bureau-users "$LOAD_BUREAU_USERS"
$BIN/gunicorn sq_portal.wsgi --workers 2 --bind 127.0.0.1:$PORT --log-level warning --pid var/loadtest/gunicorn.pid &
trap 'kill $(cat var/loadtest/gunicorn.pid) 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.2; done
$BIN/locust -f perf/loadtest/locustfile.py --headless --host "http://127.0.0.1:$PORT" --users "$USERS" \
  --spawn-rate "${LOAD_SPAWN_RATE:-5}" --run-time "${SECONDS_}s" --only-summary --csv var/loadtest/result --exit-code-on-error 1
