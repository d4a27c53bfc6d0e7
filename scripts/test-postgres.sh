#!/usr/bin/env bash
# Runs the database-touching tests against a throw-away PostgreSQL cluster:
# Debian's postgresql, created with pg_createcluster, started with pg_ctlcluster
# on a private port and removed afterwards. Needs root (or a FAMNEN_TEST_DATABASE_URL
# pointing at a database you may empty).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "${FAMNEN_TEST_DATABASE_URL:-}" ]; then
  exec .venv/bin/python -m pytest -m "not browser" "$@"
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "make test-postgres creates a temporary PostgreSQL cluster and needs root."
  echo "Alternatively set FAMNEN_TEST_DATABASE_URL=postgresql://user@host/db (a database the tests may empty)."
  exit 1
fi
bash scripts/system-deps.sh postgres

version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
cluster=famnen_test_${FAMNEN_TEST_POSTGRES_PORT:-54329}
port=${FAMNEN_TEST_POSTGRES_PORT:-54329}  # two runs at once need different ports
socket_dir=$(mktemp -d /tmp/famnen-pg.XXXXXX)
chown postgres "$socket_dir"

cleanup() {
  pg_ctlcluster "$version" "$cluster" stop -m immediate >/dev/null 2>&1 || true
  pg_dropcluster "$version" "$cluster" >/dev/null 2>&1 || true
  rm -rf "$socket_dir"
}
trap cleanup EXIT
# A cluster left over from an interrupted run is removed first.
cleanup_existing() { pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version $cluster"; }
if cleanup_existing; then
  pg_ctlcluster "$version" "$cluster" stop -m immediate >/dev/null 2>&1 || true
  pg_dropcluster "$version" "$cluster"
fi

pg_createcluster "$version" "$cluster" --port "$port" --socketdir "$socket_dir" \
  --start-conf manual -- --auth-local=trust --auth-host=trust --encoding=UTF8 >/dev/null
# Durability is irrelevant for a throw-away test database; speed is not.
pg_conftool "$version" "$cluster" set fsync off
pg_conftool "$version" "$cluster" set synchronous_commit off
pg_conftool "$version" "$cluster" set full_page_writes off
pg_ctlcluster "$version" "$cluster" start
su postgres -c "psql -q -h '$socket_dir' -p '$port' -c 'CREATE DATABASE famnen_test'"

export FAMNEN_TEST_DATABASE_URL="postgresql+psycopg://postgres@/famnen_test?host=$socket_dir&port=$port"
echo "Running the database tests against PostgreSQL $version (cluster $cluster, port $port)"
.venv/bin/python -m pytest -m "not browser" "$@"
