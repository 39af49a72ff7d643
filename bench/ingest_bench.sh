#!/usr/bin/env bash
# Durable ingest into SQLite with the real binary: `callboard import` of simulated calls as
# calls-json and as an Asterisk queue_log (every batch committed with its checkpoint), in
# calls/s, beside the raw write speed of the same machine and disk: the sqlite3 CLI
# importing the same calls as CSV into a plain table (no indexes) in one transaction, with
# the same journal settings (WAL, synchronous=FULL). DESIGN §7: >= 100,000 calls/s.
#   INGEST_CALLS   calls to simulate (default 1000000; 10000000 for the DESIGN figure)
set -euo pipefail
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"

calls=${INGEST_CALLS:-1000000}
hours=1440  # 60 days
rate_per_hour=$(( calls / hours + 1 ))
agents=$(( rate_per_hour / 7 + 1 ))  # ~7 calls per agent-hour keeps queues realistic
sim=("$bin" simulate --queues 2 --agents "$agents" --hours "$hours" --rate "$rate_per_hour" --seed 7)
"${sim[@]}" --format calls-json >"$work/calls.json"
"${sim[@]}" --format asterisk-queue-log >"$work/queue_log"
# The same calls as CSV for the baseline.
python3 - "$work/calls.json" "$work/calls.csv" <<'PY'
import csv, json, sys
cols = ["pbx_call_id", "direction", "queue", "agent", "caller", "callee", "started_at",
        "answered_at", "ended_at", "wait_s", "talk_s", "hold_s", "acw_s", "outcome",
        "transfer_count", "transferred_to", "disposition", "csat"]
with open(sys.argv[1]) as src, open(sys.argv[2], "w", newline="") as dst:
    w = csv.writer(dst)
    w.writerow(cols)
    for line in src:
        c = json.loads(line)
        w.writerow([c.get(k, "") for k in cols])
PY
simulated=$(wc -l <"$work/calls.json")
lines=$(wc -l <"$work/queue_log")
echo "Ingest benchmark: $simulated simulated calls (2 queues, $agents agents, 60 days), SQLite," \
  "every batch committed with its checkpoint"

# import FORMAT FILE LABEL: one fresh data directory, one timed `callboard import`.
import() {
  local format=$1 file=$2 label=$3 dir="$work/data-$1"
  "$bin" tenant add bench --data "$dir" >/dev/null
  local cmd=("$bin" import --data "$dir" --tenant bench --format "$format" --source bench "$file")
  local start out secs stored
  start=$(now)
  out=$("${cmd[@]}")
  secs=$(elapsed "$start")
  stored=$(sqlite3 "$dir/callboard.db" 'SELECT COUNT(*) FROM calls')
  [ "$stored" = "$(json_field "$out" calls)" ] || { echo "stored $stored calls, summary $out" >&2; exit 1; }
  last_rate=$(rate "$stored" "$secs")
  printf '  %-44s %10s calls/s  (%s calls in %s s; %s)\n' "$label" "$last_rate" "$stored" \
    "$secs" "$4"
  printf '    command: %s\n' "${cmd[*]}"
}
import calls-json "$work/calls.json" "callboard import calls-json" \
  "$(mib "$(stat -c %s "$work/calls.json")") of JSON"
json_rate=$last_rate
import asterisk-queue-log "$work/queue_log" "callboard import asterisk-queue-log" \
  "$lines lines, $(mib "$(stat -c %s "$work/queue_log")")"
queue_log_rate=$last_rate

# Baseline: the sqlite3 CLI's .import of the same calls, one transaction, a plain table.
sqlite3 "$work/baseline.db" >/dev/null <<'SQL'
PRAGMA journal_mode=WAL;
CREATE TABLE calls (pbx_call_id TEXT, direction TEXT, queue TEXT, agent TEXT, caller TEXT,
  callee TEXT, started_at TEXT, answered_at TEXT, ended_at TEXT, wait_s INTEGER,
  talk_s INTEGER, hold_s INTEGER, acw_s INTEGER, outcome TEXT, transfer_count INTEGER,
  transferred_to TEXT, disposition TEXT, csat INTEGER);
SQL
script=$'PRAGMA synchronous=FULL;\nBEGIN;\n.import --csv --skip 1 '"$work/calls.csv"$' calls\nCOMMIT;'
start=$(now)
sqlite3 "$work/baseline.db" <<<"$script"
secs=$(elapsed "$start")
rows=$(sqlite3 "$work/baseline.db" 'SELECT COUNT(*) FROM calls')
printf '  %-44s %10s rows/s   (%s rows in %s s)\n' "baseline: sqlite3 .import CSV, plain table" \
  "$(rate "$rows" "$secs")" "$rows" "$secs"
printf '    command: sqlite3 %s <<< %q\n' "$work/baseline.db" "$script"
base_rate=$(rate "$rows" "$secs")
awk -v j="$json_rate" -v q="$queue_log_rate" -v b="$base_rate" 'BEGIN {
  printf "  callboard / baseline: calls-json %.0f%%, queue_log %.0f%% of the raw write rate\n",
    100 * j / b, 100 * q / b
  printf "  target >= 100,000 calls/s durable (DESIGN 7): calls-json %s, queue_log %s\n",
    (j >= 100000 ? "met" : "MISSED"), (q >= 100000 ? "met" : "MISSED") }'
