// The diversity rule applied to the content ranking before the bandit re-rank (docs/RANKING-EVAL.md):
// maximal marginal relevance over the project vectors for the first `depth` places, and at most `max_per_owner`
// projects of one GitHub owner among all candidates (so no page, however the re-rank orders them, repeats an
// owner more than that). Invariant: deterministic (ties by pool order); the output's gains are non-increasing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wayfinder/shard/shard.h"

namespace wayfinder::search {

struct DiversityRule {
  // MMR: gain = λ·relevance − (1−λ)·max cosine to the already chosen; 1 = no MMR. 0.4: the least relevance cost
  // at which pages became more diverse than the old ranking's (docs/RANKING-EVAL.md, "Diversity").
  float lambda = 0.4f;
  std::size_t max_per_owner = 2;  // 0 = no cap
  std::size_t depth = 50;         // places chosen by MMR; the rest follow in relevance order
};

struct Pick {
  std::uint32_t row = 0;  // shard row
  float score = 0.0f;     // on input: relevance (any scale, sorted descending); on output: the gain, non-increasing
};

// Chooses up to m of `pool` (sorted by score descending). Throws std::invalid_argument for λ outside [0, 1].
std::vector<Pick> diversify(const shard::Shard& shard, std::span<const Pick> pool, std::size_t m, const DiversityRule& rule);

// Cosine of two shard rows from their int8 vectors and scales (the same arithmetic as the query scan).
float row_cosine(const shard::Shard& shard, std::uint32_t a, std::uint32_t b);

}  // namespace wayfinder::search
