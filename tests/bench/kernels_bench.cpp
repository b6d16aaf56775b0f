// int8 scan + top-10 per kernel at 10k / 100k / 1M rows × 512 dims (the same code the WASM binding times, see
// scan_top_k.h), and a memcpy bandwidth baseline, so the scan's bytes/s can be compared with what the memory
// system delivers (ratio = kernel bytes/s ÷ memcpy bytes/s).
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <vector>

#include "scan_top_k.h"

namespace {

constexpr std::size_t kDim = 512;

const wayfinder::bench::ScanData& data(std::size_t n) {
  static std::unique_ptr<wayfinder::bench::ScanData> cached;
  if (!cached || cached->rows != n)
    cached = std::make_unique<wayfinder::bench::ScanData>(wayfinder::bench::make_scan_data(n, kDim, 42));
  return *cached;
}

void BM_ScanTop10(benchmark::State& state, std::string_view kernel_name) {
  const auto kernels = wayfinder::search::available_kernels();
  const auto it = std::find_if(kernels.begin(), kernels.end(), [&](const auto& k) { return k.name == kernel_name; });
  if (it == kernels.end()) {
    state.SkipWithError("kernel not available on this CPU");
    return;
  }
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const auto& d = data(n);
  std::vector<float> scores(n);
  for (auto _ : state) {
    auto top = wayfinder::bench::scan_top_k(*it, d, 10, scores);
    benchmark::DoNotOptimize(top.data());
  }
  state.SetLabel(std::string(it->name));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * kDim));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

void BM_MemcpyBaseline(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const auto& d = data(n);
  std::vector<std::int8_t> dst(d.matrix.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), d.matrix.data(), d.matrix.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * d.matrix.size()));
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
}

}  // namespace

BENCHMARK_CAPTURE(BM_ScanTop10, scalar, "scalar")->Apply(sizes);
BENCHMARK_CAPTURE(BM_ScanTop10, sse41, "sse4.1")->Apply(sizes);
BENCHMARK_CAPTURE(BM_ScanTop10, avx2, "avx2")->Apply(sizes);
BENCHMARK(BM_MemcpyBaseline)->Apply(sizes);
