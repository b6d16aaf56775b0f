#include "wayfinder/bandit/linear_ts.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "wayfinder/random/samplers.h"

namespace wayfinder::bandit {
namespace {

constexpr std::size_t kD = kFeatureDim;

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

bool positive_finite(double v) { return std::isfinite(v) && v > 0.0; }

}  // namespace

void validate(const LinearConfig& c) {
  require(positive_finite(c.prior_precision), "linear: prior_precision must be finite and > 0");
  require(positive_finite(c.bias_precision), "linear: bias_precision must be finite and > 0");
  require(positive_finite(c.noise_scale), "linear: noise_scale must be finite and > 0");
  require(positive_finite(c.project_cap), "linear: project_cap must be finite and > 0");
  require(positive_finite(c.community_cap), "linear: community_cap must be finite and > 0");
  require(positive_finite(c.local_weight), "linear: local_weight must be finite and > 0");
  require(positive_finite(c.influence_half), "linear: influence_half must be finite and > 0");
  require(positive_finite(c.item_prior_strength) && c.item_prior_strength > 2.0,
          "linear: item_prior_strength must be finite and > 2");
}

void require_features(std::span<const double> x) {
  if (x.size() != kD)
    throw std::invalid_argument("features: expected " + std::to_string(kD) + " values, got " + std::to_string(x.size()));
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i])) throw std::invalid_argument("features: value " + std::to_string(i) + " is not finite");
}

LinearPosterior::LinearPosterior(LinearConfig config) : config_(config) {
  validate(config_);
  reset(prior_mean_);
}

void LinearPosterior::reset(double prior_mean) {
  require(prior_mean > 0.0 && prior_mean < 1.0, "linear: prior_mean must be in (0, 1)");
  prior_mean_ = prior_mean;
  evidence_ = 0.0;
  factor_.assign(kD * kD, 0.0);
  const double d = std::sqrt(config_.prior_precision);
  for (std::size_t i = 0; i < kD; ++i) factor_[i * kD + i] = d;
  factor_[0] = std::sqrt(config_.bias_precision);
  b_.assign(kD, 0.0);
  mean_ready_ = false;
}

// A ← A + v·vᵀ on the factor: the classic rank-one Cholesky update, one Givens-like step per column.
void LinearPosterior::add(std::span<const double> x, const BetaCounts& counts, double weight) {
  require_features(x);
  require(std::isfinite(counts.alpha) && std::isfinite(counts.beta) && counts.alpha >= 0.0 && counts.beta >= 0.0,
          "linear: counts must be finite and >= 0");
  require(std::isfinite(weight) && weight >= 0.0, "linear: weight must be finite and >= 0");
  const double n = weight * (counts.alpha + counts.beta);
  if (n == 0.0) return;
  double v[kD];
  const double root = std::sqrt(n);
  for (std::size_t i = 0; i < kD; ++i) v[i] = root * x[i];
  for (std::size_t k = 0; k < kD; ++k) {
    double& lkk = factor_[k * kD + k];
    const double r = std::sqrt(lkk * lkk + v[k] * v[k]);
    const double c = r / lkk;
    const double s = v[k] / lkk;
    lkk = r;
    for (std::size_t i = k + 1; i < kD; ++i) {
      double& lik = factor_[i * kD + k];
      lik = (lik + s * v[i]) / c;
      v[i] = c * v[i] - s * lik;
    }
  }
  const double centred = weight * (counts.alpha - prior_mean_ * (counts.alpha + counts.beta));
  for (std::size_t i = 0; i < kD; ++i) b_[i] += centred * x[i];
  evidence_ += n;
  mean_ready_ = false;
}

// μ = A⁻¹b: L·y = b, then Lᵀ·μ = y.
const std::vector<double>& LinearPosterior::mean() const {
  if (mean_ready_) return mean_;
  std::vector<double> y(kD);
  for (std::size_t i = 0; i < kD; ++i) {
    double s = b_[i];
    for (std::size_t k = 0; k < i; ++k) s -= factor_[i * kD + k] * y[k];
    y[i] = s / factor_[i * kD + i];
  }
  mean_.assign(kD, 0.0);
  for (std::size_t i = kD; i-- > 0;) {
    double s = y[i];
    for (std::size_t k = i + 1; k < kD; ++k) s -= factor_[k * kD + i] * mean_[k];
    mean_[i] = s / factor_[i * kD + i];
  }
  mean_ready_ = true;
  return mean_;
}

