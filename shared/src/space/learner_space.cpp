#include "wayfinder/space/learner_space.h"

#include <algorithm>
#include <stdexcept>
#include <tuple>

#include <nlohmann/json.hpp>

namespace wayfinder::space {
namespace {

using events::EventType;
constexpr int kSpaceStateVersion = 1;

[[noreturn]] void bad_state(const std::string& what) { throw std::invalid_argument("saved learner space: " + what); }

Stamp stamp_of(const events::Event& e) { return {e.at_ms, e.event_id, e.ranking_id}; }

nlohmann::json stamp_json(const Stamp& s) { return nlohmann::json::array({s.at_ms, s.event_id, s.ranking_id}); }

Stamp stamp_from(const nlohmann::json& a, const std::string& where) {
  if (!a.is_array() || a.size() != 4 || !a[0].is_number_integer() || !a[1].is_string() || !a[2].is_string())
    bad_state(where + " must be [ms, eventId, rankingId, value]");
  return {a[0].get<std::int64_t>(), a[1].get<std::string>(), a[2].get<std::string>()};
}

const nlohmann::json& section(const nlohmann::json& j, const char* name) {
  if (!j.contains(name) || !j[name].is_object()) bad_state(std::string(name) + " must be an object");
  return j[name];
}

}  // namespace

bool Stamp::operator<(const Stamp& o) const { return std::tie(at_ms, event_id) < std::tie(o.at_ms, o.event_id); }

std::int64_t HistoryEntry::last_ms() const {
  return std::max(opened ? opened->at_ms : INT64_MIN, rated ? rated->at_ms : INT64_MIN);
}

bool LearnerSpace::set_flag(std::map<std::string, Flag>& flags, const std::string& id, const Stamp& s, bool on) {
  const auto it = flags.find(id);
  if (it != flags.end() && !(it->second.stamp < s)) return false;
  flags[id] = {s, on};
  return true;
}

bool LearnerSpace::add(const events::Event& e) {
  const auto s = stamp_of(e);
  const auto later = [&](auto& m) { return m.find(e.project_id) == m.end() || m.at(e.project_id) < s; };
  switch (e.type) {
    case EventType::kBookmark: return set_flag(saved_, e.project_id, s, true);
    case EventType::kUnbookmark: return set_flag(saved_, e.project_id, s, false);
    case EventType::kNotInterested: return set_flag(hidden_, e.project_id, s, true);
    case EventType::kUndoNotInterested: return set_flag(hidden_, e.project_id, s, false);
    case EventType::kClick:
    case EventType::kDwell:
      if (!later(opened_)) return false;
      opened_[e.project_id] = s;
      return true;
    case EventType::kRating: {
      const auto it = rated_.find(e.project_id);
      if (it != rated_.end() && !(it->second.stamp < s)) return false;
      rated_[e.project_id] = {s, e.stars.value_or(0)};
      return true;
    }
    case EventType::kImpression: return false;
  }
  return false;
}

std::vector<SavedProject> LearnerSpace::saved() const {
  std::vector<SavedProject> out;
  for (const auto& [id, f] : saved_)
    if (f.on) out.push_back({id, f.stamp});
  std::sort(out.begin(), out.end(), [](const SavedProject& a, const SavedProject& b) { return b.saved < a.saved; });
  return out;
}

std::vector<HistoryEntry> LearnerSpace::history() const {
  std::map<std::string, HistoryEntry> by_id;
  for (const auto& [id, s] : opened_) by_id[id].opened = s;
  for (const auto& [id, r] : rated_) {
    by_id[id].rated = r.stamp;
    by_id[id].stars = r.stars;
  }
  std::vector<HistoryEntry> out;
  for (auto& [id, h] : by_id) {
    h.project_id = id;
    out.push_back(std::move(h));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const HistoryEntry& a, const HistoryEntry& b) { return a.last_ms() > b.last_ms(); });
  return out;
}

std::set<std::string> LearnerSpace::hidden() const {
  std::set<std::string> out;
  for (const auto& [id, f] : hidden_)
    if (f.on) out.insert(id);
  return out;
}

bool LearnerSpace::is_hidden(const std::string& project_id) const {
  const auto it = hidden_.find(project_id);
  return it != hidden_.end() && it->second.on;
}

std::optional<Stamp> LearnerSpace::hidden_stamp(const std::string& project_id) const {
  const auto it = hidden_.find(project_id);
  return it == hidden_.end() ? std::nullopt : std::optional<Stamp>(it->second.stamp);
}

void to_json(nlohmann::json& j, const LearnerSpace& s) {
  auto flags = [](const std::map<std::string, LearnerSpace::Flag>& m) {
    auto out = nlohmann::json::object();
    for (const auto& [id, f] : m) out[id] = stamp_json(f.stamp), out[id].push_back(f.on);
    return out;
  };
  auto opened = nlohmann::json::object();
  for (const auto& [id, st] : s.opened_) opened[id] = stamp_json(st), opened[id].push_back(nullptr);
  auto rated = nlohmann::json::object();
  for (const auto& [id, r] : s.rated_) rated[id] = stamp_json(r.stamp), rated[id].push_back(r.stars);
  j = {{"version", kSpaceStateVersion}, {"saved", flags(s.saved_)}, {"hidden", flags(s.hidden_)},
       {"opened", std::move(opened)}, {"rated", std::move(rated)}};
}

void from_json(const nlohmann::json& j, LearnerSpace& s) {
  if (!j.is_object()) bad_state("must be a JSON object");
  if (j.value("version", 0) != kSpaceStateVersion) bad_state("version must be " + std::to_string(kSpaceStateVersion));
  LearnerSpace next;
  for (const char* name : {"saved", "hidden"}) {
    auto& flags = std::string(name) == "saved" ? next.saved_ : next.hidden_;
    for (const auto& [id, a] : section(j, name).items()) {
      const auto where = std::string(name) + "." + id;
      const auto st = stamp_from(a, where);
      if (!a[3].is_boolean()) bad_state(where + "[3] must be true or false");
      flags[id] = {st, a[3].get<bool>()};
    }
  }
  for (const auto& [id, a] : section(j, "opened").items()) next.opened_[id] = stamp_from(a, "opened." + id);
  for (const auto& [id, a] : section(j, "rated").items()) {
    const auto st = stamp_from(a, "rated." + id);
    if (!a[3].is_number_integer() || a[3].get<int>() < 1 || a[3].get<int>() > 5)
      bad_state("rated." + id + "[3] must be an integer from 1 to 5");
    next.rated_[id] = {st, a[3].get<int>()};
  }
  s = std::move(next);
}

}  // namespace wayfinder::space
