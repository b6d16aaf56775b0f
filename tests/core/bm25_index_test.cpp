#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "wayfinder/index/bm25.h"

using namespace wayfinder;
using namespace wayfinder::index;

namespace {
ProjectMeta project(std::string id, std::string description, std::vector<std::string> topics = {},
                    std::string language = "") {
  ProjectMeta p;
  p.id = id;
  p.full_name = id;
  p.description = std::move(description);
  p.topics = std::move(topics);
  p.language = std::move(language);
  return p;
}
}  // namespace

TEST(Bm25Analyzer, LowercasesFoldsAccentsAndKeepsLanguageNames) {
  EXPECT_EQ(analyze("Café NAÏVE résumé"), (std::vector<std::string>{"cafe", "naive", "resume"}));
  EXPECT_EQ(analyze("Learn C++, C# and F# on .NET!"),
            (std::vector<std::string>{"learn", "c++", "c#", "f#", ".net"}));
  EXPECT_EQ(analyze("asp.net node.js machine-learning"),
            (std::vector<std::string>{"asp", "net", "node", "js", "machine", "learning"}));
  EXPECT_EQ(analyze("the art of the game"), (std::vector<std::string>{"art", "game"}));
  EXPECT_EQ(analyze("a+b c+++ x#y"), (std::vector<std::string>{"b", "c++", "x", "y"}));
  EXPECT_TRUE(analyze("").empty());
  EXPECT_TRUE(analyze("— … !!").empty());
}

TEST(Bm25Index, RanksTheDocumentWithRareMatchingTermsFirst) {
  std::vector<ProjectMeta> ps = {project("a/web", "a web framework for python", {"web"}, "Python"),
                                 project("b/game", "a game engine in c++", {"game-engine"}, "C++"),
                                 project("c/ml", "machine learning in python", {"machine-learning"}, "Python")};
  const auto idx = Bm25Index::build(ps);
  EXPECT_EQ(idx.doc_count(), 3u);
  EXPECT_EQ(idx.document_frequency("python"), 2u);
  const auto s = idx.score("game engine C++");
  EXPECT_GT(s[1], 0.0f);
  EXPECT_EQ(s[0], 0.0f);
  EXPECT_EQ(s[2], 0.0f);
  const auto ml = idx.score("python machine learning");
  EXPECT_GT(ml[2], ml[0]);
  EXPECT_GT(ml[0], 0.0f);
  // Repeating a query term does not change the score.
  EXPECT_EQ(idx.score("python python machine learning"), ml);
  EXPECT_TRUE(idx.contains("c++", 1));
  EXPECT_FALSE(idx.contains("c++", 0));
}

TEST(Bm25Index, MatchesTheBm25FormulaForOneTerm) {
  std::vector<ProjectMeta> ps = {project("a/x", "rust rust tool"), project("b/y", "other thing here now")};
  const auto idx = Bm25Index::build(ps);
  // doc 0 = x rust rust tool (4 tokens; "a" is a stop word), doc 1 = b y other thing here now (6); avgdl 5.
  const double idf = std::log(1.0 + (2 - 1 + 0.5) / (1 + 0.5));
  const double norm = 1.2 * (1 - 0.75 + 0.75 * 4 / 5.0);
  const double expected = idf * 2 * 2.2 / (2 + norm);
  EXPECT_NEAR(idx.score("rust")[0], expected, 1e-5);
}

TEST(Bm25Index, SerializesAndParsesToTheSameScores) {
  std::vector<ProjectMeta> ps = {project("a/web", "a web framework", {"web"}, "Python"),
                                 project("b/game", "a game engine", {"games"}, "C++")};
  const auto idx = Bm25Index::build(ps);
  const auto bytes = idx.serialize();
  const auto back = Bm25Index::parse(bytes);
  EXPECT_EQ(back.score("web game c++"), idx.score("web game c++"));
  for (std::size_t cut = 0; cut < bytes.size(); cut += 3) {
    EXPECT_THROW(Bm25Index::parse(std::span(bytes).first(cut)), std::invalid_argument) << cut;
  }
}

// Pins exact float bits: the same test runs natively and as WASM, so both must produce these very bits
// (idf uses the core's det_log, never libm's log, whose last bit differs between runtimes).
TEST(Bm25Index, ScoresAreBitIdenticalToTheGoldenValues) {
  std::vector<ProjectMeta> ps = {project("a/web", "a web framework for python, fast web apps", {"web", "python"}, "Python"),
                                 project("b/game", "a game engine in c++ with a physics engine", {"game-engine"}, "C++"),
                                 project("c/ml", "machine learning in python: deep learning models", {"machine-learning"}, "Python"),
                                 project("d/docs", "documentation site generator", {}, "")};
  const auto idx = Bm25Index::build(ps);
  const auto s = idx.score("python web machine learning engine");
  auto bits = [](float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    return u;
  };
  EXPECT_EQ(bits(s[0]), 0x4044075eu) << std::hexfloat << s[0];
  EXPECT_EQ(bits(s[1]), 0x3fec89e5u) << std::hexfloat << s[1];
  EXPECT_EQ(bits(s[2]), 0x40885a92u) << std::hexfloat << s[2];
  EXPECT_EQ(bits(s[3]), 0x00000000u) << std::hexfloat << s[3];  // no query term occurs in it
}
