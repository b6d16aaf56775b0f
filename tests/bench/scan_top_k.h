// The timed unit of the kernel benchmarks: one int8 query against N rows with a core kernel (blocks of 1024 rows),
// scores = dot × query scale × row scale, then the core's exact top-k. Shared by the native Google Benchmark and
// the WASM binding (wasm/bind_bench.cpp) so both time the same code. Invariant: same inputs → same top-k everywhere.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "wayfinder/random/xoshiro.h"
#include "wayfinder/search/int8_dot.h"
#include "wayfinder/search/top_k.h"

namespace wayfinder::bench {

struct ScanData {
  std::size_t rows = 0, dim = 0;
  std::vector<std::int8_t> matrix, query;
  std::vector<float> scales;
};

// Seeded values in [-127, 127] (the core's xoshiro, 8 bytes per draw), row scales 1/127.
inline ScanData make_scan_data(std::size_t rows, std::size_t dim, std::uint64_t seed) {
  ScanData d;
  d.rows = rows;
  d.dim = dim;
  d.matrix.resize(rows * dim);
  random::Xoshiro256ss rng(seed);
  for (std::size_t i = 0; i < d.matrix.size(); i += 8) {
    std::uint64_t r = rng.next();
    for (std::size_t b = 0; b < 8 && i + b < d.matrix.size(); ++b, r >>= 8)
      d.matrix[i + b] = static_cast<std::int8_t>(static_cast<int>(r & 0xff) % 255 - 127);
  }
  d.query.assign(d.matrix.begin(), d.matrix.begin() + static_cast<std::ptrdiff_t>(dim));
  d.scales.assign(rows, 1.0f / 127.0f);
  return d;
}

// `scores` (size ≥ rows) is scratch so the timed call allocates only the top-k result.
inline std::vector<search::Scored> scan_top_k(const search::Int8Kernel& kernel, const ScanData& d, std::size_t k,
                                              std::vector<float>& scores) {
  std::int32_t dots[1024];
  for (std::size_t b = 0; b < d.rows; b += 1024) {
    const std::size_t m = std::min<std::size_t>(1024, d.rows - b);
    kernel.dot_rows(d.query, std::span(d.matrix).subspan(b * d.dim, m * d.dim), std::span(dots, m));
    for (std::size_t i = 0; i < m; ++i) scores[b + i] = static_cast<float>(dots[i]) * (1.0f / 127.0f) * d.scales[b + i];
  }
  return search::top_k(std::span(scores).first(d.rows), k);
}

}  // namespace wayfinder::bench
