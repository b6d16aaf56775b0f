// THE episode fold: a stream of feedback events → impression episodes → per-project, per-day evidence. Used by the
// WASM client (a learner's own counts) and by the server's nightly merge (what a learner adds to the community), so
// both learn the same thing from the same events (docs/BANDIT.md, "Episodes"). Invariants: the result depends only
// on the SET of events (by event id), never on their arrival order or on duplicates; every credited update is the
// core's reward mapping under the daily cap.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wayfinder/bandit/reward.h"
#include "wayfinder/events/event.h"

namespace wayfinder::bandit {

inline constexpr std::int64_t kDayMs = 86400000LL;

// UTC day number of a Unix-ms time (floor division, so times before 1970 fall on negative days).
std::int64_t day_of_ms(std::int64_t unix_ms);

struct FoldConfig {
  // An episode collects the events of its key (ranking, project) for this long after the event that opened it;
  // the first event at or after the end opens the key's next episode.
  std::int64_t window_ms = 7 * kDayMs;
  // How old an event may still be when it arrives (the server refuses older ones: --max-event-age-hours, 7 days).
  // A learner's days are settled only once every event that could change them is older than this.
  std::int64_t max_age_ms = 7 * kDayMs;
};

// One episode: what one learner did with one project shown (or acted on) in one ranking.
struct Episode {
  std::string ranking_id;
  std::string project_id;
  std::string opened_by;        // event id of the first event (ties of opened_ms break on it)
  std::int64_t opened_ms = 0;   // time of the first event
  std::int64_t day = 0;         // day_of_ms(opened_ms): the day the episode's evidence belongs to
  bool impression = false;      // an impression was logged (else a follow-up opened it)
  std::string arm;              // of the first impression (else of the first event)
  std::optional<double> propensity;
  std::optional<double> alt_propensity;
  std::size_t events = 0;       // distinct events folded into it
  ImpressionEpisode episode;    // position, clicked, bookmarked, stars, dwell → the reward
};

// The rule, for the events of ONE key (same ranking id and project id), in any order, duplicates allowed:
// - events are ordered by (time, event id); a repeated event id counts once;
// - the first event opens an episode (an impression, or a follow-up whose impression was never logged); every
//   event before opened_ms + window joins it; the first one after opens the next episode;
// - position: the first impression's, else the first event's that carries one, else 0;
// - a click sets clicked; bookmark state is the latest bookmark event's; a later rating (time, then event id)
//   replaces an earlier one; dwell seconds add up; a repeated impression changes nothing.
std::vector<Episode> fold_key(std::vector<events::Event> events_of_key, const FoldConfig& config = {});

struct CreditConfig {
  double daily_cap = 1.0;  // per (learner, project, day), each component
  RewardTable table;
  ExaminationModel examination;
  RewardMapping mapping;
};

// What one learner's episodes add to one project on one day.
struct DayCredit {
  std::string project_id;
  std::int64_t day = 0;
  BetaCounts added;           // Σ capped reward_to_update, episodes in (opened_ms, ranking id, opened_by) order
  std::int64_t episodes = 0;
  std::int64_t clicks = 0;
  double reward_sum = 0.0;
};

// THE credit: one learner's episodes (any order) → one entry per (project, day), ordered by (project, day).
std::vector<DayCredit> credit_days(std::vector<Episode> episodes, const CreditConfig& config = {});

// The cap above the learner: what every learner behind one address prefix adds to one project on one day, given
// `raw`, the sum of their (per-learner capped) credits, each component at most `cap` (cap <= 0: no cap). A pure
// function of the sum, so a late correction is exact: cap(raw + delta) − cap(raw).
BetaCounts cap_prefix_day(const BetaCounts& raw, double cap);

// How the server turns the summed credits of the address prefixes a project's evidence came from on one day into
// the project's community evidence of that day.
struct PrefixRule {
  double cap = 0.0;     // each prefix's sum at most this, each component (cap_prefix_day; 0: no cap)
  // Robust aggregation (0: off): each prefix's sum also at most max(1, winsor × the median of the day's prefix sums
  // of that project), each component: no network may outweigh the typical one by more than this factor.
  double winsor = 0.0;
};
// The project-day's evidence: Σ over prefixes of each (capped, winsorised) sum, in the given order. A pure function
// of the sums, so a late correction adds exactly credit(after) − credit(before).
BetaCounts community_day_credit(const std::vector<BetaCounts>& prefix_sums, const PrefixRule& rule);

// Weight of a day's evidence seen from a later day: 0.5^((as_of_day − day) / half_life_days); 1 when
// half_life_days is 0 or infinite (no decay) or the day is not older. Throws on a negative or NaN half-life.
double decay_weight(std::int64_t day, std::int64_t as_of_day, double half_life_days);

// A learner's events folded as they come (the client's state): deduplicated by event id, episodes rebuilt per key,
// credits per (project, day). Days that can no longer change are settled into plain counts and their events
// forgotten. Serialised by to_json/from_json (versioned; from_json refuses anything inconsistent).
class LearnerFold {
 public:
  explicit LearnerFold(FoldConfig fold = {}, CreditConfig credit = {});

  // Adds one validated event. Returns false (nothing changes) for a repeated event id or an event that would change
  // a settled day (its time falls on a settled day or inside a settled episode's window: older than max_age_ms, so
  // the server refuses it too).
  bool add(const events::Event& e);
  // Per project: settled counts + the credit of every live day.
  std::map<std::string, BetaCounts> counts() const;
  BetaCounts counts_of(const std::string& project_id) const;
  std::vector<Episode> episodes() const;            // live episodes
  std::vector<DayCredit> live_credits() const;      // credit_days over the live episodes
  // Settles every day d with (d + 1) · day + window + max_age <= now_ms (no event the server would still accept can
  // change it): its credit moves into plain per-project counts and its episodes' events are forgotten.
  void settle(std::int64_t now_ms);
  std::int64_t settled_day() const { return settled_day_; }
  std::size_t live_events() const { return ids_.size(); }

  friend void to_json(nlohmann::json& j, const LearnerFold& f);
  friend void from_json(const nlohmann::json& j, LearnerFold& f);

 private:
  using Key = std::pair<std::string, std::string>;  // (ranking id, project id)
  FoldConfig fold_;
  CreditConfig credit_;
  std::map<Key, std::vector<events::Event>> keys_;
  std::set<std::string> ids_;
  std::map<std::string, BetaCounts> settled_;
  // Days up to settled_day_ are settled: an event of such a day, or of a key before the end of its last settled
  // episode's window (closed_until_), is refused.
  std::int64_t settled_day_ = std::numeric_limits<std::int64_t>::min();
  std::map<Key, std::int64_t> closed_until_;
};

}  // namespace wayfinder::bandit
