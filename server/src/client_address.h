// Where a request comes from, for the caps above the client: the peer's address, or the forwarded one when (and
// only when) the peer is a configured trusted proxy; reduced to its network prefix and stored only as a keyed hash.
// Invariant: a forwarding header from anyone but a trusted proxy never changes the answer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wayfinder::server {

// The client's address. `peer` is the socket's remote address; `forwarded_for` the X-Forwarded-For header (may be
// empty). When the peer is in `trusted_proxies`, the rightmost forwarded entry that is not itself a trusted proxy is
// the client (entries left of it were written by the client and can be forged); otherwise the peer is.
std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted_proxies);

// The network prefix of an IPv4 or IPv6 address in CIDR form ("203.0.113.0/24", "2001:db8:1:2::/64");
// IPv4-mapped IPv6 addresses count as IPv4. Throws std::invalid_argument for a string that is not an address.
std::string address_prefix(std::string_view address, int v4_bits = 24, int v6_bits = 64);

// A keyed hash of a prefix (hex, 128 bits of HMAC-SHA256 under the server key): what storage keeps instead of it.
std::string prefix_hash(std::span<const std::uint8_t> key, std::string_view prefix);

}  // namespace wayfinder::server
