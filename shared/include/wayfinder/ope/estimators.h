// Off-policy estimators over logged (action, propensity, reward) records: IPS, self-normalised IPS, doubly
// robust, with seeded bootstrap intervals. Invariant: deterministic for a given record order and seed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace wayfinder::ope {

struct LoggedRecord {
  std::uint32_t action = 0;          // the logged project (for bookkeeping; estimators don't need it)
  double propensity = 1.0;           // μ(a|x) of the logging policy, in (0, 1]
  double reward = 0.0;               // observed reward
  double target_probability = 0.0;   // π(a|x) of the policy being evaluated, in [0, 1]
  double model_reward = 0.0;         // q̂(x, a): reward model at the logged action (doubly robust)
  double model_value = 0.0;          // Σ_a' π(a'|x) q̂(x, a'): the model's value of the target policy at x
};

// Throws std::invalid_argument naming the record index and field.
void validate(std::span<const LoggedRecord> records);

double ips(std::span<const LoggedRecord> records);            // (1/n) Σ w r, w = π/μ
double snips(std::span<const LoggedRecord> records);          // Σ w r / Σ w (0 when Σ w = 0)
double doubly_robust(std::span<const LoggedRecord> records);  // (1/n) Σ [V̂ + w (r − q̂)]
double effective_sample_size(std::span<const LoggedRecord> records);  // (Σ w)² / Σ w²

enum class Estimator { kIps, kSnips, kDoublyRobust };

struct BootstrapConfig {
  std::size_t resamples = 1000;
  double level = 0.95;  // central percentile interval
  std::uint64_t seed = 0;
};

struct Estimate {
  double value = 0.0;  // the estimator on all records
  double lower = 0.0;  // bootstrap percentile interval
  double upper = 0.0;
  std::size_t n = 0;
  double effective_sample_size = 0.0;
};

// Empty records throw std::invalid_argument.
Estimate estimate(std::span<const LoggedRecord> records, Estimator estimator, const BootstrapConfig& bootstrap = {});

}  // namespace wayfinder::ope
