#include "wayfinder/random/xoshiro.h"

#include <stdexcept>

#include "wayfinder/hash.h"

namespace wayfinder::random {
namespace {

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  return mix64(state);
}

}  // namespace

Xoshiro256ss::Xoshiro256ss(std::uint64_t seed) {
  std::uint64_t sm = seed;
  for (auto& s : s_) s = splitmix64(sm);
}

std::uint64_t Xoshiro256ss::next() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Xoshiro256ss::uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

double Xoshiro256ss::uniform_open() { return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53; }

std::uint64_t Xoshiro256ss::below(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("below: n must be > 0");
  // Reject the incomplete top block of 2^64 so every residue is equally likely.
  const std::uint64_t limit = (~std::uint64_t{0}) - ((~std::uint64_t{0}) % n + 1) % n;
  for (;;) {
    const std::uint64_t x = next();
    if (x <= limit) return x % n;
  }
}

std::uint64_t derive_seed(std::uint64_t parent, std::uint64_t label) {
  return mix64(mix64(parent) ^ (label + 0x9e3779b97f4a7c15ULL));
}

}  // namespace wayfinder::random
