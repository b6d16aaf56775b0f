// A catalog project as the core sees it: identity, what the UI shows, and what ranking matches against.
// Invariant: `id` is the lowercase "owner/repo" and is unique within a catalog.
#pragma once

#include <cstddef>
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

// What a project is for a learner (models/catalog/kind.mjs decides it from the catalog's metadata). The first six
// are learning material; the numbering is the shard's facets encoding (docs/SHARD-FORMAT.md).
enum class LearningKind : std::uint8_t {
  kTutorial = 0, kBook = 1, kExercises = 2, kExample = 3, kList = 4, kReference = 5, kLibrary = 6, kTool = 7, kApp = 8
};
inline constexpr std::size_t kLearningKindCount = 9;

std::string_view to_string(LearningKind k);
// Parses a kind's name ("tutorial", …); nullopt for anything else.
std::optional<LearningKind> parse_learning_kind(std::string_view s);
// "tutorial, book, exercises, example, list, reference, library, tool, app": for error messages.
std::string learning_kind_names();
// Tutorial, book, exercises, example, list or reference.
bool is_learning_material(LearningKind k);

// A set of kinds, bit k = LearningKind k (the kind filter of a ranking).
using KindMask = std::uint16_t;
inline constexpr KindMask kAllKinds = (1u << kLearningKindCount) - 1;
inline constexpr KindMask kind_bit(LearningKind k) { return static_cast<KindMask>(1u << static_cast<unsigned>(k)); }
// Kind names and the groups "hands-on" (tutorial, exercises, example), "learning" (the six learning kinds) and
// "software" (library, tool, app). An empty list is every kind. Throws std::invalid_argument naming an unknown
// entry and listing the allowed ones.
KindMask parse_kind_filter(const std::vector<std::string>& names);

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
  LearningKind kind = LearningKind::kLibrary;  // a row without a kind is software, the builder's default
};

// Lowercases ASCII and checks the "owner/repo" shape; throws std::invalid_argument naming the problem.
std::string normalize_project_id(std::string_view raw);

// One catalog.jsonl row (models/catalog) <-> ProjectMeta. from_json throws std::invalid_argument naming the field.
void from_json(const nlohmann::json& j, ProjectMeta& p);
void to_json(nlohmann::json& j, const ProjectMeta& p);

}  // namespace wayfinder
