// Live experiments: the experiments the server publishes (GET /v1/experiments) → this learner's arm in each (the
// fixed assignment hash, independent per experiment id) → the ranking policy the arms set (bandit on/off, ε, blend).
// The one place the arm rule lives: a client applies exactly what it pulled. Invariant: the same published list
// and user give the same policy on every platform.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wayfinder/experiment/assignment.h"
#include "wayfinder/rank/rerank.h"

namespace wayfinder::experiment {

// What one arm sets on a ranking; an absent field keeps what the experiments before it (or the client) set.
struct ArmSettings {
  bool use_rl = true;  // the bandit kind: "beta", "linear" or "hierarchical" (Thompson re-rank) or "none" (content order)
  std::optional<rank::BanditKind> bandit;  // the kind when the arm names one
  std::optional<double> epsilon;
  std::optional<double> similarity_weight;
  std::optional<double> bandit_weight;
  // "window": RerankConfig::candidate_multiplier (slot k re-ranks window · max(k + 1, 10) content candidates). A
  // bandit that generalises can use a deeper window than per-project counts can (docs/SIMULATION.md).
  std::optional<std::size_t> window;
};

struct PublishedExperiment {
  ExperimentConfig assignment;                  // id + weighted arms (the split)
  std::vector<ArmSettings> settings;            // per arm, same order as assignment.arms
};

// The server's published form: {"experiments": [{"id" | "experimentId", "arms": ["rl", "similarity"],
// "status": "running", "config": {"split": {"rl": 0.5, ...}, "epsilon": 0.15, "blend": {"similarity": 0.6,
// "bandit": 0.4}, "arms": {"rl": {"bandit": "beta", "epsilon": 0.1, "blend": {...}, "window": 3}}}}]} (config may be a JSON
// string). Experiment-level epsilon and blend apply to the arms that use the bandit; an arm's own entry overrides
// them. An arm uses the bandit when its "bandit" is "beta", "linear" (the contextual arm) or "hierarchical", not when "none"; by default by the arm rule of
// assignment.h (every arm but "similarity"). Only running experiments are returned, in the published order. Throws std::invalid_argument naming
// the experiment and field.
std::vector<PublishedExperiment> parse_published(const nlohmann::json& list);

struct Policy {
  rank::RerankConfig rerank;     // the client's config with every assigned arm's settings applied, in order
  bool use_rl = true;
  std::string experiment_id;     // the first running experiment's (what events carry); empty when none
  std::string arm;               // this learner's arm in it ("rl" when there is no experiment)
};

// The learner's policy under every published experiment at once (each on its own hash). `force_rl` (the API's
// explicit useRL) overrides the bandit kind; the arm is then "rl" or "similarity".
Policy policy_for(const std::vector<PublishedExperiment>& experiments, std::string_view user_id,
                  const rank::RerankConfig& base, std::optional<bool> force_rl = std::nullopt);

}  // namespace wayfinder::experiment
