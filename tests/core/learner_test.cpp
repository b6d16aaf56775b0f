#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "wayfinder/catalog/project.h"
#include "wayfinder/search/content_ranker.h"
#include "wayfinder/search/learner.h"

using namespace wayfinder;
using namespace wayfinder::search;

TEST(LearningKind, NamesRoundTripAndTheFilterNamesTheAllowedKinds) {
  for (std::size_t k = 0; k < kLearningKindCount; ++k) {
    const auto kind = static_cast<LearningKind>(k);
    EXPECT_EQ(parse_learning_kind(to_string(kind)), kind);
  }
  EXPECT_FALSE(parse_learning_kind("video"));
  EXPECT_EQ(parse_kind_filter({}), kAllKinds);
  EXPECT_EQ(parse_kind_filter({"Tutorial"}), kind_bit(LearningKind::kTutorial));
  EXPECT_EQ(parse_kind_filter({"hands-on"}),
            kind_bit(LearningKind::kTutorial) | kind_bit(LearningKind::kExercises) | kind_bit(LearningKind::kExample));
  try {
    parse_kind_filter({"tutorial", "video"});
    FAIL() << "an unknown kind must throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown kind 'video' (allowed: tutorial, book, exercises, example, list, reference, library, tool, app; "
              "or the groups hands-on, learning, software)");
  }
}

TEST(LearningKind, CatalogRowKindIsParsedAndAnUnknownOneIsNamed) {
  ProjectMeta p;
  from_json(nlohmann::json{{"id", "a/b"}, {"kind", "book"}}, p);
  EXPECT_EQ(p.kind, LearningKind::kBook);
  from_json(nlohmann::json{{"id", "a/b"}}, p);
  EXPECT_EQ(p.kind, LearningKind::kLibrary);  // the builder's default
  EXPECT_THROW(from_json(nlohmann::json{{"id", "a/b"}, {"kind", "podcast"}}, p), std::invalid_argument);
}

TEST(Learner, GoalsSayWhatTheLearnerWantsToDo) {
  Profile p;
  p.goals = {"Understand the basics of prediction models"};
  EXPECT_TRUE(goal_intent(p).learn);
  EXPECT_FALSE(goal_intent(p).contribute);
  p.goals = {"contribute to a kernel or compiler"};
  EXPECT_TRUE(goal_intent(p).contribute);
  p.goals = {"ship a small service with tests"};
  EXPECT_TRUE(goal_intent(p).build);
}

TEST(Learner, KindFitServesEachLevelItsMaterial) {
  const GoalIntent none;
  const auto fit = [&](Complexity c, LearningKind k) { return kind_fit(c, none, k); };
  EXPECT_GT(fit(Complexity::kBeginner, LearningKind::kTutorial), fit(Complexity::kBeginner, LearningKind::kLibrary));
  // A beginner: learning material, then example apps and templates, then software.
  EXPECT_GT(fit(Complexity::kBeginner, LearningKind::kReference), fit(Complexity::kBeginner, LearningKind::kExample));
  EXPECT_GT(fit(Complexity::kBeginner, LearningKind::kExample), fit(Complexity::kBeginner, LearningKind::kApp));
  EXPECT_GT(fit(Complexity::kIntermediate, LearningKind::kExample), fit(Complexity::kIntermediate, LearningKind::kList));
  EXPECT_GT(fit(Complexity::kAdvanced, LearningKind::kLibrary), fit(Complexity::kAdvanced, LearningKind::kTutorial));
  EXPECT_FLOAT_EQ(kind_fit(std::nullopt, none, LearningKind::kTool), kind_fit(std::nullopt, none, LearningKind::kBook));
  GoalIntent contribute;
  contribute.contribute = true;
  EXPECT_GT(kind_fit(Complexity::kIntermediate, contribute, LearningKind::kLibrary), fit(Complexity::kIntermediate, LearningKind::kLibrary));
  for (std::size_t k = 0; k < kLearningKindCount; ++k) {
    EXPECT_LE(kind_fit(Complexity::kBeginner, GoalIntent{true, true, true}, static_cast<LearningKind>(k)), 1.0f);
  }
}

