// Posterior quality of one project: a prior centred on the global mean ⊕ community evidence (capped so it acts
// as a prior) ⊕ the learner's own evidence (weighted). Invariant: alpha, beta > 0; evidence >= 0.
#pragma once

#include <span>

#include "wayfinder/bandit/reward.h"

namespace wayfinder::bandit {

struct PosteriorConfig {
  double prior_mean = 0.3;       // m0: used when no global mean is known (see global_mean)
  double prior_strength = 2.0;   // a0 + b0 of the prior Beta(m0·s, (1−m0)·s)
  double community_cap = 50.0;   // community evidence is scaled down to at most this many pseudo-counts
  double local_weight = 3.0;     // one unit of the learner's own evidence counts this much
  double influence_half = 5.0;   // k: the bandit term's weight is n / (n + k) for evidence n
};

struct Posterior {
  double alpha = 1.0;
  double beta = 1.0;
  double evidence = 0.0;   // n = scaled community + weighted local pseudo-counts (prior excluded)
  double prior_mean = 0.3;  // m0 the sample is centred on
  double mean() const { return alpha / (alpha + beta); }
};

// A project's own evidence as combine() weighs it: the community counts scaled by c, the learner's by w (below).
// alpha(s, m) = m·s + c·C.alpha + w·L.alpha, beta(s, m) = (1−m)·s + c·C.beta + w·L.beta, summed in that order, so a
// caller that varies the prior per draw (the hierarchical arm's Monte Carlo) gets combine()'s values bit for bit.
struct WeightedEvidence {
  double community_alpha = 0.0, community_beta = 0.0;  // c·C.alpha, c·C.beta
  double local_alpha = 0.0, local_beta = 0.0;          // w·L.alpha, w·L.beta
  double evidence = 0.0;                               // n = c·(C.alpha + C.beta) + w·(L.alpha + L.beta)
  double alpha(double strength, double mean) const { return mean * strength + community_alpha + local_alpha; }
  double beta(double strength, double mean) const { return (1.0 - mean) * strength + community_beta + local_beta; }
};
// Throws std::invalid_argument on negative/non-finite counts or config out of range (its prior_mean aside).
WeightedEvidence weigh_evidence(const BetaCounts& community, const BetaCounts& local, const PosteriorConfig& config);

// alpha = m0·s + c·C.alpha + w·L.alpha, beta = (1−m0)·s + c·C.beta + w·L.beta,
// c = min(1, community_cap / (C.alpha + C.beta)), n = c·(C.alpha + C.beta) + w·(L.alpha + L.beta).
// Throws std::invalid_argument on negative/non-finite counts or config out of range.
Posterior combine(const BetaCounts& community, const BetaCounts& local, const PosteriorConfig& config,
                  double prior_mean);
inline Posterior combine(const BetaCounts& community, const BetaCounts& local, const PosteriorConfig& config = {}) {
  return combine(community, local, config, config.prior_mean);
}

// Pooled success rate of a community snapshot, Σalpha / Σ(alpha+beta), shrunk toward `fallback` by
// `fallback_weight` pseudo-counts so an almost empty snapshot doesn't set an extreme prior.
double global_mean(std::span<const BetaCounts> snapshot, double fallback = 0.3, double fallback_weight = 20.0);

// Weight of the bandit term for evidence n: n / (n + k); 0 at cold start.
double bandit_influence(double evidence, const PosteriorConfig& config = {});

}  // namespace wayfinder::bandit
