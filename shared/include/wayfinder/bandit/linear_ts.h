// The contextual arm's model: Bayesian linear regression of a project's success rate on its features
// (features.h), sampled by Thompson through the Cholesky factor of the posterior precision. Invariant: the factor
// is lower-triangular with a positive diagonal; every number finite; a seeded draw is bit-identical natively and in
// WASM (fixed-order scalar loops, no Eigen packets: Eigen 3.4 has no WebAssembly SIMD path and its SSE reductions
// would sum in another order).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "wayfinder/bandit/features.h"
#include "wayfinder/bandit/posterior.h"
#include "wayfinder/bandit/thompson_sampler.h"
#include "wayfinder/bandit/reward.h"
#include "wayfinder/random/xoshiro.h"

namespace wayfinder::bandit {

struct LinearConfig {
  double prior_precision = 1.0;   // λ0: θ ~ N(0, v²/λ0) per feature before any evidence
  // The bias (feature 0) moves every project alike; a stronger prior keeps one liked project from lifting the whole
  // catalog (the global level is m0's job).
  double bias_precision = 25.0;
  double noise_scale = 0.3;       // v: the posterior of θ is N(μ, v²·A⁻¹)
  double project_cap = 50.0;      // a project's community counts count at most this much (as the Beta arm's cap)
  double community_cap = 200.0;   // the community's total weight is scaled down to at most this much
  double local_weight = 3.0;      // one unit of the learner's own evidence counts this much
  double influence_half = 5.0;    // k: the bandit term's weight is n / (n + k) for evidence n (0 at cold start)
  // κ of the hierarchical arm (> 2): the linear model's rate of a project weighs as κ pseudo-counts against that
  // project's own evidence (hierarchical_posterior).
  double item_prior_strength = 10.0;
};

// Throws std::invalid_argument naming the field when out of range.
void validate(const LinearConfig& config);

// A = diag(λ_bias, λ0, …, λ0) + Σ_p w_p·n_p·x_p x_pᵀ,  b = Σ_p w_p·(alpha_p − m0·n_p)·x_p,  n_p = alpha_p + beta_p
// over the community counts (w_p = the caps' scale) and the learner's own (w_p = local_weight): the counts of a
// project are its sufficient statistics because its features depend on the project only. μ = A⁻¹b; a Thompson
// draw is θ = μ + v·L⁻ᵀz, z ~ N(0, I), for A = L·Lᵀ; the bandit term of a project is m0 + λ·clamp(xᵀθ, −m0, 1 − m0).
class LinearPosterior {
 public:
  explicit LinearPosterior(LinearConfig config = {});

  // Starts again from the prior: A = diag(λ_bias, λ0, …), b = 0, evidence 0.
  void reset(double prior_mean);
  // Adds weight·(counts) of one project with features x: a rank-one update of the factor (no refactorisation).
  // Throws std::invalid_argument when x has the wrong size or a non-finite value, or the counts/weight are bad;
  // the posterior is then unchanged.
  void add(std::span<const double> x, const BetaCounts& counts, double weight);

  double prior_mean() const { return prior_mean_; }
  double evidence() const { return evidence_; }
  double influence() const { return evidence_ / (evidence_ + config_.influence_half); }
  const std::vector<double>& mean() const;      // μ (solved on demand after changes)
  const std::vector<double>& factor() const { return factor_; }  // L, kFeatureDim², row-major, lower
  const LinearConfig& config() const { return config_; }

  // θ ~ N(μ, v²A⁻¹) from kFeatureDim standard normals of rng, in order.
  std::vector<double> draw(random::Xoshiro256ss& rng) const;
  // n draws at once, bit for bit the θ of n successive draw(rng) calls, stored by feature: thetas[k·n + d] = θ_d[k]
  // (kFeatureDim·n values). The loops run over the draws innermost, so each draw keeps draw()'s order of operations
  // while the draws proceed side by side (no dependent chain of 45 subtractions per value; SIMD lanes = draws).
  void draw_many(random::Xoshiro256ss& rng, std::size_t n, std::vector<double>& thetas) const;
  // out[d] = xᵀθ_d for the n = out.size() draws of draw_many, bit for bit dot(x, θ_d) (same order per draw).
  static void dots(std::span<const double> x, std::span<const double> thetas, std::span<double> out);
  // m0 + λ·clamp(xᵀθ, −m0, 1 − m0). x must hold kFeatureDim values.
  double quality(std::span<const double> x, std::span<const double> theta) const;
  // The same from xᵀθ already computed: m0 + λ·clamp(dot, −m0, 1 − m0).
  double quality_of_dot(double dot) const;
  // xᵀθ, fixed order.
  static double dot(std::span<const double> x, std::span<const double> theta);

 private:
  LinearConfig config_;
  double prior_mean_ = 0.3;
  double evidence_ = 0.0;
  std::vector<double> factor_;  // L
  std::vector<double> b_;
  mutable std::vector<double> mean_;
  mutable bool mean_ready_ = false;
};

// Throws std::invalid_argument naming the problem when x is not kFeatureDim finite numbers.
void require_features(std::span<const double> x);

// The hierarchical arm (bandit kind "hierarchical"): the linear model is the prior of each project's own Beta
// counts. Under one draw θ, the linear rate r = clamp(m0 + xᵀθ, 1/κ, 1 − 1/κ) is the prior mean and
// κ = item_prior_strength (> 2) its strength (the clamp keeps both prior shapes >= 1: a unimodal prior, and the
// sampler's fast path): alpha = κ·r + c·C.alpha + w·L.alpha, beta = κ·(1 − r) + c·C.beta + w·L.beta
// (posterior.h's combine with prior (r, κ); c, w from `config`). So an unseen project starts where the model puts
// its neighbours (generalise early) and its own evidence takes over as it grows (remember the project late).
// Throws std::invalid_argument on bad features, θ, counts or config.
Posterior hierarchical_posterior(const LinearPosterior& linear, std::span<const double> x, std::span<const double> theta,
                                 const BetaCounts& community, const BetaCounts& local, const PosteriorConfig& config);
// The parts of hierarchical_posterior for a hot loop (the re-rank's Monte Carlo propensities): the project's own
// evidence once per candidate (posterior.h's weigh_evidence, validated); then per draw the linear rate
// r = clamp(m0 + xᵀθ, 1/κ, 1 − 1/κ) and WeightedEvidence::alpha(κ, r), beta(κ, r) without checks (x is checked once,
// θ comes from the posterior): equal bit for bit to hierarchical_posterior.
double linear_rate(const LinearPosterior& linear, std::span<const double> x, std::span<const double> theta);
// The same from xᵀθ already computed (LinearPosterior::dots): clamp(m0 + dot, 1/κ, 1 − 1/κ).
double linear_rate_of_dot(const LinearPosterior& linear, double dot);
// One Thompson draw of it: sample ~ Beta(alpha, beta) from rng; quality = m0 + λ·(sample − m0) with the linear
// model's λ = n / (n + k) over all evidence (0 with no evidence at all: the ranking is then the similarity ranking);
// posterior_mean is that of the posterior at θ = μ.
ThompsonDraw hierarchical_draw(const LinearPosterior& linear, std::span<const double> x, std::span<const double> theta,
                               const BetaCounts& community, const BetaCounts& local, const PosteriorConfig& config,
                               random::Xoshiro256ss& rng);

}  // namespace wayfinder::bandit
