// The learner's own space, folded from the same wire events as the bandit (docs/WEB.md, "The learner's space"):
// saved projects (bookmark / unbookmark), history (opened and rated projects) and the projects marked "not
// interested" (hidden from every page of this learner until undone). Invariant: like the episode fold, the result
// depends only on the SET of events: each state is decided by its latest event, by (time, event id), so arrival
// order and duplicates do not matter. Unlike the episode fold's live days nothing here is ever settled: a saved
// project stays saved, a hidden one hidden, until a later event says otherwise.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wayfinder/events/event.h"

namespace wayfinder::space {

// The (time, event id) of the event that decided a state: a later one replaces it.
struct Stamp {
  std::int64_t at_ms = 0;
  std::string event_id;
  std::string ranking_id;  // the ranking of that event: a correction is sent under it, so it joins the same episode
  bool operator<(const Stamp& o) const;
};

struct SavedProject {
  std::string project_id;
  Stamp saved;  // the bookmark that saved it
};

struct HistoryEntry {
  std::string project_id;
  std::optional<Stamp> opened;  // latest click or dwell
  std::optional<Stamp> rated;   // latest rating
  std::optional<int> stars;     // of that rating
  std::int64_t last_ms() const;
};

class LearnerSpace {
 public:
  // Folds one validated event; returns true when a view changed (saved, history or hidden).
  bool add(const events::Event& e);
  // Newest first (bookmark time, then event id).
  std::vector<SavedProject> saved() const;
  // Newest activity first (the later of opened and rated), then project id.
  std::vector<HistoryEntry> history() const;
  // Projects marked "not interested" and not undone.
  std::set<std::string> hidden() const;
  bool is_hidden(const std::string& project_id) const;
  // The stamp of the event that decided `project_id`'s hidden state (nullopt: never marked).
  std::optional<Stamp> hidden_stamp(const std::string& project_id) const;

  // {"version": 1, "saved": {id: [at, eventId, rankingId, on]}, "hidden": {...}, "opened": {...},
  //  "rated": {id: [at, eventId, rankingId, stars]}}; from_json refuses anything malformed naming the field.
  friend void to_json(nlohmann::json& j, const LearnerSpace& s);
  friend void from_json(const nlohmann::json& j, LearnerSpace& s);

 private:
  struct Flag {
    Stamp stamp;
    bool on = false;
  };
  struct Rating {
    Stamp stamp;
    int stars = 0;
  };
  static bool set_flag(std::map<std::string, Flag>& flags, const std::string& id, const Stamp& s, bool on);
  std::map<std::string, Flag> saved_;
  std::map<std::string, Flag> hidden_;
  std::map<std::string, Stamp> opened_;
  std::map<std::string, Rating> rated_;
};

}  // namespace wayfinder::space
