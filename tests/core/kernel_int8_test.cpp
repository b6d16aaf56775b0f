#include <gtest/gtest.h>

#include <algorithm>

#include "wayfinder/hash.h"
#include "wayfinder/search/int8_dot.h"

using namespace wayfinder::search;

namespace {
std::vector<std::int8_t> random_i8(std::size_t n, std::uint64_t seed) {
  std::vector<std::int8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::int8_t>(wayfinder::mix64(seed + i) & 0xff);
  return v;
}
}  // namespace

TEST(KernelInt8, ActiveKernelIsTheFastestAvailable) {
  const auto all = available_kernels();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().name, "scalar");
  EXPECT_EQ(kernel_name(), all.back().name);
#if defined(__wasm_simd128__)
  EXPECT_EQ(kernel_name(), "wasm-simd128");
#elif defined(__wasm__)
  EXPECT_EQ(kernel_name(), "scalar");
#endif
  std::printf("[kernel] active: %s (%zu available)\n", std::string(kernel_name()).c_str(), all.size());
}

TEST(KernelInt8, ScalarMatchesHandComputedDot) {
  const std::vector<std::int8_t> q = {1, -2, 3};
  const std::vector<std::int8_t> rows = {4, 5, 6, -128, 127, 0};
  std::vector<std::int32_t> out(2);
  dot_rows_scalar(q, rows, out);
  EXPECT_EQ(out, (std::vector<std::int32_t>{4 - 10 + 18, -128 - 254}));
}

TEST(KernelInt8, EveryKernelMatchesScalarOnRandomDataAndOddDims) {
  for (std::size_t dim : {1u, 3u, 7u, 8u, 15u, 16u, 17u, 31u, 32u, 33u, 63u, 64u, 100u, 384u, 511u, 512u, 513u}) {
    for (std::size_t n : {0u, 1u, 2u, 3u, 5u, 17u}) {
      const auto q = random_i8(dim, dim * 1000 + n);
      const auto rows = random_i8(dim * n, dim * 7 + n * 13 + 1);
      std::vector<std::int32_t> want(n), got(n);
      dot_rows_scalar(q, rows, want);
      for (const auto& k : available_kernels()) {
        std::fill(got.begin(), got.end(), -1);
        k.dot_rows(q, rows, got);
        EXPECT_EQ(got, want) << k.name << " dim=" << dim << " n=" << n;
      }
    }
  }
}

TEST(KernelInt8, EveryKernelIsExactAtTheInt8Extremes) {
  for (std::size_t dim : {512u, 65536u, 33u}) {
    for (std::int8_t a : {std::int8_t{-128}, std::int8_t{127}}) {
      for (std::int8_t b : {std::int8_t{-128}, std::int8_t{127}}) {
        const std::vector<std::int8_t> q(dim, a);
        const std::vector<std::int8_t> rows(dim * 3, b);
        std::vector<std::int32_t> out(3);
        const std::int32_t want = static_cast<std::int32_t>(dim) * a * b;
        for (const auto& k : available_kernels()) {
          k.dot_rows(q, rows, out);
          EXPECT_EQ(out, std::vector<std::int32_t>(3, want)) << k.name << " dim=" << dim << " " << int(a) << "×" << int(b);
        }
      }
    }
  }
}

TEST(KernelInt8, UnalignedRowsGiveTheSameResult) {
  const std::size_t dim = 77, n = 9;
  const auto q = random_i8(dim, 5);
  auto buf = random_i8(dim * n + 1, 6);
  std::span<const std::int8_t> rows(buf.data() + 1, dim * n);
  std::vector<std::int32_t> want(n), got(n);
  dot_rows_scalar(q, rows, want);
  for (const auto& k : available_kernels()) {
    k.dot_rows(q, rows, got);
    EXPECT_EQ(got, want) << k.name;
  }
}

TEST(KernelInt8, CheckedEntryPointRejectsInconsistentSizes) {
  std::vector<std::int8_t> q(4), rows(7);
  std::vector<std::int32_t> out(2);
  EXPECT_THROW(dot_rows(q, rows, out), std::invalid_argument);
}
