#include "obd_ope.h"

namespace wayfinder::sim {

std::string run_obd_ope_section(const std::map<std::string, ObdLog>&, const std::map<std::string, ObdLog>&,
                                const std::map<std::string, BetaPrior>&, int, nlohmann::json& js) {
  js["ope"] = "not yet available: wayfinder/ope/estimators.h is not in the core";
  return "### Off-policy evaluation\n\nNot yet run: the core's wayfinder/ope/estimators.h does not exist yet.\n\n";
}

}  // namespace wayfinder::sim
