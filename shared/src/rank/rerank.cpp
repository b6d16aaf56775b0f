#include "wayfinder/rank/rerank.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <span>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "wayfinder/bandit/thompson_sampler.h"
#include "wayfinder/random/samplers.h"
#include "wayfinder/random/xoshiro.h"

namespace wayfinder::rank {
namespace {

// Independent streams of one ranking seed; each candidate's draws come from its own stream so they don't
// depend on which other projects are in the window.
constexpr std::uint64_t kThompsonStream = 1;
constexpr std::uint64_t kPropensityStream = 2;
constexpr std::uint64_t kExploreStream = 3;
constexpr std::uint64_t kLinearStream = 4;  // the contextual arm: θ of the ranking, then θ of each propensity draw

const char* const kExploreReason = "Exploring: a project outside your closest matches";

struct Scored {
  bool ready = false;
  bandit::ThompsonDraw draw;
  double rl_score = 0.0;          // w_s·relevance + w_b·quality: what the RL policy maximises
  std::vector<double> mc_scores;  // propensity_draws re-draws of rl_score
  std::array<double, bandit::kFeatureDim> x{};  // the contextual arm's features (computed once per candidate)
};

// The projects an exploration slot draws from, uniformly. exploration_pool > 0: the unshown candidates among
// top[0, top_end) (the first exploration_pool unshown ones); 0: every eligible project not yet shown.
struct ExplorationPool {
  std::size_t size = 0;
  std::size_t top_end = 0;
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
        linear_seed_(random::derive_seed(seed, kLinearStream)),
        scored_(content.top.size()) {
    if (content.eligible.empty()) {
      for (const auto& c : content.top) fallback_pool_.push_back(c.index);
      std::sort(fallback_pool_.begin(), fallback_pool_.end());
      eligible_ = fallback_pool_;
    } else {
      eligible_ = content.eligible;
    }
    for (std::size_t i = 0; i < content.top.size(); ++i) top_position_.emplace(content.top[i].index, i);
  }

