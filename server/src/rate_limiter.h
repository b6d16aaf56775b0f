// Token buckets keyed by a string (client id or remote address): `rate` tokens per second up to `burst`.
// Invariant: a key's tokens never exceed burst; idle keys are evicted so memory stays bounded.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wayfinder::server {

struct TokenBucketConfig {
  double rate_per_second = 10.0;
  double burst = 40.0;
};

class RateLimiter {
 public:
  explicit RateLimiter(TokenBucketConfig config) : config_(config) {}
  // Takes one token; returns 0 when allowed, else the whole seconds to wait (>= 1) before retrying.
  int acquire(const std::string& key, std::int64_t now_ms);
  std::size_t keys() const;

 private:
  struct Bucket {
    double tokens;
    std::int64_t last_ms;
  };
  TokenBucketConfig config_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  std::int64_t last_sweep_ms_ = 0;
};

}  // namespace wayfinder::server
