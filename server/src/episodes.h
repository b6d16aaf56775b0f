// Impression episodes read from storage: each impression joined with what the same client later did with the
// same project in the same ranking (clicks, bookmarks, delayed ratings, dwell). Invariant: one row per impression.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "db.h"
#include "wayfinder/bandit/reward.h"

namespace wayfinder::server {

struct StoredEpisode {
  std::string client_id;
  std::string project_id;
  std::string arm;
  std::int64_t at_ms = 0;
  std::optional<double> propensity;      // μ: the impression's logged slot propensity (absent on old clients)
  std::optional<double> alt_propensity;  // π of the other arm at the same slot (absent before schema 3)
  bandit::ImpressionEpisode episode;
};

inline constexpr std::int64_t kAllInteractions = std::numeric_limits<std::int64_t>::max();

// Impressions with at in [start_ms, end_ms); follow-ups up to join_end_ms. Rows come ordered by client, project.
// Only rows with user_interactions.id <= max_interaction_id are read (impressions AND follow-ups): the set of rows
// an episode is built from is fixed by that watermark, whatever is inserted meanwhile.
void for_each_episode(Database& db, std::int64_t start_ms, std::int64_t end_ms, std::int64_t join_end_ms,
                      const std::function<void(const StoredEpisode&)>& visit,
                      std::int64_t max_interaction_id = kAllInteractions);

// The same episodes, restricted to the (client_id, project_id) pairs of `pairs_table` (a table with columns
// day INTEGER, client_id TEXT, project_id TEXT, written by the caller) whose day = pairs_day. Looks impressions
// up by (client_id, project_id) in the pair index, so the cost follows the pairs, not the day's volume.
void for_each_episode_of_pairs(Database& db, std::string_view pairs_table, std::int64_t pairs_day,
                               std::int64_t start_ms, std::int64_t end_ms, std::int64_t join_end_ms,
                               std::int64_t max_interaction_id,
                               const std::function<void(const StoredEpisode&)>& visit);

// "YYYY-MM-DD" → Unix ms at 00:00 UTC; throws std::invalid_argument.
std::int64_t day_start_ms(const std::string& day);
std::string day_of(std::int64_t unix_ms);

}  // namespace wayfinder::server
