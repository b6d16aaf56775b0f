// LogThrottle: a repetitive log line is written at most `burst` times per window; the rest are counted and the
// count travels on the next written line.
#include <gtest/gtest.h>

#include "json_log.h"

namespace wayfinder::server {
namespace {

using namespace std::chrono_literals;

TEST(LogThrottle, AdmitsTheBurstThenCountsWhatItSuppresses) {
  LogThrottle throttle(3, 10s);
  const auto t0 = LogThrottle::Clock::time_point{} + 1h;
  int written = 0;
  for (int i = 0; i < 3000; ++i) written += throttle.admit(t0 + i * 1ms).has_value();
  EXPECT_EQ(written, 3);  // 3,000 errors within 3 s: three lines
  const auto next = throttle.admit(t0 + 10s);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(*next, 2997u);  // the first line of the next window reports the rest
  EXPECT_EQ(throttle.admit(t0 + 10s + 1ms), std::optional<std::uint64_t>(0));
}

TEST(LogThrottle, ANewWindowStartsAfterTheWindowHasPassed) {
  LogThrottle throttle(1, 10s);
  const auto t0 = LogThrottle::Clock::time_point{} + 1h;
  EXPECT_TRUE(throttle.admit(t0).has_value());
  EXPECT_FALSE(throttle.admit(t0 + 9s).has_value());
  EXPECT_EQ(throttle.admit(t0 + 10s), std::optional<std::uint64_t>(1));
  EXPECT_FALSE(throttle.admit(t0 + 19s).has_value());
}

}  // namespace
}  // namespace wayfinder::server
