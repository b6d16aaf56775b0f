// Per-project bandit evidence, keyed by shard row index: the community snapshot (from the server) and the
// learner's own counts (applied at once, capped per project per day). Invariant: all counts finite and >= 0.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>

#include "wayfinder/bandit/features.h"
#include "wayfinder/bandit/linear_ts.h"
#include "wayfinder/bandit/posterior.h"
#include "wayfinder/bandit/reward.h"

namespace wayfinder::bandit {

class EvidenceStore {
 public:
  // Replaces the whole community snapshot and recomputes the prior mean from it (global_mean).
  void set_community(std::span<const std::uint32_t> indices, std::span<const BetaCounts> counts);
  // The same community snapshot and prior mean as `other`, and its community part of the linear posterior when
  // `other` has built it (so many learners' stores share one build; the simulator's nightly merge). Local counts
  // and features stay this store's own.
  void adopt_community(const EvidenceStore& other);
  void set_local(std::uint32_t index, const BetaCounts& counts);
  // Adds `update` to the learner's counts for `index`, only as much as fits under `daily_cap` for `day`
  // (any monotone day number, e.g. days since epoch in UTC). Returns what was applied.
  BetaUpdate add_local(std::uint32_t index, std::int64_t day, const BetaUpdate& update, double daily_cap = 1.0);

  BetaCounts community(std::uint32_t index) const;
  BetaCounts local(std::uint32_t index) const;
  double prior_mean() const { return prior_mean_; }
  void set_prior_mean(double m);  // in (0, 1)

  Posterior posterior(std::uint32_t index, const PosteriorConfig& config) const {
    return combine(community(index), local(index), config, prior_mean_);
  }
  // The posterior mean of the community evidence alone (no local counts) under this store's prior; nullopt when
  // the snapshot holds nothing for `index`. What the page shows as "the community's score".
  std::optional<double> community_mean(std::uint32_t index, const PosteriorConfig& config) const {
    const auto it = community_.find(index);
    if (it == community_.end()) return std::nullopt;
    return combine(it->second, {}, config, prior_mean_).mean();
  }
  const std::map<std::uint32_t, BetaCounts>& local_counts() const { return local_; }

  // The contextual arm (linear_ts.h). Features by shard row; null until the feature basis is loaded.
  void set_features(std::shared_ptr<const FeatureSource> features);
  const FeatureSource* features() const { return features_.get(); }
  // The linear posterior of these counts under `config`: built from the community and local counts on first use
  // after a change of the snapshot, the prior mean, the features or a lowered count; add_local's increments are
  // rank-one updates of the built factor. Throws std::logic_error when no features are set.
  const LinearPosterior& linear(const LinearConfig& config = {}) const;

 private:
  void rebuild_linear(const LinearConfig& config) const;
  void linear_changed(bool community) {
    linear_ready_ = false;
    if (community) community_ready_ = false;
  }
  std::map<std::uint32_t, BetaCounts> community_;
  std::map<std::uint32_t, BetaCounts> local_;
  std::map<std::uint32_t, std::pair<std::int64_t, BetaUpdate>> today_;  // index → (day, applied that day)
  double prior_mean_ = PosteriorConfig{}.prior_mean;
  std::shared_ptr<const FeatureSource> features_;
  mutable LinearPosterior community_linear_;  // the community part alone (rebuilt only when it changes)
  mutable LinearPosterior linear_;            // community part + local counts
  mutable LinearConfig linear_config_;
  mutable bool community_ready_ = false;
  mutable bool linear_ready_ = false;
};

}  // namespace wayfinder::bandit
