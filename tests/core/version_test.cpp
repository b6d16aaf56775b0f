#include <gtest/gtest.h>

#include <string>

#include "wayfinder/version.h"

TEST(CoreVersion, IsSemver) {
  const std::string v = wayfinder::kCoreVersion;
  EXPECT_EQ(std::count(v.begin(), v.end(), '.'), 2);
}
