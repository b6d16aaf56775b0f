// The one way tests build a small shard: projects and their row-major vectors → a ShardInput, an opened Shard, or
// shard + manifest files on disk. Invariant: the same inputs give the same bytes (fixed model name, hash and time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "wayfinder/catalog/project.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/shard.h"

namespace wayfinder::test_support {

// A project with only its id (and full name) set; tests fill in what they look at.
inline ProjectMeta project(std::string id) {
  ProjectMeta p;
  p.id = id;
  p.full_name = std::move(id);
  return p;
}

// `vectors` holds projects.size() rows of `dim` floats. The model is "test-model", sha256 0xaa…, built 2026-11-28.
inline shard::ShardInput shard_input(std::vector<ProjectMeta> projects, std::vector<float> vectors, std::uint32_t dim,
                                     std::string model_name = "test-model") {
  shard::ShardInput in;
  in.model_name = std::move(model_name);
  in.dim = dim;
  for (auto& b : in.model_sha256) b = static_cast<std::remove_reference_t<decltype(b)>>(0xaa);
  in.projects = std::move(projects);
  in.vectors = std::move(vectors);
  in.built_at = 1795885200;
  return in;
}

inline shard::Shard open_shard(const shard::ShardInput& in) { return shard::Shard::open(shard::write_shard(in)); }

// The vectors file beside lexical file `file`: "s.wfshard" → "s.vectors.wfshard".
inline std::string vectors_file_name(const std::string& file) {
  const auto dot = file.rfind('.');
  return dot == std::string::npos ? file + ".vectors" : file.substr(0, dot) + ".vectors" + file.substr(dot);
}

// Writes the lexical part as `dir/file`, the vectors part as `dir/vectors_file_name(file)` and `dir/manifest.json`
// (the manifest names the model of `in`); returns the shard's two files.
inline shard::ShardFiles write_shard_files(const std::filesystem::path& dir, const std::string& file,
                                           const shard::ShardInput& in) {
  std::filesystem::create_directories(dir);
  const auto files = shard::write_shard(in);
  auto write = [&](const std::string& name, const std::vector<std::byte>& bytes) {
    std::ofstream(dir / name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  };
  write(file, files.lexical);
  write(vectors_file_name(file), files.vectors);
  shard::Manifest m;
  m.model.name = in.model_name;
  m.model.sha256 = std::string(64, 'a');
  m.model.dimension = in.dim;
  m.shards.push_back(shard::manifest_entry(file, vectors_file_name(file), files));
  std::ofstream(dir / "manifest.json") << shard::manifest_json(m);
  return files;
}

}  // namespace wayfinder::test_support
