#include "json_log.h"

#include <unistd.h>

#include <mutex>

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

}  // namespace wayfinder::server
