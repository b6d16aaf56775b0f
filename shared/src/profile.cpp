#include "wayfinder/profile.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "wayfinder/hash.h"

namespace wayfinder {
namespace {

constexpr std::size_t kMaxItems = 64;
constexpr std::size_t kMaxItemBytes = 200;

std::string trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

void push_item(std::vector<std::string>& out, std::string_view raw, const char* field) {
  std::string item = trim(raw);
  if (item.empty()) return;
  if (item.size() > kMaxItemBytes) {
    throw std::invalid_argument(std::string("field '") + field + "' has an entry longer than 200 bytes");
  }
  if (out.size() >= kMaxItems) throw std::invalid_argument(std::string("field '") + field + "' has more than 64 entries");
  out.push_back(std::move(item));
}

std::vector<std::string> get_list(const nlohmann::json& j, const char* field) {
  std::vector<std::string> out;
  const auto it = j.find(field);
  if (it == j.end() || it->is_null()) return out;
  if (it->is_string()) {
    const std::string s = it->get<std::string>();
    std::size_t start = 0;
    while (start <= s.size()) {
      const auto comma = s.find(',', start);
      const auto end = comma == std::string::npos ? s.size() : comma;
      push_item(out, std::string_view(s).substr(start, end - start), field);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return out;
  }
  if (!it->is_array()) throw std::invalid_argument(std::string("field '") + field + "' must be a list of strings");
  for (const auto& v : *it) {
    if (!v.is_string()) throw std::invalid_argument(std::string("field '") + field + "' must be a list of strings");
    push_item(out, v.get<std::string>(), field);
  }
  return out;
}

}  // namespace

void from_json(const nlohmann::json& j, Profile& p) {
  if (!j.is_object()) throw std::invalid_argument("profile must be a JSON object");
  p.interests = get_list(j, "interests");
  p.languages = get_list(j, "languages");
  p.frameworks = get_list(j, "frameworks");
  p.goals = get_list(j, "goals");
  p.field_of_study.clear();
  if (const auto it = j.find("field_of_study"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) throw std::invalid_argument("field 'field_of_study' must be a string");
    p.field_of_study = trim(it->get<std::string>());
    if (p.field_of_study.size() > kMaxItemBytes) {
      throw std::invalid_argument("field 'field_of_study' is longer than 200 bytes");
    }
  }
  p.skill_level.reset();
  if (const auto it = j.find("skill_level"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) throw std::invalid_argument("field 'skill_level' must be a string");
    const std::string s = it->get<std::string>();
    if (!s.empty()) {
      p.skill_level = parse_complexity(s);
      if (!p.skill_level) throw std::invalid_argument("field 'skill_level' must be beginner, intermediate or advanced");
    }
  }
}

void to_json(nlohmann::json& j, const Profile& p) {
  j = nlohmann::json{{"interests", p.interests},
                     {"languages", p.languages},
                     {"frameworks", p.frameworks},
                     {"goals", p.goals},
                     {"field_of_study", p.field_of_study}};
  j["skill_level"] = p.skill_level ? nlohmann::json(std::string(to_string(*p.skill_level))) : nlohmann::json(nullptr);
}

std::uint64_t profile_hash(const Profile& p) {
  nlohmann::json j;
  to_json(j, p);
  return fnv1a64(j.dump());  // keys are sorted by nlohmann::json, so the dump is canonical
}

}  // namespace wayfinder
