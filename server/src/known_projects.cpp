#include "known_projects.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "wayfinder/catalog/project.h"

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
  // The shard manifest lists the shards' project ids once the shard builder has run; until the core's shard
  // reader lands, a manifest that carries an "ids" array per shard is read directly, else the catalog is used.
  const fs::path manifest = dir / "shards" / "manifest.json";
  if (fs::exists(manifest)) {
    std::ifstream in(manifest);
    const auto j = nlohmann::json::parse(in, nullptr, false);
    std::unordered_set<std::string> ids;
    if (!j.is_discarded() && j.is_object() && j.contains("shards") && j["shards"].is_array()) {
      for (const auto& s : j["shards"]) {
        if (s.is_object() && s.contains("ids") && s["ids"].is_array()) {
          for (const auto& id : s["ids"]) {
            if (id.is_string()) ids.insert(normalize_project_id(id.get<std::string>()));
          }
        }
      }
    }
    if (!ids.empty()) return std::make_unique<ProjectIdSet>(std::move(ids), manifest.string());
  }
  for (const auto& candidate : {dir / "catalog.jsonl", dir / "build" / "catalog.jsonl"}) {
    if (fs::exists(candidate)) return load_catalog_jsonl(candidate.string());
  }
  throw std::runtime_error("no project ids found under " + models_dir +
                           " (expected shards/manifest.json or catalog.jsonl)");
}

}  // namespace wayfinder::server
