#include "wayfinder/bandit/posterior.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace wayfinder::bandit {
namespace {

void require_counts(const BetaCounts& c, const char* what) {
  if (!std::isfinite(c.alpha) || !std::isfinite(c.beta) || c.alpha < 0.0 || c.beta < 0.0)
    throw std::invalid_argument(std::string(what) + " alpha/beta must be finite and >= 0");
}

void require_config(const PosteriorConfig& c, double prior_mean) {
  if (!(prior_mean > 0.0 && prior_mean < 1.0)) throw std::invalid_argument("prior_mean must be in (0, 1)");
  if (!(c.prior_strength > 0.0) || !std::isfinite(c.prior_strength))
    throw std::invalid_argument("prior_strength must be finite and > 0");
  if (!(c.community_cap >= 0.0) || !std::isfinite(c.community_cap))
    throw std::invalid_argument("community_cap must be finite and >= 0");
  if (!(c.local_weight >= 0.0) || !std::isfinite(c.local_weight))
    throw std::invalid_argument("local_weight must be finite and >= 0");
  if (!(c.influence_half > 0.0) || !std::isfinite(c.influence_half))
    throw std::invalid_argument("influence_half must be finite and > 0");
}

WeightedEvidence weighted(const BetaCounts& community, const BetaCounts& local, const PosteriorConfig& config) {
  const double n_c = community.alpha + community.beta;
  const double scale = n_c > config.community_cap ? config.community_cap / n_c : 1.0;
  return {scale * community.alpha, scale * community.beta, config.local_weight * local.alpha,
          config.local_weight * local.beta, scale * n_c + config.local_weight * (local.alpha + local.beta)};
}

}  // namespace

WeightedEvidence weigh_evidence(const BetaCounts& community, const BetaCounts& local, const PosteriorConfig& config) {
  require_counts(community, "community");
  require_counts(local, "local");
  require_config(config, 0.5);  // any valid prior mean: the caller supplies its own
  return weighted(community, local, config);
}

Posterior combine(const BetaCounts& community, const BetaCounts& local, const PosteriorConfig& config,
                  double prior_mean) {
  require_counts(community, "community");
  require_counts(local, "local");
  require_config(config, prior_mean);
  const auto e = weighted(community, local, config);
  Posterior p;
  p.prior_mean = prior_mean;
  p.alpha = e.alpha(config.prior_strength, prior_mean);
  p.beta = e.beta(config.prior_strength, prior_mean);
  p.evidence = e.evidence;
  return p;
}

double global_mean(std::span<const BetaCounts> snapshot, double fallback, double fallback_weight) {
  if (!(fallback > 0.0 && fallback < 1.0)) throw std::invalid_argument("fallback must be in (0, 1)");
  if (!(fallback_weight > 0.0)) throw std::invalid_argument("fallback_weight must be > 0");
  double a = fallback * fallback_weight, n = fallback_weight;
  for (const auto& c : snapshot) {
    require_counts(c, "snapshot");
    a += c.alpha;
    n += c.alpha + c.beta;
  }
  // Keep the prior strictly inside (0, 1) so Beta(m0·s, (1−m0)·s) stays proper.
  return std::clamp(a / n, 1e-3, 1.0 - 1e-3);
}

double bandit_influence(double evidence, const PosteriorConfig& config) {
  if (!(evidence >= 0.0)) throw std::invalid_argument("evidence must be >= 0");
  return evidence / (evidence + config.influence_half);
}

}  // namespace wayfinder::bandit
