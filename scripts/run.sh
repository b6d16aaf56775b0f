#!/usr/bin/env bash
# Installs what is missing, builds, and starts the whole product on its embedded defaults
# (SQLite file, bundled catalog, model and shard) on http://127.0.0.1:8080.
#   scripts/run.sh [--port N] [--db FILE|postgresql://USER:PASSWORD@HOST/DB] [--host ADDR] [--no-admin] [any other wayfinder-sync option]
# (or WAYFINDER_DB=postgresql://…: many servers can share one PostgreSQL database; the server creates its tables)
# The operator dashboard needs an admin token: the first run creates one (mode 0600, beside the database) and every
# run prints the dashboard's address with it. --no-admin (or --admin-token TOKEN) is the operator's choice instead.
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

port=8080; db="${WAYFINDER_DB:-$ROOT/build/wayfinder.sqlite}"; host=127.0.0.1; extra=(); admin=1
while (($#)); do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    --host) host="$2"; shift 2 ;;
    --no-admin) admin=0; shift ;;
    --admin-token) admin=0; extra+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# //'; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done

"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build.sh"
if [[ "$db" == postgres://* || "$db" == postgresql://* ]]; then
  where="PostgreSQL (the server's log shows the connection with its password masked)"
  token_file="$ROOT/build/admin-token"
  # Every server on one PostgreSQL database needs the same credential key (docs/SERVER.md, "Client credentials");
  # the server creates the file (mode 0600) on first run. On SQLite it lives beside the database file.
  extra=(--credential-key-file "$ROOT/build/credential-key" "${extra[@]}")
else
  mkdir -p "$(dirname "$db")"; where="$db"
  token_file="$(dirname "$db")/admin-token"   # beside the SQLite file
fi
if ((admin)); then
  if [[ ! -s "$token_file" ]]; then
    mkdir -p "$(dirname "$token_file")"
    (umask 077; od -An -tx1 -N24 /dev/urandom | tr -d ' \n' > "$token_file")
    log "created the admin token in $token_file (mode 0600)"
  fi
  chmod 600 "$token_file"
  export WAYFINDER_ADMIN_TOKEN="$(cat "$token_file")"
  log "dashboard: http://$host:$port/dashboard.html#token=$WAYFINDER_ADMIN_TOKEN (token in $token_file; --no-admin disables admin)"
fi
log "Wayfinder is starting on http://$host:$port/ (database: $where; stop with Ctrl-C)"
exec "$BUILD_NATIVE/server/wayfinder-sync" --host "$host" --port "$port" --db "$db" \
  --web "$ROOT/web/app" --models "$MODELS_BUILD" --ort "$ROOT/web/app/ort" "${extra[@]}"
