// Shard format v4 (docs/SHARD-FORMAT.md): two files per shard. The lexical part holds ids, metadata, BM25 and facets
// (what a lexical ranking needs); the vectors part holds the int8 project vectors and their scales. Both carry the
// same pair key, so a vectors file is accepted only beside the lexical file it was written with.
// Invariant: a Shard object exists only for bytes that passed every check (magic, version, part, size, checksums,
// expected model and dimension, in-bounds sections, ids, meta line structure, facets; for attached vectors also the
// pair key); a meta row is parsed on first use. Until vectors are attached rows() is empty and row() throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "wayfinder/catalog/project.h"
#include "wayfinder/index/bm25.h"
#include "wayfinder/shard/sha256.h"

namespace wayfinder::shard {

// 2 added the facets section, 3 the learning kind, 4 split the shard into a lexical and a vectors file, 5 dropped
// the meta fields no client reads and canonical urls from the meta lines, 6 made the BM25 and facets sections
// varint-coded and left the id, language, stars, complexity and kind out of the meta lines (ids and facets hold them)
inline constexpr std::uint32_t kShardFormatVersion = 6;
inline constexpr std::uint32_t kMaxDimension = 65536;  // keeps every int8 dot product inside int32
inline constexpr std::int64_t kMaxBuiltAt = 253402300799;  // 9999-12-31T23:59:59Z: build times are 0..this (unix s)

enum class Quantisation : std::uint32_t { kInt8SymmetricPerRow = 1 };
// The writer's quantisation levels: each row's values are integers in ±levels with scale max|x| / levels
// (docs/SHARD-FORMAT.md, "Why ±40"): fewer levels than int8's ±127 keep recall@10 ≥ 0.98 against float32 and
// let the server's brotli send the vectors in fewer bytes, while the reader holds the same int8 rows.
inline constexpr std::uint32_t kVectorLevels = 40;
enum class ShardPart : std::uint32_t { kLexical = 1, kVectors = 2 };
enum class SectionKind : std::uint32_t { kVectors = 1, kScales = 2, kIds = 3, kMeta = 4, kBm25 = 5, kFacets = 6 };

// Every way a shard can be rejected; the message says what and where.
class ShardError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SectionInfo {
  SectionKind kind{};
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::uint32_t crc32 = 0;
};

struct ShardHeader {
  std::uint32_t format_version = kShardFormatVersion;
  ShardPart part = ShardPart::kLexical;
  std::uint64_t pair_key = 0;  // the same in both files of a shard (first 8 bytes of SHA-256 over all six payloads)
  std::string model_name;
  Sha256Digest model_sha256{};
  std::uint32_t dim = 0;
  std::uint32_t count = 0;
  Quantisation quantisation = Quantisation::kInt8SymmetricPerRow;
  std::uint32_t levels = kVectorLevels;  // every vector value lies in ±levels (1..127)
  std::int64_t built_at = 0;  // unix seconds
  std::uint64_t file_bytes = 0;
  std::uint32_t file_crc32 = 0;
  std::vector<SectionInfo> sections;
};

struct ShardInput {
  std::string model_name;
  Sha256Digest model_sha256{};
  std::uint32_t dim = 0;
  std::vector<ProjectMeta> projects;
  std::vector<float> vectors;  // row-major, projects.size() × dim
  std::int64_t built_at = 0;   // unix seconds; pass a fixed value for reproducible bytes
  std::uint32_t levels = kVectorLevels;  // quantisation levels, 1..127
};

// What the reader insists on; an unset field is not checked.
struct ShardExpectation {
  std::optional<std::string> model_name;
  std::optional<Sha256Digest> model_sha256;
  std::optional<std::uint32_t> dim;
};

// The per-row fields the content ranker reads on every query, stored in the shard's facets section (computed by
// the writer from the rows' metadata) and decoded by open().
// tag_names holds every distinct language / topic / category / label string of the shard, sorted.
struct RowFacets {
  static constexpr std::uint32_t kNoTag = 0xFFFFFFFFu;
  std::vector<Complexity> complexity;      // [count]
  std::vector<LearningKind> kind;          // [count]
  std::vector<std::int64_t> stars;         // [count]
  std::vector<std::string> tag_names;      // sorted, unique, as written in the catalog
  std::vector<std::uint32_t> language;     // [count] index into tag_names, kNoTag when the project has none
  std::vector<std::uint32_t> tag_begin;    // [count + 1] offsets into tags
  std::vector<std::uint32_t> tags;         // per row: sorted unique indices of its topics, categories, labels
};

// The two files of one shard.
struct ShardFiles {
  std::vector<std::byte> lexical;  // ids, meta, bm25, facets
  std::vector<std::byte> vectors;  // int8 vectors, scales
};

// Throws std::invalid_argument naming the bad field (sizes, non-finite values, duplicate ids, long model name).
ShardFiles write_shard(const ShardInput& input);

class Shard {
 public:
  // Throws ShardError on anything wrong; never reads out of bounds. Metadata rows are checked for structure here
  // (count, UTF-8, one JSON object per line carrying the row's id) and parsed in full on first access.
  // Both files at once (the server, the tools, Node).
  static Shard open(ShardFiles files, const ShardExpectation& expect = {});
  // The lexical part alone: ids, metadata, BM25 and facets; a ranking before attach_vectors() scores cosine 0.
  // `name` (the file name) starts every error message about this file.
  static Shard open_lexical(std::vector<std::byte> lexical, const ShardExpectation& expect = {},
                            std::string name = "lexical part");
  // Checks the vectors part (all of the above, plus the same pair key, model, dimension, count and build time as the
  // lexical part) and attaches it; on an error nothing changes. Throws ShardError when vectors are already attached.
  void attach_vectors(std::vector<std::byte> vectors, std::string name = "vectors part");
  bool has_vectors() const { return vectors_header_.has_value(); }
  Shard(Shard&&) noexcept;
  Shard& operator=(Shard&&) noexcept;
  ~Shard();

