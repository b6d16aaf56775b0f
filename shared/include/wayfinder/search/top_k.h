// Exact similarity scan over a shard and exact top-k selection with a deterministic tie-break.
// Invariant: top_k output is sorted by score descending, equal scores by ascending index; same result everywhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wayfinder/shard/shard.h"

namespace wayfinder::search {

struct Scored {
  std::uint32_t index = 0;
  float score = 0.0f;
};

// The k best of scores (k clipped to scores.size()).
std::vector<Scored> top_k(std::span<const float> scores, std::size_t k);

struct QuantisedQuery {
  std::vector<std::int8_t> values;
  float scale = 0.0f;
};
// Quantises a float query like a shard row; throws std::invalid_argument on non-finite values.
QuantisedQuery quantise_query(std::span<const float> query);

// out[i] = dot(q, row i) × q.scale × scale(i) (≈ cosine for L2-normalised vectors). Throws on size mismatch.
void similarities(const shard::Shard& shard, const QuantisedQuery& q, std::span<float> out);
std::vector<float> similarities(const shard::Shard& shard, std::span<const float> query);

// Exact top-k by int8 similarity.
std::vector<Scored> search_top_k(const shard::Shard& shard, std::span<const float> query, std::size_t k);

}  // namespace wayfinder::search
