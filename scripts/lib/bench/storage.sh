#!/usr/bin/env bash
# Durable ingest on SQLite (1 server) and PostgreSQL (1, 2, 3 servers on one database), and the nightly merge of
# N events on both back ends. Each ingest run: the same load (8 keep-alive client threads spread over the servers,
# 100-event batches), then the load client counts this run's rows in the database (acknowledged vs stored).
# Every ingest scenario runs REPS times, the scenarios interleaved (2 noisy cores: compare medians of one run).
# Writes OUT/storage-NAME-REP.json (one JSON object per line: the load result, then the check), OUT/merge-*.json.
#   scripts/lib/bench/storage.sh OUT REQUESTS MERGE_EVENTS REPS
# PostgreSQL runs in a throwaway cluster with fsync on (scripts/lib/with-postgres.sh --durable).
source "$(dirname "$0")/../common.sh"
cd "$ROOT"
OUT=$1; REQUESTS=$2; EVENTS=$3; REPS=${4:-3}
SRV="$BUILD_NATIVE/server/wayfinder-sync"; LOAD="$BUILD_NATIVE/tests/server/wayfinder_sync_load"
pids=()
# Client credentials are signed with one key shared by every server (PostgreSQL requires it to be given).
KEY=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')

start_server() {  # db log [options] → PORT, once the server listens (its log line says so)
  "$SRV" --port 0 --db "$1" --models models/build --client-rate 0 --address-rate 0 --scheduler false \
    --threads 2 --credential-key "$KEY" "${@:3}" >/dev/null 2>"$2" &
  pids+=($!)
  for _ in $(seq 300); do
    PORT=$(grep -o '"port":[0-9]*' "$2" | grep -o '[0-9]*$' || true)
    [[ -n "$PORT" ]] && return
    kill -0 "${pids[-1]}" 2>/dev/null || die "server failed to start: $(tail -3 "$2")"
    sleep 0.1
  done
  die "server did not listen: $(tail -3 "$2")"
}
stop_servers() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}

cpu_seconds() {  # pids… → their user + system CPU seconds so far (fields 14 and 15 of /proc/PID/stat)
  local ticks=0 p
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] && ticks=$((ticks + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
  done
  awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'
}

ingest() {  # name db servers [server options]
  local name=$1 db=$2 n=$3 ports=()
  for i in $(seq "$n"); do start_server "$db" "$OUT/server-$name-$i.log" "${@:4}"; ports+=("$PORT"); done
  local list; list=$(IFS=,; echo "${ports[*]}")
  echo "$LOAD load --port $list --threads 8 --requests $REQUESTS --events 100 --verify-db DB" > "$OUT/storage-$name.cmd"
  # Where the CPU goes (2 shared cores): the servers, and — on PostgreSQL — every process of the cluster
  # (pg_stat_activity lists the backends and the background writers).
  local dbpids=()
  [[ "$db" == postgres* ]] && mapfile -t dbpids < <(psql "$WAYFINDER_TEST_POSTGRES" -qAt -c "SELECT pid FROM pg_stat_activity")
  local s0 d0 s1 d1
  s0=$(cpu_seconds "${pids[@]}"); d0=$(cpu_seconds "${dbpids[@]}")
  "$LOAD" load --port "$list" --threads 8 --requests "$REQUESTS" --events 100 --verify-db "$db" > "$OUT/storage-$name.json"
  s1=$(cpu_seconds "${pids[@]}"); d1=$(cpu_seconds "${dbpids[@]}")
  awk -v s0="$s0" -v s1="$s1" -v d0="$d0" -v d1="$d1" \
    'BEGIN { printf "{\"serverCpuSeconds\":%.2f,\"databaseCpuSeconds\":%.2f}\n", s1 - s0, d1 - d0 }' >> "$OUT/storage-$name.json"
  stop_servers
}

pg_schema() {  # name → a connection string whose search_path is a fresh schema
  psql "$WAYFINDER_TEST_POSTGRES" -qAt -c "DROP SCHEMA IF EXISTS bench_$1 CASCADE; CREATE SCHEMA bench_$1"
  echo "$WAYFINDER_TEST_POSTGRES?options=-csearch_path%3Dbench_$1"
}

if [[ -z "${WAYFINDER_TEST_POSTGRES:-}" ]]; then
  for rep in $(seq "$REPS"); do
    log "storage bench: SQLite, 1 server (run $rep of $REPS)"
    rm -f "$OUT"/bench-sqlite.sqlite*
    ingest "sqlite-1-$rep" "$OUT/bench-sqlite.sqlite" 1
  done
  log "storage bench: merge of $EVENTS events on SQLite"
  "$LOAD" merge-bench --db "$OUT/merge-sqlite.sqlite" --events "$EVENTS" > "$OUT/merge-sqlite.json"
  rm -f "$OUT"/*.sqlite*
  exec "$ROOT/scripts/lib/with-postgres.sh" --durable "$0" "$@"
fi
psql "$WAYFINDER_TEST_POSTGRES" -qAt -c "SHOW fsync; SHOW synchronous_commit; SHOW server_version" | tr '\n' ' ' > "$OUT/postgres-settings.txt"
for rep in $(seq "$REPS"); do
  for n in 1 2 3; do
    log "storage bench: PostgreSQL, $n server(s) (run $rep of $REPS)"
    ingest "postgresql-$n-$rep" "$(pg_schema "ingest$n")" "$n"
  done
  # Is the database's commit (WAL flush) the limit? The same 1-server load without waiting for the flush.
  log "storage bench: PostgreSQL, 1 server, synchronous_commit off (run $rep of $REPS)"
  ingest "postgresql-1async-$rep" "$(pg_schema ingestasync)" 1 --synchronous-full false
done
log "storage bench: merge of $EVENTS events on PostgreSQL"
"$LOAD" merge-bench --db "$(pg_schema merge)" --events "$EVENTS" > "$OUT/merge-postgresql.json"