  const ShardHeader& header() const { return header_; }  // the lexical part's
  const std::optional<ShardHeader>& vectors_header() const { return vectors_header_; }
  std::size_t size() const { return header_.count; }
  std::size_t dim() const { return header_.dim; }
  const std::string& id(std::size_t i) const { return ids_.at(i); }
  // Parses row i on first access (thread-safe); throws ShardError when that row's JSON is corrupt.
  const ProjectMeta& meta(std::size_t i) const;
  // The facets section, decoded and checked by open().
  const RowFacets& facets() const;
  std::optional<std::uint32_t> index_of(std::string_view id) const;
  std::span<const std::int8_t> row(std::size_t i) const;
  std::span<const std::int8_t> rows() const { return vectors_; }  // size() × dim(), row-major
  float scale(std::size_t i) const { return scales_.at(i); }
  std::span<const float> scales() const { return scales_; }
  const index::Bm25Index& bm25() const { return bm25_; }
  std::span<const std::byte> bytes() const { return bytes_; }                // the lexical file
  std::span<const std::byte> vector_bytes() const { return vector_bytes_; }  // the vectors file (empty until attached)

 private:
  ProjectMeta read_meta(std::size_t i) const;
  Shard();
  std::vector<std::byte> bytes_;
  std::vector<std::byte> vector_bytes_;
  std::string name_;
  ShardHeader header_;
  std::optional<ShardHeader> vectors_header_;
  std::vector<std::int8_t> rows_;  // the vectors, row-major (the file stores them dimension-major)
  std::span<const std::int8_t> vectors_;
  std::vector<float> scales_;
  RowFacets facets_;  // decoded from the facets section by open()
  struct LazyRows;    // parsed metadata rows, filled on demand under a mutex
  std::vector<std::string> ids_;
  std::vector<std::uint32_t> meta_begin_;  // [count + 1] line starts in the meta section (the '\n' excluded)
  std::string_view meta_text_;             // the meta section, inside bytes_
  std::unique_ptr<LazyRows> lazy_;
  std::vector<std::uint32_t> by_id_;  // row indices sorted by id
  index::Bm25Index bm25_;
};

// Header as JSON (part, pairKey, model, dim, count, quantisation, builtAt, sections with hex crc32s, file checksum).
std::string header_json(const ShardHeader& h);
// The header's build time as "YYYY-MM-DDTHH:MM:SSZ" (the core's one ISO-8601 formatter, wayfinder/events/event.h).
std::string built_at_iso8601(const ShardHeader& h);

}  // namespace wayfinder::shard
