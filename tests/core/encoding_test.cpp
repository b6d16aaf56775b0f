// base64 / base64url (RFC 4648 test vectors) and the constant-time comparison of secrets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wayfinder/encoding.h"

namespace wayfinder {
namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(Encoding, Base64MatchesRfc4648Vectors) {
  const char* want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  const std::string foobar = "foobar";
  for (std::size_t n = 0; n <= foobar.size(); ++n) EXPECT_EQ(base64(bytes(foobar.substr(0, n))), want[n]) << n;
}

TEST(Encoding, Base64UrlUsesTheUrlAlphabetWithoutPadding) {
  const std::vector<std::uint8_t> b = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(base64(b), "+/+/");
  EXPECT_EQ(base64url(b), "-_-_");
  EXPECT_EQ(base64url(bytes("fo")), "Zm8");
}

TEST(Encoding, ConstantTimeEqualComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_FALSE(constant_time_equal("secret", ""));
  EXPECT_FALSE(constant_time_equal("", "secret"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

}  // namespace
}  // namespace wayfinder
