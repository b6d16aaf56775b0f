// Client credentials through the request handler (Beast-free): issuance, renewal, the per-prefix issuance limit,
// the trusted-proxy rule, feedback tagged / untagged / refused (stored either way, counted only when valid), the
// promotion of a client's uncounted rows, and the key file. Runs on SQLite and, with WAYFINDER_TEST_POSTGRES, on
// PostgreSQL.
#include <sys/stat.h>

#include <fstream>

#include "client_credentials.h"
#include "server_test_support.h"
#include "storage.h"

namespace wayfinder::server::testing {
namespace {

using json = nlohmann::json;

void require_credentials(ServerConfig& c) {
  c.require_credentials = true;
  c.clients_per_prefix_per_day = 3;
}

json post_json(ServerFixture& f, const std::string& target, const json& body, const std::string& address = "10.0.0.1",
               int* status = nullptr, std::map<std::string, std::string> headers = {}) {
  const auto r = f.post(target, body.dump(), std::move(headers), address);
  if (status) *status = r.status;
  return json::parse(r.body);
}

// A batch with one full episode on `project`: impression, click, bookmark, 5 stars, 300 s dwell.
json episode_batch(const std::string& client, const std::string& batch, const std::string& project,
                   const std::string& credential = "") {
  json events = json::array();
  int i = 0;
  for (const char* type : {"impression", "click", "bookmark", "rating", "dwell"}) {
    auto e = event_json(batch + "-e" + std::to_string(i), type, project, kNow - 60000 + i * 1000, "r-" + batch);
    ++i;
    if (std::string(type) == "dwell") e["seconds"] = 300;
    events.push_back(e);
  }
  auto b = batch_json(client, batch, events);
  if (!credential.empty()) b["credential"] = credential;
  return b;
}

std::int64_t count_rows(ServerFixture& f, const std::string& where) {
  Database db(f.config.db);
  return db.query_int("SELECT count(*) FROM user_interactions WHERE " + where).value_or(-1);
}

json merged_counts(ServerFixture& f) {
  const auto m = f.post("/v1/admin/merge?day=2026-11-28", "", {{"authorization", "Bearer s3cret"}});
  EXPECT_EQ(m.status, 200) << m.body;
  return json::parse(f.get("/v1/bandit").body)["counts"];
}

TEST(Credentials, IssuesAnIdWithAVerifiableCredentialAndRenewsOnlyWithIt) {
  ServerFixture f(require_credentials);
  int status = 0;
  const auto fresh = post_json(f, "/v1/clients", json::object(), "10.0.0.1", &status);
  ASSERT_EQ(status, 200) << fresh.dump();
  EXPECT_EQ(fresh["clientId"].get<std::string>().size(), 32u);
  EXPECT_EQ(f.service->check_credential(HttpRequest{}, fresh["clientId"].get<std::string>(),
                                        fresh["credential"].get<std::string>()).status,
            identity::CredentialStatus::valid);
  EXPECT_EQ(fresh["expires"], format_iso8601_utc(kNow + 30LL * 86400000));

  const auto mine = post_json(f, "/v1/clients", {{"clientId", "learner-1"}}, "10.0.0.1", &status);
  ASSERT_EQ(status, 200);
  EXPECT_EQ(mine["clientId"], "learner-1");
  // The id is taken now: without its credential nobody gets another one for it.
  const auto taken = post_json(f, "/v1/clients", {{"clientId", "learner-1"}}, "10.9.9.9", &status);
  EXPECT_EQ(status, 409);
  EXPECT_EQ(taken["field"], "clientId");
  const auto forged = post_json(f, "/v1/clients", {{"clientId", "learner-1"}, {"credential", fresh["credential"]}},
                                "10.9.9.9", &status);
  EXPECT_EQ(status, 401);
  EXPECT_NE(forged["error"].get<std::string>().find("does not belong"), std::string::npos);
  // Renewal: with its credential, in the body or the Authorization header; outside the issuance limit.
  for (int i = 0; i < 5; ++i) {
    const auto renewed = post_json(f, "/v1/clients", {{"clientId", "learner-1"}}, "10.0.0.1", &status,
                                   {{"authorization", "Wayfinder " + mine["credential"].get<std::string>()}});
    ASSERT_EQ(status, 200) << renewed.dump();
    EXPECT_EQ(renewed["clientId"], "learner-1");
  }
  const auto bad = post_json(f, "/v1/clients", {{"clientId", "bad id!"}}, "10.0.0.1", &status);
  EXPECT_EQ(status, 400);
  EXPECT_EQ(bad["field"], "clientId");
}

TEST(Credentials, IssuanceIsLimitedPerAddressPrefixAndForgedForwardingHeadersAreIgnored) {
  ServerFixture f([](ServerConfig& c) {
    require_credentials(c);
    c.trusted_proxies = {"10.255.0.1"};
  });
  int status = 0;
  for (const char* a : {"203.0.113.1", "203.0.113.2", "203.0.113.77"}) {
    post_json(f, "/v1/clients", json::object(), a, &status);
    EXPECT_EQ(status, 200) << a;
  }
  const auto r = f.post("/v1/clients", "{}", {{"x-forwarded-for", "198.51.100.9"}}, "203.0.113.200");
  EXPECT_EQ(r.status, 429) << "same /24, and the header of an untrusted peer changes nothing";
  EXPECT_EQ(r.header("Retry-After"), "86400");
  EXPECT_NE(json::parse(r.body)["error"].get<std::string>().find("limit"), std::string::npos);
  post_json(f, "/v1/clients", json::object(), "203.0.114.1", &status);
  EXPECT_EQ(status, 200) << "another /24 has its own limit";
  // Behind the trusted proxy the forwarded address counts: 203.0.113.x is spent, 198.51.100.x is not.
  EXPECT_EQ(f.post("/v1/clients", "{}", {{"x-forwarded-for", "203.0.113.5"}}, "10.255.0.1").status, 429);
  EXPECT_EQ(f.post("/v1/clients", "{}", {{"x-forwarded-for", "198.51.100.9"}}, "10.255.0.1").status, 200);
  // A day later the prefix may ask again.
  f.service->set_clock([] { return kNow + 86400000; });
  EXPECT_EQ(f.post("/v1/clients", "{}", {}, "203.0.113.9").status, 200);
}

TEST(Credentials, FeedbackIsStoredWhateverTheTagButCountedOnlyWithAValidOne) {
  ServerFixture f(require_credentials);
  int status = 0;
  const auto a = post_json(f, "/v1/clients", {{"clientId", "tagged"}}, "10.0.0.1", &status);
  const auto b = post_json(f, "/v1/clients", {{"clientId", "other"}}, "10.0.0.1", &status);
  const std::string cred = a["credential"], other_cred = b["credential"];
  f.service->set_clock([] { return kNow - 40LL * 86400000; });
  const std::string old_cred = post_json(f, "/v1/clients", {{"clientId", "old"}}, "10.1.0.1")["credential"];
  f.service->set_clock([] { return kNow; });

  EXPECT_EQ(post_json(f, "/v1/feedback", episode_batch("tagged", "b1", "a/b", cred), "10.0.0.1", &status),
            json({{"accepted", 5}, {"duplicates", 0}}));
  EXPECT_EQ(status, 200);
  EXPECT_EQ(post_json(f, "/v1/feedback", episode_batch("untagged", "b2", "c/d"), "10.0.0.1", &status)["accepted"], 5);
  EXPECT_EQ(status, 200) << "untagged feedback is accepted (offline clients lose nothing)";
  struct Bad {
    std::string client, credential, says;
  };
  for (const auto& bad : {Bad{"forger", other_cred, "does not belong"}, Bad{"forger2", cred.substr(0, 20), "malformed"},
                          Bad{"old", old_cred, "expired at"}}) {
    const auto r = post_json(f, "/v1/feedback", episode_batch(bad.client, "b-" + bad.client, "c/d", bad.credential),
                             "10.0.0.1", &status);
    EXPECT_EQ(status, 401) << r.dump();
    EXPECT_EQ(r["field"], "credential");
    EXPECT_NE(r["error"].get<std::string>().find(bad.says), std::string::npos) << r.dump();
    EXPECT_EQ(r["stored"], true);
    EXPECT_EQ(r["accepted"], 5) << "the events of a refused client are kept";
  }
  EXPECT_EQ(count_rows(f, "credentialed = 1"), 5);
  EXPECT_EQ(count_rows(f, "credentialed = 0"), 20);
  EXPECT_EQ(count_rows(f, "prefix_hash IS NULL OR prefix_hash LIKE '10.%'"), 0) << "only a keyed hash is stored";
  const auto counts = merged_counts(f);
  EXPECT_GT(counts["a/b"]["alpha"].get<double>(), 0.0);
  EXPECT_FALSE(counts.contains("c/d")) << counts.dump();
}

TEST(Credentials, AClientThatLaterHoldsAValidTagHasItsUncountedRowsCounted) {
  ServerFixture f(require_credentials);
  int status = 0;
  EXPECT_EQ(post_json(f, "/v1/feedback", episode_batch("late", "b1", "c/d"), "10.0.0.1", &status)["accepted"], 5);
  const std::string cred = post_json(f, "/v1/clients", {{"clientId", "late"}})["credential"];
  const auto wrong = post_json(f, "/v1/feedback", episode_batch("late", "b2", "c/d", cred.substr(0, 30)), "10.0.0.1", &status);
  EXPECT_EQ(status, 401);
  // The refused batch resent with the valid credential: the stored answer, and the client's rows now count.
  const auto again = f.post("/v1/feedback", episode_batch("late", "b2", "c/d", cred).dump(), {}, "10.0.0.1");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.header("Idempotent-Replay"), "true");
  EXPECT_EQ(json::parse(again.body), json({{"accepted", 5}, {"duplicates", 0}}));
  EXPECT_EQ(count_rows(f, "credentialed = 0"), 0);
  EXPECT_EQ(count_rows(f, "client_id = 'late'"), 10) << "stored once each";
  EXPECT_GT(merged_counts(f)["c/d"]["alpha"].get<double>(), 0.0);
}

TEST(Credentials, WithoutRequiredCredentialsUntaggedFeedbackCountsAsBefore) {
  ServerFixture f;  // require_credentials = false
  f.post("/v1/feedback", episode_batch("anyone", "b1", "c/d").dump(), {}, "10.0.0.1");
  EXPECT_EQ(count_rows(f, "credentialed = 1"), 5);
  EXPECT_GT(merged_counts(f)["c/d"]["alpha"].get<double>(), 0.0);
}

TEST(Credentials, TheKeyIsGeneratedBesideTheDatabaseOnceWithMode0600) {
  const auto dir = make_temp_dir("key");
  ServerConfig c;
  c.db = (dir / "w.sqlite").string();
  const auto k1 = load_credential_key(c);
  EXPECT_EQ(k1.size(), 32u);
  struct stat st{};
  ASSERT_EQ(::stat((c.db + ".credential-key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(load_credential_key(c), k1) << "read back, not regenerated";
  c.db = "postgresql://wf@localhost/wf";
  try {
    load_credential_key(c);
    ADD_FAILURE() << "PostgreSQL without a key must not start";
  } catch (const std::runtime_error& ex) {
    EXPECT_NE(std::string(ex.what()).find("--credential-key"), std::string::npos);
  }
  c.credential_key = "abc";
  EXPECT_THROW(load_credential_key(c), std::runtime_error);
  c.credential_key = std::string(64, 'a');
  EXPECT_EQ(load_credential_key(c), std::vector<std::uint8_t>(32, 0xaa));
  std::filesystem::remove_all(dir);
}

TEST(Credentials, CheckCredentialNamesAMissingCredential) {
  ServerFixture f(require_credentials);
  const auto none = f.service->check_credential(HttpRequest{}, "someone");
  EXPECT_EQ(none.status, identity::CredentialStatus::malformed);
  EXPECT_NE(none.message.find("none presented"), std::string::npos);
  EXPECT_EQ(credential_refusal(none).status, 401);
}

}  // namespace
}  // namespace wayfinder::server::testing
