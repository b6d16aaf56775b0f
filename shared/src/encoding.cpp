#include "wayfinder/encoding.h"

namespace wayfinder {
namespace {

std::string encode(std::span<const std::uint8_t> bytes, const char* alphabet, bool pad) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const auto b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(acc >> bits) & 63];
    }
  }
  if (bits > 0) out += alphabet[(acc << (6 - bits)) & 63];
  while (pad && out.size() % 4 != 0) out += '=';
  return out;
}

}  // namespace

std::string base64(std::span<const std::uint8_t> bytes) {
  return encode(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", true);
}

std::string base64url(std::span<const std::uint8_t> bytes) {
  return encode(bytes, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", false);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  unsigned diff = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (b.empty() ? 0 : b[i % b.size()]));
  }
  return diff == 0;
}

}  // namespace wayfinder
