// Retention of raw feedback: interactions of merged days older than a configured age are deleted; the merged
// counts (bandit_parameters, snapshots, reward and training history) are kept and stay exactly as they were.
// Invariant: a day is deleted only when it is merged and past every window in which a late row could still
// change it (max event age + follow-up join window + 1 day), so later late-event corrections never need it.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "config.h"
#include "db.h"

namespace wayfinder::server {

struct RetentionResult {
  std::string keep_from_day;     // days before this one were eligible ("" when retention is off)
  std::int64_t days_deleted = 0;  // merged days whose rows were deleted in this run
  std::int64_t rows_deleted = 0;
};

void to_json(nlohmann::json& j, const RetentionResult& r);

// Deletes the rows of every merged day that ended before max(retention_days, correction window) ago, in one
// transaction; SQLite then returns the freed pages (incremental vacuum). retention_days <= 0: nothing.
RetentionResult apply_retention(Database& db, const ServerConfig& config, std::int64_t now_ms);

}  // namespace wayfinder::server
