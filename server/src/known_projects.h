// The set of project ids the server accepts feedback for, loaded from the models directory.
// Invariant: ids are normalised (lowercase owner/repo); an empty set means "unknown catalog" and is refused at load.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

namespace wayfinder::server {

class KnownProjects {
 public:
  virtual ~KnownProjects() = default;
  virtual bool contains(std::string_view project_id) const = 0;
  virtual std::size_t size() const = 0;
  virtual std::string source() const = 0;  // where the ids came from, for logs
};

class ProjectIdSet : public KnownProjects {
 public:
  ProjectIdSet(std::unordered_set<std::string> ids, std::string source)
      : ids_(std::move(ids)), source_(std::move(source)) {}
  bool contains(std::string_view id) const override { return ids_.count(std::string(id)) != 0; }
  std::size_t size() const override { return ids_.size(); }
  std::string source() const override { return source_; }

 private:
  std::unordered_set<std::string> ids_;
  std::string source_;
};

// Reads one JSON object per line with an "id" field (models/build/catalog.jsonl).
std::unique_ptr<KnownProjects> load_catalog_jsonl(const std::string& path);
// Looks in `models_dir` for shards/manifest.json first (every shard verified against it and opened with the core's
// shard reader; throws on a bad shard), then catalog.jsonl (also build/catalog.jsonl); throws when none is usable.
std::unique_ptr<KnownProjects> load_known_projects(const std::string& models_dir);

}  // namespace wayfinder::server
