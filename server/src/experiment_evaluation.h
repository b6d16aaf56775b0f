// Experiment evaluation: per-arm CTR and average reward with 95% intervals, and an always-valid sequential test
// (mixture SPRT, normal approximation) so that looking every day keeps the false-winner rate at most alpha.
// Invariant: the always-valid p-value of an experiment never increases from one look to the next.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "other_arm_ope.h"
#include "db.h"

namespace wayfinder::server {

struct ArmStats {
  std::string arm;
  std::int64_t impressions = 0;
  std::int64_t clicks = 0;
  double reward_sum = 0;
  double reward_sq_sum = 0;
};

struct Interval {
  double low = 0, high = 0;
};

Interval wilson_interval(std::int64_t successes, std::int64_t n, double z = 1.959964);
Interval mean_interval(double sum, double sq_sum, std::int64_t n, double z = 1.959964);

struct SequentialTestConfig {
  double alpha = 0.05;
  double tau = 0.01;               // mixing sd on the CTR-difference scale (≈ the effect size worth detecting)
  std::int64_t min_samples = 1000;  // per arm, before a winner may be declared
};

// mSPRT p-value for the CTR difference of b vs a at this look (Johari, Pekelis, Walsh 2017): 1 / Λ_n, capped at 1.
double msprt_p_value(const ArmStats& a, const ArmStats& b, double tau);

struct SequentialDecision {
  double p_value = 1.0;  // always-valid: min over all looks so far
  bool significant = false;
  std::string winner;  // empty unless significant
};
SequentialDecision sequential_decision(const ArmStats& control, const ArmStats& treatment, double previous_p,
                                       const SequentialTestConfig& cfg);

// Evaluates every running experiment in rl_ab_test, stores an experiment_evaluations row each, and publishes the
// exploration-rate adjustment into the experiment's config. Returns the evaluations as JSON. In a two-arm
// experiment each arm also carries "otherArmOpe": the off-policy estimate of the other arm's CTR from its own logs.
nlohmann::json evaluate_experiments(Database& db, std::int64_t now_ms, const SequentialTestConfig& cfg = {},
                                    const OtherArmOpeConfig& ope_cfg = {});

}  // namespace wayfinder::server
