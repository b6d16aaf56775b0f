#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "wayfinder/search/content_ranker.h"
#include "wayfinder/shard/shard.h"
#include "../support/tiny_shard.h"

using namespace wayfinder;
using namespace wayfinder::search;

namespace {

constexpr std::uint32_t kDim = 8;

struct Row {
  std::string id, description, language;
  std::vector<std::string> topics;
  Complexity complexity;
  std::int64_t stars;
  int axis;  // the unit vector this project points along
};

shard::Shard make_shard(const std::vector<Row>& rows) {
  std::vector<ProjectMeta> projects;
  std::vector<float> vectors;
  for (const auto& r : rows) {
    ProjectMeta p = test_support::project(r.id);
    p.description = r.description;
    p.language = r.language;
    p.topics = r.topics;
    p.complexity = r.complexity;
    p.stars = r.stars;
    projects.push_back(p);
    for (std::uint32_t d = 0; d < kDim; ++d) vectors.push_back(d == static_cast<std::uint32_t>(r.axis) ? 1.0f : 0.0f);
  }
  return test_support::open_shard(test_support::shard_input(std::move(projects), std::move(vectors), kDim, "test"));
}

const RankOptions kNoDiversity{DiversityRule{1.0f, 0, 0}, kAllKinds, TopicFeedbackRule{}, QueryFeedbackRule{}};

std::vector<float> axis(int a, float other = 0.0f, int b = -1) {
  std::vector<float> q(kDim, 0.0f);
  q[a] = 1.0f;
  if (b >= 0) q[b] = other;
  return q;
}

const std::vector<Row> kRows = {
    {"a/pygame-tut", "beginner game tutorial", "Python", {"games", "tutorial"}, Complexity::kBeginner, 50, 0},
    {"b/engine", "high performance game engine", "C++", {"game-engine", "cpp"}, Complexity::kAdvanced, 20000, 0},
    {"c/webapp", "a react web app", "JavaScript", {"react", "web"}, Complexity::kIntermediate, 3000, 1},
    {"d/ml", "machine learning course", "Python", {"machine-learning"}, Complexity::kBeginner, 800, 2},
    {"e/kernel", "operating system kernel", "C", {"os"}, Complexity::kAdvanced, 9000, 3},
    {"f/cli", "command line tool", "Rust", {"cli"}, Complexity::kIntermediate, 10, 4},
};

}  // namespace

TEST(ContentRanker, CanonicalTechMergesSynonyms) {
  EXPECT_EQ(canonical_tech(" JS "), "javascript");
  EXPECT_EQ(canonical_tech("JavaScript"), "javascript");
  EXPECT_EQ(canonical_tech("cpp"), "c++");
  EXPECT_EQ(canonical_tech("C++"), "c++");
  EXPECT_EQ(canonical_tech("CSharp"), "c#");
  EXPECT_EQ(canonical_tech("Machine Learning"), "machine-learning");
  EXPECT_EQ(canonical_tech("ReactJS"), "react");
  EXPECT_EQ(canonical_tech("golang"), "go");
}

