// The bandit re-rank on top of the content ranking: slot-by-slot, score = w_s·relevance + w_b·Thompson quality,
// ε-exploration from the exploration pool. Invariant: a ranking is prefix-stable for its seed (deeper pages extend
// it, never reorder it) and never repeats a project; every item carries its slot propensity under both arms.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wayfinder/bandit/evidence_store.h"
#include "wayfinder/bandit/posterior.h"
#include "wayfinder/search/candidate.h"

namespace wayfinder::rank {

// The bandit term of the re-rank: per-project Beta counts, the linear model over project features (the
// contextual arm, bandit/linear_ts.h), which carries what a learner teaches to projects close in feature space, or
// both at once (hierarchical: the linear model as the prior of each project's Beta counts, hierarchical_posterior).
enum class BanditKind { kBeta, kLinear, kHierarchical };
const char* to_string(BanditKind kind);  // "beta", "linear", "hierarchical"
// Parses "beta" | "linear" | "hierarchical"; nullopt otherwise.
std::optional<BanditKind> bandit_kind(std::string_view name);
// Linear and hierarchical need project features (EvidenceStore::set_features).
inline bool uses_features(BanditKind kind) { return kind != BanditKind::kBeta; }

struct RerankConfig {
  // Slot k chooses among the first candidate_multiplier · max(k + 1, min_depth) content candidates, so a page of
  // min_depth items re-ranks 3× as many, and deeper slots widen the window by 3 per slot.
  std::size_t candidate_multiplier = 3;
  std::size_t min_depth = 10;
  double similarity_weight = 0.6;
  double bandit_weight = 0.4;
  double epsilon = 0.15;  // per-slot chance of showing a random project of the exploration pool instead
  // The exploration pool of a slot: the first exploration_pool content candidates (ContentRanking::top order, all
  // skill-eligible) not yet shown, so an explored project is still relevant and every project the exploit step
  // can pick at this slot (its window, 3·max(k+1, min_depth) ≤ 200 for k < 66) has a logged propensity ≥ ε/200.
  // Capped by the content depth (the binding keeps 400). 0 = every eligible project not yet shown (the old rule,
  // whose ~1e-5 propensities make off-policy estimates useless).
  std::size_t exploration_pool = 200;
  // Monte Carlo draws of the sampler per ranking for slot propensities: standard error of a propensity p is
  // sqrt(p(1−p)/200) <= 0.035; enough for self-normalised OPE and cheap (200 × window Beta draws per ranking).
  std::size_t propensity_draws = 200;
  bandit::PosteriorConfig posterior;
  // The default bandit term is the hierarchical arm: it won the sequential A/B against the Beta hybrid (98 of 100
  // simulated experiments; its A/A gave 11 % false winners, docs/BANDIT.md "The default arm"). It needs project
  // features; until they arrive (no feature basis, or the shard's vectors not loaded yet: the first, lexical-only
  // ranking of a cold visit) Recommender ranks with the Beta arm instead, silently (Ranking::bandit says which).
  BanditKind bandit = BanditKind::kHierarchical;
  bandit::LinearConfig linear;  // used when uses_features(bandit) (needs EvidenceStore::set_features)
};

// Throws std::invalid_argument naming the field when out of range.
void validate(const RerankConfig& config);

// JSON (camelCase, the JS option names): {"similarityWeight", "banditWeight", "epsilon", "candidateMultiplier",
// "minDepth", "explorationPool", "propensityDraws", "bandit": "beta" | "linear" | "hierarchical"}. from_json: every field optional (keeps the value already in
// `c`), other keys ignored; a wrong type, a negative or fractional count or an out-of-range value throws
// std::invalid_argument naming the option.
void to_json(nlohmann::json& j, const RerankConfig& c);
void from_json(const nlohmann::json& j, RerankConfig& c);
// A non-negative integer option `field` of j, or `fallback` when absent/null (no silent wrap of −1 into size_t).
std::size_t count_option(const nlohmann::json& j, const char* field, std::size_t fallback);

struct RankedItem {
  std::uint32_t index = 0;      // shard row
  std::size_t position = 0;     // slot in the whole ranking (offset included)
  double score = 0.0;           // w_s·similarity + w_b·bandit_quality (the value the exploit step maximised)
  double similarity = 0.0;      // content relevance in [0, 1] (0 for an explored project outside `top`)
  double bandit_sample = 0.0;   // θ ~ Beta(posterior)
  double bandit_quality = 0.0;  // m0 + λ(θ − m0), the bandit term
  double posterior_mean = 0.0;
  double evidence = 0.0;
  bool explored = false;
  double propensity = 1.0;  // P(this project at this slot | earlier slots) under the logging policy
  // The same probability under the OTHER arm's policy (use_rl true: similarity-only, which is deterministic, so 0
  // or 1; use_rl false: the RL re-rank with ε-exploration, Monte Carlo like `propensity`). π for off-policy
  // evaluation of the other arm from this arm's logs.
  double alt_propensity = 0.0;
  int content_rank = -1;    // position in ContentRanking::top, −1 when not there
  std::vector<std::string> reasons;
};

struct Ranking {
  std::uint64_t seed = 0;
  bool use_rl = true;
  std::size_t offset = 0;
  std::vector<RankedItem> items;  // the page: positions offset, offset + 1, …
  bool exhausted = false;         // no project is left after this page
  BanditKind bandit = BanditKind::kBeta;  // the bandit term the ranking used (Recommender: after any fallback)
};

// Extends `placed` (a prefix of this seed's ranking) to `depth` slots or until nothing is left; returns false when
// exhausted. With use_rl false: pure content order, no exploration, propensity 1.
bool extend_ranking(const search::ContentRanking& content, const bandit::EvidenceStore& evidence,
                    const RerankConfig& config, std::uint64_t seed, bool use_rl, std::vector<RankedItem>& placed,
                    std::size_t depth);

// Samples slots [0, offset + limit) of the seed's ranking and returns the page [offset, offset + limit).
Ranking rerank(const search::ContentRanking& content, const bandit::EvidenceStore& evidence,
               const RerankConfig& config, std::uint64_t seed, std::size_t limit, std::size_t offset, bool use_rl);

}  // namespace wayfinder::rank
