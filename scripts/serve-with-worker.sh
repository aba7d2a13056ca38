#!/usr/bin/env bash
# `make run`: the background worker (tasks after commit, periodic jobs) beside the
# development server. Ctrl+C stops both. Usage: serve-with-worker.sh FLASK-COMMAND…
set -euo pipefail
"$@" lms worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT
"$@" run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
