// Topic feedback: pseudo-relevance feedback over the catalog's own topics (docs/RANKING-EVAL.md, "Topic feedback").
// A learner's plain words ("how hackers break into things") reach near-neighbours in the embedding but not the
// curated topics, categories and labels that make a project on-topic. The best rows by topical relevance (cosine,
// BM25, structured match: no kind or skill prior) say which tags the profile is about; every eligible row then gets
// the weight of its strongest such tag. Deterministic: ties by row order, no randomness.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wayfinder/shard/shard.h"

namespace wayfinder::search {

struct TopicFeedbackRule {
  std::size_t seeds = 20;     // rows of the first stage whose tags are read; 0 = no topic feedback
  std::size_t min_support = 2;  // a tag counts only when at least this many seed rows carry it
};

// Per tag of the shard (index into facets().tag_names): share of the seed rows carrying it × log(N / df), for tags
// carried by ≥ min_support seeds; 0 otherwise. `seed_rows` are shard rows, best first.
std::vector<float> topic_weights(const shard::Shard& shard, std::span<const std::uint32_t> seed_rows,
                                 const TopicFeedbackRule& rule);

// Per row of `rows`: the weight of its strongest tag divided by the strongest tag's weight, in [0, 1]
// (all 0 when no tag has weight).
std::vector<float> topic_scores(const shard::Shard& shard, std::span<const std::uint32_t> rows,
                                std::span<const float> tag_weight);

// Query feedback (Rocchio pseudo-relevance feedback over the project vectors): the profile's embedding is moved
// towards the centroid of the best first-stage rows, so "how hackers break into things" also reaches what the
// security projects it found are close to. beta = 0 turns it off (the query is used as given).
// Defaults from a train-split sweep (docs/RANKING-EVAL.md): β 0.25/0.5/1 × seeds 5/10/20; 0.5 × 5 was best.
struct QueryFeedbackRule {
  std::size_t seeds = 5;   // first-stage rows (by topical relevance) whose vectors make the centroid
  float beta = 0.5f;       // weight of the unit centroid added to the unit query; 0 = off
};

// q' = q/|q| + beta · c/|c|, scaled to unit length, where c is the mean of the seed rows' dequantised vectors
// (int8 × the row's scale), summed in row order in double: the same bits natively and in WASM. Returns the query
// unchanged when beta is 0, there are no seeds, the shard has no vectors, or either norm is 0.
std::vector<float> feedback_query(const shard::Shard& shard, std::span<const float> query,
                                  std::span<const std::uint32_t> seed_rows, float beta);

}  // namespace wayfinder::search
