#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (ctest fixture "postgres").
#
#   scripts/pg-test-cluster.sh start STATE_DIR CALLBOARD_BINARY
#   scripts/pg-test-cluster.sh stop  STATE_DIR
#
# start: initdb into a fresh directory under /tmp, server on a unix socket only (no TCP port
# is opened; the socket lives in that directory), run as `nobody` when the tests run as root
# (initdb and postgres refuse root). Then, as the superuser "postgres":
#   * role callboard_owner (LOGIN CREATEROLE, password) owning database cb_template;
#   * `callboard migrate --db <owner URL> --app-role callboard_app --app-password-file …`
#     builds the schema in cb_template and the app role, as an operator would;
# and writes STATE_DIR/env (PGHOST, PGPORT, the passwords) for the tests, which copy
# cb_template into one database per test. Password authentication (scram) for every role but
# "postgres", which is trusted on the socket.
# stop: stops the server and removes its directory.
# CB_PG_FSYNC=on keeps fsync on (benchmarks: durable commits); the tests run with it off.
set -euo pipefail

cmd=${1:?start or stop}
state=${2:?state directory}
bin=/usr/lib/postgresql/15/bin

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

stop() {
  [ -f "$state/env" ] || return 0
  # shellcheck disable=SC1091
  . "$state/env"
  if [ -n "${CB_PG_DIR:-}" ] && [ -d "$CB_PG_DIR/data" ]; then
    as_server_user "$bin/pg_ctl" -D "$CB_PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  [ -n "${CB_PG_DIR:-}" ] && rm -rf "$CB_PG_DIR"
  rm -f "$state/env"
}

case "$cmd" in
stop)
  stop
  exit 0
  ;;
start) ;;
*)
  echo "usage: $0 start|stop STATE_DIR [CALLBOARD_BINARY]" >&2
  exit 2
  ;;
esac

callboard=${3:?callboard binary}
if [ ! -x "$bin/initdb" ]; then
  echo "pg-test-cluster: $bin/initdb missing; run scripts/install-deps.sh (postgresql-15)" >&2
  exit 1
fi
stop  # a cluster left over by an interrupted run
mkdir -p "$state"
dir=$(mktemp -d /tmp/callboard-pg-XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" -eq 0 ] && chown nobody "$dir"
port=$((20000 + RANDOM % 20000))  # names the socket file only
owner_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
app_password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')

as_server_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
  --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
cat >"$dir/data/pg_hba.conf" <<EOF
local all postgres trust
local all all scram-sha-256
EOF
as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c fsync=${CB_PG_FSYNC:-off} -c max_connections=200" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

cat >"$state/env" <<EOF
CB_PG_DIR=$dir
CB_PG_HOST=$dir
CB_PG_PORT=$port
CB_PG_OWNER_PASSWORD=$owner_password
CB_PG_APP_PASSWORD=$app_password
EOF

psql_super() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres "$@"; }
psql_super -d postgres <<EOF
CREATE ROLE callboard_owner LOGIN CREATEROLE PASSWORD '$owner_password';
CREATE DATABASE cb_template OWNER callboard_owner;
EOF
# PostgreSQL 15 leaves CREATE on schema public to the database owner only: give the schema
# to the owner role, as an operator would.
psql_super -d cb_template -c "ALTER SCHEMA public OWNER TO callboard_owner"

umask 077
printf '%s\n' "$app_password" >"$dir/app_password"
"$callboard" migrate \
  --db "postgresql://callboard_owner:$owner_password@/cb_template?host=$dir&port=$port" \
  --app-role callboard_app --app-password-file "$dir/app_password" >"$dir/migrate.log" 2>&1 ||
  { cat "$dir/migrate.log" >&2; exit 1; }
echo "pg-test-cluster: PostgreSQL 15 on $dir (socket port $port), cb_template migrated"