TEST(ContentRanker, OutputSatisfiesTheCandidateContract) {
  const auto shard = make_shard(kRows);
  Profile p;
  p.interests = {"games"};
  // Without the diversity rule (λ = 1, no owner cap): the blend's order.
  const auto r = rank_content(shard, axis(0), p, 4, {}, kNoDiversity);
  ASSERT_EQ(r.top.size(), 4u);
  EXPECT_EQ(r.eligible.size(), kRows.size());
  EXPECT_TRUE(std::is_sorted(r.eligible.begin(), r.eligible.end()));
  EXPECT_FLOAT_EQ(r.top.front().relevance, 1.0f);
  EXPECT_FLOAT_EQ(r.top.back().relevance, 0.0f);
  for (std::size_t i = 1; i < r.top.size(); ++i) EXPECT_GE(r.top[i - 1].relevance, r.top[i].relevance);
  for (const auto& c : r.top) {
    EXPECT_TRUE(std::binary_search(r.eligible.begin(), r.eligible.end(), c.index));
    EXPECT_GE(c.relevance, 0.0f);
    EXPECT_LE(c.relevance, 1.0f);
  }
  // Both game projects point along the query and match "games"/"game" text; they lead.
  EXPECT_TRUE((r.top[0].index == 0 && r.top[1].index == 1) || (r.top[0].index == 1 && r.top[1].index == 0));
  EXPECT_NEAR(r.top[0].cosine, 1.0f, 0.01f);
  EXPECT_GT(r.top[0].bm25 + r.top[1].bm25, 0.0f);
  // The default diversity rule keeps the contract (sorted, in [0, 1], eligible) but does not put the two
  // identical-direction game projects side by side at the top (changed behaviour: MMR before the re-rank).
  const auto d = rank_content(shard, axis(0), p, 4);
  ASSERT_EQ(d.top.size(), 4u);
  for (std::size_t i = 1; i < d.top.size(); ++i) EXPECT_GE(d.top[i - 1].relevance, d.top[i].relevance);
  EXPECT_FALSE((d.top[0].index == 0 && d.top[1].index == 1) || (d.top[0].index == 1 && d.top[1].index == 0));
}

TEST(ContentRanker, BeginnerDoesNotSeeAdvancedUnlessTooFewRemain) {
  const auto shard = make_shard(kRows);
  Profile p;
  p.skill_level = Complexity::kBeginner;
  // Query feedback off: on a shard this small its seeds are every eligible row, which washes out the query.
  const RankOptions no_feedback{DiversityRule{}, kAllKinds, TopicFeedbackRule{}, QueryFeedbackRule{5, 0.0f}};
  const auto r = rank_content(shard, axis(0), p, 3, {}, no_feedback);
  EXPECT_EQ(r.eligible, (std::vector<std::uint32_t>{0, 2, 3, 5}));
  for (const auto& c : r.top) EXPECT_NE(shard.meta(c.index).complexity, Complexity::kAdvanced);
  EXPECT_EQ(r.top[0].index, 0u);
  // Needing 5 while only 4 non-advanced exist: every project becomes eligible.
  const auto wide = rank_content(shard, axis(0), p, 5);
  EXPECT_EQ(wide.eligible.size(), kRows.size());
  EXPECT_EQ(wide.top.size(), 5u);
}

TEST(ContentRanker, AdvancedLearnerSeesBeginnerMaterialDownWeighted) {
  const auto shard = make_shard(kRows);
  Profile none, adv;
  adv.skill_level = Complexity::kAdvanced;
  // Same direction for both game projects; without a level the beginner one leads only by text match.
  auto pos = [](const ContentRanking& r, std::uint32_t idx) {
    return std::find_if(r.top.begin(), r.top.end(), [&](auto& c) { return c.index == idx; }) - r.top.begin();
  };
  const auto r_adv = rank_content(shard, axis(0), adv, 6);
  EXPECT_EQ(r_adv.eligible.size(), kRows.size());
  EXPECT_LT(pos(r_adv, 1), pos(r_adv, 0));
  EXPECT_LT(skill_fit(Complexity::kAdvanced, Complexity::kBeginner), skill_fit(Complexity::kAdvanced, Complexity::kAdvanced));
  EXPECT_EQ(skill_fit(std::nullopt, Complexity::kAdvanced), 1.0f);
  const auto r_none = rank_content(shard, axis(0), none, 6);
  EXPECT_EQ(r_none.eligible.size(), kRows.size());
}

TEST(ContentRanker, StructuredMatchUsesLanguagesFrameworksAndSynonyms) {
  const auto shard = make_shard(kRows);
  Profile p;
  p.languages = {"js"};
  p.frameworks = {"ReactJS"};
  EXPECT_FLOAT_EQ(structured_match(p, shard, 2), 1.0f);
  EXPECT_FLOAT_EQ(structured_match(p, shard, 0), 0.0f);
  Profile cpp;
  cpp.languages = {"cpp"};
  EXPECT_FLOAT_EQ(structured_match(cpp, shard, 1), 1.0f);
  Profile none;
  EXPECT_FLOAT_EQ(structured_match(none, shard, 1), 0.0f);
  // A structured match lifts a project whose vector is orthogonal to the query, with a reason.
  const auto r = rank_content(shard, axis(4), p, 2);
  ASSERT_EQ(r.top.size(), 2u);
  const auto lifted = std::find_if(r.top.begin(), r.top.end(), [](const Candidate& c) { return c.index == 2u; });
  ASSERT_NE(lifted, r.top.end());
  const auto& reasons = lifted->reasons;
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "written in js"), reasons.end());
  EXPECT_NE(std::find(reasons.begin(), reasons.end(), "uses ReactJS"), reasons.end());
}

