// Shard format v1 (docs/SHARD-FORMAT.md): int8 project vectors + scales + ids + metadata + BM25, one file.
// Invariant: a Shard object exists only for bytes that passed every check (magic, version, size, checksums,
// expected model and dimension, in-bounds sections); every accessor is then safe for i < size().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "wayfinder/catalog/project.h"
#include "wayfinder/search/bm25.h"
#include "wayfinder/shard/sha256.h"

namespace wayfinder::shard {

inline constexpr std::uint32_t kShardFormatVersion = 1;
inline constexpr std::uint32_t kMaxDimension = 65536;  // keeps every int8 dot product inside int32

enum class Quantisation : std::uint32_t { kInt8SymmetricPerRow = 1 };
enum class SectionKind : std::uint32_t { kVectors = 1, kScales = 2, kIds = 3, kMeta = 4, kBm25 = 5 };

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
  std::string model_name;
  Sha256Digest model_sha256{};
  std::uint32_t dim = 0;
  std::uint32_t count = 0;
  Quantisation quantisation = Quantisation::kInt8SymmetricPerRow;
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
};

// What the reader insists on; an unset field is not checked.
struct ShardExpectation {
  std::optional<std::string> model_name;
  std::optional<Sha256Digest> model_sha256;
  std::optional<std::uint32_t> dim;
};

// Throws std::invalid_argument naming the bad field (sizes, non-finite values, duplicate ids, long model name).
std::vector<std::byte> write_shard(const ShardInput& input);

class Shard {
 public:
  // Throws ShardError on anything wrong; never reads out of bounds.
  static Shard open(std::vector<std::byte> bytes, const ShardExpectation& expect = {});

  const ShardHeader& header() const { return header_; }
  std::size_t size() const { return header_.count; }
  std::size_t dim() const { return header_.dim; }
  const std::string& id(std::size_t i) const { return metas_.at(i).id; }
  const ProjectMeta& meta(std::size_t i) const { return metas_.at(i); }
  std::optional<std::uint32_t> index_of(std::string_view id) const;
  std::span<const std::int8_t> row(std::size_t i) const;
  std::span<const std::int8_t> rows() const { return vectors_; }  // size() × dim(), row-major
  float scale(std::size_t i) const { return scales_.at(i); }
  std::span<const float> scales() const { return scales_; }
  const search::Bm25Index& bm25() const { return bm25_; }
  std::span<const std::byte> bytes() const { return bytes_; }

 private:
  Shard() = default;
  std::vector<std::byte> bytes_;
  ShardHeader header_;
  std::span<const std::int8_t> vectors_;
  std::vector<float> scales_;
  std::vector<ProjectMeta> metas_;
  std::vector<std::uint32_t> by_id_;  // row indices sorted by id
  search::Bm25Index bm25_;
};

// Header as JSON (model, dim, count, quantisation, builtAt, sections with hex crc32s, file checksum).
std::string header_json(const ShardHeader& h);
// Unix seconds -> "YYYY-MM-DDTHH:MM:SSZ".
std::string iso8601_utc(std::int64_t unix_seconds);

}  // namespace wayfinder::shard
