#include "client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <stdexcept>

#include "wayfinder/identity/credential.h"

namespace wayfinder::server {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    const auto part = trim(s.substr(0, comma));
    if (!part.empty()) out.push_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

bool is_trusted(std::string_view address, const std::vector<std::string>& trusted) {
  return std::find(trusted.begin(), trusted.end(), address) != trusted.end();
}

void mask(std::span<std::uint8_t> bytes, int bits) {
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int keep = std::clamp(bits - static_cast<int>(i) * 8, 0, 8);
    bytes[i] &= static_cast<std::uint8_t>(0xff00u >> keep);
  }
}

}  // namespace

std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted_proxies) {
  if (!is_trusted(peer, trusted_proxies)) return std::string(peer);
  const auto hops = split_commas(forwarded_for);
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (!is_trusted(*it, trusted_proxies)) return std::string(*it);
  }
  return std::string(peer);
}

std::string address_prefix(std::string_view address, int v4_bits, int v6_bits) {
  const std::string a(trim(address));
  std::array<std::uint8_t, 16> v6{};
  std::array<std::uint8_t, 4> v4{};
  char text[INET6_ADDRSTRLEN] = {};
  bool is_v4 = ::inet_pton(AF_INET, a.c_str(), v4.data()) == 1;
  if (!is_v4) {
    if (::inet_pton(AF_INET6, a.c_str(), v6.data()) != 1) {
      throw std::invalid_argument("client address: '" + a + "' is not an IPv4 or IPv6 address");
    }
    static constexpr std::array<std::uint8_t, 12> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped.begin(), kMapped.end(), v6.begin())) {
      std::copy(v6.begin() + 12, v6.end(), v4.begin());
      is_v4 = true;
    }
  }
  if (is_v4) {
    mask(v4, v4_bits);
    ::inet_ntop(AF_INET, v4.data(), text, sizeof text);
    return std::string(text) + "/" + std::to_string(v4_bits);
  }
  mask(v6, v6_bits);
  ::inet_ntop(AF_INET6, v6.data(), text, sizeof text);
  return std::string(text) + "/" + std::to_string(v6_bits);
}

std::string prefix_hash(std::span<const std::uint8_t> key, std::string_view prefix) {
  const auto mac = identity::hmac_sha256(key, std::string("address-prefix|") + std::string(prefix));
  std::string out;
  char buf[3];
  for (std::size_t i = 0; i < 16; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", mac[i]);
    out += buf;
  }
  return out;
}

}  // namespace wayfinder::server
