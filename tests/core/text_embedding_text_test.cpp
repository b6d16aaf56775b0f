// The texts embedded for projects and profiles: exact wording, omissions, whitespace and length limits.
#include <gtest/gtest.h>

#include <string>

#include "wayfinder/text/embedding_text.h"
#include "wayfinder/text/utf8.h"

namespace wt = wayfinder::text;

namespace {
wayfinder::ProjectMeta sample_project() {
  wayfinder::ProjectMeta p;
  p.id = "tiangolo/full-stack_fastapi";
  p.full_name = "tiangolo/full-stack_fastapi";
  p.description = "Full stack,\n modern web application   template";
  p.language = "Python";
  p.topics = {"fastapi", "machine-learning", "machine_learning", "", "docker"};
  return p;
}
}  // namespace

TEST(TextProjectText, JoinsNameOwnerDescriptionLanguageAndTopics) {
  EXPECT_EQ(wt::project_text(sample_project()),
            "full stack fastapi by tiangolo. Full stack, modern web application template. Language: Python. "
            "Topics: fastapi, machine learning, docker.");
}

TEST(TextProjectText, LeavesOutEmptyPartsAndDoesNotDoubleFullStops) {
  wayfinder::ProjectMeta p;
  p.id = "owner/repo";
  p.description = "Does things!";
  EXPECT_EQ(wt::project_text(p), "repo by owner. Does things!");
  p.description = "Ends with a stop.";
  EXPECT_EQ(wt::project_text(p), "repo by owner. Ends with a stop.");
}

TEST(TextProjectText, ClipsLongTextAtAWordWithinTheLimit) {
  wayfinder::ProjectMeta p = sample_project();
  p.description.clear();
  for (int i = 0; i < 200; ++i) p.description += "caf\xC3\xA9 ";
  const std::string text = wt::project_text(p);
  EXPECT_LE(text.size(), wt::kMaxEmbeddingTextBytes);
  EXPECT_GT(text.size(), wt::kMaxEmbeddingTextBytes - 10);
  EXPECT_EQ(text.back(), '\xA9');  // ends on a whole word ("café"), not a split code point
  EXPECT_EQ(wt::decode_utf8(text).find(wt::kReplacementChar), std::u32string::npos);
}

TEST(TextProfileQueryText, PhrasesEveryFieldNaturally) {
  wayfinder::Profile p;
  p.interests = {"machine learning", "data visualization"};
  p.languages = {"Python"};
  p.frameworks = {"React"};
  p.goals = {"build a portfolio", "contribute to open source"};
  p.field_of_study = "Biology";
  p.skill_level = wayfinder::Complexity::kBeginner;
  EXPECT_EQ(wt::profile_query_text(p),
            "I want to learn machine learning, data visualization with Python, React. "
            "Goals: build a portfolio; contribute to open source. Field: Biology. Level: beginner.");
}

TEST(TextProfileQueryText, UsesToolsAloneWhenThereAreNoInterestsAndOmitsAbsentFields) {
  wayfinder::Profile p;
  p.languages = {"Rust"};
  p.skill_level = wayfinder::Complexity::kAdvanced;
  EXPECT_EQ(wt::profile_query_text(p), "I want to learn Rust. Level: advanced.");
  EXPECT_EQ(wt::profile_query_text(wayfinder::Profile{}), "");
}

TEST(TextProfileQueryText, IsDeterministicAndBounded) {
  wayfinder::Profile p;
  for (int i = 0; i < 64; ++i) p.interests.push_back("topic number " + std::to_string(i));
  const std::string a = wt::profile_query_text(p);
  EXPECT_EQ(a, wt::profile_query_text(p));
  EXPECT_LE(a.size(), wt::kMaxEmbeddingTextBytes);
  EXPECT_EQ(a.rfind("I want to learn topic number 0, topic number 1,", 0), 0u);
}
