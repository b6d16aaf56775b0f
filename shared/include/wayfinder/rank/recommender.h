// One object the JS package holds per learner: caches the content ranking per profile hash, keeps the bandit
// evidence, and samples each ranking id once, then pages it. Invariant: pages of one ranking id never overlap.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "wayfinder/bandit/evidence_store.h"
#include "wayfinder/rank/rerank.h"
#include "wayfinder/search/candidate.h"

namespace wayfinder::rank {

struct RecommenderConfig {
  RerankConfig rerank;
  std::uint64_t seed = 0;             // mixed into every ranking's seed (e.g. derived from the user id)
  std::size_t content_cache_size = 4;  // profiles whose content rankings are kept
  std::size_t ranking_cache_size = 16; // ranking ids whose sampled slots are kept for paging
};

class Recommender {
 public:
  explicit Recommender(RecommenderConfig config = {});

  // Content ranking (embedding + top candidates) for a profile hash: computed by the caller once per profile.
  bool has_content(std::uint64_t profile_hash) const;
  void set_content(std::uint64_t profile_hash, search::ContentRanking content);

  // Page [offset, offset + limit) of ranking `ranking_id`, counted over its slots not hidden (set_hidden). A new ranking id re-ranks with the current evidence
  // (feedback shows at once); a known one extends and pages its stored slots (no repeats, even after feedback).
  // Throws std::invalid_argument when no content is cached for profile_hash.
  Ranking recommend(std::uint64_t profile_hash, std::string_view ranking_id, std::size_t limit, std::size_t offset,
                    bool use_rl);
  // The same under a ranking policy of its own (an experiment arm's ε and blend, experiment/policy.h); a ranking id
  // keeps the config it was first sampled with, so its later pages extend it consistently. A config with the
  // contextual arm (bandit kind linear) ranks with the Beta arm while no feature basis is set on the evidence, or
  // while its features are not ready (the shard's vectors part not attached yet).
  Ranking recommend(std::uint64_t profile_hash, std::string_view ranking_id, std::size_t limit, std::size_t offset,
                    bool use_rl, const RerankConfig& rerank);

  // Projects (shard indices) this learner said "not interested" in: no page of any ranking shows them from now on,
  // and a page still holds `limit` items (it reaches further down the ranking's slots). Unhiding shows it again.
  void set_hidden(std::uint32_t index, bool hidden);
  bool is_hidden(std::uint32_t index) const { return hidden_.count(index) > 0; }

  // Seed of a ranking id: derive_seed(config.seed, fnv1a64(ranking_id)).
  std::uint64_t ranking_seed(std::string_view ranking_id) const;

  bandit::EvidenceStore& evidence() { return evidence_; }
  const bandit::EvidenceStore& evidence() const { return evidence_; }
  const RecommenderConfig& config() const { return config_; }

 private:
  struct ContentEntry {
    std::uint64_t profile_hash;
    search::ContentRanking content;
    std::uint64_t last_used;
  };
  struct RankingEntry {
    std::string ranking_id;
    std::uint64_t profile_hash;
    bool use_rl;
    RerankConfig rerank;
    std::vector<RankedItem> placed;
    bool more;
    std::uint64_t last_used;
  };

  RecommenderConfig config_;
  bandit::EvidenceStore evidence_;
  std::set<std::uint32_t> hidden_;
  std::vector<ContentEntry> contents_;
  std::vector<RankingEntry> rankings_;
  std::uint64_t tick_ = 0;
};

}  // namespace wayfinder::rank
