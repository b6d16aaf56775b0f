#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "wayfinder/hash.h"
#include "wayfinder/search/top_k.h"
#include "wayfinder/shard/shard.h"
#include "../support/tiny_shard.h"

using namespace wayfinder;
using namespace wayfinder::search;

namespace {
float uniform(std::uint64_t i) { return static_cast<float>(static_cast<double>(mix64(i) >> 11) * 0x1.0p-53 * 2.0 - 1.0); }

std::vector<float> normalised_rows(std::size_t n, std::size_t dim, std::uint64_t seed) {
  std::vector<float> v(n * dim);
  for (std::size_t r = 0; r < n; ++r) {
    double norm = 0;
    for (std::size_t d = 0; d < dim; ++d) {
      v[r * dim + d] = uniform(seed + r * dim + d);
      norm += double(v[r * dim + d]) * v[r * dim + d];
    }
    for (std::size_t d = 0; d < dim; ++d) v[r * dim + d] = static_cast<float>(v[r * dim + d] / std::sqrt(norm));
  }
  return v;
}

shard::Shard random_shard(std::size_t n, std::uint32_t dim, std::vector<float>* vectors_out = nullptr) {
  std::vector<ProjectMeta> projects;
  for (std::size_t i = 0; i < n; ++i) projects.push_back(test_support::project("o/r" + std::to_string(i)));
  const auto in = test_support::shard_input(std::move(projects), normalised_rows(n, dim, 99), dim, "test");
  if (vectors_out) *vectors_out = in.vectors;
  return test_support::open_shard(in);
}
}  // namespace

TEST(SearchTopK, BreaksTiesByAscendingIndex) {
  const std::vector<float> s = {0.5f, 0.9f, 0.5f, 0.9f, 0.1f, 0.5f};
  const auto t = top_k(s, 4);
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].index, 1u);
  EXPECT_EQ(t[1].index, 3u);
  EXPECT_EQ(t[2].index, 0u);
  EXPECT_EQ(t[3].index, 2u);
  EXPECT_EQ(top_k(s, 100).size(), s.size());
  EXPECT_TRUE(top_k(s, 0).empty());
}

TEST(SearchTopK, MatchesAFullSort) {
  std::vector<float> s(5000);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = std::round(uniform(i) * 50.0f) / 50.0f;  // many ties
  std::vector<Scored> all;
  for (std::uint32_t i = 0; i < s.size(); ++i) all.push_back({i, s[i]});
  std::stable_sort(all.begin(), all.end(), [](auto a, auto b) { return a.score > b.score; });
  const auto t = top_k(s, 37);
  for (std::size_t i = 0; i < t.size(); ++i) {
    EXPECT_EQ(t[i].index, all[i].index);
    EXPECT_EQ(t[i].score, all[i].score);
  }
}

TEST(SearchTopK, Int8SimilarityApproximatesCosineAndKeepsRecallAt10) {
  const std::size_t n = 4000, dim = 512;
  std::vector<float> vectors;
  const auto shard = random_shard(n, dim, &vectors);
  double recall = 0;
  const int queries = 20;
  for (int qi = 0; qi < queries; ++qi) {
    // A query near row qi*7 so that the top-10 is meaningful, as with real embeddings.
    std::vector<float> q(dim);
    const auto noise = normalised_rows(1, dim, 5000 + qi);
    for (std::size_t d = 0; d < dim; ++d) q[d] = vectors[(qi * 7) * dim + d] + 1.2f * noise[d];
    std::vector<float> exact(n);
    for (std::size_t r = 0; r < n; ++r) {
      float acc = 0;
      for (std::size_t d = 0; d < dim; ++d) acc += q[d] * vectors[r * dim + d];
      exact[r] = acc;
    }
    const auto want = top_k(exact, 10);
    const auto got = search_top_k(shard, q, 10);
    int hit = 0;
    for (auto g : got) hit += std::any_of(want.begin(), want.end(), [&](auto w) { return w.index == g.index; });
    recall += hit / 10.0;
    // Scores approximate the float dot (query not normalised here: compare relative to its norm).
    double qn = 0;
    for (float v : q) qn += double(v) * v;
    EXPECT_NEAR(got[0].score / std::sqrt(qn), exact[got[0].index] / std::sqrt(qn), 0.01);
  }
  recall /= queries;
  std::printf("[recall] int8 vs float32 recall@10 on random 4000x512: %.4f\n", recall);
  EXPECT_GE(recall, 0.95);
}

TEST(SearchTopK, RejectsAQueryOfTheWrongDimension) {
  const auto shard = random_shard(3, 8);
  std::vector<float> q(7, 0.1f);
  EXPECT_THROW(search_top_k(shard, q, 2), std::invalid_argument);
}
