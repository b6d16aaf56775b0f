// The dashboard report: merges, alerts, latest experiment evaluations and per-arm daily CTR/reward.
// Invariant: read-only.
#pragma once

#include <cstdint>

#include <nlohmann/json_fwd.hpp>

#include "db.h"

namespace wayfinder::server {

nlohmann::json build_report(Database& db, std::int64_t now_ms, int days = 30);

}  // namespace wayfinder::server
