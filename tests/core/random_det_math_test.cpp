#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "wayfinder/random/det_math.h"

using namespace wayfinder::random;

namespace {
double rel(double a, double b) { return b == 0.0 ? std::abs(a) : std::abs(a - b) / std::abs(b); }
}  // namespace

TEST(DetMath, ExpMatchesStdWithin1e14Relative) {
  double worst = 0.0;
  for (int i = -700000; i <= 700000; i += 7) {
    const double x = i / 1000.0 + 0.000123;
    worst = std::max(worst, rel(det_exp(x), std::exp(x)));
  }
  EXPECT_LT(worst, 1e-14);
  EXPECT_EQ(det_exp(0.0), 1.0);
}

TEST(DetMath, LogMatchesStdWithin1e14Relative) {
  double worst = 0.0;
  for (double x = 1e-300; x < 1e300; x *= 1.37) worst = std::max(worst, rel(det_log(x), std::log(x)));
  for (int i = 1; i < 200000; ++i) {
    const double x = 0.5 + i * 1e-5;
    if (x == 1.0) continue;
    worst = std::max(worst, rel(det_log(x), std::log(x)));
  }
  EXPECT_LT(worst, 1e-14);
  EXPECT_EQ(det_log(1.0), 0.0);
}

TEST(DetMath, EdgeCasesFollowIeee) {
  EXPECT_TRUE(std::isinf(det_exp(1000.0)));
  EXPECT_EQ(det_exp(-1000.0), 0.0);
  EXPECT_GT(det_exp(-740.0), 0.0);  // subnormal, not flushed
  EXPECT_NEAR(det_exp(-740.0) / std::exp(-740.0), 1.0, 1e-6);
  EXPECT_TRUE(std::isnan(det_exp(NAN)));
  EXPECT_EQ(det_log(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(det_log(-1.0)));
  EXPECT_NEAR(det_log(std::numeric_limits<double>::denorm_min()), std::log(std::numeric_limits<double>::denorm_min()),
              1e-12);
  EXPECT_NEAR(det_pow(10.0, -0.7), std::pow(10.0, -0.7), 1e-15);
  EXPECT_EQ(det_pow(0.0, 2.0), 0.0);
}
