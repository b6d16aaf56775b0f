#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "wayfinder/catalog/project.h"
#include "wayfinder/profile.h"

using wayfinder::Profile;

TEST(Profile, ParsesListsAndCommaSeparatedStrings) {
  auto j = nlohmann::json::parse(R"({"interests": ["web", " games "], "languages": "Python, Rust,,",
                                     "skill_level": "beginner"})");
  Profile p = j.get<Profile>();
  EXPECT_EQ(p.interests, (std::vector<std::string>{"web", "games"}));
  EXPECT_EQ(p.languages, (std::vector<std::string>{"Python", "Rust"}));
  ASSERT_TRUE(p.skill_level);
  EXPECT_EQ(*p.skill_level, wayfinder::Complexity::kBeginner);
}

TEST(Profile, RejectsWrongTypesNamingTheField) {
  try {
    nlohmann::json::parse(R"({"frameworks": [1, 2]})").get<Profile>();
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("frameworks"), std::string::npos);
  }
  EXPECT_THROW(nlohmann::json::parse(R"({"skill_level": "expert"})").get<Profile>(), std::invalid_argument);
  EXPECT_THROW(nlohmann::json::parse(R"([1])").get<Profile>(), std::invalid_argument);
}

TEST(Profile, HashChangesWithContentAndIsStable) {
  Profile a = nlohmann::json::parse(R"({"interests": ["web"]})").get<Profile>();
  Profile b = nlohmann::json::parse(R"({"interests": ["games"]})").get<Profile>();
  EXPECT_NE(wayfinder::profile_hash(a), wayfinder::profile_hash(b));
  EXPECT_EQ(wayfinder::profile_hash(a), wayfinder::profile_hash(a));
}

TEST(ProjectId, NormalisesCaseAndRejectsBadShapes) {
  EXPECT_EQ(wayfinder::normalize_project_id("Ollama/Ollama"), "ollama/ollama");
  EXPECT_THROW(wayfinder::normalize_project_id("no-slash"), std::invalid_argument);
  EXPECT_THROW(wayfinder::normalize_project_id("a/b/c"), std::invalid_argument);
  EXPECT_THROW(wayfinder::normalize_project_id("a/b c"), std::invalid_argument);
  EXPECT_THROW(wayfinder::normalize_project_id(""), std::invalid_argument);
}
