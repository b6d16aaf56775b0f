#include "wayfinder/catalog/project.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace wayfinder {

std::string_view to_string(Complexity c) {
  switch (c) {
    case Complexity::kBeginner: return "beginner";
    case Complexity::kIntermediate: return "intermediate";
    case Complexity::kAdvanced: return "advanced";
  }
  return "intermediate";
}

std::optional<Complexity> parse_complexity(std::string_view s) {
  if (s == "beginner") return Complexity::kBeginner;
  if (s == "intermediate") return Complexity::kIntermediate;
  if (s == "advanced") return Complexity::kAdvanced;
  return std::nullopt;
}

namespace {
constexpr std::string_view kKindNames[kLearningKindCount] = {"tutorial", "book",    "exercises", "example", "list",
                                                             "reference", "library", "tool",      "app"};
}  // namespace

std::string_view to_string(LearningKind k) {
  const auto i = static_cast<std::size_t>(k);
  return i < kLearningKindCount ? kKindNames[i] : "library";
}

std::optional<LearningKind> parse_learning_kind(std::string_view s) {
  for (std::size_t i = 0; i < kLearningKindCount; ++i) {
    if (kKindNames[i] == s) return static_cast<LearningKind>(i);
  }
  return std::nullopt;
}

std::string learning_kind_names() {
  std::string out;
  for (const auto name : kKindNames) (out += out.empty() ? "" : ", ") += name;
  return out;
}

bool is_learning_material(LearningKind k) { return static_cast<std::uint8_t>(k) <= static_cast<std::uint8_t>(LearningKind::kReference); }

KindMask parse_kind_filter(const std::vector<std::string>& names) {
  if (names.empty()) return kAllKinds;
  KindMask mask = 0;
  for (const auto& raw : names) {
    std::string name = raw;
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (const auto k = parse_learning_kind(name)) {
      mask |= kind_bit(*k);
    } else if (name == "hands-on") {
      mask |= kind_bit(LearningKind::kTutorial) | kind_bit(LearningKind::kExercises) | kind_bit(LearningKind::kExample);
    } else if (name == "learning") {
      for (std::size_t i = 0; i <= static_cast<std::size_t>(LearningKind::kReference); ++i) mask |= static_cast<KindMask>(1u << i);
    } else if (name == "software") {
      mask |= kind_bit(LearningKind::kLibrary) | kind_bit(LearningKind::kTool) | kind_bit(LearningKind::kApp);
    } else {
      throw std::invalid_argument("unknown kind '" + raw + "' (allowed: " + learning_kind_names() +
                                  "; or the groups hands-on, learning, software)");
    }
  }
  return mask;
}

std::string normalize_project_id(std::string_view raw) {
  std::string id(raw);
  for (char& c : id) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const auto slash = id.find('/');
  if (id.empty()) throw std::invalid_argument("project id is empty");
  if (slash == std::string::npos || slash == 0 || slash + 1 == id.size() ||
      id.find('/', slash + 1) != std::string::npos) {
    throw std::invalid_argument("project id '" + id + "' is not of the form owner/repo");
  }
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '/';
    if (!ok) throw std::invalid_argument("project id '" + id + "' has a character outside [a-z0-9._-/]");
  }
  if (id.size() > 140) throw std::invalid_argument("project id is longer than 140 characters");
  return id;
}

namespace {

std::string get_string(const nlohmann::json& j, const char* field, bool required) {
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) {
    if (required) throw std::invalid_argument(std::string("missing field '") + field + "'");
    return {};
  }
  if (!it->is_string()) throw std::invalid_argument(std::string("field '") + field + "' must be a string");
  return it->get<std::string>();
}

std::vector<std::string> get_strings(const nlohmann::json& j, const char* field) {
  std::vector<std::string> out;
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) throw std::invalid_argument(std::string("field '") + field + "' must be an array of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) throw std::invalid_argument(std::string("field '") + field + "' must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::int64_t get_count(const nlohmann::json& j, const char* field) {
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) return 0;
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
    throw std::invalid_argument(std::string("field '") + field + "' must be a non-negative integer");
  }
  return it->get<std::int64_t>();
}

}  // namespace

void from_json(const nlohmann::json& j, ProjectMeta& p) {
  if (!j.is_object()) throw std::invalid_argument("project must be a JSON object");
  p.id = normalize_project_id(get_string(j, "id", true));
  p.full_name = get_string(j, "full_name", false);
  if (p.full_name.empty()) p.full_name = p.id;
  p.url = get_string(j, "url", false);
  p.description = get_string(j, "description", false);
  p.language = get_string(j, "language", false);
  p.topics = get_strings(j, "topics");
  p.categories = get_strings(j, "categories");
  p.labels = get_strings(j, "labels");
  p.collections = get_strings(j, "collections");
  p.stars = get_count(j, "stars");
  p.forks = get_count(j, "forks");
  p.last_activity = get_string(j, "last_activity", false);
  p.license = get_string(j, "license", false);
  const std::string level = get_string(j, "complexity", false);
  if (level.empty()) {
    p.complexity = Complexity::kIntermediate;
  } else if (auto c = parse_complexity(level)) {
    p.complexity = *c;
  } else {
    throw std::invalid_argument("field 'complexity' must be beginner, intermediate or advanced");
  }
  const std::string kind = get_string(j, "kind", false);
  if (kind.empty()) {
    p.kind = LearningKind::kLibrary;
  } else if (auto k = parse_learning_kind(kind)) {
    p.kind = *k;
  } else {
    throw std::invalid_argument("field 'kind' is '" + kind + "', must be one of " + learning_kind_names());
  }
}

void to_json(nlohmann::json& j, const ProjectMeta& p) {
  j = nlohmann::json{{"id", p.id},
                     {"full_name", p.full_name},
                     {"url", p.url},
                     {"description", p.description},
                     {"language", p.language},
                     {"topics", p.topics},
                     {"categories", p.categories},
                     {"labels", p.labels},
                     {"collections", p.collections},
                     {"stars", p.stars},
                     {"forks", p.forks},
                     {"last_activity", p.last_activity},
                     {"license", p.license},
                     {"complexity", std::string(to_string(p.complexity))},
                     {"kind", std::string(to_string(p.kind))}};
}

}  // namespace wayfinder
