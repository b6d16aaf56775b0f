// Thompson sampling over project posteriors: one Beta draw per candidate, centred on the prior mean and scaled
// by evidence. Invariant: with zero evidence quality == prior mean exactly (no cold-start noise).
#pragma once

#include "wayfinder/bandit/posterior.h"
#include "wayfinder/random/xoshiro.h"

namespace wayfinder::bandit {

struct ThompsonDraw {
  double sample = 0.0;          // θ ~ Beta(alpha, beta)
  double quality = 0.0;         // m0 + λ·(θ − m0), λ = n / (n + k): the bandit term of the score
  double posterior_mean = 0.0;  // alpha / (alpha + beta)
  double evidence = 0.0;        // n
  double influence = 0.0;       // λ
};

class ThompsonSampler {
 public:
  explicit ThompsonSampler(PosteriorConfig config = {}) : config_(config) {}

  // Seed one stream per candidate (derive_seed) so a candidate's draw doesn't depend on what else is ranked.
  ThompsonDraw draw(const Posterior& posterior, random::Xoshiro256ss& rng) const;

  const PosteriorConfig& config() const { return config_; }

 private:
  PosteriorConfig config_;
};

}  // namespace wayfinder::bandit
