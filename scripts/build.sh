#!/usr/bin/env bash
# Incremental build of everything: model, catalog, native (core, server, tests, benchmarks), WASM, shard.
#   scripts/build.sh [--no-wasm]
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

with_wasm=1
[[ "${1:-}" == "--no-wasm" ]] && with_wasm=0

log "model (ONNX from the bundled TF.js package) and catalog"
node models/convert/build-model.mjs
node models/catalog/build-catalog.mjs

log "native build"
[[ -f "$BUILD_NATIVE/build.ninja" ]] || cmake -S . -B "$BUILD_NATIVE" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
quiet ninja -C "$BUILD_NATIVE" -j"$JOBS"

if ((with_wasm)); then
  log "WASM build (emscripten)"
  if [[ ! -f "$BUILD_WASM/build.ninja" ]]; then
    emcmake cmake -S . -B "$BUILD_WASM" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$BUILD_WASM/install" \
      "-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node;--no-experimental-fetch" >/dev/null
  fi
  quiet ninja -C "$BUILD_WASM" -j"$JOBS"
fi

if [[ -f models/shard/build.mjs ]] && ((with_wasm)); then
  log "project-vector shard of the catalog"
  node web/bin/wayfinder.js shard build
fi
if [[ -f models/build/shards/manifest.json ]]; then
  # The contextual arm's feature basis: fitted natively (Eigen) once per shard, shipped as shards/features.json and
  # listed in the manifest's "features" member; up to date while the shard is unchanged (docs/BANDIT.md).
  log "feature basis of the shard's vectors"
  "$BUILD_NATIVE/models/shard/wayfinder-feature-basis" --manifest models/build/shards/manifest.json
fi

if ((with_wasm)); then
  # Last, so the shard is in: copies package, WASM core and ORT's files into web/app and precompresses (gzip +
  # brotli) them and the model files clients download; unchanged files are skipped.
  log "staging the package, WASM and ORT into the web app; precompression"
  quiet node web/app/stage.mjs
fi
