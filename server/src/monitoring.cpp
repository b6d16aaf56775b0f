#include "monitoring.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "wayfinder/bandit/event_reward.h"

namespace wayfinder::server {
namespace {

struct Window {
  std::int64_t events = 0, impressions = 0, clicks = 0;
  double reward_sum = 0;
};

// Counts and a per-event reward proxy (monitoring needs trends, not the merge's exact episodes). The SQL only
// groups the raw rows; each group's reward is the core's event_reward (dwell summed after the core's cap, so a
// group's mean dwell gives its exact sum).
Window read_window(Database& db, std::int64_t from, std::int64_t to) {
  const bandit::RewardTable table;
  auto st = db.prepare(R"SQL(
SELECT type, coalesce(stars, 0), count(*), coalesce(sum(least(coalesce(seconds, 0), ?3)), 0)
FROM user_interactions WHERE at_ms >= ?1 AND at_ms < ?2 GROUP BY type, coalesce(stars, 0))SQL");
  st.bind(1, from).bind(2, to).bind(3, table.dwell_cap_seconds);
  Window w;
  while (st.step()) {
    const auto type = events::parse_event_type(st.text(0));
    const auto n = st.int64(2);
    w.events += n;
    if (!type || n == 0) continue;
    if (*type == events::EventType::kImpression) w.impressions += n;
    if (*type == events::EventType::kClick) w.clicks += n;
    const auto stars = static_cast<int>(st.int64(1));
    const double mean_seconds = st.real(3) / static_cast<double>(n);
    w.reward_sum += static_cast<double>(n) * bandit::event_reward(*type, stars, mean_seconds, table);
  }
  return w;
}

constexpr std::int64_t kHour = 3600000;
constexpr std::int64_t kDay = 24 * kHour;
constexpr int kHistoryDays = 14;

struct ProjectSuccesses {
  std::int64_t clients = 0, new_clients = 0;           // the last 24 h
  std::vector<std::int64_t> history = std::vector<std::int64_t>(kHistoryDays, 0);  // day d+1 before, d = 0..13
};

// Distinct clients with a success per project and 24 h bucket (0 = the last 24 h … 14), and, for bucket 0, how many
// of them sent their first row in it. The SQL only counts; the rule is success_alerts below.
std::map<std::string, ProjectSuccesses> read_successes(Database& db, std::int64_t now_ms) {
  auto st = db.prepare(R"SQL(
WITH s AS (
  SELECT DISTINCT project_id, client_id, (?1 - 1 - at_ms) / ?2 AS bucket FROM user_interactions
  WHERE at_ms >= ?1 - ?2 * 15 AND at_ms < ?1
    AND (type IN ('click', 'bookmark') OR (type = 'rating' AND stars >= 4))),
n AS (
  SELECT c.client_id FROM (SELECT DISTINCT client_id FROM s WHERE bucket = 0) c
  WHERE (SELECT min(received_ms) FROM user_interactions f WHERE f.client_id = c.client_id) >= ?1 - ?2)
SELECT s.project_id, s.bucket, count(*), count(n.client_id)
FROM s LEFT JOIN n ON n.client_id = s.client_id AND s.bucket = 0
GROUP BY s.project_id, s.bucket)SQL");
  st.bind(1, now_ms).bind(2, kDay);
  std::map<std::string, ProjectSuccesses> out;
  while (st.step()) {
    auto& p = out[st.text(0)];
    const auto bucket = st.int64(1);
    if (bucket == 0) {
      p.clients = st.int64(2);
      p.new_clients = st.int64(3);
    } else if (bucket >= 1 && bucket <= kHistoryDays) {
      p.history[static_cast<std::size_t>(bucket - 1)] = st.int64(2);
    }
  }
  return out;
}

// A project whose successes of the last 24 h jump far above its own last 14 days, or come mostly from clients
// first seen in those 24 h (a flood of fresh ids).
void success_alerts(const std::map<std::string, ProjectSuccesses>& projects, const SuccessCheck& c,
                    std::vector<Alert>& alerts) {
  for (const auto& [project, p] : projects) {
    if (p.clients < c.min_clients) continue;
    double mean = 0, most = 0;
    for (const auto n : p.history) {
      mean += static_cast<double>(n) / kHistoryDays;
      most = std::max(most, static_cast<double>(n));
    }
    const auto n = static_cast<double>(p.clients);
    if (n > c.spike_over_mean * std::max(1.0, mean) && n > c.spike_over_max * most) {
      alerts.push_back({"success_spike", "warning",
                        project + ": " + std::to_string(p.clients) + " clients with a success in 24 h, daily mean " +
                            std::to_string(mean).substr(0, 5) + " over the 14 days before",
                        n, mean});
    }
    if (static_cast<double>(p.new_clients) >= c.new_client_share * n) {
      alerts.push_back({"new_client_successes", "warning",
                        project + ": " + std::to_string(p.new_clients) + " of " + std::to_string(p.clients) +
                            " clients with a success in 24 h were first seen in those 24 h",
                        static_cast<double>(p.new_clients), n});
    }
  }
}

}  // namespace

void to_json(nlohmann::json& j, const MonitoringResult& r) {
  j = {{"events", r.events},        {"impressions", r.impressions},   {"clicks", r.clicks},
       {"ctr", r.ctr},              {"baselineCtr", r.baseline_ctr},  {"avgReward", r.avg_reward},
       {"baselineAvgReward", r.baseline_avg_reward}, {"baselineEventsPerHour", r.baseline_events_per_hour}};
  j["alerts"] = nlohmann::json::array();
  for (const auto& a : r.alerts) {
    j["alerts"].push_back({{"kind", a.kind}, {"severity", a.severity}, {"message", a.message}, {"value", a.value},
                           {"baseline", a.baseline}});
  }
}

MonitoringResult run_monitoring(Database& db, std::int64_t now_ms, const SuccessCheck& success) {
  const Window hour = read_window(db, now_ms - kHour, now_ms);
  const Window base = read_window(db, now_ms - 25 * kHour, now_ms - kHour);
  MonitoringResult r;
  r.events = hour.events;
  r.impressions = hour.impressions;
  r.clicks = hour.clicks;
  r.ctr = hour.impressions ? static_cast<double>(hour.clicks) / static_cast<double>(hour.impressions) : 0;
  r.baseline_ctr = base.impressions ? static_cast<double>(base.clicks) / static_cast<double>(base.impressions) : 0;
  r.avg_reward = hour.impressions ? hour.reward_sum / static_cast<double>(hour.impressions) : 0;
  r.baseline_avg_reward = base.impressions ? base.reward_sum / static_cast<double>(base.impressions) : 0;
  r.baseline_events_per_hour = static_cast<double>(base.events) / 24.0;

  if (hour.impressions >= 200 && base.impressions >= 1000 && r.ctr < 0.5 * r.baseline_ctr) {
    r.alerts.push_back({"ctr_drop", "critical", "CTR in the last hour fell below half of the 24 h baseline", r.ctr,
                        r.baseline_ctr});
  }
  if (hour.impressions >= 200 && base.impressions >= 1000 && r.baseline_avg_reward > 0 &&
      r.avg_reward < 0.5 * r.baseline_avg_reward) {
    r.alerts.push_back({"reward_drop", "warning", "average reward in the last hour fell below half of the baseline",
                        r.avg_reward, r.baseline_avg_reward});
  }
  if (hour.events >= 1000 && static_cast<double>(hour.events) > 5.0 * r.baseline_events_per_hour) {
    r.alerts.push_back({"volume_spike", "warning", "event volume in the last hour is over 5x the hourly baseline",
                        static_cast<double>(hour.events), r.baseline_events_per_hour});
  }
  if (r.baseline_events_per_hour >= 100 && static_cast<double>(hour.events) < 0.1 * r.baseline_events_per_hour) {
    r.alerts.push_back({"volume_drop", "critical", "event volume in the last hour is under 10% of the baseline",
                        static_cast<double>(hour.events), r.baseline_events_per_hour});
  }
  {
    auto st = db.prepare(
        "SELECT client_id, count(*) AS n FROM user_interactions WHERE at_ms >= ? AND at_ms < ? "
        "GROUP BY client_id ORDER BY n DESC LIMIT 1");
    st.bind(1, now_ms - kHour).bind(2, now_ms);
    if (st.step()) {
      const auto n = st.int64(1);
      if (n >= 2000 && static_cast<double>(n) > 0.5 * static_cast<double>(std::max<std::int64_t>(hour.events, 1))) {
        // The client id is pseudonymous; naming it lets an operator find its rows.
        r.alerts.push_back({"client_flood", "warning",
                            "one client sent " + std::to_string(n) + " events in the last hour (" + st.text(0) + ")",
                            static_cast<double>(n), r.baseline_events_per_hour});
      }
    }
  }
  success_alerts(read_successes(db, now_ms), success, r.alerts);
  auto ins = db.prepare("INSERT INTO alerts(at_ms, kind, severity, message, value, baseline) VALUES (?,?,?,?,?,?)");
  for (const auto& a : r.alerts) {
    ins.bind(1, now_ms).bind(2, a.kind).bind(3, a.severity).bind(4, a.message).bind(5, a.value).bind(6, a.baseline).run();
  }
  return r;
}

}  // namespace wayfinder::server
