#!/usr/bin/env bash
# The in-memory engine (parse + assemble + aggregate of simulated queue_log lines) against
# plain memchr line splitting of the same bytes; see bench/engine_bench.cpp.
#   ENGINE_LINES    lines (default 2000000)   ENGINE_REPEATS   runs, median taken (default 3)
set -euo pipefail
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"
cmd=("$build_dir/engine_bench" "${ENGINE_LINES:-2000000}" "${ENGINE_REPEATS:-3}")
"${cmd[@]}"
echo "  command: ${cmd[*]}"
