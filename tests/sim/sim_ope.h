// Off-policy evaluation inside the learner simulator, where the truth is known: the hybrid policy's first-slot CTR
// estimated from logs of the similarity arm, as the logged data grows. Invariant: a seed fixes every log and estimate.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "learner_sim.h"

namespace wayfinder::sim {

// trained[w]: the hybrid run of worlds[w] (its final community snapshot defines the target policy).
std::string run_sim_ope_section(const std::vector<LearnerWorld>& worlds, const std::vector<RunMetrics>& trained,
                                const std::vector<std::size_t>& sizes,
                                const std::string& img_dir, const std::string& suffix, nlohmann::json& js);

}  // namespace wayfinder::sim
