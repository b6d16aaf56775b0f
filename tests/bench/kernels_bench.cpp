// int8 scan + top-10 per kernel at 10k / 100k / 1M rows × 512 dims, and a memcpy bandwidth baseline, so the
// scan's bytes/s can be compared with what the memory system delivers (ratio = kernel bytes/s ÷ memcpy bytes/s).
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <vector>

#include "wayfinder/hash.h"
#include "wayfinder/search/int8_dot.h"
#include "wayfinder/search/top_k.h"

namespace {

constexpr std::size_t kDim = 512;

struct Data {
  std::vector<std::int8_t> rows, query;
  std::vector<float> scales;
};

const Data& data(std::size_t n) {
  static std::unique_ptr<Data> cached;
  static std::size_t cached_n = 0;
  if (!cached || cached_n != n) {
    cached = std::make_unique<Data>();
    cached->rows.resize(n * kDim);
    for (std::size_t i = 0; i < cached->rows.size(); i += 8) {
      const auto r = wayfinder::mix64(i);
      std::memcpy(cached->rows.data() + i, &r, 8);
    }
    cached->query.assign(cached->rows.begin(), cached->rows.begin() + kDim);
    cached->scales.assign(n, 1.0f / 127.0f);
    cached_n = n;
  }
  return *cached;
}

void BM_ScanTop10(benchmark::State& state, std::size_t kernel_pos) {
  const auto kernels = wayfinder::search::available_kernels();
  if (kernel_pos >= kernels.size()) {
    state.SkipWithError("kernel not available on this CPU");
    return;
  }
  const auto& k = kernels[kernel_pos];
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const Data& d = data(n);
  std::vector<std::int32_t> dots(1024);
  std::vector<float> scores(n);
  for (auto _ : state) {
    for (std::size_t b = 0; b < n; b += dots.size()) {
      const std::size_t m = std::min(dots.size(), n - b);
      k.dot_rows(d.query, std::span(d.rows).subspan(b * kDim, m * kDim), std::span(dots).first(m));
      for (std::size_t i = 0; i < m; ++i) scores[b + i] = static_cast<float>(dots[i]) * (1.0f / 127.0f) * d.scales[b + i];
    }
    auto top = wayfinder::search::top_k(scores, 10);
    benchmark::DoNotOptimize(top.data());
  }
  state.SetLabel(std::string(k.name));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * kDim));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void BM_MemcpyBaseline(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const Data& d = data(n);
  std::vector<std::int8_t> dst(d.rows.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), d.rows.data(), d.rows.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.rows.size()));
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
}

}  // namespace

BENCHMARK_CAPTURE(BM_ScanTop10, scalar, 0)->Apply(sizes);
BENCHMARK_CAPTURE(BM_ScanTop10, sse41, 1)->Apply(sizes);
BENCHMARK_CAPTURE(BM_ScanTop10, avx2, 2)->Apply(sizes);
BENCHMARK(BM_MemcpyBaseline)->Apply(sizes);
