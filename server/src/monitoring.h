// Hourly monitoring: CTR, average reward and event volume of the last hour against a trailing 24 h baseline;
// anomalies become rows in `alerts`. Invariant: a check only reads events and only appends alerts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "db.h"

namespace wayfinder::server {

struct Alert {
  std::string kind;      // ctr_drop | volume_spike | volume_drop | client_flood | reward_drop
  std::string severity;  // warning | critical
  std::string message;
  double value = 0, baseline = 0;
};

struct MonitoringResult {
  std::int64_t events = 0, impressions = 0, clicks = 0;
  double ctr = 0, baseline_ctr = 0, avg_reward = 0, baseline_avg_reward = 0, baseline_events_per_hour = 0;
  std::vector<Alert> alerts;
};
void to_json(nlohmann::json& j, const MonitoringResult& r);

// Checks [now - 1 h, now) and writes its alerts.
MonitoringResult run_monitoring(Database& db, std::int64_t now_ms);

}  // namespace wayfinder::server
