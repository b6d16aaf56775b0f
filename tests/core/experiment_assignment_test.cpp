#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "wayfinder/experiment/assignment.h"

using namespace wayfinder::experiment;

namespace {
// Built by append: g++ 12 at -O3 gives a false -Wrestrict on `"literal" + std::to_string(i)` (GCC bug 105329).
std::string user(const char* prefix, int i) {
  std::string s(prefix);
  s.append(std::to_string(i));
  return s;
}

ExperimentConfig rl_vs_similarity() {
  return nlohmann::json::parse(R"({"id": "rl-vs-similarity",
      "arms": [{"name": "rl", "weight": 0.2}, {"name": "similarity", "weight": 0.8}]})")
      .get<ExperimentConfig>();
}
std::string expect_error(const std::string& text) {
  try {
    (void)nlohmann::json::parse(text).get<ExperimentConfig>();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text;
  return "";
}
}  // namespace

// Pinned: changing these would silently move users between arms after an upgrade.
TEST(ExperimentAssignment, GoldenHashesAndArmsAreStable) {
  EXPECT_EQ(assignment_hash("rl-vs-similarity", "user-1"), 0x496098b3cc9b65b0ULL);
  EXPECT_EQ(assignment_hash("", ""), 0x25fc6dd36ce04b20ULL);
  const auto c = rl_vs_similarity();
  const char* want[] = {"similarity", "similarity", "similarity", "rl",         "rl",         "rl",
                        "similarity", "similarity", "similarity", "similarity", "similarity", "similarity"};
  for (int i = 0; i < 12; ++i) EXPECT_EQ(assign(c, user("user-", i)).name, want[i]) << i;
}

TEST(ExperimentAssignment, ProportionsAreWithinOnePercentOfWeights) {
  ExperimentConfig c = rl_vs_similarity();
  c.arms.push_back({"hybrid", 0.5, true});  // 0.2 : 0.8 : 0.5 → 2/15, 8/15, 5/15
  std::map<std::string, int> counts;
  const int n = 100000;
  for (int i = 0; i < n; ++i) ++counts[assign(c, user("u", i)).name];
  EXPECT_NEAR(counts["rl"] / double(n), 0.2 / 1.5, 0.01);
  EXPECT_NEAR(counts["similarity"] / double(n), 0.8 / 1.5, 0.01);
  EXPECT_NEAR(counts["hybrid"] / double(n), 0.5 / 1.5, 0.01);
}

TEST(ExperimentAssignment, ExperimentsAreIndependentOfEachOther) {
  ExperimentConfig a = rl_vs_similarity(), b = rl_vs_similarity();
  b.id = "other";
  int both_rl = 0;
  const int n = 50000;
  for (int i = 0; i < n; ++i) {
    const auto u = user("u", i);
    both_rl += assign(a, u).name == "rl" && assign(b, u).name == "rl";
  }
  EXPECT_NEAR(both_rl / double(n), 0.04, 0.005);
}

TEST(ExperimentAssignment, ZeroWeightArmIsNeverAssignedAndDisabledGivesFallback) {
  ExperimentConfig c = rl_vs_similarity();
  c.arms[0].weight = 0.0;
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(assign(c, std::to_string(i)).name, "similarity");
  c = rl_vs_similarity();
  c.enabled = false;
  c.fallback_arm = "similarity";
  EXPECT_EQ(assign(c, "user-3").name, "similarity");
}

TEST(ExperimentConfigJson, ParsesDefaultsAndRoundTrips) {
  const auto c = rl_vs_similarity();
  EXPECT_TRUE(c.arms[0].use_rl);
  EXPECT_FALSE(c.arms[1].use_rl);
  EXPECT_TRUE(c.enabled);
  const auto back = nlohmann::json(c).get<ExperimentConfig>();
  EXPECT_EQ(back.arms[1].name, "similarity");
  EXPECT_EQ(back.arms[0].weight, 0.2);
}

TEST(ExperimentConfigJson, RejectsBadConfigNamingTheField) {
  EXPECT_NE(expect_error(R"({"arms": []})").find("id"), std::string::npos);
  EXPECT_NE(expect_error(R"({"id": "x", "arms": []})").find("arms"), std::string::npos);
  EXPECT_NE(expect_error(R"({"id": "x", "arms": [{"name": "a", "weight": -1}]})").find("arms[0].weight"),
            std::string::npos);
  EXPECT_NE(expect_error(R"({"id": "x", "arms": [{"name": "a", "weight": 1}, {"name": "a", "weight": 1}]})")
                .find("arms[1].name"),
            std::string::npos);
  EXPECT_NE(expect_error(R"({"id": "x", "arms": [{"name": "a", "weight": 0}]})").find("sum"), std::string::npos);
  EXPECT_NE(expect_error(R"({"id": "x", "arms": [{"name": "a", "weight": 1}], "fallbackArm": "b"})")
                .find("fallbackArm"),
            std::string::npos);
  EXPECT_NE(expect_error(R"({"id": "x", "arms": [{"name": "a", "weight": "1"}]})").find("arms[0].weight"),
            std::string::npos);
}
