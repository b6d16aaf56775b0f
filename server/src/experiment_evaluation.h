// Experiment evaluation: per-arm CTR and average reward with 95% intervals, and the core's always-valid sequential
// test (experiment/sequential.h: mixture SPRT, normal approximation) so that looking every day keeps the
// false-winner rate at most alpha. Invariant: the always-valid p-value of an experiment never increases.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "other_arm_ope.h"
#include "wayfinder/experiment/sequential.h"
#include "db.h"

namespace wayfinder::server {

// The sequential test itself is the core's (experiment/sequential.h); the server applies it at every evaluation.
using experiment::ArmStats;
using experiment::msprt_p_value;
using experiment::sequential_decision;
using experiment::SequentialDecision;
using experiment::SequentialTestConfig;

struct Interval {
  double low = 0, high = 0;
};

Interval wilson_interval(std::int64_t successes, std::int64_t n, double z = 1.959964);
Interval mean_interval(double sum, double sq_sum, std::int64_t n, double z = 1.959964);

// Evaluates every running experiment in rl_ab_test, stores an experiment_evaluations row each, and publishes the
// exploration-rate adjustment into the experiment's config. Returns the evaluations as JSON. In a two-arm
// experiment each arm also carries "otherArmOpe": the off-policy estimate of the other arm's CTR from its own logs.
nlohmann::json evaluate_experiments(Database& db, std::int64_t now_ms, const SequentialTestConfig& cfg = {},
                                    const OtherArmOpeConfig& ope_cfg = {});

}  // namespace wayfinder::server
