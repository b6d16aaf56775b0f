// Structured logs: one JSON object per line on stderr ({"ts","level","msg",...fields}).
// Invariant: lines are written whole (one write under a lock), so concurrent threads never interleave.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace wayfinder::server {

void log_json(const char* level, const std::string& msg, nlohmann::json fields = nlohmann::json::object());
inline void log_info(const std::string& msg, nlohmann::json f = nlohmann::json::object()) { log_json("info", msg, std::move(f)); }
inline void log_warn(const std::string& msg, nlohmann::json f = nlohmann::json::object()) { log_json("warn", msg, std::move(f)); }
inline void log_error(const std::string& msg, nlohmann::json f = nlohmann::json::object()) { log_json("error", msg, std::move(f)); }

// A budget for one repetitive log line (a client's broken connection, say): at most `burst` lines per `window`.
// Lines over budget are counted, not written; the next admitted line carries that count, so nothing is hidden and
// thousands of half-open connections cannot flood the log.
class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  LogThrottle(int burst, Clock::duration window) : burst_(burst), window_(window) {}
  // Admits a line at `now`: returns the number of lines suppressed since the last admitted one, or nullopt when
  // this line is over budget (and is counted). Thread-safe.
  std::optional<std::uint64_t> admit(Clock::time_point now);

 private:
  std::mutex mu_;
  int burst_;
  Clock::duration window_;
  Clock::time_point window_start_{};
  int used_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace wayfinder::server
