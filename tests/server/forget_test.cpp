// "Forget me" through the request handler (Beast-free): POST /v1/forget deletes every row of the client in every
// table that has a client_id column (found from the database's own catalogue, so a new per-client table without a
// forget is caught), leaves other clients and the merged counts alone, answers the same shape a second time, and
// refuses a client id alone, another client's credential and a forged one. Runs on SQLite and, with
// WAYFINDER_TEST_POSTGRES, on PostgreSQL.
#include <map>
#include <string>
#include <vector>

#include "forget.h"
#include "server_test_support.h"
#include "storage.h"

namespace wayfinder::server::testing {
namespace {

using json = nlohmann::json;

// Every table with a client_id column, from the catalogue of the dialect in use.
std::vector<std::string> client_tables(Database& db) {
  auto st = db.prepare(db.postgres()
                           ? "SELECT table_name FROM information_schema.columns WHERE column_name = 'client_id' AND "
                             "table_schema = current_schema() AND table_name IN (SELECT table_name FROM "
                             "information_schema.tables WHERE table_type = 'BASE TABLE') ORDER BY 1"
                           : "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
                             "WHERE m.type = 'table' AND p.name = 'client_id' ORDER BY 1");
  std::vector<std::string> out;
  while (st.step()) out.push_back(st.text(0));
  st.reset();
  return out;
}

std::map<std::string, std::int64_t> rows_of(ServerFixture& f, const std::string& client) {
  Database db(f.config.db);
  std::map<std::string, std::int64_t> out;
  for (const auto& t : client_tables(db)) {
    auto st = db.prepare("SELECT count(*) FROM " + t + " WHERE client_id = ?");
    st.bind(1, client);
    out[t] = st.step() ? st.int64(0) : -1;
    st.reset();
  }
  return out;
}

std::string credential_for(ServerFixture& f, const std::string& client) {
  const auto r = f.post("/v1/clients", json{{"clientId", client}}.dump());
  EXPECT_EQ(r.status, 200) << r.body;
  return json::parse(r.body)["credential"].get<std::string>();
}

// Two batches (two sessions) of a full episode each, sent with the client's credential.
void send_feedback(ServerFixture& f, const std::string& client, const std::string& credential) {
  for (int b = 0; b < 2; ++b) {
    const auto tag = client + "-b" + std::to_string(b);
    json events = json::array();
    int i = 0;
    for (const char* type : {"impression", "click", "bookmark", "unbookmark", "rating", "not_interested"}) {
      events.push_back(event_json(tag + "-e" + std::to_string(i), type, "a/b", kNow - 60000 + 1000 * i, "r-" + tag));
      ++i;
    }
    auto batch = batch_json(client, tag, events);
    batch["sessionId"] = "s" + std::to_string(b);
    batch["credential"] = credential;
    const auto r = f.post("/v1/feedback", batch.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
}

HttpResponse forget(ServerFixture& f, const std::string& client, const std::string& credential) {
  std::map<std::string, std::string> headers;
  if (!credential.empty()) headers["authorization"] = "Wayfinder " + credential;
  return f.post("/v1/forget", json{{"clientId", client}}.dump(), headers);
}

void require_credentials(ServerConfig& c) { c.require_credentials = true; }

}  // namespace

TEST(Forget, DeletesEveryRowOfTheClientAndNothingElseAndIsIdempotent) {
  ServerFixture f(require_credentials);
  const auto mine = credential_for(f, "learner-a");
  send_feedback(f, "learner-a", mine);
  send_feedback(f, "learner-b", credential_for(f, "learner-b"));
  ASSERT_EQ(f.post("/v1/admin/merge?day=2026-11-28", "", {{"authorization", "Bearer s3cret"}}).status, 200);
  const auto merged = json::parse(f.get("/v1/bandit").body)["counts"];
  ASSERT_TRUE(merged.contains("a/b")) << merged.dump();

  const auto before = rows_of(f, "learner-a");
  const auto other = rows_of(f, "learner-b");
  for (const char* t : kForgetTables) ASSERT_TRUE(before.count(t)) << t << " has no client_id column";
  EXPECT_EQ(before.at("user_interactions"), 12);
  EXPECT_EQ(before.at("feedback_batches"), 2);
  EXPECT_EQ(before.at("user_sessions"), 2);
  EXPECT_EQ(before.at("client_credentials"), 1);

  const auto r = forget(f, "learner-a", mine);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto deleted = json::parse(r.body)["deleted"];
  for (const auto& [table, n] : before) {
    if (n > 0) {
      EXPECT_EQ(deleted.value(table, -1), n) << table << " in " << deleted.dump();
    }
  }
  for (const auto& [table, n] : rows_of(f, "learner-a")) EXPECT_EQ(n, 0) << table;
  EXPECT_EQ(rows_of(f, "learner-b"), other) << "another client's rows are untouched";
  EXPECT_EQ(json::parse(f.get("/v1/bandit").body)["counts"], merged) << "merged counts are aggregates and stay";

  // A second forget (a retry): the same shape, nothing left to delete.
  const auto again = forget(f, "learner-a", mine);
  ASSERT_EQ(again.status, 200) << again.body;
  json zeros = json::object();
  for (const char* t : kForgetTables) zeros[t] = 0;
  EXPECT_EQ(json::parse(again.body), json({{"deleted", zeros}}));
  // A later merge of the same day credits nothing more and takes nothing away.
  ASSERT_EQ(f.post("/v1/admin/merge?day=2026-11-28", "", {{"authorization", "Bearer s3cret"}}).status, 200);
  EXPECT_EQ(json::parse(f.get("/v1/bandit").body)["counts"], merged);
}

TEST(Forget, OnlyTheClientsOwnCredentialAuthorisesIt) {
  ServerFixture f(require_credentials);
  const auto a = credential_for(f, "learner-a");
  const auto b = credential_for(f, "learner-b");
  send_feedback(f, "learner-b", b);
  const auto before = rows_of(f, "learner-b");
  // A client id alone, another client's credential, a forged tag, a malformed one: 401 naming the problem.
  auto forged = b;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  for (const auto& [credential, why] : std::vector<std::pair<std::string, std::string>>{
           {"", "none presented"}, {a, "does not belong"}, {forged, "does not belong"}, {"wf1.x", "malformed"}}) {
    const auto r = forget(f, "learner-b", credential);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_NE(r.body.find(why), std::string::npos) << r.body;
    EXPECT_EQ(json::parse(r.body)["field"], "credential");
  }
  EXPECT_EQ(rows_of(f, "learner-b"), before) << "nothing was deleted";
  // The credential in the body works as well as the header.
  const auto ok = f.post("/v1/forget", json{{"clientId", "learner-b"}, {"credential", b}}.dump());
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST(Forget, BadRequestsNameTheField) {
  ServerFixture f(require_credentials);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"not json", ""}, {"[]", ""}, {"{}", "clientId"}, {R"({"clientId": 7})", "clientId"},
      {R"({"clientId": "a b"})", "clientId"}, {R"({"clientId": "a", "extra": "x"})", "extra"}};
  for (const auto& [body, field] : bad) {
    const auto r = f.post("/v1/forget", body);
    EXPECT_EQ(r.status, 400) << body << " → " << r.body;
    EXPECT_EQ(json::parse(r.body).value("field", ""), field) << body;
  }
  EXPECT_EQ(f.post("/v1/forget", std::string(5000, ' ')).status, 413);
}

}  // namespace wayfinder::server::testing
