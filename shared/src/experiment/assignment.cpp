#include "wayfinder/experiment/assignment.h"

#include <cmath>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "wayfinder/hash.h"

namespace wayfinder::experiment {
namespace {

[[noreturn]] void fail(const std::string& field, const std::string& what) {
  throw std::invalid_argument(field + ": " + what);
}

const Arm& fallback(const ExperimentConfig& c) {
  if (c.fallback_arm.empty()) return c.arms.front();
  for (const auto& a : c.arms)
    if (a.name == c.fallback_arm) return a;
  fail("fallbackArm", "names no arm");
}

}  // namespace

void validate(const ExperimentConfig& c) {
  if (c.id.empty()) fail("id", "must be a non-empty string");
  if (c.arms.empty()) fail("arms", "must list at least one arm");
  std::set<std::string> names;
  double total = 0.0;
  for (std::size_t i = 0; i < c.arms.size(); ++i) {
    const std::string at = "arms[" + std::to_string(i) + "]";
    if (c.arms[i].name.empty()) fail(at + ".name", "must be a non-empty string");
    if (!names.insert(c.arms[i].name).second) fail(at + ".name", "duplicate arm '" + c.arms[i].name + "'");
    if (!std::isfinite(c.arms[i].weight) || c.arms[i].weight < 0.0) fail(at + ".weight", "must be finite and >= 0");
    total += c.arms[i].weight;
  }
  if (!(total > 0.0)) fail("arms", "weights must sum to more than 0");
  (void)fallback(c);
}

void from_json(const nlohmann::json& j, Arm& a) {
  if (!j.is_object()) fail("arm", "must be an object");
  if (!j.contains("name") || !j["name"].is_string()) fail("name", "must be a string");
  a.name = j["name"].get<std::string>();
  if (!j.contains("weight") || !j["weight"].is_number()) fail("weight", "must be a number");
  a.weight = j["weight"].get<double>();
  a.use_rl = a.name != "similarity";  // THE arm rule: every arm re-ranks with the bandit except "similarity"
  if (j.contains("useRL")) {
    if (!j["useRL"].is_boolean()) fail("useRL", "must be a boolean");
    a.use_rl = j["useRL"].get<bool>();
  }
}

void to_json(nlohmann::json& j, const Arm& a) { j = {{"name", a.name}, {"weight", a.weight}, {"useRL", a.use_rl}}; }

void from_json(const nlohmann::json& j, ExperimentConfig& c) {
  if (!j.is_object()) fail("experiment", "must be an object");
  ExperimentConfig out;
  if (!j.contains("id") || !j["id"].is_string()) fail("id", "must be a string");
  out.id = j["id"].get<std::string>();
  if (!j.contains("arms") || !j["arms"].is_array()) fail("arms", "must be an array");
  for (std::size_t i = 0; i < j["arms"].size(); ++i) {
    try {
      out.arms.push_back(j["arms"][i].get<Arm>());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("arms[" + std::to_string(i) + "]." + e.what());
    }
  }
  if (j.contains("enabled")) {
    if (!j["enabled"].is_boolean()) fail("enabled", "must be a boolean");
    out.enabled = j["enabled"].get<bool>();
  }
  if (j.contains("fallbackArm")) {
    if (!j["fallbackArm"].is_string()) fail("fallbackArm", "must be a string");
    out.fallback_arm = j["fallbackArm"].get<std::string>();
  }
  validate(out);
  c = std::move(out);
}

void to_json(nlohmann::json& j, const ExperimentConfig& c) {
  j = {{"id", c.id}, {"arms", c.arms}, {"enabled", c.enabled}};
  if (!c.fallback_arm.empty()) j["fallbackArm"] = c.fallback_arm;
}

std::uint64_t assignment_hash(std::string_view experiment_id, std::string_view user_id) {
  std::uint64_t h = fnv1a64(experiment_id);
  h = fnv1a64(std::string_view("\0", 1), h);
  return mix64(fnv1a64(user_id, h));
}

const Arm& assign(const ExperimentConfig& c, std::string_view user_id) {
  if (c.arms.empty()) fail("arms", "must list at least one arm");
  if (!c.enabled) return fallback(c);
  double total = 0.0;
  for (const auto& a : c.arms) total += a.weight;
  const double u = static_cast<double>(assignment_hash(c.id, user_id) >> 11) * 0x1.0p-53;
  double cumulative = 0.0;
  for (const auto& a : c.arms) {
    cumulative += a.weight / total;
    if (a.weight > 0.0 && u < cumulative) return a;
  }
  // Rounding can leave the cumulative sum a hair below 1: the last arm with weight takes the remainder.
  for (auto it = c.arms.rbegin(); it != c.arms.rend(); ++it)
    if (it->weight > 0.0) return *it;
  fail("arms", "weights must sum to more than 0");
}

}  // namespace wayfinder::experiment
