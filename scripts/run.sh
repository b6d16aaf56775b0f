#!/usr/bin/env bash
# Installs what is missing, builds, and starts the whole product on its embedded defaults
# (SQLite file, bundled catalog, model and shard) on http://127.0.0.1:8080.
#   scripts/run.sh [--port N] [--db FILE] [--host ADDR] [any other wayfinder-sync option]
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

port=8080; db="$ROOT/build/wayfinder.sqlite"; host=127.0.0.1; extra=()
while (($#)); do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    --host) host="$2"; shift 2 ;;
    -h|--help) sed -n '2,4p' "$0" | sed 's/^# //'; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done

"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"
mkdir -p "$(dirname "$db")"
log "Wayfinder is starting on http://$host:$port/ (database: $db; stop with Ctrl-C)"
exec "$BUILD_NATIVE/server/wayfinder-sync" --host "$host" --port "$port" --db "$db" \
  --web "$ROOT/web/app" --models "$MODELS_BUILD" --ort "$ROOT/web/app/ort" "${extra[@]}"
