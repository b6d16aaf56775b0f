#include "episodes.h"

#include <algorithm>
#include <stdexcept>

#include "wayfinder/time_utc.h"
#include "wayfinder/events/event.h"

namespace wayfinder::server {

std::int64_t day_start_ms(const std::string& day) {
  const auto ms = wayfinder::parse_iso8601_utc_ms(day + "T00:00:00Z");
  if (day.size() != 10 || !ms) throw std::invalid_argument("day must be YYYY-MM-DD, got '" + day + "'");
  return *ms;
}

std::string day_of(std::int64_t unix_ms) { return wayfinder::format_iso8601_utc(unix_ms).substr(0, 10); }

namespace {

// Shared by both readers: the select list and the follow-up join (?1 start, ?2 end, ?3 join end, ?4 max id).
// `+x.id` keeps the id bound a filter: as a rowid range it would make SQLite scan the whole table.
// Follow-ups may precede their impression's timestamp by a minute (clients batch asynchronously).
constexpr std::string_view kEpisodeColumns = R"SQL(
SELECT i.client_id, i.project_id, coalesce(i.arm, ''), i.at_ms, coalesce(i.position, 0),
       coalesce(max(CASE WHEN f.type = 'click' THEN 1 ELSE 0 END), 0),
       coalesce(max(CASE WHEN f.type = 'bookmark' THEN 1 ELSE 0 END), 0),
       max(CASE WHEN f.type = 'rating' THEN f.stars END),
       coalesce(sum(CASE WHEN f.type = 'dwell' THEN f.seconds END), 0), i.propensity, i.alt_propensity
)SQL";
constexpr std::string_view kFollowUpJoin = R"SQL(
LEFT JOIN user_interactions f
  ON f.client_id = i.client_id AND f.ranking_id = i.ranking_id AND f.project_id = i.project_id
 AND f.type <> 'impression' AND f.at_ms >= i.at_ms - 60000 AND f.at_ms < ?3 AND +f.id <= ?4
)SQL";
// One row per impression. PostgreSQL's key is (client_id, id), which makes the selected columns functionally
// dependent on the group; SQLite's rowid alone keeps its grouping a sequential pass.
std::string group_order(const Database& db) {
  return std::string(db.postgres() ? " GROUP BY i.client_id, i.id" : " GROUP BY i.id") +
         " ORDER BY i.client_id, i.project_id, i.id";
}

void read_episodes(Statement& st, const std::function<void(const StoredEpisode&)>& visit) {
  StoredEpisode e;
  while (st.step()) {
    e.client_id = st.text(0);
    e.project_id = st.text(1);
    e.arm = st.text(2);
    e.at_ms = st.int64(3);
    e.episode = {};
    e.episode.position = static_cast<int>(std::max<std::int64_t>(0, st.int64(4)));
    e.episode.clicked = st.int64(5) != 0;
    e.episode.bookmarked = st.int64(6) != 0;
    if (!st.is_null(7)) e.episode.stars = static_cast<int>(st.int64(7));
    e.episode.dwell_seconds = st.real(8);
    e.propensity = st.is_null(9) ? std::nullopt : std::optional<double>(st.real(9));
    e.alt_propensity = st.is_null(10) ? std::nullopt : std::optional<double>(st.real(10));
    visit(e);
  }
}

}  // namespace

void for_each_episode(Database& db, std::int64_t start_ms, std::int64_t end_ms, std::int64_t join_end_ms,
                      const std::function<void(const StoredEpisode&)>& visit, std::int64_t max_interaction_id) {
  // Access path, chosen by what share of the table the time range holds (SQLite has no statistics for it): a range
  // that is a large part of the table is read fastest in rowid order (sequential, GROUP BY i.id needs no sort);
  // a small one (a day of a long history) through the at_ms index. The count reads only the at_ms index.
  std::int64_t in_range = 0, rows = 0;
  {
    auto st = db.prepare("SELECT count(*) FROM user_interactions WHERE at_ms >= ? AND at_ms < ?");
    st.bind(1, start_ms).bind(2, end_ms);
    if (st.step()) in_range = st.int64(0);
    rows = db.query_int("SELECT coalesce(max(id), 0) FROM user_interactions").value_or(0);
  }
  const bool scan_in_id_order = in_range * 4 > rows;
  std::string sql(kEpisodeColumns);
  sql += "FROM user_interactions i";
  sql += kFollowUpJoin;
  sql += scan_in_id_order ? "WHERE i.type = 'impression' AND +i.at_ms >= ?1 AND +i.at_ms < ?2 AND i.id <= ?4"
                          : "WHERE i.type = 'impression' AND i.at_ms >= ?1 AND i.at_ms < ?2 AND +i.id <= ?4";
  sql += group_order(db);
  auto st = db.prepare(sql);
  st.bind(1, start_ms).bind(2, end_ms).bind(3, join_end_ms).bind(4, max_interaction_id);
  read_episodes(st, visit);
}

void for_each_episode_of_pairs(Database& db, std::string_view pairs_table, std::int64_t pairs_day,
                               std::int64_t start_ms, std::int64_t end_ms, std::int64_t join_end_ms,
                               std::int64_t max_interaction_id,
                               const std::function<void(const StoredEpisode&)>& visit) {
  // CROSS JOIN keeps the (few) pairs as the outer loop: each is an index range on (client_id, project_id, ...).
  std::string sql(kEpisodeColumns);
  sql += "FROM ";
  sql += pairs_table;
  sql += " p CROSS JOIN user_interactions i";
  sql += kFollowUpJoin;
  sql += "WHERE p.day = ?5 AND i.client_id = p.client_id AND i.project_id = p.project_id AND i.type = 'impression' "
         "AND i.at_ms >= ?1 AND i.at_ms < ?2 AND +i.id <= ?4";
  sql += group_order(db);
  auto st = db.prepare(sql);
  st.bind(1, start_ms).bind(2, end_ms).bind(3, join_end_ms).bind(4, max_interaction_id).bind(5, pairs_day);
  read_episodes(st, visit);
}

}  // namespace wayfinder::server
