# Shared by the scripts: repo root, logging, and the build directories.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export NODE_PATH=/usr/share/nodejs            # emcc's JS tools need acorn from Debian's node modules
export ONNXRUNTIME_NODE_INSTALL=skip          # its install script would try to download GPU files
BUILD_NATIVE="$ROOT/build/native"
BUILD_WASM="$ROOT/build/wasm"
BUILD_ASAN="$ROOT/build/asan"
MODELS_BUILD="$ROOT/models/build"
JOBS="${WF_JOBS:-2}"
log() { printf '\033[1m[wayfinder]\033[0m %s\n' "$*" >&2; }
die() { printf '[wayfinder] error: %s\n' "$*" >&2; exit 1; }
# Runs a command, shows its output only when it fails (last 80 lines), and stops the script then.
quiet() {
  local out
  if ! out="$("$@" 2>&1)"; then
    printf '%s\n' "$out" | tail -80 >&2
    die "failed: $*"
  fi
}
