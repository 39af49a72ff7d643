#!/usr/bin/env bash
# Live push from the PBX event's own time (issue 4: "a WebSocket client sees agent and queue
# changes within 100 ms of the events that cause them"): a real `callboard serve --demo`,
# whose demo feed ingests each simulated queue_log line as it comes due, and DEMO_CLIENTS
# WebSockets of the demo manager. For every agent state change a client sees, live_bench
# prints (arrival − the state's "since", which is the queue_log event's time), beside the
# baseline of a GET /healthz round trip on the same server.
#   DEMO_CLIENTS (default 10)  DEMO_SECONDS (default 120)
set -euo pipefail
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"

clients=${DEMO_CLIENTS:-10}
seconds=${DEMO_SECONDS:-120}
port=$(free_port)

"$bin" demo --data "$work" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server_pid=$!
# The first start imports 30 days of history before it listens.
for _ in $(seq 1200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.25; done
token=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"email":"manager@demo.callboard.test","password":"Demo-Callboard-1"}' \
  "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
echo "demo live push: $clients client(s) for ${seconds}s ($(nproc) cores)"
"$build_dir/live_bench" "$port" "$token" - "$clients" 0 "$seconds"
echo "  command: DEMO_CLIENTS=$clients DEMO_SECONDS=$seconds bench/demo_live_bench.sh"
