#include "wayfinder/rank/rerank.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <span>
#include <stdexcept>

#include "wayfinder/bandit/thompson_sampler.h"
#include "wayfinder/random/xoshiro.h"

namespace wayfinder::rank {
namespace {

// Independent streams of one ranking seed; each candidate's draws come from its own stream so they don't
// depend on which other projects are in the window.
constexpr std::uint64_t kThompsonStream = 1;
constexpr std::uint64_t kPropensityStream = 2;
constexpr std::uint64_t kExploreStream = 3;

const char* const kExploreReason = "Exploring: a project outside your closest matches";

struct Scored {
  bool ready = false;
  bandit::ThompsonDraw draw;
  double score = 0.0;
  std::vector<double> mc_scores;  // propensity_draws re-draws of the score
};

class SlotSampler {
 public:
  SlotSampler(const search::ContentRanking& content, const bandit::EvidenceStore& evidence, const RerankConfig& config,
              std::uint64_t seed, bool use_rl)
      : content_(content),
        evidence_(evidence),
        config_(config),
        sampler_(config.posterior),
        use_rl_(use_rl),
        thompson_seed_(random::derive_seed(seed, kThompsonStream)),
        propensity_seed_(random::derive_seed(seed, kPropensityStream)),
        explore_seed_(random::derive_seed(seed, kExploreStream)),
        scored_(content.top.size()) {
    if (content.eligible.empty()) {
      for (const auto& c : content.top) fallback_pool_.push_back(c.index);
      std::sort(fallback_pool_.begin(), fallback_pool_.end());
      pool_ = fallback_pool_;
    } else {
      pool_ = content.eligible;
    }
    for (std::size_t i = 0; i < content.top.size(); ++i) top_position_.emplace(content.top[i].index, i);
  }

  void mark_shown(std::uint32_t index) {
    if (shown_.insert(index).second && std::binary_search(pool_.begin(), pool_.end(), index)) ++shown_in_pool_;
  }

  std::size_t window(std::size_t slot) const {
    return std::min(content_.top.size(), config_.candidate_multiplier * std::max(slot + 1, config_.min_depth));
  }

  std::vector<std::size_t> remaining(std::size_t slot) const {
    std::vector<std::size_t> rem;
    const std::size_t w = window(slot);
    for (std::size_t i = 0; i < w; ++i)
      if (!shown_.count(content_.top[i].index)) rem.push_back(i);
    return rem;
  }

  // Fills slot `slot`; returns false when no content candidate is left in its window.
  bool fill(std::size_t slot, std::vector<RankedItem>& placed) {
    const std::vector<std::size_t> rem = remaining(slot);
    if (rem.empty()) return false;
    for (std::size_t i : rem) prepare(i);
    const std::size_t available = pool_.size() - shown_in_pool_;
    const double eps = (use_rl_ && available > 0) ? config_.epsilon : 0.0;

    random::Xoshiro256ss explore_rng(random::derive_seed(explore_seed_, slot));
    const bool explore = eps > 0.0 && explore_rng.uniform() < eps;
    std::uint32_t chosen = 0;
    if (explore) {
      do {
        chosen = pool_[explore_rng.below(pool_.size())];
      } while (shown_.count(chosen));
    } else {
      chosen = content_.top[argmax(rem, [&](std::size_t i) { return scored_[i].score; })].index;
    }

    // P(exploit step picks `chosen` | shown so far), by Monte Carlo over fresh sampler draws.
    double exploit_probability = 0.0;
    const auto pos = top_position_.find(chosen);
    const bool in_window = pos != top_position_.end() && std::find(rem.begin(), rem.end(), pos->second) != rem.end();
    if (in_window) {
      if (use_rl_) {
        std::size_t wins = 0;
        for (std::size_t d = 0; d < config_.propensity_draws; ++d)
          if (argmax(rem, [&](std::size_t i) { return scored_[i].mc_scores[d]; }) == pos->second) ++wins;
        exploit_probability = static_cast<double>(wins) / static_cast<double>(config_.propensity_draws);
      } else {
        exploit_probability = 1.0;
      }
    }

    RankedItem item;
    item.index = chosen;
    item.position = slot;
    item.explored = explore;
    item.propensity = (1.0 - eps) * exploit_probability + (eps > 0.0 ? eps / static_cast<double>(available) : 0.0);
    if (pos != top_position_.end()) {
      const std::size_t i = pos->second;
      prepare(i);
      const auto& c = content_.top[i];
      item.content_rank = static_cast<int>(i);
      item.similarity = c.relevance;
      item.score = scored_[i].score;
      fill_bandit(item, scored_[i].draw);
      item.reasons = c.reasons;
    } else {
      const auto draw = thompson_draw(chosen);
      fill_bandit(item, draw);
      item.score = use_rl_ ? config_.bandit_weight * draw.quality : 0.0;
    }
    if (explore) item.reasons.insert(item.reasons.begin(), kExploreReason);
    placed.push_back(std::move(item));
    mark_shown(chosen);
    return true;
  }

