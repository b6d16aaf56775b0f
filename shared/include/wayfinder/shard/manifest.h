// The shard manifest (manifest.json): which model the shards belong to and each shard file's sha256/size.
// Invariant: a parsed Manifest has format 1, a 64-hex model sha256, dimension > 0, and safe relative file names.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wayfinder/shard/shard.h"

namespace wayfinder::shard {

struct ManifestModel {
  std::string name;
  std::string sha256;  // lowercase hex
  std::uint32_t dimension = 0;
};

// One file of a shard: name (relative to the manifest, no '/' or '..'), lowercase hex sha256 of the whole file, size.
struct ManifestFile {
  std::string file;
  std::string sha256;
  std::uint64_t bytes = 0;
};

struct ManifestShard {
  std::string file;    // the lexical part, relative to the manifest, no '/' or '..'
  std::string sha256;  // lowercase hex of the whole lexical file
  std::uint64_t bytes = 0;
  ManifestFile vectors;  // the vectors part ("vectors": {"file", "sha256", "bytes"})
  std::uint32_t count = 0;
  std::string built_at;  // "builtAt", ISO-8601 UTC
};

// The contextual arm's feature basis (bandit/features.h): a small JSON file next to the shards, fitted once
// natively by the builder step (wayfinder-feature-basis) and shipped, because the Eigen fit is not bit-identical
// across targets.
using ManifestFeatures = ManifestFile;

struct Manifest {
  int format = 1;
  ManifestModel model;
  std::vector<ManifestShard> shards;
  std::optional<ManifestFeatures> features;  // "features"; absent in manifests built before it existed
};

// Wire names: {"format":1,"model":{"name","sha256","dimension"},
//              "shards":[{"file","sha256","bytes","count","builtAt","vectors":{"file","sha256","bytes"}}],
//              "features"?: {"file","sha256","bytes"}}.
// from_json throws std::invalid_argument naming the field.
void from_json(const nlohmann::json& j, Manifest& m);
void to_json(nlohmann::json& j, const Manifest& m);
Manifest parse_manifest(std::string_view text);
std::string manifest_json(const Manifest& m);  // pretty-printed, stable key order

// The manifest entry describing a shard's two files (opens them to read count and build time).
ManifestShard manifest_entry(std::string lexical_file, std::string vectors_file, const ShardFiles& files);
// The expectation a reader should open this manifest's shards with.
ShardExpectation expectation_of(const Manifest& m);
// Throws ShardError naming the file when the bytes' size or sha256 differ from the entry
// (a shard part or the feature basis): "<file> has N bytes, manifest says M" / "<file> sha256 differs from the
// manifest (corrupted)".
void verify_against_manifest(const ManifestFile& entry, std::span<const std::byte> bytes);
// The lexical part of the entry.
ManifestFile lexical_file(const ManifestShard& entry);

}  // namespace wayfinder::shard
