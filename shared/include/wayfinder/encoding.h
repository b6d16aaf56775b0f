// Text forms of bytes used by the server and the core alike: base64 (RFC 4648 §4, padded), base64url (§5, unpadded),
// and a comparison of secrets that takes the same time wherever they differ. Invariant: pure functions of the input.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wayfinder {

std::string base64(std::span<const std::uint8_t> bytes);
std::string base64url(std::span<const std::uint8_t> bytes);

// True when a == b. The time depends only on a's length, never on where the strings differ (nor on b's length).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace wayfinder
