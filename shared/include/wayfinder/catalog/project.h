// A catalog project as the core sees it: identity, what the UI shows, and what ranking matches against.
// Invariant: `id` is the lowercase "owner/repo" and is unique within a catalog.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace wayfinder {

enum class Complexity : std::uint8_t { kBeginner = 0, kIntermediate = 1, kAdvanced = 2 };

std::string_view to_string(Complexity c);
// Parses "beginner" | "intermediate" | "advanced"; nullopt for anything else.
std::optional<Complexity> parse_complexity(std::string_view s);

struct ProjectMeta {
  std::string id;         // lowercase owner/repo
  std::string full_name;  // original case
  std::string url;
  std::string description;
  std::string language;  // primary language, may be empty
  std::vector<std::string> topics;
  std::vector<std::string> categories;
  std::vector<std::string> labels;
  std::vector<std::string> collections;
  std::int64_t stars = 0;
  std::int64_t forks = 0;
  std::string last_activity;  // ISO date, may be empty
  std::string license;        // may be empty
  Complexity complexity = Complexity::kIntermediate;
};

// Lowercases ASCII and checks the "owner/repo" shape; throws std::invalid_argument naming the problem.
std::string normalize_project_id(std::string_view raw);

// One catalog.jsonl row (models/catalog) <-> ProjectMeta. from_json throws std::invalid_argument naming the field.
void from_json(const nlohmann::json& j, ProjectMeta& p);
void to_json(nlohmann::json& j, const ProjectMeta& p);

}  // namespace wayfinder
