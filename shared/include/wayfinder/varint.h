// LEB128 varints (7 bits per byte, low group first, high bit = more) for the shard's compact sections (format 6):
// small numbers — document gaps, term frequencies, lengths — take one byte, and brotli on the wire sees the
// numbers' own bytes instead of three zero bytes per u32. Invariant: a reader never reads past its span and
// refuses a varint longer than its type (an overlong or truncated value is an error naming what was read).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wayfinder {

inline void put_varint(std::vector<std::byte>& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<std::byte>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<std::byte>(v));
}

// Zigzag: small negative and positive numbers both take few bytes.
inline std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline std::int64_t unzigzag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// Consecutive varints and raw bytes of one section; errors are std::invalid_argument("<section> …").
struct VarintReader {
  std::span<const std::byte> bytes;
  std::string_view section;
  std::size_t pos = 0;

  [[noreturn]] void bad(const std::string& what) const {
    throw std::invalid_argument(std::string(section) + " " + what);
  }
  std::uint64_t u64(const char* what) {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= bytes.size()) bad(std::string("is truncated in ") + what);
      const auto b = std::to_integer<std::uint8_t>(bytes[pos++]);
      if (shift == 63 && b > 1) bad(std::string("has an overlong number in ") + what);
      v |= std::uint64_t(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    bad(std::string("has an overlong number in ") + what);
  }
  std::uint32_t u32(const char* what) {
    const auto v = u64(what);
    if (v > 0xFFFFFFFFu) bad(std::string("has a number over 32 bits in ") + what);
    return static_cast<std::uint32_t>(v);
  }
  // A count of items that each take at least one byte: bounded by the bytes left, so a corrupt count is an error,
  // never an allocation of gigabytes.
  std::uint32_t count(const char* what) {
    const auto n = u32(what);
    if (n > bytes.size() - pos) bad(std::string("has a ") + what + " larger than its size allows");
    return n;
  }
  std::string_view text(std::size_t n, const char* what) {
    if (bytes.size() - pos < n) bad(std::string("is truncated in ") + what);
    const std::string_view s(reinterpret_cast<const char*>(bytes.data() + pos), n);
    pos += n;
    return s;
  }
  bool done() const { return pos == bytes.size(); }
};

}  // namespace wayfinder
