#include "experiment_evaluation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "episodes.h"
#include "other_arm_ope.h"
#include "storage.h"
#include "wayfinder/bandit/reward.h"

namespace wayfinder::server {

Interval wilson_interval(std::int64_t k, std::int64_t n, double z) {
  if (n <= 0) return {0.0, 1.0};
  const double nn = static_cast<double>(n), p = static_cast<double>(k) / nn, z2 = z * z;
  const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
  const double half = z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / (1 + z2 / nn);
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval mean_interval(double sum, double sq_sum, std::int64_t n, double z) {
  if (n <= 1) return {-INFINITY, INFINITY};
  const double nn = static_cast<double>(n), mean = sum / nn;
  const double var = std::max(0.0, (sq_sum - nn * mean * mean) / (nn - 1));
  const double half = z * std::sqrt(var / nn);
  return {mean - half, mean + half};
}

namespace {

struct Experiment {
  std::string id, name;
  std::vector<std::string> arms;
  nlohmann::json config;
  std::int64_t created_ms;
};

std::vector<Experiment> running_experiments(Database& db) {
  std::vector<Experiment> out;
  auto st = db.prepare("SELECT experiment_id, name, arms, config, created_ms FROM rl_ab_test WHERE status = 'running'");
  while (st.step()) {
    out.push_back({st.text(0), st.text(1), nlohmann::json::parse(st.text(2)).get<std::vector<std::string>>(),
                   nlohmann::json::parse(st.text(3)), st.int64(4)});
  }
  return out;
}

// Per arm of one experiment since it started: CTR and reward sums, and the logged propensities for off-policy
// evaluation (episodes without them are counted as skipped).
struct ArmLogs {
  std::map<std::string, ArmStats> stats;
  std::map<std::string, std::vector<OpeSample>> ope;
  std::map<std::string, std::size_t> ope_skipped;
};

ArmLogs collect_arm_logs(Database& db, const Experiment& ex, std::int64_t now_ms) {
  ArmLogs logs;
  for (const auto& a : ex.arms) logs.stats[a].arm = a;
  const bandit::RewardTable table;
  for_each_episode(db, ex.created_ms, now_ms, [&](const StoredEpisode& e) {
    auto it = logs.stats.find(e.arm);
    if (it == logs.stats.end()) return;
    const double r = bandit::episode_reward(e.episode, table);
    auto& s = it->second;
    ++s.impressions;
    s.clicks += e.episode.clicked ? 1 : 0;
    s.reward_sum += r;
    s.reward_sq_sum += r * r;
    if (e.propensity && e.alt_propensity) {
      OpeSample o;
      o.position = e.episode.position;
      o.propensity = *e.propensity;
      o.alt_propensity = *e.alt_propensity;
      o.reward = e.episode.clicked ? 1.0 : 0.0;
      logs.ope[e.arm].push_back(o);
    } else {
      ++logs.ope_skipped[e.arm];
    }
  });
  return logs;
}

// One arm's figures with intervals; for a two-arm experiment also the off-policy estimate of the other arm.
nlohmann::json arm_json(const Experiment& ex, const std::string& a, ArmLogs& logs, const OtherArmOpeConfig& ope_cfg) {
  const auto& s = logs.stats[a];
  const auto ci = wilson_interval(s.clicks, s.impressions);
  const auto ri = mean_interval(s.reward_sum, s.reward_sq_sum, s.impressions);
  const double n = static_cast<double>(std::max<std::int64_t>(1, s.impressions));
  nlohmann::json j = {{"arm", a},
                      {"impressions", s.impressions},
                      {"clicks", s.clicks},
                      {"ctr", static_cast<double>(s.clicks) / n},
                      {"ctrInterval", {ci.low, ci.high}},
                      {"avgReward", s.reward_sum / n},
                      {"rewardInterval", std::isfinite(ri.low) ? nlohmann::json{ri.low, ri.high} : nlohmann::json(nullptr)}};
  // altPropensity is the probability under "the other arm": defined for two-arm experiments.
  if (ex.arms.size() == 2) {
    const std::string& other = ex.arms[0] == a ? ex.arms[1] : ex.arms[0];
    auto ope = other_arm_ope(logs.ope[a], logs.ope_skipped[a], a, other, ope_cfg);
    const auto& t = logs.stats[other];
    ope["targetObservedCtr"] = t.impressions > 0 ? nlohmann::json(static_cast<double>(t.clicks) /
                                                                  static_cast<double>(t.impressions))
                                                 : nlohmann::json(nullptr);
    j["otherArmOpe"] = std::move(ope);
  }
  return j;
}

double previous_p_value(Database& db, const std::string& experiment_id) {
  auto st = db.prepare("SELECT result FROM experiment_evaluations WHERE experiment_id = ? ORDER BY id DESC LIMIT 1");
  st.bind(1, experiment_id);
  return st.step() ? nlohmann::json::parse(st.text(0)).value("alwaysValidP", 1.0) : 1.0;
}

// The sequential test (the last listed arm is the control, e.g. "similarity"; the first the treatment), and the
// adapted exploration: once the bandit arm has significantly won, explore less; if it lost, explore more.
void decide(Database& db, Experiment& ex, const ArmLogs& logs, const SequentialTestConfig& cfg, nlohmann::json& result) {
  const auto d = sequential_decision(logs.stats.at(ex.arms.back()), logs.stats.at(ex.arms.front()),
                                     previous_p_value(db, ex.id), cfg);
  result["alwaysValidP"] = d.p_value;
  result["significant"] = d.significant;
  result["winner"] = d.winner.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.winner);
  result["method"] = "mSPRT (normal mixture, tau=" + std::to_string(cfg.tau) + "), alpha=" + std::to_string(cfg.alpha);
  double eps = ex.config.value("epsilon", 0.15);
  if (d.significant) eps = d.winner == ex.arms.front() ? std::max(0.05, eps * 0.8) : std::min(0.3, eps * 1.25);
  result["epsilon"] = eps;
  ex.config["epsilon"] = eps;
  db.prepare("UPDATE rl_ab_test SET config = ? WHERE experiment_id = ?").bind(1, ex.config.dump()).bind(2, ex.id).run();
}

}  // namespace

nlohmann::json evaluate_experiments(Database& db, std::int64_t now_ms, const SequentialTestConfig& base_cfg,
                                    const OtherArmOpeConfig& ope_cfg) {
  nlohmann::json out = nlohmann::json::array();
  for (auto& ex : running_experiments(db)) {
    ArmLogs logs = collect_arm_logs(db, ex, now_ms);
    SequentialTestConfig cfg = base_cfg;
    if (ex.config.contains("minSamples")) cfg.min_samples = ex.config["minSamples"].get<std::int64_t>();
    nlohmann::json arms = nlohmann::json::array();
    for (const auto& a : ex.arms) arms.push_back(arm_json(ex, a, logs, ope_cfg));
    nlohmann::json result = {{"experimentId", ex.id}, {"name", ex.name}, {"at", now_ms}, {"arms", arms}};
    if (ex.arms.size() >= 2) decide(db, ex, logs, cfg, result);
    db.prepare("INSERT INTO experiment_evaluations(experiment_id, at_ms, result) VALUES (?,?,?)")
        .bind(1, ex.id)
        .bind(2, now_ms)
        .bind(3, result.dump())
        .run();
    out.push_back(std::move(result));
  }
  return out;
}

}  // namespace wayfinder::server
