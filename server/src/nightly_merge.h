// The nightly merge: one UTC day's impression episodes → rewards (core reward table and mapping) → per-client
// daily cap → decayed community counts → a new versioned snapshot. Invariant: all of it in ONE transaction, and a
// day is merged at most once (a second run changes nothing; a crash leaves the previous snapshot).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "config.h"
#include "sqlite_db.h"

namespace wayfinder::server {

struct MergeResult {
  std::string day;
  bool already_merged = false;
  std::int64_t snapshot_version = 0;
  std::int64_t events = 0;
  std::int64_t episodes = 0;
  std::int64_t clients = 0;
  std::int64_t clicks = 0;
  double ctr = 0;
  double avg_reward = 0;
  double decay_factor = 1.0;
  double seconds = 0;
};

void to_json(nlohmann::json& j, const MergeResult& r);

// `before_commit` runs inside the transaction after every write (tests use it to simulate a crash).
MergeResult run_merge(Database& db, const MergeConfig& config, const std::string& day, std::int64_t now_ms,
                      const std::function<void()>& before_commit = {});

struct Snapshot {
  std::int64_t version = 0;  // 0: none yet
  std::string body;          // the JSON served by GET /v1/bandit
};
Snapshot latest_snapshot(Database& db);

}  // namespace wayfinder::server
