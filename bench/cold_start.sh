#!/usr/bin/env bash
# Cold start of `make run` from a fresh clone: seconds until /readyz answers 200, then stop it.
#
#   bench/cold_start.sh [REPO] [REVISION]      (defaults: this repository, HEAD)
#
# The clone has no .venv, so this times creating it, installing, migrating, seeding and serving.
# pip's download cache is whatever this machine has (say which when quoting a figure; set
# PIP_NO_CACHE_DIR=1 to time downloads too).
set -euo pipefail
repo=$(cd "${1:-$(dirname "$0")/..}" && pwd)
rev=${2:-HEAD}
port=${PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
work=$(mktemp -d /tmp/ukg-aid-cold-XXXXXX)
git clone -q "$repo" "$work/clone"
git -C "$work/clone" checkout -q "$rev"
cd "$work/clone"
start=$(date +%s.%N)
PORT=$port setsid make run >"$work/run.log" 2>&1 &
runner=$!
cleanup() { kill -TERM -- "-$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
  if ! kill -0 "$runner" 2>/dev/null; then tail -30 "$work/run.log"; exit 1; fi
  sleep 0.5
done
end=$(date +%s.%N)
printf 'make run cold start (%s @ %s): %.1f s until /readyz answered 200\n' \
  "$(basename "$repo")" "$(git rev-parse --short HEAD)" "$(echo "$end - $start" | bc)"
