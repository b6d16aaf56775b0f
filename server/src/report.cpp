#include "report.h"

#include <map>
#include <nlohmann/json.hpp>

#include "episodes.h"
#include "nightly_merge.h"
#include "wayfinder/time_utc.h"
#include "wayfinder/bandit/reward.h"
#include "wayfinder/events/event.h"

namespace wayfinder::server {

namespace {

nlohmann::json nullable(Statement& st, int col) {
  return st.is_null(col) ? nlohmann::json(nullptr) : nlohmann::json(st.real(col));
}

// The last `days` nightly merges, newest first.
nlohmann::json merges(Database& db, int days) {
  auto out = nlohmann::json::array();
  auto st = db.prepare(
      "SELECT day, events, episodes, clients, clicks, ctr, avg_reward, ctr_change, avg_reward_change, "
      "snapshot_version, finished_ms - started_ms FROM rl_training_history ORDER BY day DESC LIMIT ?");
  st.bind(1, days);
  while (st.step()) {
    out.push_back({{"day", st.text(0)},
                   {"events", st.int64(1)},
                   {"episodes", st.int64(2)},
                   {"clients", st.int64(3)},
                   {"clicks", st.int64(4)},
                   {"ctr", st.real(5)},
                   {"avgReward", st.real(6)},
                   {"ctrChange", nullable(st, 7)},
                   {"avgRewardChange", nullable(st, 8)},
                   {"snapshotVersion", st.int64(9)},
                   {"durationMs", st.int64(10)}});
  }
  return out;
}

// The newest 100 alerts.
nlohmann::json alerts(Database& db) {
  auto out = nlohmann::json::array();
  auto st = db.prepare("SELECT at_ms, kind, severity, message, value, baseline FROM alerts ORDER BY id DESC LIMIT 100");
  while (st.step()) {
    out.push_back({{"at", wayfinder::format_iso8601_utc(st.int64(0))},
                   {"kind", st.text(1)},
                   {"severity", st.text(2)},
                   {"message", st.text(3)},
                   {"value", st.real(4)},
                   {"baseline", st.real(5)}});
  }
  return out;
}

// The latest evaluation of every experiment.
nlohmann::json experiments(Database& db) {
  auto out = nlohmann::json::array();
  auto st = db.prepare(
      "SELECT e.result FROM experiment_evaluations e JOIN (SELECT experiment_id, max(id) AS id FROM "
      "experiment_evaluations GROUP BY experiment_id) last ON last.id = e.id ORDER BY e.experiment_id");
  while (st.step()) out.push_back(nlohmann::json::parse(st.text(0)));
  return out;
}

// Per arm and day: CTR and average episode reward over time.
nlohmann::json arms(Database& db, std::int64_t now_ms, int days) {
  const std::int64_t start = (now_ms / 86400000 - days + 1) * 86400000;
  struct Cell {
    std::int64_t n = 0, clicks = 0;
    double reward = 0;
  };
  std::map<std::pair<std::string, std::string>, Cell> cells;
  const bandit::RewardTable table;
  for_each_episode(db, start, now_ms + 1, [&](const StoredEpisode& e) {
    auto& c = cells[{day_of(e.at_ms), e.arm.empty() ? "(none)" : e.arm}];
    ++c.n;
    c.clicks += e.episode.clicked;
    c.reward += bandit::episode_reward(e.episode, table);
  });
  auto out = nlohmann::json::array();
  for (const auto& [k, c] : cells) {
    out.push_back({{"day", k.first},
                   {"arm", k.second},
                   {"impressions", c.n},
                   {"ctr", static_cast<double>(c.clicks) / static_cast<double>(c.n)},
                   {"avgReward", c.reward / static_cast<double>(c.n)}});
  }
  return out;
}

}  // namespace

nlohmann::json build_report(Database& db, std::int64_t now_ms, int days) {
  nlohmann::json j;
  j["generatedAt"] = wayfinder::format_iso8601_utc(now_ms);
  j["snapshotVersion"] = latest_snapshot(db).version;
  j["merges"] = merges(db, days);
  j["alerts"] = alerts(db);
  j["experiments"] = experiments(db);
  j["arms"] = arms(db, now_ms, days);
  return j;
}

}  // namespace wayfinder::server