  void mark_shown(std::uint32_t index) {
    if (shown_.insert(index).second && std::binary_search(eligible_.begin(), eligible_.end(), index))
      ++shown_eligible_;
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
    const ExplorationPool pool = exploration_pool();
    const double rl_epsilon = pool.size > 0 ? config_.epsilon : 0.0;  // the RL policy's ε at this slot

    random::Xoshiro256ss explore_rng(random::derive_seed(explore_seed_, slot));
    const bool explore = use_rl_ && rl_epsilon > 0.0 && explore_rng.uniform() < rl_epsilon;
    const std::size_t content_choice = argmax(rem, [&](std::size_t i) { return content_.top[i].relevance; });
    std::uint32_t chosen = 0;
    if (explore) {
      chosen = draw_from(pool, explore_rng);
    } else if (use_rl_) {
      chosen = content_.top[argmax(rem, [&](std::size_t i) { return scored_[i].rl_score; })].index;
    } else {
      chosen = content_.top[content_choice].index;
    }

    const auto pos = top_position_.find(chosen);
    const bool in_window = pos != top_position_.end() && std::find(rem.begin(), rem.end(), pos->second) != rem.end();
    // Similarity-only is deterministic: it places the best remaining content candidate.
    const double similarity_probability = in_window && pos->second == content_choice ? 1.0 : 0.0;
    // RL: P(exploit step picks `chosen` | shown so far) by Monte Carlo over fresh sampler draws, plus exploration.
    double exploit_probability = 0.0;
    if (in_window) {
      std::size_t wins = 0;
      for (std::size_t d = 0; d < config_.propensity_draws; ++d)
        if (argmax(rem, [&](std::size_t i) { return scored_[i].mc_scores[d]; }) == pos->second) ++wins;
      exploit_probability = static_cast<double>(wins) / static_cast<double>(config_.propensity_draws);
    }
    const double rl_probability =
        (1.0 - rl_epsilon) * exploit_probability +
        (rl_epsilon > 0.0 && in_pool(pool, chosen) ? rl_epsilon / static_cast<double>(pool.size) : 0.0);

    RankedItem item;
    item.index = chosen;
    item.position = slot;
    item.explored = explore;
    item.propensity = use_rl_ ? rl_probability : similarity_probability;
    item.alt_propensity = use_rl_ ? similarity_probability : rl_probability;
    if (pos != top_position_.end()) {
      const std::size_t i = pos->second;
      prepare(i);
      const auto& c = content_.top[i];
      item.content_rank = static_cast<int>(i);
      item.similarity = c.relevance;
      item.score = use_rl_ ? scored_[i].rl_score : c.relevance;
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

  ExplorationPool exploration_pool() const {
    ExplorationPool p;
    if (config_.exploration_pool == 0) {
      p.size = eligible_.size() - shown_eligible_;
      return p;
    }
    for (std::size_t i = 0; i < content_.top.size() && p.size < config_.exploration_pool; ++i) {
      if (!shown_.count(content_.top[i].index)) {
        ++p.size;
        p.top_end = i + 1;
      }
    }
    return p;
  }

  bool in_pool(const ExplorationPool& p, std::uint32_t index) const {
    if (shown_.count(index)) return false;
    if (config_.exploration_pool == 0) return std::binary_search(eligible_.begin(), eligible_.end(), index);
    const auto pos = top_position_.find(index);
    return pos != top_position_.end() && pos->second < p.top_end;
  }

  std::uint32_t draw_from(const ExplorationPool& p, random::Xoshiro256ss& rng) const {
    if (config_.exploration_pool == 0) {
      std::uint32_t chosen = 0;
      do {
        chosen = eligible_[rng.below(eligible_.size())];
      } while (shown_.count(chosen));
      return chosen;
    }
    std::size_t r = rng.below(p.size);
    for (std::size_t i = 0; i < p.top_end; ++i) {
      const std::uint32_t index = content_.top[i].index;
      if (shown_.count(index)) continue;
      if (r == 0) return index;
      --r;
    }
    throw std::logic_error("exploration pool draw out of range");  // unreachable: r < p.size
  }

  bandit::ThompsonDraw thompson_draw(std::uint32_t index) {
    if (uses_features(config_.bandit)) {
      std::array<double, bandit::kFeatureDim> x;
      const auto& theta = linear().theta;  // throws when no features are set
      evidence_.features()->features(index, x);
      return feature_draw(index, x, theta);
    }
    random::Xoshiro256ss rng(random::derive_seed(thompson_seed_, index));
    return sampler_.draw(evidence_.posterior(index, config_.posterior), rng);
  }

  // The linear arm's draw, or the hierarchical arm's (the project's own Beta stream, prior from the linear θ).
  bandit::ThompsonDraw feature_draw(std::uint32_t index, std::span<const double> x, const std::vector<double>& theta) {
    if (config_.bandit == BanditKind::kLinear) return linear_draw(x, theta);
    random::Xoshiro256ss rng(random::derive_seed(thompson_seed_, index));
    return bandit::hierarchical_draw(*linear().posterior, x, theta, evidence_.community(index), evidence_.local(index),
                                     config_.posterior, rng);
  }

  // The hierarchical arm's re-draws for propensities: one Beta draw per θ of the Monte Carlo, from the project's
  // own propensity stream; the xᵀθ of all draws at once (LinearPosterior::dots, bit for bit linear_rate's). Not
  // inlined: no local with a destructor encloses the loop's calls (under Emscripten's JS exception handling such
  // calls would each go through a JS trampoline).
  [[gnu::noinline]] void hierarchical_mc(const search::Candidate& c, Scored& s) {
    const auto& post = *linear().posterior;
    const auto e = bandit::weigh_evidence(evidence_.community(c.index), evidence_.local(c.index), config_.posterior);
    const double kappa = post.config().item_prior_strength, m0 = post.prior_mean(), lambda = post.influence();
    bandit::LinearPosterior::dots(s.x, linear().mc_thetas, s.mc_scores);  // xᵀθ_d, then the score in place
    random::Xoshiro256ss rng(random::derive_seed(propensity_seed_, c.index));
    for (double& m : s.mc_scores) {
      const double r = bandit::linear_rate_of_dot(post, m);
      const double q = m0 + lambda * (random::beta(rng, e.alpha(kappa, r), e.beta(kappa, r)) - m0);
      m = blend(c.relevance, q);
    }
  }

  // The contextual arm: one θ per ranking (its own stream), one per propensity draw; features only for the
  // candidates that are scored.
  struct LinearDraws {
    const bandit::LinearPosterior* posterior = nullptr;
    std::vector<double> theta;
    std::vector<double> mc_thetas;  // the propensity draws' θ, by feature (LinearPosterior::draw_many)
  };
  const LinearDraws& linear() {
    if (linear_.posterior) return linear_;
    linear_.posterior = &evidence_.linear(config_.linear);
    random::Xoshiro256ss rng(random::derive_seed(linear_seed_, 0));
    linear_.theta = linear_.posterior->draw(rng);
    if (linear_.posterior->influence() > 0.0) {
      random::Xoshiro256ss mc(random::derive_seed(linear_seed_, 1));
      linear_.posterior->draw_many(mc, config_.propensity_draws, linear_.mc_thetas);
    }
    return linear_;
  }

  bandit::ThompsonDraw linear_draw(std::span<const double> x, const std::vector<double>& theta) {
    const auto& post = *linear().posterior;
    bandit::ThompsonDraw d;
    d.sample = post.prior_mean() + bandit::LinearPosterior::dot(x, theta);
    d.quality = post.quality(x, theta);
    d.posterior_mean = post.prior_mean() + bandit::LinearPosterior::dot(x, post.mean());
    d.evidence = post.evidence();
    d.influence = post.influence();
    return d;
  }

  static void fill_bandit(RankedItem& item, const bandit::ThompsonDraw& d) {
    item.bandit_sample = d.sample;
    item.bandit_quality = d.quality;
    item.posterior_mean = d.posterior_mean;
    item.evidence = d.evidence;
  }

  double blend(double relevance, double quality) const {
    return config_.similarity_weight * relevance + config_.bandit_weight * quality;
  }

  // The RL scores are prepared under both arms: the similarity arm logs the RL policy's probability as π.
  void prepare(std::size_t i) {
    Scored& s = scored_[i];
    if (s.ready) return;
    const auto& c = content_.top[i];
    if (uses_features(config_.bandit)) {
      const auto& theta = linear().theta;  // throws when no features are set
      evidence_.features()->features(c.index, s.x);
      s.draw = feature_draw(c.index, s.x, theta);
    } else {
      s.draw = thompson_draw(c.index);
    }
    s.rl_score = blend(c.relevance, s.draw.quality);
    s.mc_scores.resize(config_.propensity_draws);
    if (s.draw.influence == 0.0) {
      // No evidence: the quality is the prior mean in every draw, so the re-draws are all equal.
      std::fill(s.mc_scores.begin(), s.mc_scores.end(), s.rl_score);
    } else if (config_.bandit == BanditKind::kHierarchical) {
      hierarchical_mc(c, s);
    } else if (config_.bandit == BanditKind::kLinear) {
      const auto& post = *linear().posterior;  // one dot product per draw, all draws at once
      bandit::LinearPosterior::dots(s.x, linear().mc_thetas, s.mc_scores);
      for (double& m : s.mc_scores) m = blend(c.relevance, post.quality_of_dot(m));
    } else {
      const auto posterior = evidence_.posterior(c.index, config_.posterior);
      random::Xoshiro256ss rng(random::derive_seed(propensity_seed_, c.index));
      for (auto& m : s.mc_scores) m = blend(c.relevance, sampler_.draw(posterior, rng).quality);
    }
    s.ready = true;
  }

  const search::ContentRanking& content_;
  const bandit::EvidenceStore& evidence_;
  const RerankConfig& config_;
  bandit::ThompsonSampler sampler_;
  bool use_rl_;
  std::uint64_t thompson_seed_, propensity_seed_, explore_seed_, linear_seed_;
  LinearDraws linear_;
  std::vector<Scored> scored_;
  std::vector<std::uint32_t> fallback_pool_;
  std::span<const std::uint32_t> eligible_;
  std::map<std::uint32_t, std::size_t> top_position_;
  std::set<std::uint32_t> shown_;
  std::size_t shown_eligible_ = 0;
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
  bandit::validate(c.linear);
  require(c.bandit == BanditKind::kBeta || c.bandit == BanditKind::kLinear || c.bandit == BanditKind::kHierarchical,
          "bandit must be \"beta\", \"linear\" or \"hierarchical\"");
}

const char* to_string(BanditKind kind) {
  return kind == BanditKind::kLinear ? "linear" : kind == BanditKind::kHierarchical ? "hierarchical" : "beta";
}

std::optional<BanditKind> bandit_kind(std::string_view name) {
  if (name == "beta") return BanditKind::kBeta;
  if (name == "linear") return BanditKind::kLinear;
  if (name == "hierarchical") return BanditKind::kHierarchical;
  return std::nullopt;
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

std::size_t count_option(const nlohmann::json& j, const char* field, std::size_t fallback) {
  if (!j.contains(field) || j[field].is_null()) return fallback;
  const auto& v = j[field];
  if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<std::int64_t>() < 0))
    throw std::invalid_argument(std::string(field) + " must be a non-negative integer");
  return v.get<std::size_t>();
}

namespace {
double number_option(const nlohmann::json& j, const char* field, double fallback) {
  if (!j.contains(field) || j[field].is_null()) return fallback;
  if (!j[field].is_number()) throw std::invalid_argument(std::string(field) + " must be a number");
  return j[field].get<double>();
}
}  // namespace

void to_json(nlohmann::json& j, const RerankConfig& c) {
  j = {{"similarityWeight", c.similarity_weight}, {"banditWeight", c.bandit_weight},
       {"epsilon", c.epsilon},                    {"candidateMultiplier", c.candidate_multiplier},
       {"minDepth", c.min_depth},                 {"explorationPool", c.exploration_pool},
       {"propensityDraws", c.propensity_draws},  {"bandit", to_string(c.bandit)}};
}

void from_json(const nlohmann::json& j, RerankConfig& c) {
  if (!j.is_object()) throw std::invalid_argument("rerank config must be a JSON object");
  RerankConfig next = c;
  next.similarity_weight = number_option(j, "similarityWeight", c.similarity_weight);
  next.bandit_weight = number_option(j, "banditWeight", c.bandit_weight);
  next.epsilon = number_option(j, "epsilon", c.epsilon);
  next.candidate_multiplier = count_option(j, "candidateMultiplier", c.candidate_multiplier);
  next.min_depth = count_option(j, "minDepth", c.min_depth);
  next.exploration_pool = count_option(j, "explorationPool", c.exploration_pool);
  next.propensity_draws = count_option(j, "propensityDraws", c.propensity_draws);
  if (j.contains("bandit") && !j["bandit"].is_null()) {
    const auto& b = j["bandit"];
    const auto kind = b.is_string() ? bandit_kind(b.get<std::string>()) : std::nullopt;
    if (!kind) throw std::invalid_argument("bandit must be \"beta\", \"linear\" or \"hierarchical\"");
    next.bandit = *kind;
  }
  validate(next);
  c = next;
}

}  // namespace wayfinder::rank
