// Structured logs: one JSON object per line on stderr ({"ts","level","msg",...fields}).
// Invariant: lines are written whole (one write under a lock), so concurrent threads never interleave.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace wayfinder::server {

void log_json(const char* level, const std::string& msg, nlohmann::json fields = nlohmann::json::object());
inline void log_info(const std::string& msg, nlohmann::json f = nlohmann::json::object()) { log_json("info", msg, std::move(f)); }
inline void log_warn(const std::string& msg, nlohmann::json f = nlohmann::json::object()) { log_json("warn", msg, std::move(f)); }
inline void log_error(const std::string& msg, nlohmann::json f = nlohmann::json::object()) { log_json("error", msg, std::move(f)); }

}  // namespace wayfinder::server
