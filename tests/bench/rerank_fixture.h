// A seeded, synthetic input for timing the whole Thompson re-rank step: a content ranking of M candidates over
// `eligible` rows and an evidence store with community counts for every candidate and a few local counts.
// Invariant: the same (eligible, m, seed) gives the same fixture natively and in WASM (core xoshiro only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "wayfinder/bandit/evidence_store.h"
#include "wayfinder/random/xoshiro.h"
#include "wayfinder/search/candidate.h"

namespace wayfinder::bench {

struct RerankFixture {
  search::ContentRanking content;
  bandit::EvidenceStore evidence;
};

inline RerankFixture make_rerank_fixture(std::size_t eligible, std::size_t m, std::uint64_t seed) {
  RerankFixture f;
  random::Xoshiro256ss rng(seed);
  for (std::uint32_t i = 0; i < eligible; ++i) f.content.eligible.push_back(i);
  std::vector<std::uint32_t> idx;
  std::vector<bandit::BetaCounts> counts;
  for (std::size_t k = 0; k < m && k < eligible; ++k) {
    search::Candidate c;
    c.index = static_cast<std::uint32_t>((k * 7919) % eligible);
    c.relevance = 1.0f - static_cast<float>(k) / static_cast<float>(m);
    c.cosine = c.relevance;
    f.content.top.push_back(c);
    idx.push_back(c.index);
    counts.push_back({1.0 + 20.0 * rng.uniform(), 1.0 + 80.0 * rng.uniform()});
  }
  f.evidence.set_community(idx, counts);
  for (std::size_t k = 0; k < 5 && k < f.content.top.size(); ++k)
    f.evidence.set_local(f.content.top[k * 2].index, {2.0, 1.0});
  return f;
}

}  // namespace wayfinder::bench
