// The content ranker's output: the top-M candidates of a shard for one profile, and every row the skill rule allows.
// Invariant: `top` is sorted by relevance descending (ties by ascending index); relevance lies in [0, 1];
// every index in `top` also appears in `eligible`, which is sorted ascending.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wayfinder::search {

struct Candidate {
  std::uint32_t index = 0;   // row index in the Shard
  float relevance = 0.0f;    // blended score, min-max normalised to [0, 1] over the candidate set
  float cosine = 0.0f;       // int8 dot × query scale × row scale (≈ cosine: vectors are L2-normalised)
  float bm25 = 0.0f;         // BM25 of the profile's query terms (raw, unnormalised)
  float structured = 0.0f;   // structured match in [0, 1]: profile languages/frameworks vs project fields
  std::vector<std::string> reasons;  // short human-readable reasons, strongest first
};

struct ContentRanking {
  std::vector<Candidate> top;              // sorted desc by relevance, size min(M, eligible.size())
  std::vector<std::uint32_t> eligible;     // all row indices passing the skill rule, ascending
};

}  // namespace wayfinder::search
