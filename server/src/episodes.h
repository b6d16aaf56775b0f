// Impression episodes read from storage. SQL only selects the raw rows of the (client, project, ranking) keys that
// have a row in a time range and hands them over grouped by (client, project); the core's one fold
// (wayfinder/bandit/episode_fold.h) turns them into episodes and credits, exactly as the client does.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db.h"
#include "wayfinder/bandit/episode_fold.h"
#include "wayfinder/events/event.h"

namespace wayfinder::server {

struct StoredEpisode {
  std::string client_id;
  std::string project_id;
  std::string arm;
  std::int64_t at_ms = 0;                // when the episode opened (its first event)
  std::optional<double> propensity;      // μ: the impression's logged slot propensity (absent on old clients)
  std::optional<double> alt_propensity;  // π of the other arm at the same slot (absent before schema 3)
  bandit::ImpressionEpisode episode;
};

inline constexpr std::int64_t kAllInteractions = std::numeric_limits<std::int64_t>::max();

// Every stored row (id <= max_interaction_id) of each (client, project, ranking) key that has a row with at in
// [start_ms, end_ms), as core events; one call per (client, project) with all its keys' rows (any order).
// `prefix_hash`: the keyed address-prefix hash most of the pair's rows were sent from (ties: the smallest); empty
// when its rows carry none (stored before schema 6).
using PairRowsVisitor = std::function<void(const std::string& client, const std::string& project,
                                           std::vector<events::Event>& rows, const std::string& prefix_hash)>;
// RowScope::credentialed reads only rows whose batch carried a valid credential (what the merge counts; docs/SERVER.md
// "Client credentials"); RowScope::all reads every row (experiment evaluation, reports).
enum class RowScope { all, credentialed };
void for_each_pair_rows(Database& db, std::int64_t start_ms, std::int64_t end_ms, std::int64_t max_interaction_id,
                        const PairRowsVisitor& visit, RowScope scope = RowScope::all);
// The same, restricted to the (client_id, project_id) pairs of `pairs_table` (columns day INTEGER, client_id TEXT,
// project_id TEXT, written by the caller) whose day = pairs_day: the cost follows the pairs, not the day's volume.
void for_each_pair_rows_of(Database& db, std::string_view pairs_table, std::int64_t pairs_day, std::int64_t start_ms,
                           std::int64_t end_ms, std::int64_t max_interaction_id, const PairRowsVisitor& visit,
                           RowScope scope = RowScope::all);

// The core fold over one pair's rows: its episodes opened in [start_ms, end_ms).
std::vector<bandit::Episode> episodes_opened_in(std::vector<events::Event>& rows, std::int64_t start_ms,
                                                std::int64_t end_ms, const bandit::FoldConfig& fold);

// Shown items: the core's episodes that hold an impression, opened in [start_ms, end_ms) (what A/B evaluation,
// off-policy estimates and reports count). Rows come grouped by (client, project).
void for_each_episode(Database& db, std::int64_t start_ms, std::int64_t end_ms,
                      const std::function<void(const StoredEpisode&)>& visit,
                      std::int64_t max_interaction_id = kAllInteractions, const bandit::FoldConfig& fold = {});

// "YYYY-MM-DD" → Unix ms at 00:00 UTC; throws std::invalid_argument.
std::int64_t day_start_ms(const std::string& day);
std::string day_of(std::int64_t unix_ms);

}  // namespace wayfinder::server
