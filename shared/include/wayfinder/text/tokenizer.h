// The USE-lite SentencePiece-style tokenizer: a token-for-token reimplementation of the JS reference
// (@energetic-ai/embeddings@0.2.0 dist/index.js, class Tokenizer). Invariant: encode_all(s) equals the JS
// `tokenizer.encode(s)` for every string; encode(s) is its first kMaxTokens ids.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace wayfinder::text {

class Tokenizer {
 public:
  // The model reads at most this many tokens per sentence (the graph clips the rest).
  static constexpr std::size_t kMaxTokens = 128;
  static constexpr std::int32_t kUnknownId = 0;
  // Ids below this are reserved (unknown, <s>, </s>, extra_token_id_1..3) and never segmented into.
  static constexpr std::size_t kReservedIds = 6;

  // vocab.json: a JSON array of [piece, score] pairs, id = index. A null score counts as 0 (as in JS).
  // Throws std::invalid_argument naming what is malformed (with the entry index).
  static Tokenizer from_vocab_json(std::string_view json);

  // NFKC, "▁" for the start and for every U+0020, best-score segmentation, consecutive unknowns merged.
  // Returns at most kMaxTokens ids (the first ones of the full segmentation); empty for empty input.
  std::vector<std::int32_t> encode(std::string_view utf8) const;
  // The full segmentation, uncapped, exactly the JS reference's output.
  std::vector<std::int32_t> encode_all(std::string_view utf8) const;

  std::size_t vocab_size() const { return piece_utf16_length_.size(); }

 private:
  Tokenizer() = default;
  std::uint32_t child(std::uint32_t node, char32_t cp) const;
  void insert(std::u32string_view piece, std::int32_t id);

  // Trie over code points as one open-addressing table keyed by (parent node, code point).
  std::vector<std::uint64_t> slot_keys_;  // 0 = empty
  std::vector<std::uint32_t> slot_children_;
  std::vector<std::int32_t> node_piece_;  // piece id ending at a node, -1 if none
  std::uint32_t node_count_ = 1;          // node 0 = root
  std::vector<double> piece_score_;
  std::vector<std::uint32_t> piece_utf16_length_;  // JS string length of each piece (used when backtracking)
};

}  // namespace wayfinder::text
