#include "sim_ope.h"

namespace wayfinder::sim {

std::string run_sim_ope_section(const std::vector<LearnerWorld>&, const std::vector<std::size_t>&, const std::string&,
                                const std::string&, nlohmann::json& js) {
  js["sim_ope"] = "not yet available: wayfinder/ope/estimators.h is not in the core";
  return "### Off-policy evaluation in the simulator\n\nNot yet run: the core's wayfinder/ope/estimators.h does not exist yet.\n\n";
}

}  // namespace wayfinder::sim
