#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <utility>
#include <vector>

#include "wayfinder/random/samplers.h"
#include "wayfinder/random/xoshiro.h"

using namespace wayfinder::random;

namespace {
std::uint64_t bits(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}
}  // namespace

// The same test runs natively and in both WASM builds: equal hex values mean bit-identical sequences.
TEST(RandomGolden, SeededSequencesAreBitIdenticalEverywhere) {
  Xoshiro256ss r(42);
  for (std::uint64_t want : {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL, 0xecb8ad4703b360a1ULL})
    EXPECT_EQ(r.next(), want);

  Xoshiro256ss a(20261128);
  for (std::uint64_t want : {0x3fed408cd723ccfaULL, 0x3fe020a59e403797ULL, 0x3fd2eba5ae466adaULL, 0x3fea9d8b7b48911aULL})
    EXPECT_EQ(bits(a.uniform()), want);
  for (std::uint64_t want : {0xbfdf638b8f634e66ULL, 0xbfbf79e5783001c4ULL, 0xbfe4dd6f15fc3653ULL, 0x3f72d5fb35db44ffULL})
    EXPECT_EQ(bits(standard_normal(a)), want);
  const std::pair<double, std::uint64_t> gammas[] = {{0.3, 0x3fd1119a4e566a7bULL},
                                                     {1.0, 0x3fc85a345c72a67eULL},
                                                     {2.5, 0x400a2dd1af82d2c2ULL},
                                                     {50.0, 0x404c3fbc329f2ba5ULL}};
  for (auto [shape, want] : gammas) EXPECT_EQ(bits(gamma(a, shape)), want) << "shape " << shape;
  const std::pair<double, std::uint64_t> betas[] = {{0.2, 0x3fefe8a1fac886f5ULL},
                                                    {1.0, 0x3fe81966f80fec90ULL},
                                                    {3.0, 0x3fe494bc36defc36ULL},
                                                    {400.0, 0x3fe24d3b24f9ec4dULL}};
  for (auto [s, want] : betas) EXPECT_EQ(bits(beta(a, s, s * 0.7 + 0.5)), want) << "alpha " << s;

  EXPECT_EQ(derive_seed(7, 11), 0x05a241bea0159987ULL);
  Xoshiro256ss b(5);
  for (std::uint64_t want : {185u, 716u, 462u, 493u}) EXPECT_EQ(b.below(1000), want);
}

TEST(RandomXoshiro, UniformStaysInRangeAndOpenVariantNeverHitsZero) {
  Xoshiro256ss r(1);
  double lo = 1.0, hi = 0.0, sum = 0.0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    const double o = r.uniform_open();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    ASSERT_GT(o, 0.0);
    ASSERT_LT(o, 1.0);
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    sum += u;
  }
  EXPECT_NEAR(sum / n, 0.5, 5 * std::sqrt(1.0 / 12.0 / n));
  EXPECT_LT(lo, 1e-3);
  EXPECT_GT(hi, 1 - 1e-3);
}

TEST(RandomXoshiro, BelowIsUniformOverSmallRanges) {
  Xoshiro256ss r(2);
  std::vector<int> counts(7, 0);
  const int n = 70000;
  for (int i = 0; i < n; ++i) ++counts[r.below(7)];
  for (int c : counts) EXPECT_NEAR(c, n / 7.0, 5 * std::sqrt(n / 7.0));
  EXPECT_THROW(r.below(0), std::invalid_argument);
}

TEST(RandomXoshiro, DifferentSeedsAndDerivedSeedsGiveDifferentStreams) {
  Xoshiro256ss a(1), b(2), c(derive_seed(1, 0)), d(derive_seed(1, 1));
  EXPECT_NE(a.next(), b.next());
  EXPECT_NE(c.next(), d.next());
  EXPECT_NE(derive_seed(1, 2), derive_seed(2, 1));
}

TEST(RandomSamplers, StandardNormalHasUnitMoments) {
  Xoshiro256ss r(3);
  const int n = 100000;
  double s = 0, s2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = standard_normal(r);
    s += x;
    s2 += x * x;
  }
  EXPECT_NEAR(s / n, 0.0, 5 / std::sqrt(n));
  EXPECT_NEAR(s2 / n, 1.0, 0.02);
}

TEST(RandomSamplers, GammaMeanAndVarianceMatchShape) {
  Xoshiro256ss r(4);
  const int n = 100000;
  for (double shape : {0.05, 0.4, 1.0, 3.5, 120.0}) {
    double s = 0, s2 = 0;
    for (int i = 0; i < n; ++i) {
      const double x = gamma(r, shape);
      ASSERT_GE(x, 0.0);
      s += x;
      s2 += x * x;
    }
    const double mean = s / n, var = s2 / n - mean * mean;
    EXPECT_NEAR(mean, shape, 5 * std::sqrt(shape / n)) << "shape " << shape;
    EXPECT_NEAR(var / shape, 1.0, shape < 0.1 ? 0.25 : 0.05) << "shape " << shape;
  }
  EXPECT_THROW(gamma(r, 0.0), std::invalid_argument);
  EXPECT_THROW(gamma(r, NAN), std::invalid_argument);
}

TEST(RandomSamplers, BetaMeanAndVarianceConvergeForSmallAndLargeShapes) {
  Xoshiro256ss r(5);
  const int n = 100000;
  const std::pair<double, double> shapes[] = {{0.1, 0.1}, {0.3, 2.0}, {1.0, 1.0}, {2.0, 5.0},
                                              {0.7, 0.9}, {50.0, 3.0}, {400.0, 900.0}};
  for (auto [a, b] : shapes) {
    double s = 0, s2 = 0;
    for (int i = 0; i < n; ++i) {
      const double x = beta(r, a, b);
      ASSERT_GE(x, 0.0);
      ASSERT_LE(x, 1.0);
      s += x;
      s2 += x * x;
    }
    const double mean = s / n, var = s2 / n - mean * mean;
    const double want_mean = a / (a + b);
    const double want_var = a * b / ((a + b) * (a + b) * (a + b + 1));
    EXPECT_NEAR(mean, want_mean, 5 * std::sqrt(want_var / n)) << a << "," << b;
    EXPECT_NEAR(var / want_var, 1.0, 0.03) << a << "," << b;
  }
}

TEST(RandomSamplers, BetaWithTinyShapesStaysFinite) {
  Xoshiro256ss r(6);
  int low = 0;
  for (int i = 0; i < 10000; ++i) {
    const double x = beta(r, 1e-3, 1e-3);
    ASSERT_TRUE(std::isfinite(x));
    low += x < 0.5;
  }
  EXPECT_NEAR(low, 5000, 300);  // symmetric: mass splits between the two ends
  EXPECT_THROW(beta(r, -1.0, 1.0), std::invalid_argument);
}
