// Embind surface of the bandit, experiment and off-policy areas: reward mapping, daily cap, posterior,
// seeded Beta samples, arm assignment, OPE. JSON strings in and out; bad input throws a JS Error naming the field.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wayfinder/bandit/posterior.h"
#include "wayfinder/bandit/reward.h"
#include "wayfinder/experiment/assignment.h"
#include "wayfinder/ope/estimators.h"
#include "wayfinder/random/samplers.h"
#include "wayfinder/rank/rerank.h"

#include "js_errors.h"

namespace {

using emscripten::val;
using nlohmann::json;
namespace bandit = wayfinder::bandit;

using wayfinder::wasm::js_errors;

json parse_or_empty(const std::string& text) { return text.empty() ? json::object() : json::parse(text); }

std::uint64_t parse_seed(const std::string& s) {
  std::size_t used = 0;
  const auto v = s.empty() ? 0 : std::stoull(s, &used, 10);
  if (used != s.size()) throw std::invalid_argument("seed: not a decimal unsigned integer");
  return v;
}

bandit::ImpressionEpisode episode_from(const json& j) {
  if (!j.is_object()) throw std::invalid_argument("episode: must be an object");
  bandit::ImpressionEpisode e;
  e.position = j.value("position", 0);
  e.clicked = j.value("clicked", false);
  e.bookmarked = j.value("bookmarked", false);
  if (j.contains("stars") && !j["stars"].is_null()) e.stars = j["stars"].get<int>();
  e.dwell_seconds = j.value("dwellSeconds", 0.0);
  bandit::validate(e);
  return e;
}

// options: {"rewards": {"click", "bookmark", "rating": [1★..5★], "dwellPerSecond", "dwellCapSeconds",
//           "ignoredView"}, "mapping": {"successAt", "failureAt"}, "examination": {"exponent", "byPosition": []}}
void options_from(const json& o, bandit::RewardTable& t, bandit::RewardMapping& m, bandit::ExaminationModel& x) {
  if (o.contains("rewards")) {
    const auto& r = o["rewards"];
    t.click = r.value("click", t.click);
    t.bookmark = r.value("bookmark", t.bookmark);
    if (r.contains("rating")) {
      const auto v = r["rating"].get<std::vector<double>>();
      if (v.size() != 5) throw std::invalid_argument("rewards.rating: must list 5 values (1★..5★)");
      for (int i = 0; i < 5; ++i) t.rating[i] = v[static_cast<std::size_t>(i)];
    }
    t.dwell_per_second = r.value("dwellPerSecond", t.dwell_per_second);
    t.dwell_cap_seconds = r.value("dwellCapSeconds", t.dwell_cap_seconds);
    t.ignored_view = r.value("ignoredView", t.ignored_view);
  }
  if (o.contains("mapping")) {
    m.success_at = o["mapping"].value("successAt", m.success_at);
    m.failure_at = o["mapping"].value("failureAt", m.failure_at);
  }
  if (o.contains("examination")) {
    x.exponent = o["examination"].value("exponent", x.exponent);
    if (o["examination"].contains("byPosition"))
      x.by_position = o["examination"]["byPosition"].get<std::vector<double>>();
  }
}

std::string reward_defaults() {
  const bandit::RewardTable t;
  const bandit::RewardMapping m;
  const bandit::ExaminationModel x;
  const bandit::PosteriorConfig p;
  const wayfinder::rank::RerankConfig r;
  return json{{"rewards",
               {{"click", t.click},
                {"bookmark", t.bookmark},
                {"rating", std::vector<double>(t.rating, t.rating + 5)},
                {"dwellPerSecond", t.dwell_per_second},
                {"dwellCapSeconds", t.dwell_cap_seconds},
                {"ignoredView", t.ignored_view}}},
              {"mapping", {{"successAt", m.success_at}, {"failureAt", m.failure_at}}},
              {"examination", {{"exponent", x.exponent}}},
              {"posterior",
               {{"priorMean", p.prior_mean},
                {"priorStrength", p.prior_strength},
                {"communityCap", p.community_cap},
                {"localWeight", p.local_weight},
                {"influenceHalf", p.influence_half}}},
              {"rerank",
               {{"candidateMultiplier", r.candidate_multiplier},
                {"minDepth", r.min_depth},
                {"similarityWeight", r.similarity_weight},
                {"banditWeight", r.bandit_weight},
                {"epsilon", r.epsilon},
                {"propensityDraws", r.propensity_draws}}}}
      .dump();
}

// episode {"position", "clicked", "bookmarked", "stars"?, "dwellSeconds"} → {"reward", "success", "failure",
// "examination"}.
std::string episode_update(const std::string& episode_json, const std::string& options_json) {
  return js_errors("episodeUpdate", [&] {
    const auto e = episode_from(json::parse(episode_json));
    bandit::RewardTable t;
    bandit::RewardMapping m;
    bandit::ExaminationModel x;
    options_from(parse_or_empty(options_json), t, m, x);
    const auto u = bandit::reward_to_update(e, t, x, m);
    return json{{"reward", bandit::episode_reward(e, t)},
                {"success", u.success},
                {"failure", u.failure},
                {"examination", x.probability(e.position)}}
        .dump();
  });
}

bandit::BetaUpdate update_from(const json& j, const char* field) {
  if (!j.is_object()) throw std::invalid_argument(std::string(field) + ": must be an object");
  return {j.value("success", 0.0), j.value("failure", 0.0)};
}

std::string cap_daily(const std::string& already_json, const std::string& add_json, double cap) {
  return js_errors("capDaily", [&] {
    const auto u = bandit::cap_daily(update_from(json::parse(already_json), "alreadyToday"),
                                     update_from(json::parse(add_json), "add"), cap);
    return json{{"success", u.success}, {"failure", u.failure}}.dump();
  });
}

bandit::BetaCounts counts_from(const json& j, const char* field) {
  if (!j.is_object()) throw std::invalid_argument(std::string(field) + ": must be an object");
  return {j.value("alpha", 0.0), j.value("beta", 0.0)};
}

// community/local {"alpha", "beta"}; config {"priorMean", "priorStrength", "communityCap", "localWeight",
// "influenceHalf"} → {"alpha", "beta", "mean", "evidence", "influence"}.
std::string posterior(const std::string& community_json, const std::string& local_json, const std::string& config_json) {
  return js_errors("posterior", [&] {
    const auto c = parse_or_empty(config_json);
    bandit::PosteriorConfig p;
    p.prior_mean = c.value("priorMean", p.prior_mean);
    p.prior_strength = c.value("priorStrength", p.prior_strength);
    p.community_cap = c.value("communityCap", p.community_cap);
    p.local_weight = c.value("localWeight", p.local_weight);
    p.influence_half = c.value("influenceHalf", p.influence_half);
    const auto post = bandit::combine(counts_from(json::parse(community_json), "community"),
                                      counts_from(json::parse(local_json), "local"), p);
    return json{{"alpha", post.alpha},
                {"beta", post.beta},
                {"mean", post.mean()},
                {"evidence", post.evidence},
                {"influence", bandit::bandit_influence(post.evidence, p)}}
        .dump();
  });
}

// n seeded Beta(a, b) draws, copied out: lets JS check the bit-identical stream against native golden values.
val beta_samples(const std::string& seed, double a, double b, std::size_t n) {
  return js_errors("betaSamples", [&] {
    wayfinder::random::Xoshiro256ss rng(parse_seed(seed));
    val out = val::global("Float64Array").new_(n);
    for (std::size_t i = 0; i < n; ++i) out.set(i, wayfinder::random::beta(rng, a, b));
    return out;
  });
}

std::string assignment_hash(const std::string& experiment_id, const std::string& user_id) {
  return std::to_string(wayfinder::experiment::assignment_hash(experiment_id, user_id));
}

// config in the experiment wire form → the arm {"name", "weight", "useRL"}.
std::string assign(const std::string& config_json, const std::string& user_id) {
  return js_errors("assignExperiment", [&] {
    wayfinder::experiment::ExperimentConfig c;
    from_json(json::parse(config_json), c);
    return json(wayfinder::experiment::assign(c, user_id)).dump();
  });
}

// records [{"action", "propensity", "reward", "targetProbability", "modelReward"?, "modelValue"?}],
// estimator "ips" | "snips" | "dr", options {"resamples", "level", "seed"} →
// {"value", "lower", "upper", "n", "effectiveSampleSize"}.
std::string ope_estimate(const std::string& records_json, const std::string& estimator,
                         const std::string& options_json) {
  return js_errors("opeEstimate", [&] {
    const auto j = json::parse(records_json);
    if (!j.is_array()) throw std::invalid_argument("records: must be an array");
    std::vector<wayfinder::ope::LoggedRecord> records;
    for (std::size_t i = 0; i < j.size(); ++i) {
      const auto& r = j[i];
      if (!r.is_object() || !r.contains("propensity") || !r.contains("reward") || !r.contains("targetProbability"))
        throw std::invalid_argument("records[" + std::to_string(i) +
                                    "]: needs propensity, reward and targetProbability");
      wayfinder::ope::LoggedRecord rec;
      rec.action = r.value("action", 0u);
      rec.propensity = r["propensity"].get<double>();
      rec.reward = r["reward"].get<double>();
      rec.target_probability = r["targetProbability"].get<double>();
      rec.model_reward = r.value("modelReward", 0.0);
      rec.model_value = r.value("modelValue", 0.0);
      records.push_back(rec);
    }
    wayfinder::ope::Estimator e;
    if (estimator == "ips") {
      e = wayfinder::ope::Estimator::kIps;
    } else if (estimator == "snips") {
      e = wayfinder::ope::Estimator::kSnips;
    } else if (estimator == "dr") {
      e = wayfinder::ope::Estimator::kDoublyRobust;
    } else {
      throw std::invalid_argument("estimator: must be ips, snips or dr");
    }
    const auto o = parse_or_empty(options_json);
    wayfinder::ope::BootstrapConfig b;
    b.resamples = o.value("resamples", b.resamples);
    b.level = o.value("level", b.level);
    if (o.contains("seed")) b.seed = parse_seed(o["seed"].is_string() ? o["seed"].get<std::string>() : o["seed"].dump());
    const auto est = wayfinder::ope::estimate(records, e, b);
    return json{{"value", est.value},
                {"lower", est.lower},
                {"upper", est.upper},
                {"n", est.n},
                {"effectiveSampleSize", est.effective_sample_size}}
        .dump();
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(wayfinder_bandit) {
  emscripten::function("banditDefaults", &reward_defaults);
  emscripten::function("banditEpisodeUpdate", &episode_update);
  emscripten::function("banditCapDaily", &cap_daily);
  emscripten::function("banditPosterior", &posterior);
  emscripten::function("banditBetaSamples", &beta_samples);
  emscripten::function("experimentAssignmentHash", &assignment_hash);
  emscripten::function("experimentAssign", &assign);
  emscripten::function("opeEstimate", &ope_estimate);
}
