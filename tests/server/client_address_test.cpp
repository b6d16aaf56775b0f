// The address behind a request: forwarded only through a trusted proxy, reduced to a prefix, stored as a keyed hash.
#include <gtest/gtest.h>

#include <vector>

#include "client_address.h"

namespace wayfinder::server {
namespace {

const std::vector<std::string> kProxies = {"10.0.0.2", "10.0.0.3"};

TEST(ClientAddress, AForwardingHeaderFromAnUntrustedPeerIsIgnored) {
  EXPECT_EQ(client_address("198.51.100.7", "203.0.113.9", kProxies), "198.51.100.7");
  EXPECT_EQ(client_address("198.51.100.7", "", {}), "198.51.100.7");
}

TEST(ClientAddress, BehindTrustedProxiesTheRightmostUntrustedHopIsTheClient) {
  EXPECT_EQ(client_address("10.0.0.2", "203.0.113.9", kProxies), "203.0.113.9");
  // The client wrote "1.2.3.4" itself: only the hop our proxies appended counts.
  EXPECT_EQ(client_address("10.0.0.2", "1.2.3.4, 203.0.113.9, 10.0.0.3", kProxies), "203.0.113.9");
  EXPECT_EQ(client_address("10.0.0.2", "", kProxies), "10.0.0.2");
}

TEST(ClientAddress, PrefixesAreSlash24ForIpv4AndSlash64ForIpv6) {
  EXPECT_EQ(address_prefix("203.0.113.77"), "203.0.113.0/24");
  EXPECT_EQ(address_prefix("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(address_prefix("::ffff:203.0.113.77"), "203.0.113.0/24");
  EXPECT_EQ(address_prefix("203.0.113.77", 16), "203.0.0.0/16");
  EXPECT_THROW(address_prefix("not-an-address"), std::invalid_argument);
}

TEST(ClientAddress, PrefixHashesAreKeyedAndStable) {
  const std::vector<std::uint8_t> k1 = {1, 2, 3}, k2 = {4, 5, 6};
  const auto h = prefix_hash(k1, "203.0.113.0/24");
  EXPECT_EQ(h.size(), 32u);
  EXPECT_EQ(h, prefix_hash(k1, "203.0.113.0/24"));
  EXPECT_NE(h, prefix_hash(k2, "203.0.113.0/24")) << "without the key the prefix cannot be recovered by enumeration";
  EXPECT_NE(h, prefix_hash(k1, "203.0.114.0/24"));
  EXPECT_EQ(h.find("203"), std::string::npos);
}

}  // namespace
}  // namespace wayfinder::server
