// A/B assignment: (experiment id, user id) → arm by a fixed hash (fnv1a64 + mix64) into weighted buckets.
// Invariant: the same inputs give the same arm on every platform and after every restart (golden-tested).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace wayfinder::experiment {

struct Arm {
  std::string name;     // e.g. "rl", "similarity"
  double weight = 0.0;  // relative share, >= 0
  bool use_rl = false;  // whether this arm re-ranks with the bandit
};

struct ExperimentConfig {
  std::string id;
  std::vector<Arm> arms;
  bool enabled = true;
  std::string fallback_arm;  // everyone's arm while disabled; empty = the first arm
};

// Wire form: {"id": "...", "enabled": true, "fallbackArm": "similarity",
//             "arms": [{"name": "rl", "weight": 0.2, "useRL": true}, {"name": "similarity", "weight": 0.8}]}
// useRL defaults to (name != "similarity"): the one arm rule, also used for published experiments (policy.h). Throws std::invalid_argument naming the field (e.g. "arms[1].weight").
void from_json(const nlohmann::json& j, ExperimentConfig& c);
void to_json(nlohmann::json& j, const ExperimentConfig& c);
void from_json(const nlohmann::json& j, Arm& a);
void to_json(nlohmann::json& j, const Arm& a);
void validate(const ExperimentConfig& c);  // same checks as from_json

// mix64(fnv1a64(experiment_id, then a 0 byte, then user_id)): the user's position in the experiment.
std::uint64_t assignment_hash(std::string_view experiment_id, std::string_view user_id);

// The arm for a user: u = top 53 bits of the hash as a double in [0, 1), the first arm whose cumulative
// normalised weight exceeds u. A disabled experiment gives the fallback arm.
const Arm& assign(const ExperimentConfig& c, std::string_view user_id);

}  // namespace wayfinder::experiment
