#include "retention.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <vector>

#include "episodes.h"

namespace wayfinder::server {

void to_json(nlohmann::json& j, const RetentionResult& r) {
  j = {{"keepFromDay", r.keep_from_day}, {"daysDeleted", r.days_deleted}, {"rowsDeleted", r.rows_deleted}};
}

RetentionResult apply_retention(Database& db, const ServerConfig& config, std::int64_t now_ms) {
  RetentionResult r;
  if (config.retention_days <= 0) return r;
  constexpr std::int64_t kDayMs = 86400000;
  // A late row may arrive up to max_event_age after its time and join an impression up to the join window
  // before it: a day can change until then (plus a day of margin), so it is kept at least that long.
  const double window_days = static_cast<double>(config.max_event_age_hours) / 24.0 + config.merge.episode_join_days + 1;
  const double keep_days = std::max(static_cast<double>(config.retention_days), std::ceil(window_days));
  const std::int64_t keep_from = (now_ms - static_cast<std::int64_t>(keep_days) * kDayMs) / kDayMs * kDayMs;
  r.keep_from_day = day_of(keep_from);

  JobLock lock(db, "retention");
  Transaction tx(db);
  std::vector<std::string> days;
  {
    auto st = db.prepare("SELECT day FROM rl_training_history WHERE day < ? ORDER BY day");
    st.bind(1, r.keep_from_day);
    while (st.step()) days.push_back(st.text(0));
  }
  auto del = db.prepare("DELETE FROM user_interactions WHERE at_ms >= ? AND at_ms < ?");
  // The day's per-prefix sums (keyed prefix hashes) go with its raw rows: nothing can correct the day any more.
  auto del_prefixes = db.prepare("DELETE FROM merge_prefix_days WHERE day = ?");
  for (const auto& day : days) {
    const std::int64_t start = day_start_ms(day);
    del_prefixes.bind(1, day).run();
    del.bind(1, start).bind(2, start + kDayMs).run();
    if (db.changes() > 0) ++r.days_deleted;
    r.rows_deleted += db.changes();
  }
  tx.commit();
  if (!db.postgres() && r.rows_deleted > 0) db.exec("PRAGMA incremental_vacuum");
  return r;
}

}  // namespace wayfinder::server
