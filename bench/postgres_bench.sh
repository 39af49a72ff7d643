#!/usr/bin/env bash
# Durable ingest into PostgreSQL beside SQLite, with the real binary and the same simulated
# calls: `callboard import` of calls-json (every batch committed with its checkpoint) into a
# throwaway local PostgreSQL 15 cluster (unix socket, fsync on, synchronous_commit on; the
# app role, row-level security in force) and into SQLite in a data directory, in calls/s.
#   INGEST_CALLS   calls to simulate (default 200000)
set -euo pipefail
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"

calls=${INGEST_CALLS:-200000}
hours=1440  # 60 days
rate_per_hour=$(( calls / hours + 1 ))
agents=$(( rate_per_hour / 7 + 1 ))
"$bin" simulate --queues 2 --agents "$agents" --hours "$hours" --rate "$rate_per_hour" --seed 7 \
  --format calls-json >"$work/calls.json"
simulated=$(wc -l <"$work/calls.json")
echo "PostgreSQL ingest benchmark: $simulated simulated calls (2 queues, $agents agents, 60 days)," \
  "every batch committed with its checkpoint"

state="$work/pg"
CB_PG_FSYNC=on ./scripts/pg-test-cluster.sh start "$state" "$bin" >/dev/null
pg_stop() { ./scripts/pg-test-cluster.sh stop "$state" >/dev/null 2>&1 || true; cleanup; }
trap pg_stop EXIT
# shellcheck disable=SC1091
. "$state/env"
# A copy of the migrated template, served as the app role (as in production).
/usr/lib/postgresql/15/bin/psql -X -q -h "$CB_PG_HOST" -p "$CB_PG_PORT" -U postgres -d postgres \
  -c "CREATE DATABASE bench TEMPLATE cb_template OWNER callboard_owner"
app_url="postgresql://callboard_app:$CB_PG_APP_PASSWORD@/bench?host=$CB_PG_HOST&port=$CB_PG_PORT"
count_pg() {
  /usr/lib/postgresql/15/bin/psql -X -qAt -h "$CB_PG_HOST" -p "$CB_PG_PORT" -U postgres -d bench \
    -c 'SELECT COUNT(*) FROM calls'
}

# run LABEL COUNT_FN STORAGE_ARGS…: one timed `callboard import`.
run() {
  local label=$1 count=$2
  shift 2
  "$bin" tenant add bench "$@" >/dev/null
  local cmd=("$bin" import "$@" --tenant bench --format calls-json --source bench "$work/calls.json")
  local start out secs stored
  start=$(now)
  out=$("${cmd[@]}")
  secs=$(elapsed "$start")
  stored=$($count)
  [ "$stored" = "$(json_field "$out" calls)" ] || { echo "stored $stored calls, summary $out" >&2; exit 1; }
  last_rate=$(rate "$stored" "$secs")
  last_stored=$stored
  printf '  %-44s %10s calls/s  (%s calls in %s s)\n' "$label" "$last_rate" "$stored" "$secs"
  printf '    command: %s\n' "${cmd[*]}" | sed "s/$CB_PG_APP_PASSWORD/***/"
}
count_sqlite() { sqlite3 "$work/data/callboard.db" 'SELECT COUNT(*) FROM calls'; }
run "callboard import calls-json, PostgreSQL" count_pg --db "$app_url"
pg_rate=$last_rate
pg_stored=$last_stored
run "callboard import calls-json, SQLite" count_sqlite --data "$work/data"
sqlite_rate=$last_rate
awk -v p="$pg_rate" -v s="$sqlite_rate" 'BEGIN {
  printf "  PostgreSQL / SQLite: %.0f%% of the embedded rate (one node, local socket)\n", 100 * p / s }'

# The table's own ceiling on this machine: the same rows once more (each pbx_call_id with a
# suffix, so none is a duplicate) in one committed INSERT … SELECT into calls with all its
# indexes, keys and row-level security, as the app role — nothing else of an import (no
# parsing, aggregates, rollups, automatic FCR or checkpoints).
cols="tenant_id, source_id, pbx_call_id, queue_id, agent_id, direction, queue_name, agent_pbx_id,
  caller, callee, started_at, answered_at, ended_at, wait_ms, talk_ms, hold_ms, acw_ms, outcome,
  transfer_count, transferred_to, disposition, call_type, fcr, csat, recording, ring_attempts,
  fcr_auto"
tenant=$(/usr/lib/postgresql/15/bin/psql -X -qAt -h "$CB_PG_HOST" -p "$CB_PG_PORT" -U postgres \
  -d bench -c "SELECT id FROM tenants WHERE name = 'bench'")
again="pbx_call_id || '-again'"
start=$(now)
/usr/lib/postgresql/15/bin/psql -X -q -v ON_ERROR_STOP=1 "$app_url" <<SQL
BEGIN;
SELECT set_config('app.tenant_id', '$tenant', true) \\g /dev/null
INSERT INTO calls ($cols) SELECT ${cols/pbx_call_id/$again} FROM calls;
COMMIT;
SQL
secs=$(elapsed "$start")
copied=$(( $(count_pg) - pg_stored ))
printf '  %-44s %10s rows/s   (%s rows in %s s)\n' "baseline: INSERT … SELECT into calls only" \
  "$(rate "$copied" "$secs")" "$copied" "$secs"
