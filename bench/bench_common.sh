# shellcheck shell=bash
# Shared by the bench/*.sh scripts (sourced, not run): where the binaries are, a scratch
# directory removed on exit, a free port, and timing helpers.
#   BENCH_BUILD_DIR  build directory with callboard and the bench programs
#                    (default: the one ./build/callboard points to, as `make build` leaves it)

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
if [ -n "${BENCH_BUILD_DIR:-}" ]; then
  build_dir=$BENCH_BUILD_DIR
else
  build_dir=$(dirname "$(readlink -f ./build/callboard)")
fi
bin=$build_dir/callboard
[ -x "$bin" ] || { echo "no callboard binary in $build_dir (run make build)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/callboard-bench.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
# elapsed START: seconds since START (from now), 3 decimals.
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.3f", e - s }'; }
# rate COUNT SECONDS: COUNT / SECONDS, rounded.
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# json_field JSON KEY: one top-level field of a JSON object.
json_field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
# wait_healthy PORT SECONDS: waits until the server on PORT answers /healthz; fails (with the
# server's log when $work/serve.log exists) after SECONDS or when $server_pid has exited.
wait_healthy() {
  local deadline=$(( $(date +%s) + $2 ))
  until curl -sf "http://127.0.0.1:$1/healthz" >/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ] || { [ -n "$server_pid" ] && ! kill -0 "$server_pid" 2>/dev/null; }; then
      echo "the server on port $1 did not come up" >&2
      [ -f "$work/serve.log" ] && cat "$work/serve.log" >&2
      return 1
    fi
    sleep 0.1
  done
}
# login PORT EMAIL PASSWORD: prints a session token of that user.
login() {
  curl -sf -H 'Content-Type: application/json' \
    -d "{\"email\":\"$2\",\"password\":\"$3\"}" "http://127.0.0.1:$1/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
