#include "wayfinder/bandit/evidence_store.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace wayfinder::bandit {
namespace {

void require_counts(const BetaCounts& c, const std::string& what) {
  if (!std::isfinite(c.alpha) || !std::isfinite(c.beta) || c.alpha < 0.0 || c.beta < 0.0)
    throw std::invalid_argument(what + ": alpha/beta must be finite and >= 0");
}

}  // namespace

void EvidenceStore::set_community(std::span<const std::uint32_t> indices, std::span<const BetaCounts> counts) {
  if (indices.size() != counts.size()) throw std::invalid_argument("community: indices and counts differ in length");
  std::map<std::uint32_t, BetaCounts> next;
  for (std::size_t i = 0; i < indices.size(); ++i) {
    require_counts(counts[i], "community[" + std::to_string(i) + "]");
    next[indices[i]] = counts[i];
  }
  std::vector<BetaCounts> all;
  all.reserve(next.size());
  for (const auto& [index, c] : next) all.push_back(c);
  prior_mean_ = global_mean(all, PosteriorConfig{}.prior_mean);
  community_ = std::move(next);
  linear_changed(true);
}

void EvidenceStore::adopt_community(const EvidenceStore& other) {
  community_ = other.community_;
  prior_mean_ = other.prior_mean_;
  linear_changed(true);
  if (other.community_ready_ && other.features_ == features_) {
    community_linear_ = other.community_linear_;
    linear_config_ = other.linear_config_;
    community_ready_ = true;
  }
}

void EvidenceStore::set_local(std::uint32_t index, const BetaCounts& counts) {
  require_counts(counts, "local");
  local_[index] = counts;
  linear_changed(false);
}

BetaUpdate EvidenceStore::add_local(std::uint32_t index, std::int64_t day, const BetaUpdate& update, double cap) {
  if (!(update.success >= 0.0 && update.success <= 1.0 && update.failure >= 0.0 && update.failure <= 1.0))
    throw std::invalid_argument("update: success and failure must be in [0, 1]");
  auto& [d, applied] = today_[index];
  if (d != day) {
    d = day;
    applied = {};
  }
  const BetaUpdate fit = cap_daily(applied, update, cap);
  applied.success += fit.success;
  applied.failure += fit.failure;
  local_[index].add(fit);
  if (linear_ready_ && (fit.success > 0.0 || fit.failure > 0.0)) {
    double x[kFeatureDim];
    features_->features(index, x);
    linear_.add(x, BetaCounts{fit.success, fit.failure}, linear_config_.local_weight);
  }
  return fit;
}

BetaCounts EvidenceStore::community(std::uint32_t index) const {
  const auto it = community_.find(index);
  return it == community_.end() ? BetaCounts{} : it->second;
}

BetaCounts EvidenceStore::local(std::uint32_t index) const {
  const auto it = local_.find(index);
  return it == local_.end() ? BetaCounts{} : it->second;
}

void EvidenceStore::set_prior_mean(double m) {
  if (!(m > 0.0 && m < 1.0)) throw std::invalid_argument("prior_mean must be in (0, 1)");
  prior_mean_ = m;
  linear_changed(true);
}

void EvidenceStore::set_features(std::shared_ptr<const FeatureSource> features) {
  features_ = std::move(features);
  linear_changed(true);
}

const LinearPosterior& EvidenceStore::linear(const LinearConfig& config) const {
  if (!features_) throw std::logic_error("the contextual arm needs project features: no feature basis is loaded");
  const bool same = config.prior_precision == linear_config_.prior_precision &&
                    config.bias_precision == linear_config_.bias_precision &&
                    config.noise_scale == linear_config_.noise_scale && config.project_cap == linear_config_.project_cap &&
                    config.community_cap == linear_config_.community_cap &&
                    config.local_weight == linear_config_.local_weight &&
                    config.influence_half == linear_config_.influence_half;
  if (!same) community_ready_ = false;
  if (!linear_ready_ || !same) rebuild_linear(config);
  return linear_;
}

// Community: each project's counts scaled to at most project_cap, then all of them to at most community_cap in
// total; local counts weighted by local_weight. Projects in index order (std::map), so the sums are deterministic.
void EvidenceStore::rebuild_linear(const LinearConfig& config) const {
  double x[kFeatureDim];
  if (!community_ready_) {
    validate(config);
    LinearPosterior next(config);
    next.reset(prior_mean_);
    double total = 0.0;
    for (const auto& [index, c] : community_) total += std::min(config.project_cap, c.alpha + c.beta);
    const double global = total > config.community_cap ? config.community_cap / total : 1.0;
    for (const auto& [index, c] : community_) {
      const double n = c.alpha + c.beta;
      if (n == 0.0) continue;
      features_->features(index, x);
      next.add(x, c, global * (n > config.project_cap ? config.project_cap / n : 1.0));
    }
    community_linear_ = std::move(next);
    community_ready_ = true;
  }
  linear_ = community_linear_;
  for (const auto& [index, c] : local_) {
    features_->features(index, x);
    linear_.add(x, c, config.local_weight);
  }
  linear_config_ = config;
  linear_ready_ = true;
}

}  // namespace wayfinder::bandit
