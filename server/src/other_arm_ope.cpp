#include "other_arm_ope.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "wayfinder/ope/estimators.h"

namespace wayfinder::server {

namespace {

// DR's reward model: CTR by slot (the context), shrunk toward the pooled CTR. It does not depend on the project,
// so the model's value of the target at a context, Σ_a π(a|x) q̂(x), is q̂(x) itself.
std::vector<ope::LoggedRecord> logged_records(std::span<const OpeSample> logs, double prior) {
  double clicks = 0;
  std::map<int, std::pair<double, double>> by_position;  // clicks, impressions
  for (const auto& s : logs) {
    clicks += s.reward;
    auto& [c, n] = by_position[s.position];
    c += s.reward;
    n += 1;
  }
  const double pooled = clicks / static_cast<double>(logs.size());
  std::vector<ope::LoggedRecord> records(logs.size());
  for (std::size_t i = 0; i < logs.size(); ++i) {
    const auto& s = logs[i];
    const auto& [c, n] = by_position[s.position];
    const double q = (c + prior * pooled) / (n + prior);
    auto& r = records[i];
    r.propensity = s.propensity;
    r.target_probability = s.alt_propensity;
    r.reward = s.reward;
    r.model_reward = q;
    r.model_value = q;
  }
  return records;
}

// The mean importance weight π/μ and an upper 95% bound on it: about the share of the target's choices the logs cover.
std::pair<double, double> mean_weight(std::span<const OpeSample> logs) {
  double w_sum = 0, w_sq = 0;
  for (const auto& s : logs) {
    const double w = s.alt_propensity / s.propensity;
    w_sum += w;
    w_sq += w * w;
  }
  const double n = static_cast<double>(logs.size());
  const double mean_w = w_sum / n;
  const double sd_w = n > 1 ? std::sqrt(std::max(0.0, (w_sq - n * mean_w * mean_w) / (n - 1))) : 0.0;
  return {mean_w, mean_w + 1.959964 * sd_w / std::sqrt(n)};
}

}  // namespace

nlohmann::json other_arm_ope(std::span<const OpeSample> logs, std::size_t skipped, const std::string& logging_arm,
                             const std::string& target_arm, const OtherArmOpeConfig& cfg) {
  nlohmann::json out = {{"targetArm", target_arm},
                        {"loggedBy", logging_arm},
                        {"metric", "ctr"},
                        {"records", logs.size()},
                        {"skippedWithoutPropensities", skipped}};
  if (logs.empty()) {
    out["supported"] = false;
    out["unsupportedReason"] = "no impressions of arm " + logging_arm + " carry propensity and altPropensity";
    return out;
  }
  const auto records = logged_records(logs, cfg.reward_model_prior);
  ope::validate(records);
  ope::BootstrapConfig boot;
  boot.resamples = cfg.resamples;
  boot.level = cfg.level;
  boot.seed = cfg.seed;
  const auto put = [&](const char* name, ope::Estimator e) {
    const auto est = ope::estimate(records, e, boot);
    out[name] = {{"value", est.value}, {"interval", {est.lower, est.upper}}};
    return est;
  };
  const auto ips = put("ips", ope::Estimator::kIps);
  put("snips", ope::Estimator::kSnips);
  put("dr", ope::Estimator::kDoublyRobust);
  const auto [mean_w, mean_w_upper] = mean_weight(logs);
  out["effectiveSampleSize"] = ips.effective_sample_size;
  out["meanWeight"] = mean_w;
  out["meanWeightUpper"] = mean_w_upper;
  out["minEffectiveSampleSize"] = cfg.min_effective_sample_size;
  std::string reason;
  if (ips.effective_sample_size < cfg.min_effective_sample_size) {
    reason = "effective sample size " + std::to_string(ips.effective_sample_size) + " < " +
             std::to_string(cfg.min_effective_sample_size);
  } else if (mean_w_upper < cfg.min_mean_weight) {
    reason = "arm " + logging_arm + " rarely shows what arm " + target_arm + " would: mean weight " +
             std::to_string(mean_w) + " (≈ the share of " + target_arm + "'s choices these logs cover) < " +
             std::to_string(cfg.min_mean_weight);
  }
  out["supported"] = reason.empty();
  out["unsupportedReason"] = reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(reason);
  return out;
}

}  // namespace wayfinder::server
