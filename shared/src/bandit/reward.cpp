#include "wayfinder/bandit/reward.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "wayfinder/random/det_math.h"

namespace wayfinder::bandit {
namespace {

double clamp01(double x) { return std::clamp(x, 0.0, 1.0); }

void require_finite_nonneg(double x, const char* field) {
  if (!std::isfinite(x) || x < 0.0) throw std::invalid_argument(std::string(field) + " must be finite and >= 0");
}

// The learner did something with the card (else the episode is an ignored view).
bool engaged(const ImpressionEpisode& e) {
  return e.clicked || e.bookmarked || e.stars.has_value() || e.dwell_seconds > 0.0 || e.not_interested || e.withdrawn;
}

}  // namespace

double RewardTable::stars_reward(int stars) const {
  if (stars < 1 || stars > 5) throw std::invalid_argument("stars must be 1..5, got " + std::to_string(stars));
  return rating[stars - 1];
}

void validate(const ImpressionEpisode& e) {
  if (e.position < 0) throw std::invalid_argument("position must be >= 0");
  if (e.stars && (*e.stars < 1 || *e.stars > 5)) throw std::invalid_argument("stars must be 1..5");
  require_finite_nonneg(e.dwell_seconds, "dwell_seconds");
}

double episode_reward(const ImpressionEpisode& e, const RewardTable& table) {
  validate(e);
  if (!engaged(e)) return table.ignored_view;
  double r = 0.0;
  if (e.clicked) r += table.click;
  if (e.bookmarked) r += table.bookmark;
  if (e.not_interested) r += table.not_interested;
  if (e.stars) r += table.stars_reward(*e.stars);
  r += table.dwell_per_second * std::min(e.dwell_seconds, table.dwell_cap_seconds);
  return r;
}

double ExaminationModel::probability(int position) const {
  if (position < 0) throw std::invalid_argument("position must be >= 0");
  const auto p = static_cast<std::size_t>(position);
  if (p < by_position.size()) return by_position[p];
  // (1 + p)^-exponent with the deterministic exp/log so updates match natively and in WASM.
  return random::det_exp(-exponent * random::det_log(1.0 + static_cast<double>(position)));
}

ExaminationModel ExaminationModel::from_click_rates(const std::vector<double>& ctr, double floor) {
  if (ctr.empty() || !(ctr[0] > 0.0)) throw std::invalid_argument("ctr_by_position[0] must be > 0");
  if (!(floor > 0.0 && floor <= 1.0)) throw std::invalid_argument("floor must be in (0, 1]");
  ExaminationModel m;
  m.by_position.reserve(ctr.size());
  for (std::size_t i = 0; i < ctr.size(); ++i) {
    if (!std::isfinite(ctr[i]) || ctr[i] < 0.0)
      throw std::invalid_argument("ctr_by_position[" + std::to_string(i) + "] must be finite and >= 0");
    m.by_position.push_back(std::clamp(ctr[i] / ctr[0], floor, 1.0));
  }
  return m;
}

BetaUpdate reward_to_update(const ImpressionEpisode& e, const RewardTable& table, const ExaminationModel& examination,
                            const RewardMapping& mapping) {
  if (!(mapping.success_at > 0.0) || !(mapping.failure_at > 0.0))
    throw std::invalid_argument("RewardMapping success_at and failure_at must be > 0");
  const double r = episode_reward(e, table);
  const bool ignored = !engaged(e);
  BetaUpdate u;
  if (r > 0.0) {
    u.success = clamp01(r / mapping.success_at);
  } else if (r < 0.0) {
    u.failure = clamp01(-r / mapping.failure_at);
    if (ignored) u.failure *= examination.probability(e.position);
  }
  return u;
}

BetaUpdate cap_daily(const BetaUpdate& already_today, const BetaUpdate& add, double cap) {
  if (!(cap >= 0.0) || !std::isfinite(cap)) throw std::invalid_argument("cap must be finite and >= 0");
  BetaUpdate out;
  out.success = std::clamp(cap - already_today.success, 0.0, std::max(0.0, add.success));
  out.failure = std::clamp(cap - already_today.failure, 0.0, std::max(0.0, add.failure));
  return out;
}

void to_json(nlohmann::json& j, const ImpressionEpisode& e) {
  j = {{"position", e.position}, {"clicked", e.clicked}, {"bookmarked", e.bookmarked}, {"dwellSeconds", e.dwell_seconds}};
  if (e.stars) j["stars"] = *e.stars;
  if (e.not_interested) j["notInterested"] = true;
  if (e.withdrawn) j["withdrawn"] = true;
}

void from_json(const nlohmann::json& j, ImpressionEpisode& e) {
  auto need = [&](const char* field, bool ok, const char* what) {
    if (!ok) throw std::invalid_argument(std::string("episode.") + field + " " + what);
  };
  need("", j.is_object(), "must be a JSON object");
  need("position", j.contains("position") && j["position"].is_number_integer(), "must be an integer");
  ImpressionEpisode next;
  next.position = j["position"].get<int>();
  for (const char* flag : {"clicked", "bookmarked", "notInterested", "withdrawn"}) {
    need(flag, !j.contains(flag) || j[flag].is_boolean(), "must be true or false");
  }
  next.clicked = j.value("clicked", false);
  next.bookmarked = j.value("bookmarked", false);
  next.not_interested = j.value("notInterested", false);
  next.withdrawn = j.value("withdrawn", false);
  if (j.contains("stars") && !j["stars"].is_null()) {
    need("stars", j["stars"].is_number_integer(), "must be an integer from 1 to 5");
    next.stars = j["stars"].get<int>();
  }
  need("dwellSeconds", !j.contains("dwellSeconds") || j["dwellSeconds"].is_number(), "must be a number");
  next.dwell_seconds = j.value("dwellSeconds", 0.0);
  validate(next);
  e = next;
}

}  // namespace wayfinder::bandit
