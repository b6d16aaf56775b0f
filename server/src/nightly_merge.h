// The nightly merge: one UTC day's impression episodes → rewards (core reward table and mapping) → per-client
// daily cap → decayed community counts → a new versioned snapshot, plus exactly-once late corrections of days
// merged before. Invariant: all of it in ONE transaction; a day is merged at most once, and every merged day's
// counts are exactly those of the rows with id <= its watermark (a second run changes nothing; a crash leaves
// the previous snapshot and watermarks).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "config.h"
#include "db.h"

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
  std::int64_t max_interaction_id = 0;  // the watermark: rows with id <= this are counted (this day and corrected)
  // Late corrections of already-merged days (rows stored after those days were merged):
  std::int64_t late_days_corrected = 0;  // merged days whose counts changed
  std::int64_t late_pairs = 0;           // client × project × day groups recomputed
  std::int64_t late_episodes = 0;        // episodes added to those days (impressions that arrived late)
  std::int64_t late_events = 0;          // late rows timestamped in those days
  double late_alpha = 0;                 // net change of Σ alpha / Σ beta (after decay) from the corrections
  double late_beta = 0;
};

void to_json(nlohmann::json& j, const MergeResult& r);

// Merges `day` (nothing when it is already merged) and, in the same transaction, corrects every merged day that
// received relevant rows above its watermark: for only the affected client × project pairs the day's capped
// update is recomputed with the rows it counted and with all rows now, and the difference (decayed like the
// day's evidence) is applied. `before_commit` runs inside the transaction after every write (tests use it to
// simulate a crash).
MergeResult run_merge(Database& db, const MergeConfig& config, const std::string& day, std::int64_t now_ms,
                      const std::function<void()>& before_commit = {});

struct Snapshot {
  std::int64_t version = 0;  // 0: none yet
  std::string body;          // the JSON served by GET /v1/bandit
};
Snapshot latest_snapshot(Database& db);

}  // namespace wayfinder::server
