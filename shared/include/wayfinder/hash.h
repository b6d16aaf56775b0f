// Fixed, platform-independent hashes (never std::hash): the same value natively and in WASM, forever.
// Invariant: changing any function here changes persisted keys and experiment assignments — don't.
#pragma once

#include <cstdint>
#include <string_view>

namespace wayfinder {

// FNV-1a, 64-bit.
constexpr std::uint64_t fnv1a64(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// SplitMix64 finaliser: spreads the bits of a hash so that its low bits are usable for bucketing.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace wayfinder
