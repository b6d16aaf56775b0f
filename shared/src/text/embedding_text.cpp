#include "wayfinder/text/embedding_text.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace wayfinder::text {
namespace {

constexpr std::size_t kMaxTopics = 12;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Trims and turns every run of ASCII whitespace into one space.
std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (const char c : s) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string dashes_to_spaces(std::string_view s) {
  std::string out(s);
  std::replace(out.begin(), out.end(), '-', ' ');
  std::replace(out.begin(), out.end(), '_', ' ');
  return collapse_whitespace(out);
}

// Appends a sentence, ending it with '.' unless it already ends with . ! ? or :
void append_sentence(std::string& out, std::string_view sentence) {
  if (sentence.empty()) return;
  if (!out.empty()) out.push_back(' ');
  out.append(sentence);
  const char last = sentence.back();
  if (last != '.' && last != '!' && last != '?' && last != ':') out.push_back('.');
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    const std::string clean = collapse_whitespace(item);
    if (clean.empty()) continue;
    if (!out.empty()) out.append(separator);
    out.append(clean);
  }
  return out;
}

// Cuts to at most kMaxEmbeddingTextBytes at the last space that fits (or, failing that, at a UTF-8 boundary).
std::string clip(std::string s) {
  if (s.size() <= kMaxEmbeddingTextBytes) return s;
  std::size_t cut = kMaxEmbeddingTextBytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // never split a code point
  const std::size_t space = s.rfind(' ', cut);
  if (space != std::string::npos && space > kMaxEmbeddingTextBytes / 2) cut = space;
  s.resize(cut);
  while (!s.empty() && is_space(s.back())) s.pop_back();
  return s;
}

}  // namespace

std::string project_text(const ProjectMeta& project) {
  const std::string_view name = project.full_name.empty() ? std::string_view(project.id) : project.full_name;
  const std::size_t slash = name.find('/');
  const std::string owner = slash == std::string_view::npos ? std::string() : collapse_whitespace(name.substr(0, slash));
  const std::string repo = dashes_to_spaces(slash == std::string_view::npos ? name : name.substr(slash + 1));

  std::string out;
  std::string head = repo;
  if (!owner.empty()) head += head.empty() ? owner : " by " + owner;
  append_sentence(out, head);
  append_sentence(out, collapse_whitespace(project.description));
  const std::string language = collapse_whitespace(project.language);
  if (!language.empty()) append_sentence(out, "Language: " + language);

  std::vector<std::string> topics;
  for (const auto& raw : project.topics) {
    std::string topic = dashes_to_spaces(raw);
    if (topic.empty() || std::find(topics.begin(), topics.end(), topic) != topics.end()) continue;
    topics.push_back(std::move(topic));
    if (topics.size() == kMaxTopics) break;
  }
  if (!topics.empty()) append_sentence(out, "Topics: " + join(topics, ", "));
  return clip(std::move(out));
}

std::string profile_query_text(const Profile& profile) {
  std::vector<std::string> tools = profile.languages;
  tools.insert(tools.end(), profile.frameworks.begin(), profile.frameworks.end());
  const std::string interests = join(profile.interests, ", ");
  const std::string tool_list = join(tools, ", ");

  std::string out;
  if (!interests.empty()) {
    append_sentence(out, "I want to learn " + interests + (tool_list.empty() ? "" : " with " + tool_list));
  } else if (!tool_list.empty()) {
    append_sentence(out, "I want to learn " + tool_list);
  }
  const std::string goals = join(profile.goals, "; ");
  if (!goals.empty()) append_sentence(out, "Goals: " + goals);
  const std::string field = collapse_whitespace(profile.field_of_study);
  if (!field.empty()) append_sentence(out, "Field: " + field);
  if (profile.skill_level) append_sentence(out, "Level: " + std::string(to_string(*profile.skill_level)));
  return clip(std::move(out));
}

}  // namespace wayfinder::text
