#!/usr/bin/env bash
# HTTP benchmark on loopback with wrk: /healthz (the baseline: routing and transport
# only) and GET /api/v1/auth/me with a session token (authentication: token hash,
# session and user lookup in SQLite). Prints requests/s and p99 for each, with the
# exact wrk command. Uses a throwaway data directory and a free port.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=./build/callboard
duration=${BENCH_DURATION:-10s}
conns=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT

$bin tenant add bench --data "$data" >/dev/null
echo 'Bench-Password-1' | $bin user add --data "$data" --tenant bench --email bench@bench.test \
  --name Bench --role manager --password-stdin >/dev/null
$bin serve --data "$data" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
token=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"email":"bench@bench.test","password":"Bench-Password-1"}' \
  "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

run() {
  local name=$1; shift
  local cmd=(wrk -t"$threads" -c"$conns" -d"$duration" --latency "$@")
  local out
  out=$("${cmd[@]}")
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '%-28s %12s req/s   p99 %8s\n' "$name" "$rps" "$p99"
  printf '  command: %s\n' "${cmd[*]//$token/<token>}"
}

echo "HTTP benchmark ($(nproc) cores, server and wrk on the same machine)"
run "GET /healthz (baseline)" "http://127.0.0.1:$port/healthz"
run "GET /api/v1/auth/me" -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/auth/me"
