#include "wayfinder/experiment/policy.h"

#include <cmath>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace wayfinder::experiment {
namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw std::invalid_argument("experiments: " + where + " " + what);
}

void read_blend(const nlohmann::json& j, const std::string& where, ArmSettings& s) {
  if (!j.contains("blend") || j["blend"].is_null()) return;
  const auto& b = j["blend"];
  if (!b.is_object() || !b.contains("similarity") || !b.contains("bandit") || !b["similarity"].is_number() ||
      !b["bandit"].is_number())
    fail(where + ".blend", "must be {\"similarity\": number, \"bandit\": number}");
  s.similarity_weight = b["similarity"].get<double>();
  s.bandit_weight = b["bandit"].get<double>();
}

void read_settings(const nlohmann::json& j, const std::string& where, ArmSettings& s) {
  if (!j.is_object()) fail(where, "must be an object");
  if (j.contains("epsilon") && !j["epsilon"].is_null()) {
    if (!j["epsilon"].is_number()) fail(where + ".epsilon", "must be a number");
    s.epsilon = j["epsilon"].get<double>();
  }
  read_blend(j, where, s);
  if (j.contains("window") && !j["window"].is_null()) {
    if (!j["window"].is_number_integer() || j["window"].get<std::int64_t>() < 1)
      fail(where + ".window", "must be an integer >= 1");
    s.window = j["window"].get<std::size_t>();
  }
  if (j.contains("bandit") && !j["bandit"].is_null()) {
    const auto kind = j["bandit"].is_string() ? j["bandit"].get<std::string>() : "";
    const auto parsed = rank::bandit_kind(kind);
    if (!parsed && kind != "none") fail(where + ".bandit", "must be \"beta\", \"linear\", \"hierarchical\" or \"none\"");
    s.use_rl = kind != "none";
    if (s.use_rl) s.bandit = *parsed;
  }
}

PublishedExperiment parse_one(const nlohmann::json& e, const std::string& where) {
  if (!e.is_object()) fail(where, "must be an object");
  PublishedExperiment out;
  const auto& idj = e.contains("id") ? e["id"] : e.value("experimentId", nlohmann::json());
  if (!idj.is_string()) fail(where + ".id", "must be a string");
  auto config = e.value("config", nlohmann::json::object());
  if (config.is_string()) config = nlohmann::json::parse(config.get<std::string>());
  if (!config.is_object()) fail(where + ".config", "must be an object");
  nlohmann::json split = config.value("split", nlohmann::json::object());
  nlohmann::json names = e.value("arms", nlohmann::json::array());
  if (!names.is_array() || !split.is_object()) fail(where, "arms must be an array and config.split an object");
  if (names.empty())
    for (const auto& [name, w] : split.items()) names.push_back(name);
  nlohmann::json arms = nlohmann::json::array();
  for (const auto& n : names) {
    if (!n.is_string()) fail(where + ".arms", "must list arm names");
    const double w = split.empty() ? 1.0 : split.value(n.get<std::string>(), 0.0);
    arms.push_back({{"name", n}, {"weight", w}});
  }
  from_json({{"id", idj}, {"arms", arms}}, out.assignment);
  ArmSettings shared;
  read_settings(config, where + ".config", shared);
  const auto per_arm = config.value("arms", nlohmann::json::object());
  for (const auto& arm : out.assignment.arms) {
    ArmSettings s = shared;
    s.use_rl = arm.use_rl;  // the arm rule of assignment.h
    if (per_arm.contains(arm.name)) read_settings(per_arm[arm.name], where + ".config.arms." + arm.name, s);
    if (!s.use_rl) {  // content order: nothing to set
      s.epsilon = s.similarity_weight = s.bandit_weight = std::nullopt;
      s.bandit = std::nullopt;
      s.window = std::nullopt;
    }
    out.settings.push_back(s);
  }
  return out;
}

}  // namespace

std::vector<PublishedExperiment> parse_published(const nlohmann::json& list) {
  const auto& items = list.is_object() && list.contains("experiments") ? list["experiments"] : list;
  if (!items.is_array()) fail("list", "must be an array or {\"experiments\": [...]}");
  std::vector<PublishedExperiment> out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].is_object() && items[i].value("status", std::string("running")) != "running") continue;
    out.push_back(parse_one(items[i], "[" + std::to_string(i) + "]"));
  }
  return out;
}

Policy policy_for(const std::vector<PublishedExperiment>& experiments, std::string_view user_id,
                  const rank::RerankConfig& base, std::optional<bool> force_rl) {
  Policy p;
  p.rerank = base;
  p.arm = "rl";
  bool first = true;
  for (const auto& e : experiments) {
    const Arm& arm = assign(e.assignment, user_id);
    const auto& s = e.settings[static_cast<std::size_t>(&arm - e.assignment.arms.data())];
    if (first) {
      p.experiment_id = e.assignment.id;
      p.arm = arm.name;
      p.use_rl = s.use_rl;
      first = false;
    }
    if (s.epsilon) p.rerank.epsilon = *s.epsilon;
    if (s.similarity_weight) p.rerank.similarity_weight = *s.similarity_weight;
    if (s.bandit_weight) p.rerank.bandit_weight = *s.bandit_weight;
    if (s.bandit) p.rerank.bandit = *s.bandit;
    if (s.window) p.rerank.candidate_multiplier = *s.window;
  }
  rank::validate(p.rerank);
  if (force_rl) {
    p.use_rl = *force_rl;
    p.arm = *force_rl ? "rl" : "similarity";
  }
  return p;
}

}  // namespace wayfinder::experiment
