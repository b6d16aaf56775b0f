#include "known_projects.h"

#include <cstring>
#include <filesystem>
#include <iterator>
#include <vector>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "wayfinder/catalog/project.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/shard.h"

namespace wayfinder::server {

std::unique_ptr<KnownProjects> load_catalog_jsonl(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::unordered_set<std::string> ids;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("id") || !j["id"].is_string()) {
      throw std::runtime_error(path + ":" + std::to_string(line_no) + ": not a JSON object with a string \"id\"");
    }
    ids.insert(normalize_project_id(j["id"].get<std::string>()));
  }
  if (ids.empty()) throw std::runtime_error(path + " holds no project ids");
  return std::make_unique<ProjectIdSet>(std::move(ids), path);
}

std::unique_ptr<KnownProjects> load_known_projects(const std::string& models_dir) {
  namespace fs = std::filesystem;
  const fs::path dir(models_dir);
  // The shards are what clients rank from: their ids are the authority. Each shard is verified against the
  // manifest (size, sha256) and opened with the core's reader; the catalog is only a fallback without shards.
  const fs::path manifest_path = dir / "shards" / "manifest.json";
  if (fs::exists(manifest_path)) {
    std::ifstream in(manifest_path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto manifest = shard::parse_manifest(text);
    std::unordered_set<std::string> ids;
    for (const auto& entry : manifest.shards) {
      // Both files of the shard, each verified against the manifest, then opened as a pair.
      auto read_file = [&](const shard::ManifestFile& f) {
        std::ifstream sf(manifest_path.parent_path() / f.file, std::ios::binary);
        if (!sf) throw std::runtime_error("cannot open shard file " + f.file + " listed in " + manifest_path.string());
        const std::string raw((std::istreambuf_iterator<char>(sf)), std::istreambuf_iterator<char>());
        std::vector<std::byte> bytes(raw.size());
        std::memcpy(bytes.data(), raw.data(), raw.size());
        shard::verify_against_manifest(f, bytes);
        return bytes;
      };
      auto opened = shard::Shard::open_lexical(read_file(shard::lexical_file(entry)), shard::expectation_of(manifest), entry.file);
      opened.attach_vectors(read_file(entry.vectors), entry.vectors.file);
      for (std::size_t i = 0; i < opened.size(); ++i) ids.insert(opened.id(i));
    }
    if (!ids.empty()) return std::make_unique<ProjectIdSet>(std::move(ids), manifest_path.string());
  }
  for (const auto& candidate : {dir / "catalog.jsonl", dir / "build" / "catalog.jsonl"}) {
    if (fs::exists(candidate)) return load_catalog_jsonl(candidate.string());
  }
  throw std::runtime_error("no project ids found under " + models_dir +
                           " (expected shards/manifest.json or catalog.jsonl)");
}

}  // namespace wayfinder::server
