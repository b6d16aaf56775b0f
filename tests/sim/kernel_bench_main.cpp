// wayfinder-kernel_bench: native timings of the core's int8 dot kernels (every available one) at N × dim, the
// same shapes the JS/WASM harness in scripts/lib/bench/ times, so the report's ratios come from one run.
// Prints one JSON object: {"kernels": [{"name", "rows", "dim", "ms_median", "reps"}...], "active": name}.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wayfinder/random/xoshiro.h"
#include "wayfinder/search/int8_dot.h"

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes{10000, 100000, 1000000};
  std::size_t dim = 512;
  int reps = 7;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") reps = 3;
    else if (a == "--dim" && i + 1 < argc) dim = std::stoul(argv[++i]);
    else { std::cerr << "usage: wayfinder-kernel_bench [--quick] [--dim N]\n"; return 2; }
  }
  wayfinder::random::Xoshiro256ss rng(42);
  std::vector<std::int8_t> query(dim);
  for (auto& q : query) q = static_cast<std::int8_t>(static_cast<int>(rng.below(255)) - 127);
  std::vector<std::int8_t> rows(sizes.back() * dim);
  for (auto& r : rows) r = static_cast<std::int8_t>(static_cast<int>(rng.below(255)) - 127);
  nlohmann::json out;
  out["active"] = std::string(wayfinder::search::kernel_name());
  volatile std::int64_t sink = 0;
  for (const auto& k : wayfinder::search::available_kernels()) {
    for (auto n : sizes) {
      std::vector<std::int32_t> res(n);
      std::vector<double> ms;
      for (int r = 0; r < reps; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        k.dot_rows(query, std::span<const std::int8_t>(rows.data(), n * dim), res);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        sink = sink + res[n / 2];
      }
      std::sort(ms.begin(), ms.end());
      out["kernels"].push_back({{"name", std::string(k.name)}, {"rows", n}, {"dim", dim}, {"ms_median", ms[ms.size() / 2]},
                                {"reps", reps}});
    }
  }
  std::cout << out.dump() << "\n";
  return 0;
}
