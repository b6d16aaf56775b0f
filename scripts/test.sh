#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: native C++ (GoogleTest, server integration),
# the same core tests as WASM under Node, ASan+UBSan core tests, JS (node:test), browser (Chromium), fuzzers.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
#   scripts/test.sh [--quick]   (--quick: skip the sanitizer build and the fuzzers)
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT"
quick=0; [[ "${1:-}" == "--quick" ]] && quick=1

RESULTS="$ROOT/build/test-results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
t0=$SECONDS
stage() { log "$1 ($((SECONDS - t0)) s so far)"; }
status=0

stage "setup"; "$ROOT/scripts/setup.sh" --test
stage "build"; "$ROOT/scripts/build.sh"

if [[ -f tests/text/make-fixtures.mjs ]]; then
  stage "text fixtures from the JS reference tokenizer"
  quiet node tests/text/make-fixtures.mjs
fi

run_ctest() {  # name, build dir, extra args
  local name=$1 dir=$2; shift 2
  rm -rf "$dir/test-results"
  ctest --test-dir "$dir" --output-on-failure --output-junit "$RESULTS/$name.junit.xml" "$@" \
    > "$RESULTS/$name.log" 2>&1 || { status=1; tail -60 "$RESULTS/$name.log" >&2; }
  cp "$dir"/test-results/*.json "$RESULTS/" 2>/dev/null || true
  grep -E 'tests passed|tests failed' "$RESULTS/$name.log" >&2 || true
}

stage "native tests (ctest)"; run_ctest native "$BUILD_NATIVE" -j"$JOBS"
stage "WASM tests under Node (ctest)"; run_ctest wasm "$BUILD_WASM"

if ((!quick)); then
  stage "ASan+UBSan core tests"
  [[ -f "$BUILD_ASAN/build.ninja" ]] || cmake -S . -B "$BUILD_ASAN" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
    -DWF_SANITIZE=ON -DWF_BUILD_SERVER=OFF -DWF_BUILD_BENCH=OFF >/dev/null
  quiet ninja -C "$BUILD_ASAN" -j"$JOBS" wayfinder_core_tests
  # The sanitizer run's results are named apart from the release run's.
  mkdir -p "$BUILD_ASAN/test-results"
  # asan_failed is the sanitizer run's own verdict (an earlier stage's failure must not be reported as its own).
  asan_failed=
  (cd "$BUILD_ASAN" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ./tests/wayfinder_core_tests --gtest_output=json:"$RESULTS/core_asan.json" > "$RESULTS/core_asan.log" 2>&1) \
    || { status=1; asan_failed=failed; tail -40 "$RESULTS/core_asan.log" >&2; }
  node -e 'const fs=require("fs");const f=process.argv[1];const ok=fs.existsSync(process.argv[2]);
    fs.writeFileSync(f,`<testsuite><testcase name="core_asan" status="${ok&&!process.argv[3]?"run":"fail"}"/></testsuite>`)' \
    "$RESULTS/asan.junit.xml" "$RESULTS/core_asan.json" "$asan_failed"
fi

stage "JS tests (node:test)"
js_suites=()
for d in tests/docs tests/skeleton tests/model tests/catalog tests/text tests/eval tests/js tests/browser; do
  [[ -d "$d" ]] && compgen -G "$d/*.test.mjs" >/dev/null && js_suites+=("$d")
done
for d in "${js_suites[@]}"; do
  name=$(echo "$d" | tr '/' '_')
  node --test --test-reporter=tap "$d"/*.test.mjs > "$RESULTS/$name.tap" 2>"$RESULTS/$name.err" \
    || { status=1
         # Each failing test with its diagnostic block (error, expected/actual, stack), so a CI log says why.
         awk '/^ *not ok /{on=1} on{print} on && /^ *\.\.\.$/{on=0}' "$RESULTS/$name.tap" | head -120 >&2
         tail -20 "$RESULTS/$name.err" >&2; }
  grep -E '^# (pass|fail)' "$RESULTS/$name.tap" | tr '\n' ' ' >&2; echo " ($d)" >&2
done

if ((!quick)); then
  # The server's parser fuzzer runs inside ctest (tests/server); the shard reader's runs here.
  stage "shard reader fuzzer (30 s)"
  ok=run; tests/fuzz/run.sh 30 "$ROOT/build/fuzz" > "$RESULTS/fuzz_shard.log" 2>&1 \
    || { ok=fail; status=1; tail -30 "$RESULTS/fuzz_shard.log" >&2; }
  echo "<testsuite><testcase name=\"fuzz_shard_reader\" status=\"$ok\"/></testsuite>" > "$RESULTS/fuzz.junit.xml"
fi

log "done in $((SECONDS - t0)) s"
node scripts/lib/summarize.mjs "$RESULTS" || status=1
exit $status
