#include "wayfinder/bandit/episode_fold.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <tuple>

#include <nlohmann/json.hpp>

namespace wayfinder::bandit {
namespace {

using events::Event;
using events::EventType;

bool event_before(const Event& a, const Event& b) {
  return std::tie(a.at_ms, a.event_id) < std::tie(b.at_ms, b.event_id);
}

Episode open_episode(const Event& e) {
  Episode ep;
  ep.ranking_id = e.ranking_id;
  ep.project_id = e.project_id;
  ep.opened_by = e.event_id;
  ep.opened_ms = e.at_ms;
  ep.day = day_of_ms(e.at_ms);
  ep.arm = e.arm;
  ep.propensity = e.propensity;
  ep.alt_propensity = e.alt_propensity;
  ep.episode.position = std::max(0, static_cast<int>(e.position));
  return ep;
}

// One event joins its episode. The one place that says what each event type means for the reward.
void join(Episode& ep, const Event& e, bool& has_position) {
  ++ep.events;
  switch (e.type) {
    case EventType::kImpression:
      if (!ep.impression) {  // the first impression's slot, arm and propensities describe the showing
        ep.impression = true;
        ep.episode.position = std::max(0, static_cast<int>(e.position));
        has_position = e.position >= 0;
        ep.arm = e.arm;
        ep.propensity = e.propensity;
        ep.alt_propensity = e.alt_propensity;
      }
      return;
    case EventType::kClick: ep.episode.clicked = true; break;
    case EventType::kBookmark: ep.episode.bookmarked = true; break;  // events come in time order: the latest wins
    case EventType::kUnbookmark:
      ep.episode.withdrawn = true;  // an action on the card, never an ignored view; the bookmark's reward is gone
      ep.episode.bookmarked = false;
      break;
    case EventType::kNotInterested: ep.episode.not_interested = true; break;
    case EventType::kUndoNotInterested:
      ep.episode.withdrawn = true;
      ep.episode.not_interested = false;
      break;
    case EventType::kRating: ep.episode.stars = e.stars; break;      // events come in time order: the latest wins
    case EventType::kDwell: ep.episode.dwell_seconds += e.seconds.value_or(0.0); break;
  }
  if (!ep.impression && !has_position && e.position >= 0) {
    ep.episode.position = e.position;
    has_position = true;
  }
}

bool episode_before(const Episode& a, const Episode& b) {
  return std::tie(a.project_id, a.day, a.opened_ms, a.ranking_id, a.opened_by) <
         std::tie(b.project_id, b.day, b.opened_ms, b.ranking_id, b.opened_by);
}

}  // namespace

std::int64_t day_of_ms(std::int64_t unix_ms) {
  return unix_ms >= 0 ? unix_ms / kDayMs : -((-unix_ms + kDayMs - 1) / kDayMs);
}

std::vector<Episode> fold_key(std::vector<Event> events, const FoldConfig& config) {
  if (config.window_ms <= 0) throw std::invalid_argument("fold window_ms must be > 0");
  std::sort(events.begin(), events.end(), event_before);
  std::vector<Episode> out;
  bool has_position = false;
  const Event* previous = nullptr;
  for (const auto& e : events) {
    if (previous && previous->event_id == e.event_id) continue;  // a duplicate (same id, same time)
    previous = &e;
    if (out.empty() || e.at_ms >= out.back().opened_ms + config.window_ms) {
      out.push_back(open_episode(e));
      has_position = e.position >= 0;
    }
    join(out.back(), e, has_position);
  }
  return out;
}

std::vector<DayCredit> credit_days(std::vector<Episode> episodes, const CreditConfig& config) {
  std::sort(episodes.begin(), episodes.end(), episode_before);
  std::vector<DayCredit> out;
  for (const auto& ep : episodes) {
    if (out.empty() || out.back().project_id != ep.project_id || out.back().day != ep.day) {
      out.push_back({ep.project_id, ep.day, {}, 0, 0, 0.0});
    }
    auto& c = out.back();
    const auto update = reward_to_update(ep.episode, config.table, config.examination, config.mapping);
    c.added.add(cap_daily({c.added.alpha, c.added.beta}, update, config.daily_cap));
    ++c.episodes;
    c.clicks += ep.episode.clicked ? 1 : 0;
    c.reward_sum += episode_reward(ep.episode, config.table);
  }
  return out;
}

BetaCounts cap_prefix_day(const BetaCounts& raw, double cap) {
  if (!(cap > 0)) return raw;
  BetaCounts out;
  out.alpha = std::min(raw.alpha, cap);
  out.beta = std::min(raw.beta, cap);
  return out;
}

namespace {
// The median of one component (the mean of the middle two for an even count); 0 for none.
double median_of(const std::vector<BetaCounts>& v, double BetaCounts::*component) {
  std::vector<double> x;
  for (const auto& c : v) x.push_back(c.*component);
  if (x.empty()) return 0.0;
  std::sort(x.begin(), x.end());
  const std::size_t m = x.size() / 2;
  return x.size() % 2 ? x[m] : (x[m - 1] + x[m]) / 2.0;
}
}  // namespace

BetaCounts community_day_credit(const std::vector<BetaCounts>& prefix_sums, const PrefixRule& rule) {
  double limit_alpha = 0.0, limit_beta = 0.0;
  if (rule.winsor > 0) {
    limit_alpha = std::max(1.0, rule.winsor * median_of(prefix_sums, &BetaCounts::alpha));
    limit_beta = std::max(1.0, rule.winsor * median_of(prefix_sums, &BetaCounts::beta));
  }
  BetaCounts total;
  for (const auto& s : prefix_sums) {
    auto c = cap_prefix_day(s, rule.cap);
    if (rule.winsor > 0) {
      c.alpha = std::min(c.alpha, limit_alpha);
      c.beta = std::min(c.beta, limit_beta);
    }
    total.alpha += c.alpha;
    total.beta += c.beta;
  }
  return total;
}

double decay_weight(std::int64_t day, std::int64_t as_of_day, double half_life_days) {
  if (std::isnan(half_life_days) || half_life_days < 0) throw std::invalid_argument("half_life_days must be >= 0");
  if (half_life_days == 0 || std::isinf(half_life_days) || as_of_day <= day) return 1.0;
  return std::pow(0.5, static_cast<double>(as_of_day - day) / half_life_days);
}

LearnerFold::LearnerFold(FoldConfig fold, CreditConfig credit) : fold_(fold), credit_(std::move(credit)) {
  if (fold_.window_ms <= 0) throw std::invalid_argument("fold window_ms must be > 0");
  if (fold_.max_age_ms < 0) throw std::invalid_argument("fold max_age_ms must be >= 0");
}

bool LearnerFold::add(const Event& e) {
  if (ids_.count(e.event_id)) return false;
  const Key key{e.ranking_id, e.project_id};
  if (day_of_ms(e.at_ms) <= settled_day_) return false;
  if (const auto it = closed_until_.find(key); it != closed_until_.end() && e.at_ms < it->second) return false;
  ids_.insert(e.event_id);
  keys_[key].push_back(e);
  return true;
}

std::vector<Episode> LearnerFold::episodes() const {
  std::vector<Episode> out;
  for (const auto& [key, evs] : keys_) {
    auto eps = fold_key(evs, fold_);
    out.insert(out.end(), std::make_move_iterator(eps.begin()), std::make_move_iterator(eps.end()));
  }
  return out;
}

std::vector<DayCredit> LearnerFold::live_credits() const { return credit_days(episodes(), credit_); }

std::map<std::string, BetaCounts> LearnerFold::counts() const {
  auto out = settled_;
  for (const auto& c : live_credits()) out[c.project_id].add({c.added.alpha, c.added.beta});
  return out;
}

BetaCounts LearnerFold::counts_of(const std::string& project_id) const {
  const auto it = settled_.find(project_id);
  BetaCounts out = it == settled_.end() ? BetaCounts{} : it->second;
  std::vector<Episode> eps;
  for (auto k = keys_.begin(); k != keys_.end(); ++k) {
    if (k->first.second != project_id) continue;
    auto more = fold_key(k->second, fold_);
    eps.insert(eps.end(), more.begin(), more.end());
  }
  for (const auto& c : credit_days(std::move(eps), credit_)) out.add({c.added.alpha, c.added.beta});
  return out;
}

void LearnerFold::settle(std::int64_t now_ms) {
  // Day d is final once (d + 1) · day + window + max_age <= now: d <= floor((now − window − max_age) / day) − 1.
  const std::int64_t last = day_of_ms(now_ms - fold_.window_ms - fold_.max_age_ms) - 1;
  if (last <= settled_day_) return;
  std::vector<Episode> done;
  for (auto it = keys_.begin(); it != keys_.end();) {
    auto& evs = it->second;
    std::sort(evs.begin(), evs.end(), event_before);
    std::size_t drop = 0;
    for (auto& ep : fold_key(evs, fold_)) {
      if (ep.day > last) break;  // episodes of a key come in time order
      drop += ep.events;
      closed_until_[it->first] = ep.opened_ms + fold_.window_ms;
      done.push_back(std::move(ep));
    }
    for (std::size_t k = 0; k < drop; ++k) ids_.erase(evs[k].event_id);
    evs.erase(evs.begin(), evs.begin() + static_cast<std::ptrdiff_t>(drop));
    it = evs.empty() ? keys_.erase(it) : std::next(it);
  }
  for (const auto& c : credit_days(std::move(done), credit_)) settled_[c.project_id].add({c.added.alpha, c.added.beta});
  settled_day_ = last;
  // A key's marker matters only while its window reaches past the settled days.
  std::erase_if(closed_until_, [&](const auto& kv) { return kv.second <= (settled_day_ + 1) * kDayMs; });
}

namespace {
constexpr int kFoldStateVersion = 1;

[[noreturn]] void bad_state(const std::string& what) { throw std::invalid_argument("saved learner state: " + what); }

BetaCounts counts_from(const nlohmann::json& c, const std::string& where) {
  if (!c.is_object() || !c.contains("alpha") || !c.contains("beta") || !c["alpha"].is_number() || !c["beta"].is_number())
    bad_state(where + " must be {\"alpha\": number, \"beta\": number}");
  const BetaCounts out{c["alpha"].get<double>(), c["beta"].get<double>()};
  if (!std::isfinite(out.alpha) || !std::isfinite(out.beta) || out.alpha < 0 || out.beta < 0)
    bad_state(where + " must be finite and >= 0");
  return out;
}
}  // namespace

void to_json(nlohmann::json& j, const LearnerFold& f) {
  nlohmann::json settled = nlohmann::json::object();
  for (const auto& [id, c] : f.settled_) settled[id] = {{"alpha", c.alpha}, {"beta", c.beta}};
  nlohmann::json closed = nlohmann::json::array();
  for (const auto& [key, until] : f.closed_until_) closed.push_back({key.first, key.second, until});
  nlohmann::json evs = nlohmann::json::array();
  for (const auto& [key, list] : f.keys_)
    for (const auto& e : list) evs.push_back(e);
  j = {{"version", kFoldStateVersion}, {"settled", std::move(settled)}, {"closedUntil", std::move(closed)},
       {"events", std::move(evs)}};
  if (f.settled_day_ != std::numeric_limits<std::int64_t>::min()) j["settledDay"] = f.settled_day_;
}

void from_json(const nlohmann::json& j, LearnerFold& f) {
  if (!j.is_object()) bad_state("must be a JSON object");
  if (j.value("version", 0) != kFoldStateVersion) bad_state("version must be " + std::to_string(kFoldStateVersion));
  for (const char* field : {"settled", "closedUntil", "events"})
    if (!j.contains(field)) bad_state(std::string(field) + " is missing");
  if (!j["settled"].is_object() || !j["closedUntil"].is_array() || !j["events"].is_array())
    bad_state("settled must be an object, closedUntil and events arrays");
  LearnerFold next(f.fold_, f.credit_);
  if (j.contains("settledDay")) {
    if (!j["settledDay"].is_number_integer()) bad_state("settledDay must be an integer");
    next.settled_day_ = j["settledDay"].get<std::int64_t>();
  }
  for (const auto& [id, c] : j["settled"].items()) next.settled_[id] = counts_from(c, "settled." + id);
  for (const auto& c : j["closedUntil"]) {
    if (!c.is_array() || c.size() != 3 || !c[0].is_string() || !c[1].is_string() || !c[2].is_number_integer())
      bad_state("closedUntil entries must be [rankingId, projectId, ms]");
    next.closed_until_[{c[0].get<std::string>(), c[1].get<std::string>()}] = c[2].get<std::int64_t>();
  }
  const auto& evs = j["events"];
  for (std::size_t k = 0; k < evs.size(); ++k) {
    const auto e = events::parse_event(evs[k], "events[" + std::to_string(k) + "]");  // SchemaError names the field
    if (!next.add(e)) bad_state("events[" + std::to_string(k) + "] is a duplicate or lies in a settled day");
  }
  f = std::move(next);
}

}  // namespace wayfinder::bandit