 private:
  template <class ScoreOf>
  static std::size_t argmax(const std::vector<std::size_t>& rem, ScoreOf score_of) {
    std::size_t best = rem.front();
    double best_score = score_of(best);
    for (std::size_t i : rem) {
      const double s = score_of(i);
      if (s > best_score) {  // strict: ties go to the better content rank (rem is ascending)
        best = i;
        best_score = s;
      }
    }
    return best;
  }

  bandit::ThompsonDraw thompson_draw(std::uint32_t index) const {
    random::Xoshiro256ss rng(random::derive_seed(thompson_seed_, index));
    return sampler_.draw(evidence_.posterior(index, config_.posterior), rng);
  }

  static void fill_bandit(RankedItem& item, const bandit::ThompsonDraw& d) {
    item.bandit_sample = d.sample;
    item.bandit_quality = d.quality;
    item.posterior_mean = d.posterior_mean;
    item.evidence = d.evidence;
  }

  double blend(double relevance, double quality) const {
    return use_rl_ ? config_.similarity_weight * relevance + config_.bandit_weight * quality : relevance;
  }

  void prepare(std::size_t i) {
    Scored& s = scored_[i];
    if (s.ready) return;
    const auto& c = content_.top[i];
    s.draw = thompson_draw(c.index);
    s.score = blend(c.relevance, s.draw.quality);
    if (use_rl_) {
      s.mc_scores.resize(config_.propensity_draws);
      if (s.draw.influence == 0.0) {
        // No evidence: the quality is the prior mean in every draw, so the re-draws are all equal.
        std::fill(s.mc_scores.begin(), s.mc_scores.end(), s.score);
      } else {
        const auto posterior = evidence_.posterior(c.index, config_.posterior);
        random::Xoshiro256ss rng(random::derive_seed(propensity_seed_, c.index));
        for (auto& m : s.mc_scores) m = blend(c.relevance, sampler_.draw(posterior, rng).quality);
      }
    }
    s.ready = true;
  }

  const search::ContentRanking& content_;
  const bandit::EvidenceStore& evidence_;
  const RerankConfig& config_;
  bandit::ThompsonSampler sampler_;
  bool use_rl_;
  std::uint64_t thompson_seed_, propensity_seed_, explore_seed_;
  std::vector<Scored> scored_;
  std::vector<std::uint32_t> fallback_pool_;
  std::span<const std::uint32_t> pool_;
  std::map<std::uint32_t, std::size_t> top_position_;
  std::set<std::uint32_t> shown_;
  std::size_t shown_in_pool_ = 0;
};

void require(bool ok, const char* message) {
  if (!ok) throw std::invalid_argument(message);
}

}  // namespace

void validate(const RerankConfig& c) {
  require(c.candidate_multiplier >= 1, "candidate_multiplier must be >= 1");
  require(c.min_depth >= 1, "min_depth must be >= 1");
  require(std::isfinite(c.similarity_weight) && c.similarity_weight >= 0.0, "similarity_weight must be >= 0");
  require(std::isfinite(c.bandit_weight) && c.bandit_weight >= 0.0, "bandit_weight must be >= 0");
  require(c.similarity_weight + c.bandit_weight > 0.0, "similarity_weight + bandit_weight must be > 0");
  require(c.epsilon >= 0.0 && c.epsilon <= 1.0, "epsilon must be in [0, 1]");
  require(c.propensity_draws >= 1, "propensity_draws must be >= 1");
  bandit::combine({}, {}, c.posterior);  // throws on a bad posterior config
}

bool extend_ranking(const search::ContentRanking& content, const bandit::EvidenceStore& evidence,
                    const RerankConfig& config, std::uint64_t seed, bool use_rl, std::vector<RankedItem>& placed,
                    std::size_t depth) {
  validate(config);
  SlotSampler sampler(content, evidence, config, seed, use_rl);
  for (const auto& item : placed) sampler.mark_shown(item.index);
  for (std::size_t slot = placed.size(); slot < depth; ++slot)
    if (!sampler.fill(slot, placed)) return false;
  return !sampler.remaining(placed.size()).empty();
}

Ranking rerank(const search::ContentRanking& content, const bandit::EvidenceStore& evidence,
               const RerankConfig& config, std::uint64_t seed, std::size_t limit, std::size_t offset, bool use_rl) {
  std::vector<RankedItem> placed;
  const bool more = extend_ranking(content, evidence, config, seed, use_rl, placed, offset + limit);
  Ranking r;
  r.seed = seed;
  r.use_rl = use_rl;
  r.offset = offset;
  r.exhausted = !more;
  if (placed.size() > offset)
    r.items.assign(std::make_move_iterator(placed.begin() + static_cast<std::ptrdiff_t>(offset)),
                   std::make_move_iterator(placed.end()));
  return r;
}

}  // namespace wayfinder::rank