// Lᵀ·u = z gives u ~ N(0, A⁻¹).
std::vector<double> LinearPosterior::draw(random::Xoshiro256ss& rng) const {
  double z[kD];
  for (std::size_t i = 0; i < kD; ++i) z[i] = random::standard_normal(rng);
  const auto& mu = mean();
  std::vector<double> theta(kD);
  double u[kD];
  for (std::size_t i = kD; i-- > 0;) {
    double s = z[i];
    for (std::size_t k = i + 1; k < kD; ++k) s -= factor_[k * kD + i] * u[k];
    u[i] = s / factor_[i * kD + i];
  }
  for (std::size_t i = 0; i < kD; ++i) theta[i] = mu[i] + config_.noise_scale * u[i];
  return theta;
}

void LinearPosterior::draw_many(random::Xoshiro256ss& rng, std::size_t n, std::vector<double>& thetas) const {
  thetas.resize(kD * n);
  for (std::size_t d = 0; d < n; ++d)  // the normals in draw()'s order: draw by draw
    for (std::size_t i = 0; i < kD; ++i) thetas[i * n + d] = random::standard_normal(rng);
  double* u = thetas.data();  // solved in place, row i from rows k > i (as draw(): s = z; s −= L_ki·u_k; s / L_ii)
  for (std::size_t i = kD; i-- > 0;) {
    double* row = u + i * n;
    for (std::size_t k = i + 1; k < kD; ++k) {
      const double l = factor_[k * kD + i];
      const double* uk = u + k * n;
      for (std::size_t d = 0; d < n; ++d) row[d] -= l * uk[d];
    }
    const double diag = factor_[i * kD + i];
    for (std::size_t d = 0; d < n; ++d) row[d] /= diag;
  }
  const auto& mu = mean();
  for (std::size_t i = 0; i < kD; ++i)
    for (std::size_t d = 0; d < n; ++d) u[i * n + d] = mu[i] + config_.noise_scale * u[i * n + d];
}

void LinearPosterior::dots(std::span<const double> x, std::span<const double> thetas, std::span<double> out) {
  const std::size_t n = out.size();
  if (x.size() != kD || thetas.size() != kD * n)
    throw std::invalid_argument("linear: dots needs " + std::to_string(kD) + " features and " + std::to_string(kD) +
                                " rows of draws");
  std::fill(out.begin(), out.end(), 0.0);
  for (std::size_t k = 0; k < kD; ++k) {
    const double xk = x[k];
    const double* row = thetas.data() + k * n;
    for (std::size_t d = 0; d < n; ++d) out[d] += xk * row[d];
  }
}

double LinearPosterior::dot(std::span<const double> x, std::span<const double> theta) {
  double s = 0.0;
  for (std::size_t i = 0; i < kD; ++i) s += x[i] * theta[i];
  return s;
}

double LinearPosterior::quality(std::span<const double> x, std::span<const double> theta) const {
  if (x.size() != kD || theta.size() != kD)
    throw std::invalid_argument("linear: quality needs " + std::to_string(kD) + " features and as many weights");
  return quality_of_dot(dot(x, theta));
}

double LinearPosterior::quality_of_dot(double dot) const {
  const double deviation = std::clamp(dot, -prior_mean_, 1.0 - prior_mean_);
  return prior_mean_ + influence() * deviation;
}

double linear_rate(const LinearPosterior& linear, std::span<const double> x, std::span<const double> theta) {
  return linear_rate_of_dot(linear, LinearPosterior::dot(x, theta));
}

double linear_rate_of_dot(const LinearPosterior& linear, double dot) {
  const double floor = 1.0 / linear.config().item_prior_strength;  // κ·r >= 1 and κ·(1 − r) >= 1
  return std::clamp(linear.prior_mean() + dot, floor, 1.0 - floor);
}

Posterior hierarchical_posterior(const LinearPosterior& linear, std::span<const double> x, std::span<const double> theta,
                                 const BetaCounts& community, const BetaCounts& local, const PosteriorConfig& config) {
  require_features(x);
  require_features(theta);
  PosteriorConfig with_model_prior = config;
  with_model_prior.prior_strength = linear.config().item_prior_strength;
  // combine() sums κ·r + c·C.alpha + w·L.alpha through WeightedEvidence, as the hot loop does (bit for bit).
  return combine(community, local, with_model_prior, linear_rate(linear, x, theta));
}

ThompsonDraw hierarchical_draw(const LinearPosterior& linear, std::span<const double> x, std::span<const double> theta,
                               const BetaCounts& community, const BetaCounts& local, const PosteriorConfig& config,
                               random::Xoshiro256ss& rng) {
  const Posterior p = hierarchical_posterior(linear, x, theta, community, local, config);
  ThompsonDraw d;
  d.sample = random::beta(rng, p.alpha, p.beta);
  d.posterior_mean = hierarchical_posterior(linear, x, linear.mean(), community, local, config).mean();
  d.evidence = linear.evidence();
  d.influence = linear.influence();
  d.quality = linear.prior_mean() + d.influence * (d.sample - linear.prior_mean());
  return d;
}

}  // namespace wayfinder::bandit
