// The spam defences' cost to honest learners: the hybrid's CTR lift over similarity-only with today's community
// merge, with the per-prefix cap, and with the cap when a share of learners sits behind one address (a school NAT).
// Invariant: every variant of a seed meets the same learners and click draws (paired comparison).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "learner_sim.h"

namespace wayfinder::sim {

struct SpamSectionConfig {
  std::vector<double> caps{5.0};    // per-prefix caps to compare
  std::vector<double> winsors{3.0}; // robust aggregation factors to compare (with the first cap)
  double shared_fraction = 0.3;     // learners behind one address
};

// Markdown table of the variants (lift = CTR / similarity CTR, difference in points, both paired over seeds with
// 95% t-intervals); fills js["spam"].
std::string run_spam_section(const std::vector<LearnerWorld>& worlds, const SpamSectionConfig& config, nlohmann::json& js);

}  // namespace wayfinder::sim
