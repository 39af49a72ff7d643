#!/usr/bin/env bash
# HTTP benchmark on loopback with wrk: /healthz (the baseline: routing and transport
# only) and GET /api/v1/auth/me with a session token (authentication: token hash,
# session and user lookup in SQLite). Prints requests/s and p99 for each, with the
# exact wrk command. Uses a throwaway data directory and a free port.
set -euo pipefail
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"
duration=${BENCH_DURATION:-10s}
conns=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}

data=$work/data
port=$(free_port)
"$bin" tenant add bench --data "$data" >/dev/null
echo 'Bench-Password-1' | "$bin" user add --data "$data" --tenant bench --email bench@bench.test \
  --name Bench --role manager --password-stdin >/dev/null
"$bin" serve --data "$data" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server_pid=$!
wait_healthy "$port" 30
token=$(login "$port" bench@bench.test Bench-Password-1)

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
