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
  // ctr_drop | volume_spike | volume_drop | client_flood | reward_drop | success_spike | new_client_successes
  std::string kind;
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

// What the project-level spam checks look at: per project, the clients with a success (click, bookmark, 4–5★) in
// the last 24 h, how many of them the server first saw in those 24 h, and the same count per day over the 14 days
// before. Thresholds: docs/SERVER.md "Monitoring".
struct SuccessCheck {
  int min_clients = 20;            // fewer successful clients in 24 h never alert
  double spike_over_mean = 5.0;    // success_spike: above this × the daily mean of the 14 days before (mean ≥ 1)
  double spike_over_max = 2.0;     // … and above this × the largest of those days
  double new_client_share = 0.8;   // new_client_successes: at least this share first seen in the last 24 h
};

// Checks [now - 1 h, now) and writes its alerts.
MonitoringResult run_monitoring(Database& db, std::int64_t now_ms, const SuccessCheck& success = {});

}  // namespace wayfinder::server