TEST(Learner, FieldOfStudyImpliesTopics) {
  const auto bio = field_terms("Molecular Biology");
  EXPECT_NE(std::find(bio.begin(), bio.end(), "bioinformatics"), bio.end());
  EXPECT_TRUE(field_terms("").empty());
  EXPECT_TRUE(field_terms("cartography").empty());
}

TEST(Learner, WhyLineIsPlainWords) {
  EXPECT_EQ(why_line(LearningKind::kTutorial, "Django", "Python", 300), "a hands-on Django tutorial");
  EXPECT_EQ(why_line(LearningKind::kExample, "Python", "Python", 300), "a small example app in Python");
  EXPECT_EQ(why_line(LearningKind::kBook, "Rust", "Rust", 9000), "a book on Rust");
  EXPECT_EQ(why_line(LearningKind::kLibrary, "", "Go", 50000), "a widely used library in Go");
  EXPECT_EQ(why_line(LearningKind::kList, "", "", 0), "a curated list of resources");
}

TEST(SizeFit, ApproachableForIntermediatesSubstantialForAdvancedNeutralWithoutLevel) {
  const auto beginner = Complexity::kBeginner, intermediate = Complexity::kIntermediate, advanced = Complexity::kAdvanced;
  EXPECT_FLOAT_EQ(size_fit(std::nullopt, 0), 1.0f);
  EXPECT_FLOAT_EQ(size_fit(std::nullopt, 500000), 1.0f);
  // Known to people: 0 up to 9 stars, 1 from 99 on (L = log10(stars + 1) from 1 to 2).
  EXPECT_FLOAT_EQ(size_fit(beginner, 1), 0.0f);
  EXPECT_FLOAT_EQ(size_fit(beginner, 9), 0.0f);
  EXPECT_NEAR(size_fit(beginner, 30), 0.491f, 0.002f);
  EXPECT_FLOAT_EQ(size_fit(beginner, 99), 1.0f);
  EXPECT_FLOAT_EQ(size_fit(beginner, 300000), 1.0f);  // a beginner's course may be huge
  // An intermediate: approachable real projects; a giant codebase fits less (down to 0.3).
  EXPECT_FLOAT_EQ(size_fit(intermediate, 5000), 1.0f);
  EXPECT_LT(size_fit(intermediate, 60000), 1.0f);
  EXPECT_GT(size_fit(intermediate, 60000), size_fit(intermediate, 150000));
  EXPECT_FLOAT_EQ(size_fit(intermediate, 5000000), 0.3f);
  // An advanced learner: substantial projects (1k stars and more).
  EXPECT_FLOAT_EQ(size_fit(advanced, 99), 0.0f);
  EXPECT_LT(size_fit(advanced, 300), size_fit(advanced, 600));
  EXPECT_FLOAT_EQ(size_fit(advanced, 999), 1.0f);
  EXPECT_FLOAT_EQ(size_fit(advanced, 5000000), 1.0f);
  // A star count of 0 is one the catalog does not know (Explore collection rows): curated, so known to people for a
  // beginner or intermediate, half way for an advanced learner.
  EXPECT_FLOAT_EQ(size_fit(beginner, 0), 1.0f);
  EXPECT_FLOAT_EQ(size_fit(intermediate, 0), 1.0f);
  EXPECT_FLOAT_EQ(size_fit(advanced, 0), 0.5f);
  EXPECT_FLOAT_EQ(size_fit(advanced, -5), 0.5f);
}

TEST(WishWords, AreNotQueryTermsButTheSubjectAndFieldWordsAre) {
  Profile p;
  p.interests = {"I want to make my first website"};
  p.goals = {"learn how to build a blog"};
  p.field_of_study = "biology";
  const auto terms = profile_query_terms(p);
  for (const char* wish : {"i", "want", "make", "my", "first", "learn", "how", "build"}) {
    EXPECT_EQ(std::find(terms.begin(), terms.end(), wish), terms.end()) << wish;
  }
  for (const char* subject : {"website", "blog", "biology", "bioinformatics"}) {
    EXPECT_NE(std::find(terms.begin(), terms.end(), subject), terms.end()) << subject;
  }
  EXPECT_TRUE(is_wish_word("learn"));
  EXPECT_FALSE(is_wish_word("django"));
}
