#include "wayfinder/bandit/evidence_store.h"

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
}

void EvidenceStore::set_local(std::uint32_t index, const BetaCounts& counts) {
  require_counts(counts, "local");
  local_[index] = counts;
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
}

}  // namespace wayfinder::bandit
