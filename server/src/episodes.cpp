#include "episodes.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <tuple>

#include "wayfinder/time_utc.h"

namespace wayfinder::server {

std::int64_t day_start_ms(const std::string& day) {
  const auto ms = wayfinder::parse_iso8601_utc_ms(day + "T00:00:00Z");
  if (day.size() != 10 || !ms) throw std::invalid_argument("day must be YYYY-MM-DD, got '" + day + "'");
  return *ms;
}

std::string day_of(std::int64_t unix_ms) { return wayfinder::format_iso8601_utc(unix_ms).substr(0, 10); }

namespace {

// The raw columns of a row, in events::Event's terms. No aggregation here: the core folds.
constexpr std::string_view kRowColumns = R"SQL(
SELECT r.client_id, r.project_id, coalesce(r.ranking_id, ''), r.event_id, r.type, coalesce(r.position, -1), r.at_ms,
       r.stars, r.seconds, coalesce(r.arm, ''), r.propensity, r.alt_propensity, coalesce(r.prefix_hash, '')
)SQL";
// Every row of each selected key (?3: max id); `+r.id` keeps the id bound a filter on the key index range.
constexpr std::string_view kKeyRows = R"SQL(
CROSS JOIN user_interactions r
WHERE r.client_id = k.client_id AND r.project_id = k.project_id AND r.ranking_id IS NOT DISTINCT FROM k.ranking_id AND +r.id <= ?3)SQL";
constexpr std::string_view kCredentialedOnly = " AND r.credentialed = 1";
constexpr std::string_view kPairOrder = " ORDER BY r.client_id, r.project_id";

std::string key_rows(RowScope scope) {
  return std::string(kKeyRows) + std::string(scope == RowScope::credentialed ? kCredentialedOnly : "") +
         std::string(kPairOrder);
}

events::Event row_event(Statement& st) {
  events::Event e;
  e.project_id = st.text(1);
  e.ranking_id = st.text(2);
  e.event_id = st.text(3);
  const auto type = events::parse_event_type(st.text(4));
  if (!type) throw std::runtime_error("user_interactions: unknown event type '" + st.text(4) + "'");
  e.type = *type;
  e.position = static_cast<std::int32_t>(st.int64(5));
  e.at_ms = st.int64(6);
  if (!st.is_null(7)) e.stars = static_cast<std::int32_t>(st.int64(7));
  if (!st.is_null(8)) e.seconds = st.real(8);
  e.arm = st.text(9);
  if (!st.is_null(10)) e.propensity = st.real(10);
  if (!st.is_null(11)) e.alt_propensity = st.real(11);
  return e;
}

// The prefix most rows came from (ties: the smallest hash), "" for none.
std::string majority_prefix(const std::map<std::string, int>& seen) {
  std::string best;
  int most = 0;
  for (const auto& [prefix, n] : seen) {
    if (n > most) best = prefix, most = n;
  }
  return best;
}

void read_pairs(Statement& st, const PairRowsVisitor& visit) {
  std::string client, project;
  std::vector<events::Event> rows;
  std::map<std::string, int> prefixes;
  while (st.step()) {
    if (!rows.empty() && (st.text(0) != client || st.text(1) != project)) {
      visit(client, project, rows, majority_prefix(prefixes));
      rows.clear();
      prefixes.clear();
    }
    client = st.text(0);
    project = st.text(1);
    rows.push_back(row_event(st));
    if (auto p = st.text(12); !p.empty()) ++prefixes[p];
  }
  if (!rows.empty()) visit(client, project, rows, majority_prefix(prefixes));
}

}  // namespace

void for_each_pair_rows(Database& db, std::int64_t start_ms, std::int64_t end_ms, std::int64_t max_interaction_id,
                        const PairRowsVisitor& visit, RowScope scope) {
  std::string sql = "WITH k AS (SELECT DISTINCT client_id, project_id, ranking_id FROM user_interactions "
                    "WHERE at_ms >= ?1 AND at_ms < ?2 AND +id <= ?3) ";
  sql += kRowColumns;
  sql += "FROM k";
  sql += key_rows(scope);
  auto st = db.prepare(sql);
  st.bind(1, start_ms).bind(2, end_ms).bind(3, max_interaction_id);
  read_pairs(st, visit);
}

void for_each_pair_rows_of(Database& db, std::string_view pairs_table, std::int64_t pairs_day, std::int64_t start_ms,
                           std::int64_t end_ms, std::int64_t max_interaction_id, const PairRowsVisitor& visit,
                           RowScope scope) {
  // CROSS JOIN keeps the (few) pairs as the outer loop: each is an index range on (client_id, project_id, ...).
  std::string sql = "WITH k AS (SELECT DISTINCT i.client_id, i.project_id, i.ranking_id FROM ";
  sql += pairs_table;
  sql += " p CROSS JOIN user_interactions i WHERE p.day = ?4 AND i.client_id = p.client_id AND "
         "i.project_id = p.project_id AND i.at_ms >= ?1 AND i.at_ms < ?2 AND +i.id <= ?3) ";
  sql += kRowColumns;
  sql += "FROM k";
  sql += key_rows(scope);
  auto st = db.prepare(sql);
  st.bind(1, start_ms).bind(2, end_ms).bind(3, max_interaction_id).bind(4, pairs_day);
  read_pairs(st, visit);
}

std::vector<bandit::Episode> episodes_opened_in(std::vector<events::Event>& rows, std::int64_t start_ms,
                                                std::int64_t end_ms, const bandit::FoldConfig& fold) {
  std::map<std::string, std::vector<events::Event>> by_ranking;
  for (auto& e : rows) by_ranking[e.ranking_id].push_back(std::move(e));
  std::vector<bandit::Episode> out;
  for (auto& [ranking, evs] : by_ranking) {
    for (auto& ep : bandit::fold_key(std::move(evs), fold)) {
      if (ep.opened_ms >= start_ms && ep.opened_ms < end_ms) out.push_back(std::move(ep));
    }
  }
  return out;
}

void for_each_episode(Database& db, std::int64_t start_ms, std::int64_t end_ms,
                      const std::function<void(const StoredEpisode&)>& visit, std::int64_t max_interaction_id,
                      const bandit::FoldConfig& fold) {
  for_each_pair_rows(db, start_ms, end_ms, max_interaction_id, [&](const std::string& client, const std::string&,
                                                                   std::vector<events::Event>& rows, const std::string&) {
    auto eps = episodes_opened_in(rows, start_ms, end_ms, fold);
    std::sort(eps.begin(), eps.end(), [](const auto& a, const auto& b) {
      return std::tie(a.opened_ms, a.ranking_id) < std::tie(b.opened_ms, b.ranking_id);
    });
    for (const auto& ep : eps) {
      if (!ep.impression) continue;
      visit({client, ep.project_id, ep.arm, ep.opened_ms, ep.propensity, ep.alt_propensity, ep.episode});
    }
  });
}

}  // namespace wayfinder::server
