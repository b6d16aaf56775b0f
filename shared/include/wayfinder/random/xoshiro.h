// The one seeded generator of the core: xoshiro256** seeded through splitmix64 (Blackman & Vigna).
// Invariant: a seed gives the same 64-bit sequence on every platform, forever (golden-tested); no std::random.
#pragma once

#include <cstdint>

namespace wayfinder::random {

class Xoshiro256ss {
 public:
  explicit Xoshiro256ss(std::uint64_t seed);

  std::uint64_t next();
  double uniform();       // [0, 1) from the top 53 bits: k·2^-53
  double uniform_open();  // (0, 1): (k + 0.5)·2^-53, safe to take the log of
  // Uniform integer in [0, n) by rejection (no modulo bias); n must be > 0.
  std::uint64_t below(std::uint64_t n);

 private:
  std::uint64_t s_[4];
};

// Seed of an independent stream derived from a parent seed and a label (e.g. ranking id, draw index).
std::uint64_t derive_seed(std::uint64_t parent, std::uint64_t label);

}  // namespace wayfinder::random
