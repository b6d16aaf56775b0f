// Off-policy estimate of the OTHER arm's CTR from one arm's impressions (μ = logged propensity, π = altPropensity),
// with the core's IPS / SNIPS / DR and bootstrap intervals. Invariant: an estimate is marked unsupported whenever
// the logs cannot carry it (too small an effective sample size, or the other arm's choices are missing from them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace wayfinder::server {

struct OpeSample {
  int position = 0;
  double propensity = 1.0;      // μ, in (0, 1]
  double alt_propensity = 0.0;  // π of the other arm, in [0, 1]
  double reward = 0.0;          // 1 when the impression was clicked
};

struct OtherArmOpeConfig {
  std::size_t resamples = 200;   // bootstrap resamples per estimator (the nightly job runs 3 estimators × 2 arms)
  double level = 0.95;
  std::uint64_t seed = 20261128;
  double min_effective_sample_size = 100.0;
  // E_μ[π/μ] is the other arm's probability mass on projects this arm can show; below 1 the rest is unseen.
  // Unsupported when the upper 95% bound of the mean weight is below this.
  double min_mean_weight = 0.9;
  double reward_model_prior = 20.0;  // DR: per-position CTR shrunk toward the pooled CTR with this many pseudo-counts
};

// `skipped` = impressions of this arm without both propensities (old clients); reported, not estimated from.
nlohmann::json other_arm_ope(std::span<const OpeSample> logs, std::size_t skipped, const std::string& logging_arm,
                             const std::string& target_arm, const OtherArmOpeConfig& config = {});

}  // namespace wayfinder::server
