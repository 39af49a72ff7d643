#!/usr/bin/env bash
# Live push latency (DESIGN §7: p99 <= 50 ms at 1,000 WebSocket clients and 2,000 events/s):
# a real `callboard serve`, LIVE_CLIENTS WebSockets of a manager (who sees everything, the
# heaviest view), and queue_log posts of LIVE_EVENTS events/s (callers entering and
# abandoning 20 queues, a post every 100 ms). live_bench prints the event -> client latency
# beside the baseline of the post's own round trip, and this script the server's CPU time
# and peak RSS over the run.
#   LIVE_CLIENTS (default 1000)  LIVE_EVENTS (default 2000)  LIVE_SECONDS (default 20)
#   LIVE_COMPRESS (default 1: clients ask for raw-DEFLATE messages, as the web app does)
#   LIVE_SAMPLE (default 10: every client reads every message, 1 in 10 also decodes and
#   measures it — a browser decodes only its own, on its own CPU)
set -euo pipefail
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"

clients=${LIVE_CLIENTS:-1000}
events=${LIVE_EVENTS:-2000}
seconds=${LIVE_SECONDS:-20}
port=$(free_port)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

"$bin" tenant add bench --data "$work" >/dev/null
echo 'Bench-Password-1' | "$bin" user add --data "$work" --tenant bench --email m@bench.test \
  --name Manager --role manager --password-stdin >/dev/null
ingest=$("$bin" token create --data "$work" --tenant bench --name pbx --scopes ingest)
"$bin" serve --data "$work" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
read_token=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"email":"m@bench.test","password":"Bench-Password-1"}' \
  "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
ticks_before=$(cpu_ticks)
start=$(now)
echo "live push: $clients clients, $events events/s for ${seconds}s ($(nproc) cores, all on one machine)"
/usr/bin/time -f "bench client: %U s user %S s system over %e s" "$build_dir/live_bench" "$port" "$read_token" "$ingest" "$clients" "$events" "$seconds"
wall=$(elapsed "$start")
cpu=$(awk -v t="$(( $(cpu_ticks) - ticks_before ))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz }')
rss=$(awk '/VmHWM/ {print $2 * 1024}' "/proc/$server_pid/status")
echo "server: ${cpu} s CPU over ${wall} s wall; peak RSS $(mib "$rss")"
echo "  command: LIVE_CLIENTS=$clients LIVE_EVENTS=$events LIVE_SECONDS=$seconds LIVE_COMPRESS=${LIVE_COMPRESS:-1} LIVE_SAMPLE=${LIVE_SAMPLE:-10} bench/live_bench.sh"
