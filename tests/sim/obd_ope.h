// Off-policy check on the Open Bandit Dataset: the logged Bernoulli-TS policy's CTR estimated from the uniform-random
// logs with the core's IPS / SNIPS / DR, against the CTR the BTS logs observed. Invariant: reads the logs only.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "obd_log.h"

namespace wayfinder::sim {

// Returns the Markdown section and fills js["ope"].
std::string run_obd_ope_section(const std::map<std::string, ObdLog>& random_logs,
                                const std::map<std::string, ObdLog>& bts_logs,
                                const std::map<std::string, BetaPrior>& priors, int bootstrap, nlohmann::json& js);

}  // namespace wayfinder::sim
