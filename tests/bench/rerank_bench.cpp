// The whole Thompson re-rank step per call (candidate window 3 × N, ε-exploration, slot propensities by the
// default 200 Monte Carlo draws) for a page of N = 10, on a 13,412-row eligible set like the real catalog.
#include <benchmark/benchmark.h>

#include "rerank_fixture.h"
#include "wayfinder/rank/rerank.h"

namespace {

void BM_RerankPage(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto f = wayfinder::bench::make_rerank_fixture(13412, 3 * n, 7);
  wayfinder::rank::RerankConfig cfg;
  cfg.bandit = wayfinder::rank::BanditKind::kBeta;  // the Beta arm (the fixture has no features)
  cfg.propensity_draws = static_cast<std::size_t>(state.range(1));
  std::uint64_t seed = 1;
  for (auto _ : state) {
    auto r = wayfinder::rank::rerank(f.content, f.evidence, cfg, seed++, n, 0, true);
    benchmark::DoNotOptimize(r.items.data());
  }
  state.SetLabel("N=" + std::to_string(n) + " draws=" + std::to_string(cfg.propensity_draws));
}

// The contextual arm (bandit kind "linear") or the hierarchical arm on the same fixture, plus 512-d rows and their
// features.
void rerank_page_with_features(benchmark::State& state, wayfinder::rank::BanditKind kind) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto f = wayfinder::bench::make_rerank_fixture(13412, 3 * n, 7, true);
  wayfinder::rank::RerankConfig cfg;
  cfg.propensity_draws = static_cast<std::size_t>(state.range(1));
  cfg.bandit = kind;
  (void)f.evidence.linear(cfg.linear);  // the community part is built once per snapshot, not per page
  std::uint64_t seed = 1;
  for (auto _ : state) {
    auto r = wayfinder::rank::rerank(f.content, f.evidence, cfg, seed++, n, 0, true);
    benchmark::DoNotOptimize(r.items.data());
  }
  state.SetLabel("N=" + std::to_string(n) + " draws=" + std::to_string(cfg.propensity_draws) + " " +
                 wayfinder::rank::to_string(kind));
}

void BM_RerankPageLinear(benchmark::State& state) { rerank_page_with_features(state, wayfinder::rank::BanditKind::kLinear); }
void BM_RerankPageHierarchical(benchmark::State& state) {
  rerank_page_with_features(state, wayfinder::rank::BanditKind::kHierarchical);
}

}  // namespace

BENCHMARK(BM_RerankPage)->Args({10, 200})->Args({10, 1})->Args({30, 200})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RerankPageLinear)->Args({10, 200})->Args({10, 1})->Args({30, 200})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RerankPageHierarchical)->Args({10, 200})->Args({10, 1})->Args({30, 200})->Unit(benchmark::kMillisecond);
