#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server:
#   scripts/with-postgres.sh pnpm exec vitest run
# Installs PostgreSQL from Debian when initdb/pg_ctl are missing, initializes a cluster in a temp dir
# (as the `postgres` user when run as root: initdb refuses root), starts it on a free port on
# 127.0.0.1 with trust auth, creates the database `ocpi_test`, exports
# OCPI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:PORT/ocpi_test, runs the command, then stops
# the server and removes the temp dir. Exits with the command's exit code.
# When OCPI_TEST_DATABASE_URL is already set, runs the command against that database instead.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 command [args...]" >&2
  exit 2
fi

if [ -n "${OCPI_TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi

find_bindir() {
  local dir
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dir="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return
    fi
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
      return
    fi
  done
}

bindir="$(find_bindir)"
if [ -z "$bindir" ]; then
  echo "with-postgres: PostgreSQL not found, installing it from Debian" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # Without systemd the package's own service may fail to start; only the binaries matter here.
  $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null ||
    echo "with-postgres: apt-get reported an error; checking for the binaries anyway" >&2
  bindir="$(find_bindir)"
  if [ -z "$bindir" ]; then
    echo "with-postgres: PostgreSQL binaries still missing after apt-get install" >&2
    exit 1
  fi
fi

# initdb and postgres refuse to run as root: run the server as `postgres` then.
as_server_user() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  if command -v runuser >/dev/null 2>&1; then
    as_server_user() { runuser -u postgres -- "$@"; }
  else
    as_server_user() { su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; }
  fi
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/ocpi-pg.XXXXXX")"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$tmp"; fi
chmod 700 "$tmp"
started=""

cleanup() {
  local rc=$?
  trap - EXIT
  if [ -n "$started" ]; then
    as_server_user "$bindir/pg_ctl" -D "$tmp/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_server_user "$bindir/initdb" -D "$tmp/data" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$tmp/initdb.log" 2>&1 || {
  cat "$tmp/initdb.log" >&2
  exit 1
}

free_port() {
  node -e "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });"
}

port=""
for attempt in 1 2 3 4 5; do
  candidate="$(free_port)"
  # A throwaway test server: durability off for speed.
  if as_server_user "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $candidate -k $tmp -c fsync=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null; then
    port="$candidate"
    started=1
    break
  fi
  echo "with-postgres: start on port $candidate failed (attempt $attempt)" >&2
done
if [ -z "$port" ]; then
  cat "$tmp/server.log" >&2 || true
  exit 1
fi

"$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres ocpi_test
export OCPI_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/ocpi_test"
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $OCPI_TEST_DATABASE_URL" >&2

set +e
"$@"
rc=$?
set -e
exit "$rc"
