#!/usr/bin/env bash
# A throwaway PostgreSQL server for the web app's tests, on loopback only.
# Idempotent: installs Debian's postgresql if missing, initialises a cluster in a temp dir
# owned by the postgres user (the tests run as root), starts it on 127.0.0.1:$PGPORT, creates
# the database, and prints `export OREVALUE_TEST_PG_URL=...` as its last line (source it with
# eval "$(bash .ci/postgres.sh)"). A server already running there is reused.
set -euo pipefail
PGPORT="${OREVALUE_PG_PORT:-54329}"
PGDIR="${OREVALUE_PG_DIR:-/tmp/orevalue-pg-$PGPORT}"
DBNAME="${OREVALUE_PG_DB:-orevalue_test}"
BIN=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && BIN="$candidate"
done
if [ -z "$BIN" ]; then
  echo "installing postgresql (Debian package)" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && BIN="$candidate"
  done
fi
[ -n "$BIN" ] || { echo "no PostgreSQL server binaries after install" >&2; exit 1; }
as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
  if [ ! -f "$PGDIR/data/PG_VERSION" ]; then
    rm -rf "$PGDIR"
    mkdir -p "$PGDIR"
    [ "$(id -u)" = "0" ] && chown postgres:postgres "$PGDIR"
    as_pg "$BIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --no-instructions >&2
  fi
  as_pg "$BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDIR -c fsync=off" start >&2
fi
if ! "$BIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc \
  "SELECT 1 FROM pg_database WHERE datname='$DBNAME'" | grep -q 1; then
  "$BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres "$DBNAME"
fi
echo "export OREVALUE_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$PGPORT/$DBNAME"
