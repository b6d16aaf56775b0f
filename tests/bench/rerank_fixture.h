// A seeded, synthetic input for timing the whole Thompson re-rank step: a content ranking of M candidates over
// `eligible` rows and an evidence store with community counts for every candidate and a few local counts.
// Invariant: the same (eligible, m, seed) gives the same fixture natively and in WASM (core xoshiro only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "wayfinder/bandit/evidence_store.h"
#include "wayfinder/bandit/features.h"
#include "wayfinder/random/xoshiro.h"
#include "wayfinder/search/candidate.h"

namespace wayfinder::bench {

// Seeded 512-d int8 rows (the real catalog's width) and a PCA basis fitted to 1,024 of them, for the contextual arm:
// the feature cost per candidate is the real one (8 projections of a 512-d row, 6 hashed tags).
struct RowFeatures final : bandit::FeatureSource {
  static constexpr std::size_t kDim = 512;
  std::vector<std::int8_t> rows;
  std::vector<float> scales;
  bandit::FeatureBasis basis;
  RowFeatures(std::size_t count, std::uint64_t seed) : rows(count * kDim), scales(count, 1.0f / 127.0f / 22.6f) {
    random::Xoshiro256ss rng(seed);
    for (auto& v : rows) v = static_cast<std::int8_t>(static_cast<int>(rng.below(255)) - 127);
    basis = bandit::fit_feature_basis(rows, scales, kDim, 1024);
  }
  std::size_t size() const override { return scales.size(); }
  // 6 tags per row, in seeded buckets (the real catalog's projects carry about that many).
  void features(std::uint32_t i, std::span<double> out) const override {
    std::uint32_t tags[6];
    for (std::uint32_t k = 0; k < 6; ++k)
      tags[k] = static_cast<std::uint32_t>(random::derive_seed(i, k) % bandit::kTagBuckets);
    bandit::project_features(basis, std::span(rows).subspan(i * kDim, kDim), scales[i],
                             static_cast<Complexity>(i % 3), static_cast<LearningKind>(i % 9), tags, out);
  }
};

struct RerankFixture {
  search::ContentRanking content;
  bandit::EvidenceStore evidence;
};

// with_features: also the contextual arm's features (RowFeatures over `eligible` rows).
inline RerankFixture make_rerank_fixture(std::size_t eligible, std::size_t m, std::uint64_t seed,
                                         bool with_features = false) {
  RerankFixture f;
  if (with_features) f.evidence.set_features(std::make_shared<RowFeatures>(eligible, seed));
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
