// Hand-written NFKC and UTF-8 cases (expected values from Node 20: s.normalize('NFKC'), Buffer.toString).
#include <gtest/gtest.h>

#include <string>

#include "wayfinder/text/nfkc.h"
#include "wayfinder/text/utf8.h"

namespace wt = wayfinder::text;

TEST(TextNfkc, AsciiIsUnchanged) {
  EXPECT_EQ(wt::nfkc("Hello, world! 123 \t\n"), "Hello, world! 123 \t\n");
  EXPECT_EQ(wt::nfkc(""), "");
}

TEST(TextNfkc, CompatibilityCharactersFoldToTheirPlainForm) {
  EXPECT_EQ(wt::nfkc("\xEF\xAC\x81ne"), "fine");                                           // ﬁ ligature
  EXPECT_EQ(wt::nfkc("\xEF\xBC\xA6\xEF\xBD\x95\xEF\xBC\x91"), "Fu1");                      // fullwidth
  EXPECT_EQ(wt::nfkc("x\xC2\xB2"), "x2");                                                  // superscript two
  EXPECT_EQ(wt::nfkc("\xC2\xBD"), "1\xE2\x81\x84" "2");                                    // ½ -> 1⁄2
  EXPECT_EQ(wt::nfkc("a\xC2\xA0" "b\xE3\x80\x80" "c"), "a b c");                           // NBSP, ideographic space
  EXPECT_EQ(wt::nfkc("\xEF\xB7\xBA").size(), 33u);                                          // U+FDFA, 18 code points
  EXPECT_EQ(wt::nfkc("\xE2\x84\xAB"), "\xC3\x85");                                          // Angstrom sign -> Å
}

TEST(TextNfkc, ComposesCombiningMarksWithTheirBase) {
  EXPECT_EQ(wt::nfkc("e\xCC\x81"), "\xC3\xA9");                                             // e + acute -> é
  EXPECT_EQ(wt::nfkc("\xCC\x81" "abc"), "\xCC\x81" "abc");                                  // leading mark stays
}

TEST(TextNfkc, ReordersMarksByCombiningClassBeforeComposing) {
  // a + circumflex(230) + dot below(220): dot below sorts first, then ạ + ̂ -> ậ (U+1EAD).
  EXPECT_EQ(wt::nfkc("a\xCC\x82\xCC\xA3"), "\xE1\xBA\xAD");
  EXPECT_EQ(wt::nfkc("a\xCC\xA3\xCC\x82"), "\xE1\xBA\xAD");
  // q has no precomposed forms: marks are only reordered (dot below before dot above).
  EXPECT_EQ(wt::nfkc("q\xCC\x87\xCC\xA3"), "q\xCC\xA3\xCC\x87");
}

TEST(TextNfkc, BlockedMarksDoNotCompose) {
  // a + grave(230) + acute(230): the acute is blocked by the grave of the same class.
  EXPECT_EQ(wt::nfkc("a\xCC\x80\xCC\x81"), "\xC3\xA0\xCC\x81");
}

TEST(TextNfkc, ComposesHangulJamoIntoSyllables) {
  EXPECT_EQ(wt::nfkc("\xE1\x84\x80\xE1\x85\xA1"), "\xEA\xB0\x80");                         // ᄀ+ᅡ -> 가
  EXPECT_EQ(wt::nfkc("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8"), "\xEA\xB0\x81");             // ᄀ+ᅡ+ᆨ -> 각
  EXPECT_EQ(wt::nfkc("\xEA\xB0\x80\xE1\x86\xA8"), "\xEA\xB0\x81");                         // 가+ᆨ -> 각
  EXPECT_EQ(wt::nfkc("\xED\x95\x9C\xEA\xB5\xAD"), "\xED\x95\x9C\xEA\xB5\xAD");             // 한국 unchanged
}

TEST(TextNfkc, KeepsEmojiSequencesIntact) {
  const std::string zwj = "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBF";
  EXPECT_EQ(wt::nfkc(zwj), zwj);
}

TEST(TextUtf8, ReplacesEachMaximalInvalidSubpartWithOneReplacementChar) {
  const std::u32string r(1, wt::kReplacementChar);
  EXPECT_EQ(wt::decode_utf8("\x80"), r);
  EXPECT_EQ(wt::decode_utf8("\xE2\x82"), r);                       // truncated 3-byte sequence: one U+FFFD
  EXPECT_EQ(wt::decode_utf8("\xE2\x82" "A"), r + U"A");
  EXPECT_EQ(wt::decode_utf8("\xC0\x80"), r + r);                   // overlong: C0 is never valid
  EXPECT_EQ(wt::decode_utf8("\xED\xA0\x80"), r + r + r);           // encoded surrogate
  EXPECT_EQ(wt::decode_utf8("\xF4\x90\x80\x80"), r + r + r + r);   // above U+10FFFF
  EXPECT_EQ(wt::decode_utf8("\xF0\x9F\x98\x80"), U"\U0001F600");
  EXPECT_EQ(wt::nfkc("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
}

TEST(TextUtf8, EncodeRoundTripsEveryScalarValueRange) {
  const std::u32string cps = U"A\u00e9\u20ac\U0001F600\U0010FFFF";
  EXPECT_EQ(wt::decode_utf8(wt::encode_utf8(cps)), cps);
}

TEST(TextNfkc, ReportsTheUnicodeVersionOfItsTables) { EXPECT_FALSE(wt::nfkc_unicode_version().empty()); }
