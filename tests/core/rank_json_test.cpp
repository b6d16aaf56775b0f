// JSON beside the types: RerankConfig, ImpressionEpisode and page items round-trip, and bad input is refused naming
// the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "wayfinder/bandit/reward.h"
#include "wayfinder/rank/page.h"
#include "wayfinder/rank/rerank.h"

using nlohmann::json;

namespace {
template <class T>
std::string refusal(const json& j) {
  T value;
  try {
    from_json(j, value);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}
}  // namespace

TEST(RankJson, RerankConfigRoundTripsAndRefusesBadOptions) {
  wayfinder::rank::RerankConfig c;
  c.epsilon = 0.05;
  c.exploration_pool = 0;
  const json j = c;
  EXPECT_EQ(j["epsilon"], 0.05);
  wayfinder::rank::RerankConfig back;
  from_json(j, back);
  EXPECT_EQ(json(back), j);
  wayfinder::rank::RerankConfig partial;
  from_json(json{{"epsilon", 0.2}, {"seed", "7"}}, partial);  // other keys are ignored, absent ones keep defaults
  EXPECT_EQ(partial.epsilon, 0.2);
  EXPECT_EQ(partial.min_depth, 10u);
  EXPECT_NE(refusal<wayfinder::rank::RerankConfig>(json{{"explorationPool", -1}}).find("explorationPool must be a non-negative integer"), std::string::npos);
  EXPECT_NE(refusal<wayfinder::rank::RerankConfig>(json{{"minDepth", 2.5}}).find("minDepth"), std::string::npos);
  EXPECT_NE(refusal<wayfinder::rank::RerankConfig>(json{{"epsilon", 2}}).find("epsilon"), std::string::npos);
  EXPECT_NE(refusal<wayfinder::rank::RerankConfig>(json{{"banditWeight", "x"}}).find("banditWeight must be a number"), std::string::npos);
}

TEST(RankJson, ImpressionEpisodeRoundTripsAndRefusesBadFields) {
  wayfinder::bandit::ImpressionEpisode e;
  e.position = 3;
  e.clicked = true;
  e.stars = 4;
  e.dwell_seconds = 12.5;
  wayfinder::bandit::ImpressionEpisode back;
  from_json(json(e), back);
  EXPECT_EQ(json(back), json(e));
  EXPECT_NE(refusal<wayfinder::bandit::ImpressionEpisode>(json{{"position", 0}, {"stars", 6}}).find("stars"), std::string::npos);
  EXPECT_NE(refusal<wayfinder::bandit::ImpressionEpisode>(json{{"clicked", true}}).find("position"), std::string::npos);
  EXPECT_NE(refusal<wayfinder::bandit::ImpressionEpisode>(json{{"position", 0}, {"dwellSeconds", -1}}).find("dwell"), std::string::npos);
}

TEST(RankJson, PageItemRoundTripsWithAndWithoutACommunityScore) {
  wayfinder::rank::RankedItem it;
  it.position = 4;
  it.score = 0.5;
  it.reasons = {"Matches Python", "Beginner friendly"};
  wayfinder::ProjectMeta m;
  m.id = "a/b";
  m.full_name = "A/b";
  m.topics = {"ml"};
  for (const std::optional<double> community : {std::optional<double>{}, std::optional<double>{0.42}}) {
    const auto p = wayfinder::rank::page_item(it, m, community);
    const json j = p;
    EXPECT_EQ(j["reason"], "Matches Python; Beginner friendly");
    EXPECT_EQ(j["communityScore"].is_null(), !community.has_value());
    wayfinder::rank::PageItem back;
    from_json(j, back);
    EXPECT_EQ(json(back), j);
  }
  json j = wayfinder::rank::page_item(it, m, {});
  j.erase("altPropensity");
  EXPECT_NE(refusal<wayfinder::rank::PageItem>(j).find("altPropensity is missing"), std::string::npos);
}
