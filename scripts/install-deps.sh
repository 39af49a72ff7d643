#!/usr/bin/env bash
# Installs what Callboard needs to build, test and run, on Debian 12.
# Idempotent: installs only the packages that are missing. As root it runs apt-get
# itself; as a normal user it uses sudo when available, otherwise prints the exact
# command to run and fails.
set -euo pipefail

# postgresql-15: the tests and bench/postgres_bench.sh start a throwaway cluster of their own
# (scripts/pg-test-cluster.sh, run as `nobody` under root); no system server is needed.
want=(
  build-essential g++ cmake ninja-build pkg-config ccache git ca-certificates curl
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  zlib1g-dev libmimalloc-dev libsqlite3-dev sqlite3 libpq-dev postgresql-15 postgresql-client-15
  libsodium-dev libssl-dev libhowardhinnant-date-dev tzdata
  libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk
)
# Node.js for the web app: Debian's own when no node is on PATH.
command -v node >/dev/null 2>&1 || want+=(nodejs)
command -v npm >/dev/null 2>&1 || want+=(npm)
# Chromium drives the web app's end-to-end tests (playwright-core, headless).
want+=(chromium fonts-liberation)

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run=(sudo)
else
  echo "install-deps: not root and no password-less sudo; run this as root:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update
"${run[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