TEST(ContentRanker, NotebooksArePythonAndLearningMaterialWithoutLanguageSuitsAnyLanguage) {
  std::vector<ProjectMeta> projects;
  for (const char* id : {"a/notebooks", "b/awesome-list", "c/library", "d/js-course"}) projects.push_back(test_support::project(id));
  projects[0].language = "Jupyter Notebook";
  projects[1].kind = LearningKind::kList;  // no language
  projects[2].kind = LearningKind::kLibrary;  // no language, software
  projects[3].language = "JavaScript";
  projects[3].kind = LearningKind::kTutorial;
  const auto shard = test_support::open_shard(test_support::shard_input(projects, std::vector<float>(4 * kDim, 0.5f), kDim));
  Profile p;
  p.languages = {"Python"};
  EXPECT_FLOAT_EQ(structured_match(p, shard, 0), 1.0f);
  EXPECT_FLOAT_EQ(structured_match(p, shard, 1), 0.5f);
  EXPECT_FLOAT_EQ(structured_match(p, shard, 2), 0.0f);
  EXPECT_FLOAT_EQ(structured_match(p, shard, 3), 0.0f);  // another language stays no match
}

TEST(ContentRanker, SizePriorLiftsSubstantialProjectsForAdvancedLearners) {
  std::vector<Row> rows = {
      {"a/tiny", "parser", "Go", {}, Complexity::kIntermediate, 20, 0},
      {"b/big", "parser", "Go", {}, Complexity::kIntermediate, 8000, 0},
  };
  const auto shard = make_shard(rows);
  Profile p;
  p.skill_level = Complexity::kAdvanced;
  ContentWeights w;
  w.size = 0.0f;
  EXPECT_EQ(rank_content(shard, axis(0), p, 1, w, kNoDiversity).top.at(0).index, 0u);  // tie: lower row first
  w.size = 1.0f;
  EXPECT_EQ(rank_content(shard, axis(0), p, 1, w, kNoDiversity).top.at(0).index, 1u);
}

TEST(ContentRanker, IsDeterministicAndBreaksTiesByIndex) {
  std::vector<Row> same;
  for (int i = 0; i < 5; ++i) same.push_back({"o/r" + std::to_string(i), "x", "", {}, Complexity::kIntermediate, 0, 0});
  const auto shard = make_shard(same);
  const auto r = rank_content(shard, axis(0), Profile{}, 3, {}, kNoDiversity);
  ASSERT_EQ(r.top.size(), 3u);
  EXPECT_EQ(r.top[0].index, 0u);
  EXPECT_EQ(r.top[1].index, 1u);
  EXPECT_EQ(r.top[2].index, 2u);
  for (const auto& c : r.top) EXPECT_EQ(c.relevance, 1.0f);
  // All five share the owner "o": the default rule keeps at most two of them (changed behaviour: owner cap).
  const auto capped = rank_content(shard, axis(0), Profile{}, 3);
  EXPECT_EQ(capped.top.size(), 2u);
  EXPECT_EQ(capped.top[0].index, 0u);
}

TEST(ContentRanker, RejectsAQueryOfTheWrongDimension) {
  const auto shard = make_shard(kRows);
  std::vector<float> q(kDim + 1, 0.0f);
  EXPECT_THROW(rank_content(shard, q, Profile{}, 3), std::invalid_argument);
  q.pop_back();
  q[0] = NAN;
  EXPECT_THROW(rank_content(shard, q, Profile{}, 3), std::invalid_argument);
  EXPECT_TRUE(rank_content(shard, axis(0), Profile{}, 0).top.empty());
}
