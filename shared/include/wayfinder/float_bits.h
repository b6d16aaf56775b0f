// Bit-exact float <-> uint32 conversion for the binary formats (shard sections, BM25 index).
// Invariant: a round trip preserves every bit, NaN payloads included (std::bit_cast is missing from emscripten 3.1.6).
#pragma once

#include <cstdint>
#include <cstring>

namespace wayfinder {

inline std::uint32_t float_bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

inline float bits_float(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

}  // namespace wayfinder
