// Per-project bandit evidence, keyed by shard row index: the community snapshot (from the server) and the
// learner's own counts (applied at once, capped per project per day). Invariant: all counts finite and >= 0.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>

#include "wayfinder/bandit/posterior.h"
#include "wayfinder/bandit/reward.h"

namespace wayfinder::bandit {

class EvidenceStore {
 public:
  // Replaces the whole community snapshot and recomputes the prior mean from it (global_mean).
  void set_community(std::span<const std::uint32_t> indices, std::span<const BetaCounts> counts);
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

 private:
  std::map<std::uint32_t, BetaCounts> community_;
  std::map<std::uint32_t, BetaCounts> local_;
  std::map<std::uint32_t, std::pair<std::int64_t, BetaUpdate>> today_;  // index → (day, applied that day)
  double prior_mean_ = PosteriorConfig{}.prior_mean;
};

}  // namespace wayfinder::bandit
