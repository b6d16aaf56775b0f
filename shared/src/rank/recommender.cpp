#include "wayfinder/rank/recommender.h"

#include <algorithm>
#include <stdexcept>

#include "wayfinder/hash.h"
#include "wayfinder/random/xoshiro.h"

namespace wayfinder::rank {
namespace {

template <class Entry>
void evict_oldest(std::vector<Entry>& entries, std::size_t capacity) {
  while (entries.size() > capacity) {
    const auto oldest = std::min_element(entries.begin(), entries.end(),
                                         [](const Entry& a, const Entry& b) { return a.last_used < b.last_used; });
    entries.erase(oldest);
  }
}

}  // namespace

Recommender::Recommender(RecommenderConfig config) : config_(std::move(config)) {
  validate(config_.rerank);
  if (config_.content_cache_size == 0) throw std::invalid_argument("content_cache_size must be >= 1");
  if (config_.ranking_cache_size == 0) throw std::invalid_argument("ranking_cache_size must be >= 1");
}

bool Recommender::has_content(std::uint64_t profile_hash) const {
  return std::any_of(contents_.begin(), contents_.end(),
                     [&](const ContentEntry& e) { return e.profile_hash == profile_hash; });
}

void Recommender::set_content(std::uint64_t profile_hash, search::ContentRanking content) {
  for (std::size_t i = 1; i < content.top.size(); ++i)
    if (content.top[i].relevance > content.top[i - 1].relevance)
      throw std::invalid_argument("content.top must be sorted by relevance descending");
  for (auto& e : contents_) {
    if (e.profile_hash == profile_hash) {
      e.content = std::move(content);
      e.last_used = ++tick_;
      // Rankings sampled from the old content would page inconsistently with the new one.
      std::erase_if(rankings_, [&](const RankingEntry& r) { return r.profile_hash == profile_hash; });
      return;
    }
  }
  contents_.push_back({profile_hash, std::move(content), ++tick_});
  evict_oldest(contents_, config_.content_cache_size);
}

void Recommender::set_hidden(std::uint32_t index, bool hidden) {
  if (hidden) hidden_.insert(index);
  else hidden_.erase(index);
}

std::uint64_t Recommender::ranking_seed(std::string_view ranking_id) const {
  return random::derive_seed(config_.seed, fnv1a64(ranking_id));
}

Ranking Recommender::recommend(std::uint64_t profile_hash, std::string_view ranking_id, std::size_t limit,
                               std::size_t offset, bool use_rl) {
  return recommend(profile_hash, ranking_id, limit, offset, use_rl, config_.rerank);
}

Ranking Recommender::recommend(std::uint64_t profile_hash, std::string_view ranking_id, std::size_t limit,
                               std::size_t offset, bool use_rl, const RerankConfig& rerank) {
  validate(rerank);
  const auto content = std::find_if(contents_.begin(), contents_.end(),
                                    [&](const ContentEntry& e) { return e.profile_hash == profile_hash; });
  if (content == contents_.end()) throw std::invalid_argument("profile_hash: no content ranking cached");
  content->last_used = ++tick_;

  auto entry = std::find_if(rankings_.begin(), rankings_.end(), [&](const RankingEntry& r) {
    return r.ranking_id == ranking_id && r.profile_hash == profile_hash && r.use_rl == use_rl;
  });
  if (entry == rankings_.end()) {
    std::erase_if(rankings_, [&](const RankingEntry& r) { return r.ranking_id == ranking_id; });
    rankings_.push_back({std::string(ranking_id), profile_hash, use_rl, rerank, {}, true, 0});
    entry = rankings_.end() - 1;
    // A contextual (or hierarchical) arm on a client that has no feature basis, or whose shard's vectors (the features' input) are not
    // in yet, ranks with the Beta arm rather than failing.
    const auto* features = evidence_.features();
    if (uses_features(entry->rerank.bandit) && !(features && features->ready()))
      entry->rerank.bandit = BanditKind::kBeta;
  }
  entry->last_used = ++tick_;
  const std::uint64_t seed = ranking_seed(ranking_id);
  // Pages count the visible slots: extend the sampled prefix until it holds offset + limit of them (or runs out).
  auto visible = [&] {
    return static_cast<std::size_t>(std::count_if(entry->placed.begin(), entry->placed.end(),
                                                  [&](const RankedItem& it) { return !is_hidden(it.index); }));
  };
  for (std::size_t seen = visible(); seen < offset + limit && entry->more; seen = visible()) {
    entry->more = extend_ranking(content->content, evidence_, entry->rerank, seed, use_rl, entry->placed,
                                 entry->placed.size() + (offset + limit - seen));
  }

  Ranking r;
  r.seed = seed;
  r.use_rl = use_rl;
  r.offset = offset;
  r.bandit = entry->rerank.bandit;
  std::size_t k = 0;  // visible slots passed
  for (std::size_t i = 0; i < entry->placed.size() && k < offset + limit; ++i) {
    if (is_hidden(entry->placed[i].index)) continue;
    if (k++ >= offset) r.items.push_back(entry->placed[i]);
  }
  r.exhausted = !entry->more && visible() <= offset + limit;
  evict_oldest(rankings_, config_.ranking_cache_size);
  return r;
}

}  // namespace wayfinder::rank
