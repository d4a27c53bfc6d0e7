#!/usr/bin/env bash
# Checks the Debian/Ubuntu packages Famnen needs and installs the missing ones
# when running as root; otherwise prints the exact command to run.
#   scripts/system-deps.sh run    what `make run` needs
#   scripts/system-deps.sh test   what `make test` needs as well
#   scripts/system-deps.sh postgres   the PostgreSQL server for `make test-postgres`, and the
#                                     pg_dump/pg_restore its backup tests use
#   scripts/system-deps.sh bench  wrk, the load generator of `make bench-http`
set -euo pipefail
mode=${1:-run}
missing=()

need_command() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need_library() { ldconfig -p 2>/dev/null | grep -q "$1" || missing+=("$2"); }

need_command npm npm
need_library libpango-1.0.so libpango-1.0-0
need_library libpangoft2-1.0.so libpangoft2-1.0-0
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
if [ "$mode" = test ]; then
  need_command chromium chromium
  need_command java default-jre-headless
  need_command pdftotext poppler-utils
  need_command pdftoppm poppler-utils
fi
if [ "$mode" = postgres ]; then
  need_command pg_ctlcluster postgresql
  [ -n "$(ls /usr/lib/postgresql/*/bin/postgres 2>/dev/null)" ] || missing+=(postgresql)
  need_command pg_dump postgresql-client
  need_command pg_restore postgresql-client
fi

if [ "$mode" = bench ]; then
  need_command wrk wrk
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
# Deduplicate, keeping order.
packages=$(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++' | tr '\n' ' ')
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing system packages: $packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $packages >/dev/null
else
  echo "Famnen needs these system packages: $packages"
  echo "Install them with:  sudo apt-get install $packages"
  exit 1
fi
