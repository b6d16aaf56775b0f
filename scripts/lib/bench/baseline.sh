#!/usr/bin/env bash
# The first-visit bench's baseline, built from COMMIT's own sources only: its WASM core, its native wayfinder-sync
# (this tree's server no longer reads that commit's one-file shard manifest), its model converter, catalog builder
# and shard tool, its app staged by its own stage.mjs. Once per COMMIT and recipe: later runs only print the result.
#   scripts/lib/bench/baseline.sh COMMIT   → stdout: build/bench-baseline/baseline.json {commit, web, models, ort, server}
# The sources and build dirs stay in build/bench-baseline-src (an interrupted build resumes there).
source "$(dirname "$0")/../common.sh"
COMMIT=$(git -C "$ROOT" rev-parse --verify "${1:?usage: baseline.sh COMMIT}^{commit}")
SRC="$ROOT/build/bench-baseline-src"
OUT="$ROOT/build/bench-baseline"
STAMP="$OUT/baseline.json"
# A change of this recipe rebuilds too.
RECIPE=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)

up_to_date() {
  [[ -f "$STAMP" ]] && node -e 'const s = require(process.argv[1]); process.exit(s.commit === process.argv[2] && s.recipe === process.argv[3] ? 0 : 1)' \
    "$STAMP" "$COMMIT" "$RECIPE"
}

# data/ (the Open Bandit Dataset) is not needed for any of the parts.
extract_sources() {
  [[ "$(cat "$SRC/.commit" 2>/dev/null)" == "$COMMIT" ]] && return
  rm -rf "$SRC"
  mkdir -p "$SRC"
  git -C "$ROOT" archive "$COMMIT" -- . ':(exclude)data' | tar -x -C "$SRC"
  echo "$COMMIT" >"$SRC/.commit"
}

# As that commit's scripts/build.sh configures it; its wasm/CMakeLists.txt writes the modules into $SRC/web/wasm.
build_wasm() {
  if [[ ! -f "$SRC/build-wasm/build.ninja" ]]; then
    quiet emcmake cmake -S "$SRC" -B "$SRC/build-wasm" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      "-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node;--no-experimental-fetch"
  fi
  quiet ninja -C "$SRC/build-wasm" -j"$JOBS" wayfinder_wasm wayfinder_wasm_simd
}

# Not under build/<dir>/server/: tests/browser/harness.mjs picks the newest build/*/server/wayfinder-sync.
build_server() {
  if [[ ! -f "$SRC/build-native/build.ninja" ]]; then
    quiet cmake -S "$SRC" -B "$SRC/build-native" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWF_BUILD_BENCH=OFF
  fi
  quiet ninja -C "$SRC/build-native" -j"$JOBS" wayfinder-sync
}

# Model, catalog and shard by that commit's own tools into $SRC/models/build (their npm packages resolve from this
# tree's node_modules, a parent folder, at the versions that commit's package.json pins).
build_models() {
  quiet node "$SRC/models/convert/build-model.mjs"
  quiet node "$SRC/models/catalog/build-catalog.mjs"
  quiet node "$SRC/web/bin/wayfinder.js" shard build
}

# Only what that commit's app fetches under /models/ (model-info.json names the model and vocabulary files).
assemble_models() {
  local from="$SRC/models/build" to="$OUT/models"
  rm -rf "$to"
  mkdir -p "$to/shards"
  local model vocab
  model=$(node -p 'require(process.argv[1]).onnx_file' "$from/model-info.json")
  vocab=$(node -p 'require(process.argv[1]).vocab_file ?? "vocab.json"' "$from/model-info.json")
  cp "$from/model-info.json" "$from/$model" "$from/$vocab" "$to/"
  cp "$from/shards/manifest.json" "$to/shards/"
  node -e 'for (const s of require(process.argv[1]).shards) console.log(s.file)' "$from/shards/manifest.json" |
    while read -r f; do cp "$from/shards/$f" "$to/shards/"; done
}

# ONNX Runtime Web at the version that commit's web/package.json pins: this tree's copy when it is that version.
ort_dir() {
  local want have
  want=$(git -C "$ROOT" show "$COMMIT:web/package.json" | node -e 'console.log(JSON.parse(require("fs").readFileSync(0)).dependencies["onnxruntime-web"])')
  have=$(node -p 'require(process.argv[1]).version' "$ROOT/node_modules/onnxruntime-web/package.json" 2>/dev/null || true)
  if [[ "$want" == "$have" ]]; then
    echo "$ROOT/node_modules/onnxruntime-web/dist"
    return
  fi
  quiet npm install --prefix "$SRC/ort" --no-save --no-package-lock --no-audit --no-fund "onnxruntime-web@$want"
  echo "$SRC/ort/node_modules/onnxruntime-web/dist"
}

if ! up_to_date; then
  log "first-visit baseline: building ${COMMIT:0:7} from its own sources (once; cached in build/bench-baseline*)"
  extract_sources
  build_wasm
  build_server
  build_models
  quiet node "$SRC/web/app/stage.mjs"
  assemble_models
  ort=$(ort_dir)
  node -e 'const [commit, recipe, web, models, ort, server] = process.argv.slice(1);
    console.log(JSON.stringify({ commit, recipe, web, models, ort, server }, null, 1))' \
    "$COMMIT" "$RECIPE" "$SRC/web/app" "$OUT/models" "$ort" "$SRC/build-native/server/wayfinder-sync" >"$STAMP.tmp"
  mv "$STAMP.tmp" "$STAMP"
fi
echo "$STAMP"
