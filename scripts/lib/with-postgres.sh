#!/usr/bin/env bash
# Runs a command inside a throwaway PostgreSQL cluster (Debian's pg_virtualenv from postgresql-common, created in a
# temporary directory and removed afterwards; works as root). The command sees WAYFINDER_TEST_POSTGRES, a
# postgresql:// URL with the cluster's generated password.
#   scripts/lib/with-postgres.sh [--durable] COMMAND [ARGS...]
# pg_virtualenv turns fsync off (fast tests); --durable turns it back on (benchmarks of durable ingest).
# Clusters started at the same time on one machine collide (same default port and pid file), so runs take turns
# under a lock file.
set -euo pipefail
command -v pg_virtualenv >/dev/null || { echo "pg_virtualenv is missing: run scripts/setup.sh --test" >&2; exit 1; }
opts=()
[[ "${1:-}" == "--durable" ]] && { opts=(-o fsync=on); shift; }
exec flock /tmp/wayfinder-pg.lock pg_virtualenv -t "${opts[@]}" bash -c '
  export WAYFINDER_TEST_POSTGRES="postgresql://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE"
  export PGOPTIONS="-c client_min_messages=warning"
  exec "$@"' with-postgres "$@"
