#include "json_log.h"

#include <unistd.h>

#include <mutex>
#include <utility>

#include "storage.h"
#include "wayfinder/events/event.h"

namespace wayfinder::server {

void log_json(const char* level, const std::string& msg, nlohmann::json fields) {
  static std::mutex mu;
  nlohmann::json line = {{"ts", events::format_iso8601_utc(now_unix_ms())}, {"level", level}, {"msg", msg}};
  if (fields.is_object()) {
    for (auto& [k, v] : fields.items()) line[k] = v;
  }
  const std::string s = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(mu);
  [[maybe_unused]] auto n = ::write(2, s.data(), s.size());
}

std::optional<std::uint64_t> LogThrottle::admit(Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (used_ == 0 || now - window_start_ >= window_) {
    window_start_ = now;
    used_ = 0;
  }
  if (used_ >= burst_) {
    ++suppressed_;
    return std::nullopt;
  }
  ++used_;
  return std::exchange(suppressed_, 0);
}

}  // namespace wayfinder::server
