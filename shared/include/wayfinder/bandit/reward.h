// Rewards: one impression episode (what the learner did with one shown project) → a scalar reward → a bounded
// Beta update. Invariant: every BetaUpdate produced here has success, failure in [0, 1] and at most one of them > 0.
#pragma once

#include <optional>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace wayfinder::bandit {

// Reward of each observed action (docs/BANDIT.md). A rating of s stars earns rating[s - 1].
struct RewardTable {
  double click = 5.0;
  double bookmark = 10.0;
  double rating[5] = {-10.0, -5.0, 3.0, 7.0, 10.0};  // 1★ … 5★
  double dwell_per_second = 0.1;
  double dwell_cap_seconds = 600.0;  // dwell beyond this earns nothing more (tabs left open)
  double ignored_view = -1.0;        // shown, examined or not, and nothing else happened
  double not_interested = -10.0;     // "not interested" on the card: one full failure, like a 1★ rating

  double stars_reward(int stars) const;  // throws std::invalid_argument unless 1 <= stars <= 5
};

// What happened to one impression (one project shown at one position of one ranking).
struct ImpressionEpisode {
  int position = 0;  // 0-based slot in the ranking
  bool clicked = false;
  bool bookmarked = false;
  std::optional<int> stars;    // 1..5 when rated
  double dwell_seconds = 0.0;  // time spent on the project after opening it
  bool not_interested = false; // the learner said "not interested" (and did not undo it)
  // A bookmark or a "not interested" was taken back: the learner acted on the card, so the episode is never an
  // ignored view, but the taken-back part earns nothing.
  bool withdrawn = false;
};

// Throws std::invalid_argument naming the field: position < 0, stars outside 1..5, dwell negative/non-finite.
void validate(const ImpressionEpisode& e);

// {"position", "clicked", "bookmarked", "stars"? (absent or null when not rated), "dwellSeconds", "notInterested"?,
// "withdrawn"?}; from_json
// requires position and validates (wrong types and ranges throw std::invalid_argument naming the field).
void to_json(nlohmann::json& j, const ImpressionEpisode& e);
void from_json(const nlohmann::json& j, ImpressionEpisode& e);

// Sum of the earned rewards; an episode with no click, bookmark, rating, dwell, "not interested" or taken-back
// action earns exactly ignored_view.
double episode_reward(const ImpressionEpisode& e, const RewardTable& table = {});

// Position-based examination model: P(the learner looked at slot p). Defaults to 1 / (1 + p)^exponent;
// `by_position[p]`, when present, overrides it (estimated from logs with from_click_rates).
struct ExaminationModel {
  double exponent = 0.7;
  std::vector<double> by_position;  // each in (0, 1]

  double probability(int position) const;  // in (0, 1]; position < 0 throws
  // Examination estimate from per-position click rates of randomised (position-shuffled) logs:
  // P(examined | p) = ctr[p] / ctr[0], clamped to [floor, 1]. ctr[0] must be > 0.
  static ExaminationModel from_click_rates(const std::vector<double>& ctr_by_position, double floor = 0.01);
};

// Bounded mapping of a reward onto one Beta update: a reward of +success_at (or more) is one full success,
// a reward of -failure_at (or less) one full failure, linear in between. An ignored view is a failure only
// in proportion to the chance it was examined: failure = clamp(-ignored_view / failure_at) × P(examined | p).
struct RewardMapping {
  double success_at = 15.0;  // e.g. click + bookmark, or click + 5★
  double failure_at = 10.0;  // e.g. a 1★ rating
};

// Evidence added by one episode (or capped in sum over a day). Each component in [0, 1].
struct BetaUpdate {
  double success = 0.0;
  double failure = 0.0;
};

// Accumulated evidence for one project: pseudo-counts of successes/failures, no prior included.
struct BetaCounts {
  double alpha = 0.0;
  double beta = 0.0;

  double evidence() const { return alpha + beta; }
  void add(const BetaUpdate& u) {
    alpha += u.success;
    beta += u.failure;
  }
};

BetaUpdate reward_to_update(const ImpressionEpisode& e, const RewardTable& table = {},
                            const ExaminationModel& examination = {}, const RewardMapping& mapping = {});

// Per-(user, project, day) cap: the part of `add` that fits so that already_today + result stays <= cap in
// each component (a learner can't push one project by clicking it all day). cap must be >= 0.
BetaUpdate cap_daily(const BetaUpdate& already_today, const BetaUpdate& add, double cap = 1.0);

}  // namespace wayfinder::bandit
