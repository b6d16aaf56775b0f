#!/usr/bin/env bash
# Builds the shard reader fuzz target with clang (libFuzzer + ASan + UBSan) and runs it for a bounded time.
# Usage: [FUZZ_SEED=N] tests/fuzz/run.sh [seconds=60] [build-dir=build/fuzz]. Exit code non-zero on a crash.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-60}"
out="${2:-$root/build/fuzz}"
mkdir -p "$out/corpus"
CXX="${CXX_FUZZ:-clang++}"
srcs=("$root"/shared/src/shard/*.cpp "$root"/shared/src/search/*.cpp "$root"/shared/src/index/*.cpp "$root"/shared/src/time_utc.cpp "$root"/shared/src/random/*.cpp "$root"/shared/src/catalog/project.cpp "$root"/shared/src/events/*.cpp)
"$CXX" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -I"$root/shared/include" -isystem /usr/include/eigen3 \
  "$root/tests/fuzz/shard_reader_fuzz.cpp" "${srcs[@]}" -o "$out/shard_reader_fuzz"
# Seed corpus: both files of a few valid shards written by the core itself (first byte: bit 0 = reseal checksum,
# bit 1 = the vectors part).
"$CXX" -std=c++20 -O1 -I"$root/shared/include" -x c++ - "${srcs[@]}" -o "$out/make_seed" <<'CPP'
#include <cstdio>
#include <string>
#include "wayfinder/shard/shard.h"
int main(int argc, char** argv) {
  for (int n = 0; n < 3; ++n) {
    wayfinder::shard::ShardInput in;
    in.model_name = "seed"; in.dim = 3 + n * 5;
    for (int i = 0; i < n + 1; ++i) {
      wayfinder::ProjectMeta p; p.id = "o/r" + std::to_string(i); p.description = "game engine c++ #" + std::to_string(i);
      p.topics = {"games"}; p.stars = i * 10; in.projects.push_back(p);
      for (unsigned d = 0; d < in.dim; ++d) in.vectors.push_back(float((i + d) % 5) - 2.0f);
    }
    const auto files = wayfinder::shard::write_shard(in);
    // First byte 1: the lexical part (checksum resealed); 3: the vectors part.
    for (const auto* b : {&files.lexical, &files.vectors}) {
      std::string path = std::string(argv[1]) + "/seed" + std::to_string(n) + (b == &files.lexical ? "l" : "v");
      FILE* f = std::fopen(path.c_str(), "wb"); std::fputc(b == &files.lexical ? 1 : 3, f);
      std::fwrite(b->data(), 1, b->size(), f); std::fclose(f);
    }
  }
}
CPP
"$out/make_seed" "$out/corpus"
# FUZZ_SEED: libFuzzer's seed, fixed by default so a CI run is repeatable; FUZZ_SEED=0 explores with a random one.
cd "$out" && "$out/shard_reader_fuzz" -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=8192 \
  -print_final_stats=1 "$out/corpus"
