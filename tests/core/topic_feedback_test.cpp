#include <gtest/gtest.h>

#include <algorithm>

#include "wayfinder/search/content_ranker.h"
#include "wayfinder/search/topic_feedback.h"
#include "wayfinder/shard/shard.h"
#include "../support/tiny_shard.h"

using namespace wayfinder;
using namespace wayfinder::search;

namespace {

constexpr std::uint32_t kDim = 4;

// Rows 0-2 lie along axis 0 and carry the topic "security" (and the common topic "python"); rows 3-6 are other
// topics; the last row carries "security" but its vector points elsewhere (the learner's words do not reach it), and
// it is last so that ties by row order never favour it.
shard::Shard make_shard() {
  const struct { const char* id; int axis; std::vector<std::string> topics; } rows[] = {
      {"a/near-one", 0, {"python", "security"}}, {"b/near-two", 0, {"python", "security"}},
      {"c/near-three", 0, {"python", "security", "ctf"}}, {"e/other", 1, {"python", "web"}},
      {"f/other", 1, {"python", "web"}}, {"g/other", 3, {"python", "games"}}, {"h/other", 3, {"python", "games"}},
      {"d/far-on-topic", 2, {"security"}},
  };
  std::vector<ProjectMeta> projects;
  std::vector<float> vectors;
  for (const auto& r : rows) {
    projects.push_back(test_support::project(r.id));
    projects.back().topics = r.topics;
    for (std::uint32_t d = 0; d < kDim; ++d) vectors.push_back(d == static_cast<std::uint32_t>(r.axis) ? 1.0f : 0.05f);
  }
  return test_support::open_shard(test_support::shard_input(std::move(projects), std::move(vectors), kDim));
}

std::uint32_t tag(const shard::Shard& s, const std::string& name) {
  const auto& names = s.facets().tag_names;
  return static_cast<std::uint32_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

TEST(TopicFeedback, SharedRareTagsWeighMoreThanCommonOnesAndSingletonsDoNotCount) {
  const auto shard = make_shard();
  const std::vector<std::uint32_t> seeds{0, 1, 2};
  const auto w = topic_weights(shard, seeds, TopicFeedbackRule{3, 2});
  EXPECT_GT(w[tag(shard, "security")], 0.0f);
  EXPECT_GT(w[tag(shard, "security")], w[tag(shard, "python")]);  // python is on 7 of 8 rows
  EXPECT_EQ(w[tag(shard, "ctf")], 0.0f);                           // one seed only: below min_support
  EXPECT_EQ(w[tag(shard, "web")], 0.0f);                           // no seed carries it
  // Scores: the strongest tag over the strongest weight, so every security row scores 1 whatever its vector.
  const std::vector<std::uint32_t> rows{7, 3};
  const auto s = topic_scores(shard, rows, w);
  EXPECT_FLOAT_EQ(s[0], 1.0f);
  EXPECT_LT(s[1], s[0]);
  // No seeds, or seeds = 0: no weight anywhere, every score 0.
  const auto none = topic_weights(shard, seeds, TopicFeedbackRule{0, 2});
  EXPECT_TRUE(std::all_of(none.begin(), none.end(), [](float x) { return x == 0.0f; }));
  EXPECT_EQ(topic_scores(shard, rows, none), (std::vector<float>{0.0f, 0.0f}));
}

TEST(TopicFeedback, LiftsAnOnTopicRowTheQueryVectorDoesNotReach) {
  const auto shard = make_shard();
  const std::vector<float> q{1.0f, 0.0f, 0.0f, 0.0f};
  RankOptions options;
  options.diversity = DiversityRule{1.0f, 0, 50};
  options.topics = TopicFeedbackRule{3, 2};
  auto position = [&](const ContentWeights& w) {
    const auto r = rank_content(shard, q, Profile{}, 8, w, options);
    for (std::size_t k = 0; k < r.top.size(); ++k) {
      if (shard.id(r.top[k].index) == "d/far-on-topic") return k;
    }
    return r.top.size();
  };
  ContentWeights off;
  off.topic = 0.0f;
  ContentWeights on = off;
  on.topic = 1.0f;
  EXPECT_EQ(position(off), 7u);   // without feedback the far row ranks last
  EXPECT_EQ(position(on), 3u);    // with it, right after the three near rows
  // Deterministic: the same input gives the same order.
  const auto a = rank_content(shard, q, Profile{}, 8, on, options), b = rank_content(shard, q, Profile{}, 8, on, options);
  for (std::size_t k = 0; k < a.top.size(); ++k) EXPECT_EQ(a.top[k].index, b.top[k].index);
}

namespace {
float dot4(const std::vector<float>& a, const std::vector<float>& b) {
  float d = 0.0f;
  for (std::size_t i = 0; i < a.size(); ++i) d += a[i] * b[i];
  return d;
}
}  // namespace

TEST(QueryFeedback, MovesTheQueryTowardsTheSeedsCentroidAndStaysUnitLength) {
  const auto shard = make_shard();
  const std::vector<float> q{0.6f, 0.8f, 0.0f, 0.0f};  // closer to the web rows (axis 1) than to the security rows
  const std::vector<std::uint32_t> seeds{0, 1, 2};      // the security rows (axis 0)
  const auto moved = feedback_query(shard, q, seeds, 1.0f);
  ASSERT_EQ(moved.size(), q.size());
  EXPECT_NEAR(dot4(moved, moved), 1.0f, 1e-5f);
  const std::vector<float> axis0{1.0f, 0.0f, 0.0f, 0.0f};
  EXPECT_GT(dot4(moved, axis0), dot4(q, axis0) + 0.1f);
  EXPECT_GT(moved[0], moved[1]);  // beta 1: the seeds now outweigh the query's own lean
  // A smaller beta moves it less; beta 0 or no seeds leaves it as given; a wrong dimension is an error.
  EXPECT_LT(dot4(feedback_query(shard, q, seeds, 0.25f), axis0), dot4(moved, axis0));
  EXPECT_EQ(feedback_query(shard, q, seeds, 0.0f), q);
  EXPECT_EQ(feedback_query(shard, q, {}, 1.0f), q);
  EXPECT_THROW(feedback_query(shard, std::vector<float>{1.0f, 0.0f}, seeds, 1.0f), std::invalid_argument);
}

TEST(QueryFeedback, RankingFollowsTheFirstStageMajorityWhenOn) {
  const auto shard = make_shard();
  // The query leans to the two web rows (axis 1); the first stage's 5 best are those 2 and the 3 security rows
  // (axis 0), so the centroid leans to security and, with feedback on, a security row ranks first.
  const std::vector<float> q{0.6f, 0.8f, 0.0f, 0.0f};
  RankOptions options;
  options.diversity = DiversityRule{1.0f, 0, 50};
  options.topics = TopicFeedbackRule{0, 2};
  ContentWeights w;
  w.topic = 0.0f;
  w.size = 0.0f;
  w.kind = 0.0f;
  auto first = [&](float beta) {
    options.query_feedback = QueryFeedbackRule{5, beta};
    const auto r = rank_content(shard, q, Profile{}, 8, w, options);
    return std::make_pair(shard.id(r.top[0].index), r.top[0].cosine);
  };
  const auto off = first(0.0f), on = first(2.0f);
  EXPECT_EQ(off.first.substr(0, 2), "e/");
  EXPECT_EQ(on.first.substr(0, 2), "a/");
  EXPECT_LT(on.second, 0.75f);  // the card keeps the profile's own cosine (≈ 0.64), not the moved query's
}
