// A/A and A/B tests of simulated policies through the core's sequential test (experiment/sequential.h, the rule the
// server's experiment evaluation applies): learners are split 50/50 by the core's assignment hash, each arm's
// learners contribute their impressions and clicks from a run of that arm's policy on the same world, and the test
// looks once per simulated day, as the server's evaluation does.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "learner_sim.h"

namespace wayfinder::sim {

struct SplitTest {
  std::string name;     // "A/A hybrid", "A/B contextual vs hybrid", …
  std::string control;  // policy names (the same twice for an A/A)
  std::string treatment;
};

// runs[policy][seed] as in simulate_main; `salts` experiment ids per seed (independent splits of the same
// learners). Returns the Markdown section and fills js["sequential"].
std::string run_sequential_section(const std::map<std::string, std::vector<RunMetrics>>& runs,
                                   const std::vector<SplitTest>& tests, std::size_t users, int days, int salts,
                                   nlohmann::json& js);

}  // namespace wayfinder::sim
