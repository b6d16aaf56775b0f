#!/usr/bin/env bash
# Builds the libFuzzer target with clang (ASan + UBSan) and runs it for a bounded time.
# usage: tests/server/fuzz/run_fuzz.sh [SECONDS=20]   (exit 0: no crash found)
set -euo pipefail
SECONDS_TO_RUN="${1:-20}"
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
OUT="${WF_FUZZ_BUILD_DIR:-$REPO/build/server-fuzz}"
mkdir -p "$OUT/nlohmann-include" "$OUT/corpus"
[ -e "$OUT/nlohmann-include/nlohmann" ] || ln -s /usr/include/nlohmann "$OUT/nlohmann-include/nlohmann"
BIN="$OUT/event_batch_fuzz"
SRCS=("$HERE/event_batch_fuzz.cpp" "$REPO/shared/src/events/event.cpp" "$REPO/shared/src/time_utc.cpp" "$REPO/shared/src/catalog/project.cpp"
      "$REPO/server/src/static_files.cpp" "$REPO/server/src/http_types.cpp" "$REPO/server/src/security_headers.cpp"
      "$REPO/shared/src/shard/sha256.cpp" "$REPO/shared/src/encoding.cpp")
NEWEST=$(ls -t "${SRCS[@]}" "$REPO/shared/include/wayfinder/events/event.h" | head -1)
if [ ! -x "$BIN" ] || [ "$NEWEST" -nt "$BIN" ]; then
  clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -I"$REPO/shared/include" -I"$REPO/server/src" -isystem "$OUT/nlohmann-include" "${SRCS[@]}" -o "$BIN"
fi
cp -n "$HERE"/corpus/* "$OUT/corpus/" 2>/dev/null || true
# FUZZ_SEED: fixed by default so a CI run is repeatable; FUZZ_SEED=0 explores with a random seed.
"$BIN" "$OUT/corpus" -seed="${FUZZ_SEED:-1}" -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -rss_limit_mb=1024 -timeout=5 \
  -print_final_stats=1 2>&1 | tail -15
