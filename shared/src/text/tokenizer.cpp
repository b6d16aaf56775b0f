#include "wayfinder/text/tokenizer.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "wayfinder/hash.h"
#include "wayfinder/text/nfkc.h"
#include "wayfinder/text/utf8.h"

namespace wayfinder::text {
namespace {

constexpr char32_t kSpace = U' ';
constexpr char32_t kWordStart = U'\u2581';  // "▁"

std::uint64_t slot_key(std::uint32_t node, char32_t cp) {
  return ((static_cast<std::uint64_t>(node) << 21) | cp) + 1;  // +1: key 0 marks an empty slot
}

std::string entry_error(std::size_t i, const std::string& what) {
  return "vocab.json entry " + std::to_string(i) + ": " + what;
}

}  // namespace

std::uint32_t Tokenizer::child(std::uint32_t node, char32_t cp) const {
  const std::uint64_t key = slot_key(node, cp);
  const std::size_t mask = slot_keys_.size() - 1;
  for (std::size_t s = mix64(key) & mask;; s = (s + 1) & mask) {
    if (slot_keys_[s] == key) return slot_children_[s];
    if (slot_keys_[s] == 0) return 0;  // 0 = no child (the root is never a child)
  }
}

void Tokenizer::insert(std::u32string_view piece, std::int32_t id) {
  std::uint32_t node = 0;
  const std::size_t mask = slot_keys_.size() - 1;
  for (const char32_t cp : piece) {
    const std::uint64_t key = slot_key(node, cp);
    std::size_t s = mix64(key) & mask;
    while (slot_keys_[s] != 0 && slot_keys_[s] != key) s = (s + 1) & mask;
    if (slot_keys_[s] == 0) {
      slot_keys_[s] = key;
      slot_children_[s] = node_count_++;
      node_piece_.push_back(-1);
    }
    node = slot_children_[s];
  }
  if (node != 0) node_piece_[node] = id;  // a repeated piece keeps its LAST id (and so its last score)
}

Tokenizer Tokenizer::from_vocab_json(std::string_view json) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(std::string("vocab.json is not valid JSON: ") + e.what());
  }
  if (!j.is_array()) throw std::invalid_argument("vocab.json must be a JSON array of [piece, score] pairs");
  if (j.size() <= kReservedIds) {
    throw std::invalid_argument("vocab.json has " + std::to_string(j.size()) + " entries; needs more than " +
                                std::to_string(kReservedIds) + " (ids 0-5 are reserved)");
  }
  if (j.size() > 0x7FFFFFFF) throw std::invalid_argument("vocab.json has too many entries");

  Tokenizer t;
  std::vector<std::u32string> pieces;
  pieces.reserve(j.size());
  std::size_t total_symbols = 0;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& e = j[i];
    if (!e.is_array() || e.size() != 2) throw std::invalid_argument(entry_error(i, "must be a [piece, score] pair"));
    if (!e[0].is_string()) throw std::invalid_argument(entry_error(i, "piece must be a string"));
    if (!e[1].is_number() && !e[1].is_null()) {
      throw std::invalid_argument(entry_error(i, "score must be a number or null"));
    }
    std::u32string piece = decode_utf8(e[0].get_ref<const std::string&>());
    std::uint32_t utf16 = 0;
    for (const char32_t cp : piece) utf16 += cp >= 0x10000 ? 2 : 1;
    t.piece_utf16_length_.push_back(utf16);
    // JS adds the score to a number; `null + x` is `0 + x`.
    t.piece_score_.push_back(e[1].is_null() ? 0.0 : e[1].get<double>());
    if (i >= kReservedIds) total_symbols += piece.size();
    pieces.push_back(std::move(piece));
  }
  if (t.piece_utf16_length_[kUnknownId] == 0) {
    throw std::invalid_argument(entry_error(kUnknownId, "the unknown piece must not be empty"));
  }
  std::size_t slots = 16;
  while (slots < 2 * total_symbols) slots *= 2;
  t.slot_keys_.assign(slots, 0);
  t.slot_children_.assign(slots, 0);
  t.node_piece_.assign(1, -1);
  for (std::size_t i = kReservedIds; i < pieces.size(); ++i) t.insert(pieces[i], static_cast<std::int32_t>(i));
  return t;
}

std::vector<std::int32_t> Tokenizer::encode_all(std::string_view utf8) const {
  std::u32string s = nfkc(decode_utf8(utf8));
  if (s.empty()) return {};
  std::replace(s.begin(), s.end(), kSpace, kWordStart);
  s.insert(s.begin(), kWordStart);
  const std::size_t n = s.size();

  // Viterbi exactly as the JS does it: for each end position, candidates in increasing start order;
  // a candidate wins on `best[end] === 0 || score >= best[end]` (0 means "unset", ties go to the later one).
  // Relaxing edges in increasing start order visits each end's candidates in that same order.
  std::vector<double> best(n + 1, 0.0);
  std::vector<std::int32_t> words(n + 1, kUnknownId);
  const auto relax = [&](std::size_t start, std::size_t end, double piece_score, std::int32_t id) {
    const double score = piece_score + best[start];
    if (best[end] == 0.0 || score >= best[end]) {
      best[end] = score;
      words[end] = id;
    }
  };
  for (std::size_t i = 0; i < n; ++i) {
    bool matched = false;
    std::uint32_t node = 0;
    for (std::size_t k = i; k < n; ++k) {
      node = child(node, s[k]);
      if (node == 0) break;
      const std::int32_t id = node_piece_[node];
      if (id >= 0) {
        matched = true;
        relax(i, k + 1, piece_score_[static_cast<std::size_t>(id)], id);
      }
    }
    if (!matched) relax(i, i + 1, 0.0, kUnknownId);  // one unknown code point, score 0
  }

  // Backtrack by the JS string length of each chosen piece (UTF-16 units, as the reference does).
  std::vector<std::int32_t> reversed;
  for (std::int64_t k = static_cast<std::int64_t>(n); k > 0;) {
    const std::int32_t id = words[static_cast<std::size_t>(k)];
    reversed.push_back(id);
    k -= piece_utf16_length_[static_cast<std::size_t>(id)];
  }
  std::vector<std::int32_t> ids;
  ids.reserve(reversed.size());
  bool previous_unknown = false;
  for (const std::int32_t id : reversed) {
    if (!(previous_unknown && id == kUnknownId)) ids.push_back(id);
    previous_unknown = id == kUnknownId;
  }
  std::reverse(ids.begin(), ids.end());
  return ids;
}

std::vector<std::int32_t> Tokenizer::encode(std::string_view utf8) const {
  std::vector<std::int32_t> ids = encode_all(utf8);
  if (ids.size() > kMaxTokens) ids.resize(kMaxTokens);
  return ids;
}

}  // namespace wayfinder::text
