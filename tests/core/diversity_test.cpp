#include <gtest/gtest.h>

#include <map>

#include "wayfinder/search/content_ranker.h"
#include "wayfinder/search/diversity.h"
#include "wayfinder/shard/shard.h"

using namespace wayfinder;
using namespace wayfinder::search;

namespace {

constexpr std::uint32_t kDim = 4;

// Rows: owner a has five near-identical projects along axis 0; b, c, d one each along other axes.
shard::Shard make_shard() {
  shard::ShardInput in;
  in.model_name = "test";
  in.dim = kDim;
  const struct { const char* id; int axis; LearningKind kind; } rows[] = {
      {"a/one", 0, LearningKind::kLibrary}, {"a/two", 0, LearningKind::kLibrary}, {"a/three", 0, LearningKind::kLibrary},
      {"a/four", 0, LearningKind::kTutorial}, {"a/five", 0, LearningKind::kLibrary}, {"b/x", 1, LearningKind::kTutorial},
      {"c/y", 2, LearningKind::kExample}, {"d/z", 3, LearningKind::kBook},
  };
  for (const auto& r : rows) {
    ProjectMeta p;
    p.id = r.id;
    p.kind = r.kind;
    in.projects.push_back(p);
    for (std::uint32_t d = 0; d < kDim; ++d) in.vectors.push_back(d == static_cast<std::uint32_t>(r.axis) ? 1.0f : 0.1f);
  }
  return shard::Shard::open(shard::write_shard(in));
}

std::vector<Pick> pool_by_row_order(std::size_t n) {
  std::vector<Pick> pool;
  for (std::uint32_t i = 0; i < n; ++i) pool.push_back({i, 1.0f - 0.01f * static_cast<float>(i)});
  return pool;
}

}  // namespace

TEST(Diversity, OwnerCapHoldsAndGainsAreNonIncreasing) {
  const auto shard = make_shard();
  const auto pool = pool_by_row_order(shard.size());
  const auto picks = diversify(shard, pool, 8, DiversityRule{1.0f, 2, 50});
  std::map<std::string, int> owners;
  for (const auto& p : picks) ++owners[shard.id(p.row).substr(0, 1)];
  EXPECT_EQ(owners["a"], 2);
  EXPECT_EQ(picks.size(), 5u);  // 2 of a + b + c + d
  for (std::size_t k = 1; k < picks.size(); ++k) EXPECT_LE(picks[k].score, picks[k - 1].score);
  // λ = 1 and no cap is the relevance order itself.
  const auto plain = diversify(shard, pool, 8, DiversityRule{1.0f, 0, 50});
  for (std::size_t k = 0; k < plain.size(); ++k) EXPECT_EQ(plain[k].row, k);
}

TEST(Diversity, MmrPrefersANewDirectionOverANearDuplicate) {
  const auto shard = make_shard();
  EXPECT_GT(row_cosine(shard, 0, 1), 0.95f);
  EXPECT_LT(row_cosine(shard, 0, 5), 0.5f);
  const auto pool = pool_by_row_order(shard.size());
  const auto picks = diversify(shard, pool, 3, DiversityRule{0.5f, 0, 50});
  ASSERT_EQ(picks.size(), 3u);
  EXPECT_EQ(picks[0].row, 0u);
  EXPECT_NE(shard.id(picks[1].row).substr(0, 1), "a");  // the second pick leaves owner a's direction
  EXPECT_THROW(diversify(shard, pool, 3, DiversityRule{1.5f, 0, 50}), std::invalid_argument);
}

TEST(Diversity, KindFilterLimitsTheEligibleRows) {
  const auto shard = make_shard();
  const std::vector<float> q{1.0f, 0.0f, 0.0f, 0.0f};
  RankOptions only;
  only.kinds = parse_kind_filter({"tutorial"});
  const auto r = rank_content(shard, q, Profile{}, 10, {}, only);
  ASSERT_EQ(r.eligible.size(), 2u);
  for (const auto& c : r.top) EXPECT_EQ(shard.facets().kind[c.index], LearningKind::kTutorial);
  ASSERT_FALSE(r.top.empty());
  EXPECT_EQ(r.top.front().reasons.front().rfind("a hands-on", 0), 0u) << r.top.front().reasons.front();
}
