#include "rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace wayfinder::server {

int RateLimiter::acquire(const std::string& key, std::int64_t now_ms) {
  if (config_.rate_per_second <= 0) return 0;  // disabled
  std::lock_guard lock(mu_);
  if (now_ms - last_sweep_ms_ > 60000) {
    // A bucket idle long enough to be full again carries no state: drop it.
    const double refill_ms = config_.burst / config_.rate_per_second * 1000.0;
    std::erase_if(buckets_, [&](const auto& kv) { return now_ms - kv.second.last_ms > refill_ms; });
    last_sweep_ms_ = now_ms;
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{config_.burst, now_ms});
  Bucket& b = it->second;
  const double elapsed = std::max<std::int64_t>(0, now_ms - b.last_ms) / 1000.0;
  b.tokens = std::min(config_.burst, b.tokens + elapsed * config_.rate_per_second);
  b.last_ms = std::max(b.last_ms, now_ms);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1.0 - b.tokens) / config_.rate_per_second)));
}

std::size_t RateLimiter::keys() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace wayfinder::server
