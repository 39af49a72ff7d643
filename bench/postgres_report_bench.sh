#!/usr/bin/env bash
# Report latency on PostgreSQL beside SQLite, from the same run and the same simulated calls
# (those of bench/report_bench.sh: one year, 2 queues, seed 9): each backend imports them
# (`callboard import`), keeps America/New_York's local-day and local-month rollups from the
# first batch on (`callboard rollups add`), and is served by `callboard serve` (PostgreSQL:
# `--db` with the app role, row-level security in force, in a throwaway local PostgreSQL 15
# cluster from scripts/pg-test-cluster.sh). bench/report_bench.cpp then times the 1-day,
# 1-month and 1-year queue and agent reports, UTC and New York, by day and in total, beside
# the same report as SQL GROUP BY over the raw calls of that backend (PostgreSQL: libpq as
# the superuser, who sees every tenant).
# DESIGN §7: <= 50 ms server time for any range with 10 M calls.
#   REPORT_CALLS       calls to store (default 300000; 10000000 for the DESIGN figure: the
#                      PostgreSQL import then takes about 10 minutes)
#   REPORT_REPEATS     requests per figure (default 15)
#   REPORT_SQL_REPEATS SQL GROUP BY runs per figure (default 3)
#   REPORT_DATA        SQLite data directory of bench/report_bench.sh with the same
#                      REPORT_CALLS, reused when it holds a database (default: import into a
#                      scratch directory)
set -euo pipefail
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"

calls=${REPORT_CALLS:-300000}
hours=8760  # one year
rate_per_hour=$(( calls / hours + 1 ))
agents=$(( rate_per_hour / 7 + 1 ))
zone=America/New_York
sim=("$bin" simulate --format calls-json --queues 2 --agents "$agents" --hours "$hours"
  --rate "$rate_per_hour" --seed 9)
psql=/usr/lib/postgresql/15/bin/psql

state="$work/pg"
./scripts/pg-test-cluster.sh start "$state" "$bin" >/dev/null
pg_stop() { ./scripts/pg-test-cluster.sh stop "$state" >/dev/null 2>&1 || true; cleanup; }
trap pg_stop EXIT
# shellcheck disable=SC1091
. "$state/env"
"$psql" -X -q -h "$CB_PG_HOST" -p "$CB_PG_PORT" -U postgres -d postgres \
  -c "CREATE DATABASE bench TEMPLATE cb_template OWNER callboard_owner"
app_url="postgresql://callboard_app:$CB_PG_APP_PASSWORD@/bench?host=$CB_PG_HOST&port=$CB_PG_PORT"
super_url="postgresql://postgres@/bench?host=$CB_PG_HOST&port=$CB_PG_PORT"

# fill LABEL STORAGE_ARGS…: tenant, user, New York's rollups, then the simulated calls.
fill() {
  local label=$1
  shift
  "$bin" tenant add bench "$@" >/dev/null
  echo 'Bench-Password-1' | "$bin" user add "$@" --tenant bench --email bench@bench.test \
    --name Bench --role manager --password-stdin >/dev/null
  "$bin" rollups add "$@" --tenant bench --zone "$zone" >/dev/null
  local imp=("$bin" import "$@" --tenant bench --format calls-json --source year -)
  local start summary
  start=$(now)
  summary=$("${sim[@]}" | "${imp[@]}")
  echo "$label: $(json_field "$summary" calls) calls, 2 queues, $agents agents, one year;" \
    "simulated and imported in $(elapsed "$start") s"
  echo "  command: ${sim[*]} | ${imp[*]}" | sed "s/$CB_PG_APP_PASSWORD/***/"
}

# report LABEL BASELINE_DB STORAGE_ARGS…: serve, log in, run report_bench, stop the server.
report() {
  local label=$1 baseline=$2
  shift 2
  local port token
  port=$(free_port)
  "$bin" serve "$@" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
  server_pid=$!
  wait_healthy "$port" 60
  token=$(login "$port" bench@bench.test Bench-Password-1)
  echo
  echo "== $label"
  local cmd=("$build_dir/report_bench" "$baseline" "$port" "${REPORT_REPEATS:-15}"
    "${REPORT_SQL_REPEATS:-3}")
  CALLBOARD_TOKEN=$token "${cmd[@]}"
  echo "  command: CALLBOARD_TOKEN=<token> ${cmd[*]}"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}

fill "PostgreSQL report data" --db "$app_url"
data=${REPORT_DATA:-$work/data}
if [ -e "$data/callboard.db" ]; then
  echo "SQLite report data: reusing $data"
  if ! "$bin" rollups list --data "$data" --tenant bench | grep -q "\"$zone\""; then
    "$bin" rollups add --data "$data" --tenant bench --zone "$zone" >/dev/null
  fi
else
  fill "SQLite report data" --data "$data"
fi
pg_bytes=$("$psql" -X -qAt -h "$CB_PG_HOST" -p "$CB_PG_PORT" -U postgres -d bench \
  -c "SELECT pg_database_size('bench')")
echo "  PostgreSQL database: $(mib "$pg_bytes")"

report "PostgreSQL (callboard serve --db <app role URL>)" "$super_url" --db "$app_url"
report "SQLite (callboard serve --data $data), the same calls" "$data/callboard.db" --data "$data"
