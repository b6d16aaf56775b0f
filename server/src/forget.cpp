#include "forget.h"

#include <nlohmann/json.hpp>

namespace wayfinder::server {

nlohmann::json forget_client(Database& db, const std::string& client_id) {
  auto deleted = nlohmann::json::object();
  Transaction tx(db);
  for (const char* table : kForgetTables) {
    db.prepare(std::string("DELETE FROM ") + table + " WHERE client_id = ?").bind(1, client_id).run();
    deleted[table] = db.changes();
  }
  tx.commit();
  return {{"deleted", std::move(deleted)}};
}

std::vector<std::pair<std::string, std::int64_t>> client_row_counts(Database& db, const std::string& client_id) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const char* table : kForgetTables) {
    auto st = db.prepare(std::string("SELECT count(*) FROM ") + table + " WHERE client_id = ?");
    st.bind(1, client_id);
    out.emplace_back(table, st.step() ? st.int64(0) : 0);
    st.reset();
  }
  return out;
}

}  // namespace wayfinder::server
