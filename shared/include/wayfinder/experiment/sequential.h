// The always-valid sequential test of an experiment's CTR difference (mixture SPRT, normal approximation): the one
// rule the server's experiment evaluation applies at every look and the simulator's A/A and A/B runs call, so that
// looking every day keeps the false-winner rate at most alpha. Invariant: the always-valid p-value never increases
// from one look to the next.
#pragma once

#include <cstdint>
#include <string>

namespace wayfinder::experiment {

struct ArmStats {
  std::string arm;
  std::int64_t impressions = 0;
  std::int64_t clicks = 0;
  double reward_sum = 0;
  double reward_sq_sum = 0;
};

struct SequentialTestConfig {
  double alpha = 0.05;
  double tau = 0.01;                // mixing sd on the CTR-difference scale (≈ the effect size worth detecting)
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

}  // namespace wayfinder::experiment
