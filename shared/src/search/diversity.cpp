#include "wayfinder/search/diversity.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "wayfinder/search/int8_dot.h"

namespace wayfinder::search {
namespace {

std::string_view owner_of(const std::string& id) { return std::string_view(id).substr(0, id.find('/')); }

// Relevance min-max normalised over the pool, so λ weighs comparable quantities whatever the score's scale.
std::vector<float> normalised(std::span<const Pick> pool) {
  std::vector<float> r(pool.size(), 1.0f);
  if (pool.empty()) return r;
  const float hi = pool.front().score, lo = pool.back().score;
  if (hi > lo) {
    for (std::size_t i = 0; i < pool.size(); ++i) r[i] = (pool[i].score - lo) / (hi - lo);
  }
  return r;
}

class OwnerCap {
 public:
  OwnerCap(const shard::Shard& shard, std::size_t cap) : shard_(shard), cap_(cap) {}
  bool allows(std::uint32_t row) const {
    if (cap_ == 0) return true;
    const auto o = owner_of(shard_.id(row));
    return static_cast<std::size_t>(std::count(owners_.begin(), owners_.end(), o)) < cap_;
  }
  void add(std::uint32_t row) { owners_.push_back(owner_of(shard_.id(row))); }

 private:
  const shard::Shard& shard_;
  std::size_t cap_;
  std::vector<std::string_view> owners_;
};

}  // namespace

float row_cosine(const shard::Shard& shard, std::uint32_t a, std::uint32_t b) {
  if (!shard.has_vectors()) return 0.0f;  // the lexical part alone: no similarity between projects yet
  std::int32_t dot = 0;
  dot_rows(shard.row(a), shard.row(b), std::span<std::int32_t>(&dot, 1));
  return static_cast<float>(dot) * shard.scale(a) * shard.scale(b);
}

std::vector<Pick> diversify(const shard::Shard& shard, std::span<const Pick> pool, std::size_t m, const DiversityRule& rule) {
  if (!(rule.lambda >= 0.0f && rule.lambda <= 1.0f)) throw std::invalid_argument("diversity lambda must be in [0, 1]");
  const std::vector<float> rel = normalised(pool);
  const std::size_t dim = shard.dim();
  // Without the vectors part the similarity between projects is unknown: the owner cap alone applies.
  const bool mmr = rule.lambda < 1.0f && shard.has_vectors();
  // The pool's vectors side by side, so each choice is one kernel call over the pool.
  std::vector<std::int8_t> rows(mmr ? pool.size() * dim : 0);
  for (std::size_t i = 0; mmr && i < pool.size(); ++i) std::memcpy(rows.data() + i * dim, shard.row(pool[i].row).data(), dim);
  std::vector<float> max_sim(pool.size(), 0.0f);
  std::vector<std::int32_t> dots(pool.size());
  std::vector<char> taken(pool.size(), 0);
  OwnerCap owners(shard, rule.max_per_owner);
  std::vector<Pick> out;
  const std::size_t depth = mmr ? std::min(rule.depth, m) : 0;
  while (out.size() < depth) {
    std::size_t best = pool.size();
    float best_gain = -std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < pool.size(); ++i) {
      if (taken[i] || !owners.allows(pool[i].row)) continue;
      const float gain = rule.lambda * rel[i] - (1.0f - rule.lambda) * max_sim[i];
      if (gain > best_gain) best_gain = gain, best = i;
    }
    if (best == pool.size()) break;
    taken[best] = 1;
    owners.add(pool[best].row);
    out.push_back({pool[best].row, best_gain});
    dot_rows(shard.row(pool[best].row), rows, dots);
    const float sb = shard.scale(pool[best].row);
    for (std::size_t i = 0; i < pool.size(); ++i) {
      max_sim[i] = std::max(max_sim[i], static_cast<float>(dots[i]) * sb * shard.scale(pool[i].row));
    }
  }
  for (std::size_t i = 0; i < pool.size() && out.size() < m; ++i) {
    if (taken[i] || !owners.allows(pool[i].row)) continue;
    owners.add(pool[i].row);
    out.push_back({pool[i].row, rule.lambda * rel[i] - (1.0f - rule.lambda) * max_sim[i]});
  }
  // The re-rank needs relevance non-increasing down the list: each gain is capped by the one before it.
  for (std::size_t k = 1; k < out.size(); ++k) out[k].score = std::min(out[k].score, out[k - 1].score);
  return out;
}

}  // namespace wayfinder::search
