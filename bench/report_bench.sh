#!/usr/bin/env bash
# Report latency with M calls stored over a year: `callboard serve` on the data directory,
# GET /api/v1/reports/{queues,agents} for a 1-day, 1-month and 1-year range, in UTC and in
# America/New_York (whose local-day and local-month rollups the tenant keeps: `callboard
# rollups add`), by day and in total, beside the same report as plain SQL GROUP BY over the
# raw calls table of the same database (see bench/report_bench.cpp); then the database size
# and the server's RSS.
# DESIGN §7: <= 50 ms server time for any range with 10 M calls; RSS <= 300 MiB.
#   REPORT_CALLS       calls to store (default 2000000; 10000000 for the DESIGN figure)
#   REPORT_REPEATS     requests per figure (default 15)
#   REPORT_SQL_REPEATS SQL GROUP BY runs per figure (default 3)
#   REPORT_DATA        data directory to keep: filled on the first run, reused (no import)
#                      when it already holds a database (default: a scratch directory); New
#                      York's local rollups are built from its stored rows when missing
set -euo pipefail
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"

calls=${REPORT_CALLS:-2000000}
hours=8760  # one year
rate_per_hour=$(( calls / hours + 1 ))
agents=$(( rate_per_hour / 7 + 1 ))
data=${REPORT_DATA:-$work/data}
zone=America/New_York
if [ -e "$data/callboard.db" ]; then
  echo "Report benchmark data: reusing $data"
  if ! "$bin" rollups list --data "$data" --tenant bench | grep -q "\"$zone\""; then
    start=$(now)
    "$bin" rollups add --data "$data" --tenant bench --zone "$zone" >/dev/null
    echo "  $zone local rollups built from the stored rows in $(elapsed "$start") s" \
      "(callboard rollups add --data $data --tenant bench --zone $zone)"
  fi
else
  "$bin" tenant add bench --data "$data" >/dev/null
  # Kept from the first batch on, as for a site in that zone.
  "$bin" rollups add --data "$data" --tenant bench --zone "$zone" >/dev/null
  echo 'Bench-Password-1' | "$bin" user add --data "$data" --tenant bench --email bench@bench.test \
    --name Bench --role manager --password-stdin >/dev/null
  sim=("$bin" simulate --format calls-json --queues 2 --agents "$agents" --hours "$hours"
    --rate "$rate_per_hour" --seed 9)
  imp=("$bin" import --data "$data" --tenant bench --format calls-json --source year -)
  start=$(now)
  summary=$("${sim[@]}" | "${imp[@]}")
  secs=$(elapsed "$start")
  echo "Report benchmark data: $(json_field "$summary" calls) calls, 2 queues, $agents agents," \
    "one year; simulated and imported in $secs s"
  echo "  command: ${sim[*]} | ${imp[*]}"
fi

port=$(free_port)
"$bin" serve --data "$data" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server_pid=$!
wait_healthy "$port" 30
rss_kib() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$server_pid/status"; }
rss_idle=$(rss_kib VmRSS)
token=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"email":"bench@bench.test","password":"Bench-Password-1"}' \
  "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

cmd=("$build_dir/report_bench" "$data/callboard.db" "$port" "${REPORT_REPEATS:-15}"
  "${REPORT_SQL_REPEATS:-3}")
CALLBOARD_TOKEN=$token "${cmd[@]}"
echo "  command: CALLBOARD_TOKEN=<token> ${cmd[*]}"

db_bytes=$(du -cb "$data"/callboard.db* | awk 'END { print $1 }')
calls_bytes=$(sqlite3 "$data/callboard.db" \
  "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('calls','calls_natural','calls_started','calls_agent')" 2>/dev/null || echo 0)
agg_bytes=$(sqlite3 "$data/callboard.db" \
  "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('interval_aggregates','interval_aggregates_totals','agent_state_seconds')" 2>/dev/null || echo 0)
rollup_bytes=$(sqlite3 "$data/callboard.db" \
  "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('aggregate_rollups','agent_state_rollups','agent_pause_rollups')" 2>/dev/null || echo 0)
local_bytes=$(sqlite3 "$data/callboard.db" \
  "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('local_aggregate_rollups','local_agent_state_rollups','local_agent_pause_rollups')" 2>/dev/null || echo 0)
echo "  database: $(mib "$db_bytes") on disk (raw calls with indexes $(mib "${calls_bytes:-0}")," \
  "15-minute aggregates and agent state seconds $(mib "${agg_bytes:-0}"), their UTC hour/day/month" \
  "rollups $(mib "${rollup_bytes:-0}"), $zone day/month rollups $(mib "${local_bytes:-0}"))"
rss_now=$(rss_kib VmRSS)
rss_peak=$(rss_kib VmHWM)
awk -v i="$rss_idle" -v n="$rss_now" -v p="$rss_peak" 'BEGIN {
  printf "  server RSS: %.1f MiB after start, %.1f MiB after the reports (peak %.1f MiB); target <= 300 MiB with 10 M calls\n",
    i / 1024, n / 1024, p / 1024 }'
