// Benchmark entry points for scripts/bench.sh: the core's int8 scan + top-k (tests/bench/scan_top_k.h, the same
// code the native Google Benchmark times) over a seeded matrix built inside WASM memory, a memcpy baseline, and the
// whole Thompson re-rank step. Each returns timings measured inside WASM with performance.now().
//   core.benchScanTopK(rows, dim, k, reps, seed) -> {kernel, msMedian, ms: [...], top: [index...]}
//   core.benchMemcpy(bytes, reps)                 -> {msMedian, ms: [...]}
//   core.benchRerank(n, draws, reps)               -> {msMedian, ms: [...]}  (13,412 eligible, 3·n candidates)
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../tests/bench/rerank_fixture.h"
#include "../tests/bench/scan_top_k.h"
#include "wayfinder/rank/rerank.h"

#include "js_errors.h"

namespace {

using emscripten::val;

using wayfinder::wasm::js_errors;

val timings(std::vector<double> ms) {
  val out = val::object();
  val all = val::array();
  for (double x : ms) all.call<void>("push", x);
  std::sort(ms.begin(), ms.end());
  out.set("msMedian", ms.empty() ? 0.0 : ms[ms.size() / 2]);
  out.set("ms", all);
  return out;
}

val bench_scan_top_k(int rows, int dim, int k, int reps, double seed) {
  return js_errors("benchScanTopK", [&] {
    if (rows <= 0 || dim <= 0 || k <= 0 || reps <= 0) throw std::invalid_argument("rows, dim, k, reps must be > 0");
    const auto data = wayfinder::bench::make_scan_data(static_cast<std::size_t>(rows), static_cast<std::size_t>(dim),
                                                       static_cast<std::uint64_t>(seed));
    const auto& kernel = wayfinder::search::active_kernel();
    std::vector<float> scores(data.rows);
    std::vector<double> ms;
    std::vector<wayfinder::search::Scored> top;
    top = wayfinder::bench::scan_top_k(kernel, data, static_cast<std::size_t>(k), scores);  // warm-up
    for (int r = 0; r < reps; ++r) {
      const double t0 = emscripten_get_now();
      top = wayfinder::bench::scan_top_k(kernel, data, static_cast<std::size_t>(k), scores);
      ms.push_back(emscripten_get_now() - t0);
    }
    val out = timings(ms);
    out.set("kernel", std::string(kernel.name));
    val idx = val::array();
    for (const auto& s : top) idx.call<void>("push", s.index);
    out.set("top", idx);
    return out;
  });
}

val bench_memcpy(double bytes, int reps) {
  return js_errors("benchMemcpy", [&] {
    if (bytes <= 0 || reps <= 0) throw std::invalid_argument("bytes and reps must be > 0");
    std::vector<std::uint8_t> src(static_cast<std::size_t>(bytes)), dst(src.size());
    for (std::size_t i = 0; i < src.size(); ++i) src[i] = static_cast<std::uint8_t>(i * 131u);
    std::memcpy(dst.data(), src.data(), src.size());
    std::vector<double> ms;
    volatile std::uint8_t sink = 0;
    for (int r = 0; r < reps; ++r) {
      const double t0 = emscripten_get_now();
      std::memcpy(dst.data(), src.data(), src.size());
      ms.push_back(emscripten_get_now() - t0);
      sink = sink + dst[static_cast<std::size_t>(r) % dst.size()];
    }
    return timings(ms);
  });
}

val rerank_timings(const char* name, int n, int draws, int reps, wayfinder::rank::BanditKind kind) {
  return js_errors(name, [&] {
    if (n <= 0 || draws <= 0 || reps <= 0) throw std::invalid_argument("n, draws, reps must be > 0");
    const bool features = wayfinder::rank::uses_features(kind);
    const auto f = wayfinder::bench::make_rerank_fixture(13412, 3 * static_cast<std::size_t>(n), 7, features);
    wayfinder::rank::RerankConfig cfg;
    cfg.propensity_draws = static_cast<std::size_t>(draws);
    cfg.bandit = kind;
    if (features) {
      (void)f.evidence.linear(cfg.linear);  // built once per community snapshot, not per page
    }
    std::vector<double> ms;
    for (int r = 0; r < reps; ++r) {
      const double t0 = emscripten_get_now();
      const auto ranking = wayfinder::rank::rerank(f.content, f.evidence, cfg, static_cast<std::uint64_t>(r + 1),
                                                   static_cast<std::size_t>(n), 0, true);
      ms.push_back(emscripten_get_now() - t0);
      if (ranking.items.empty()) throw std::logic_error("empty ranking");
    }
    return timings(ms);
  });
}

using wayfinder::rank::BanditKind;
val bench_rerank(int n, int draws, int reps) { return rerank_timings("benchRerank", n, draws, reps, BanditKind::kBeta); }
// The contextual arm on the same fixture (bandit kind "linear", 512-d rows and their features).
val bench_rerank_linear(int n, int draws, int reps) {
  return rerank_timings("benchRerankLinear", n, draws, reps, BanditKind::kLinear);
}
// The hierarchical arm (the linear model as the prior of each project's Beta counts) on the same fixture.
val bench_rerank_hierarchical(int n, int draws, int reps) {
  return rerank_timings("benchRerankHierarchical", n, draws, reps, BanditKind::kHierarchical);
}

}  // namespace

EMSCRIPTEN_BINDINGS(wayfinder_bench) {
  emscripten::function("benchScanTopK", &bench_scan_top_k);
  emscripten::function("benchMemcpy", &bench_memcpy);
  emscripten::function("benchRerank", &bench_rerank);
  emscripten::function("benchRerankLinear", &bench_rerank_linear);
  emscripten::function("benchRerankHierarchical", &bench_rerank_hierarchical);
}
