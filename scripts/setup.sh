#!/usr/bin/env bash
# Installs what is missing, and nothing else: Debian packages (apt) and npm packages (package-lock.json).
#   scripts/setup.sh            packages to build and run
#   scripts/setup.sh --test     also what the tests need (Chromium, clang for the fuzzers)
source "$(dirname "$0")/lib/common.sh"

pkgs=(build-essential cmake ninja-build emscripten libeigen3-dev nlohmann-json3-dev libboost-dev
      libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev libpq-dev brotli)
if [[ "${1:-}" == "--test" ]]; then
  # postgresql-15 + postgresql-common: the server suite's throwaway cluster (pg_virtualenv), psql for its checks.
  pkgs+=(chromium clang libclang-rt-14-dev sqlite3 postgresql-15 postgresql-common)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 20)) || die "Node.js >= 20 is needed (found $(node --version)); Debian 12's nodejs is 18"

# npm: install when node_modules is missing or older than the lock file.
cd "$ROOT"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
