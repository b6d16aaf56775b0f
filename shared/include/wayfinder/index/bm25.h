// BM25 over project text (name, description, topics, categories, language): analyzer, index, scoring. Its own
// folder: the shard stores it and search/ ranks with it, so neither of those depends on the other through it.
// Invariant: terms are sorted and unique; each postings list has strictly ascending doc ids < doc_count().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wayfinder/catalog/project.h"

namespace wayfinder {
struct VarintReader;
}

namespace wayfinder::index {

// Lowercases, folds Latin-1 accents to ASCII, splits on non-alphanumerics but keeps "c++", "c#", "f#" and
// ".net"-style tokens (a dot directly before a word that does not follow a word char); drops a tiny stop list.
std::vector<std::string> analyze(std::string_view text);

// The text BM25 indexes for a project: repo name and owner, description, topics, categories, language.
std::string bm25_document_text(const ProjectMeta& p);

struct Bm25Params {
  float k1 = 1.2f;
  float b = 0.75f;
};

class Bm25Index {
 public:
  Bm25Index() = default;
  static Bm25Index build(std::span<const ProjectMeta> projects, Bm25Params params = {});

  // Compact binary form stored in the shard's BM25 section (varints, docs/SHARD-FORMAT.md). parse() throws std::invalid_argument
  // naming what is inconsistent; it never reads out of bounds.
  std::vector<std::byte> serialize() const;
  static Bm25Index parse(std::span<const std::byte> bytes);

  // Dense scores (one per doc) of the analyzed query; each distinct query term counts once.
  std::vector<float> score(std::string_view query) const;
  void score_terms(std::span<const std::string> terms, std::span<float> out) const;
  // True when `term` (already analyzed) occurs in `doc`.
  bool contains(std::string_view term, std::uint32_t doc) const;

  std::size_t doc_count() const { return doc_len_.size(); }
  std::size_t term_count() const { return terms_.size(); }
  std::size_t document_frequency(std::string_view term) const;
  // Ascending ids of the documents containing `term` (already analyzed); empty when absent.
  std::span<const std::uint32_t> documents_with(std::string_view term) const;
  Bm25Params params() const { return params_; }

 private:
  std::ptrdiff_t find_term(std::string_view term) const;
  void read_postings(VarintReader& r, std::uint32_t posts);

  Bm25Params params_;
  float avg_doc_len_ = 0.0f;
  std::vector<std::uint32_t> doc_len_;
  std::vector<std::string> terms_;           // sorted
  std::vector<std::uint32_t> term_begin_;    // size terms_+1, into post_doc_/post_tf_
  std::vector<std::uint32_t> post_doc_;
  std::vector<std::uint32_t> post_tf_;
};

}  // namespace wayfinder::index
