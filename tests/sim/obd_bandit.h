// Calibrated Bernoulli slate bandit of the Open Bandit Dataset widget: 3 slots, click = Bernoulli(θ_item · w_slot).
// Invariant: every click probability lies in [0, 1]; a seed fixes every click and every policy draw.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "obd_log.h"

namespace wayfinder::sim {

struct SlateClickModel {
  std::string calibration;                   // how item_ctr was obtained (for reports)
  std::vector<double> item_ctr;              // θ_k: click rate of item k averaged over the three slots
  std::array<double, 3> slot_weight{1, 1, 1};  // w_j: slot CTR / mean slot CTR (mean 1)

  double click_probability(std::uint32_t item, int slot) const;
  double mean_ctr() const;  // CTR of uniform random slates
};

// θ_k = clicks_k / impressions_k of a uniform-random log; w_j from the log's per-slot CTR.
SlateClickModel calibrate_raw(const ObdLog& random_log);
// Empirical-Bayes shrinkage of the raw rates toward the pooled CTR: a Beta prior fitted by the method of moments
// (between-item variance = observed variance − binomial noise). No detectable spread ⇒ every θ_k = pooled CTR.
SlateClickModel calibrate_shrunk(const ObdLog& random_log, double* prior_strength_out = nullptr);
// θ_k = alpha_k / (alpha_k + beta_k) of the production prior; slot weights from the random log.
SlateClickModel calibrate_from_prior(const BetaPrior& prior, const ObdLog& random_log);

enum class SlatePolicy {
  uniform_random,      // 3 distinct items uniformly at random
  bernoulli_ts,        // Beta(1, 1) prior, top-3 Thompson draws (core sampler), updated after every round
  bernoulli_ts_prior,  // the same, starting from the production (ZOZOTOWN) prior
  oracle,              // the 3 best items by θ, best in the best slot: the ceiling
};
std::string to_string(SlatePolicy policy);

struct SlateRun {
  std::vector<std::int64_t> checkpoints;  // rounds after which the cumulative counts were taken
  std::vector<double> clicks;             // cumulative clicks at each checkpoint
  std::vector<double> impressions;        // cumulative impressions (3 per round)
};

// Runs `rounds` widget displays. Clicks come from their own stream (derive_seed(seed, 1)), the same for every
// policy (common random numbers); policy randomness from derive_seed(seed, 2). `prior` only for bernoulli_ts_prior.
SlateRun run_slate_bandit(const SlateClickModel& model, SlatePolicy policy, std::int64_t rounds, std::uint64_t seed,
                          const std::vector<std::int64_t>& checkpoints, const BetaPrior* prior = nullptr);

}  // namespace wayfinder::sim
