// The caps above the client and the spam alerts, through the request handler and the real merge: what one address
// prefix adds to one project per day is capped, exactly also across late corrections; the hourly monitoring flags a
// project whose successes jump or come from fresh client ids, and stays quiet for steady traffic.
#include "server_test_support.h"
#include "storage.h"

namespace wayfinder::server::testing {
namespace {

using json = nlohmann::json;
constexpr std::int64_t kDay = 86400000;

void capped(ServerConfig& c) {
  c.merge.daily_cap_per_prefix = 2.0;
  c.merge.half_life_days = 1e6;  // no decay between the two merges of the correction test
  c.per_client = {0, 1};
  c.per_address = {0, 1};
}

// One full 5-star episode (impression, click, bookmark, rating, 300 s dwell) of `client` on `project` at `at`.
void episode(ServerFixture& f, const std::string& client, const std::string& project, std::int64_t at,
             const std::string& address) {
  json events = json::array();
  int i = 0;
  for (const char* type : {"impression", "click", "bookmark", "rating", "dwell"}) {
    auto e = event_json(client + std::to_string(at) + "-" + std::to_string(i), type, project, at + i * 1000,
                        "r-" + client + std::to_string(at));
    ++i;
    if (std::string(type) == "dwell") e["seconds"] = 300;
    events.push_back(e);
  }
  const auto r = f.post("/v1/feedback", batch_json(client, "b" + client + std::to_string(at), events, at + 10000).dump(),
                        {}, address);
  ASSERT_EQ(r.status, 200) << r.body;
}

double alpha_of(ServerFixture& f, const std::string& project) {
  const auto counts = json::parse(f.get("/v1/bandit").body)["counts"];
  return counts.contains(project) ? counts[project]["alpha"].get<double>() : 0.0;
}

void merge(ServerFixture& f, const std::string& day) {
  const auto m = f.post("/v1/admin/merge?day=" + day, "", {{"authorization", "Bearer s3cret"}});
  ASSERT_EQ(m.status, 200) << m.body;
}

TEST(PrefixCap, OnePrefixAddsAtMostTheCapToAProjectPerDay) {
  ServerFixture f(capped);
  for (int i = 0; i < 6; ++i) episode(f, "school" + std::to_string(i), "a/b", kNow - 3600000, "10.0.0." + std::to_string(i + 1));
  episode(f, "home", "a/b", kNow - 3600000, "10.9.0.1");
  merge(f, "2026-11-28");
  EXPECT_DOUBLE_EQ(alpha_of(f, "a/b"), 3.0) << "6 learners of one /24 add the cap (2), the other one adds 1";
  Database db(f.config.db);
  EXPECT_EQ(db.query_int("SELECT count(*) FROM merge_prefix_days").value_or(0), 2);
  EXPECT_EQ(db.query_int("SELECT CAST(max(alpha) AS INTEGER) FROM merge_prefix_days").value_or(0), 6)
      << "the stored sum is before the cap";
}

TEST(PrefixCap, LateRowsAreCorrectedUnderTheCapAsIfTheyHadComeInTime) {
  const auto run = [](bool late) {
    ServerFixture f(capped);
    f.service->set_clock([] { return kNow; });
    for (int i = 0; i < 3; ++i) episode(f, "a" + std::to_string(i), "a/b", kNow - 3600000, "10.0.0.1");
    episode(f, "b0", "a/b", kNow - 3600000, "10.9.0.1");
    if (late) merge(f, "2026-11-28");
    f.service->set_clock([] { return kNow + kDay; });
    // Arriving a day later, timestamped on the 28th: one more from each network, and a third network.
    episode(f, "a3", "a/b", kNow - 1800000, "10.0.0.9");
    episode(f, "b1", "a/b", kNow - 1800000, "10.9.0.2");
    episode(f, "c0", "a/b", kNow - 1800000, "10.7.0.1");
    if (!late) merge(f, "2026-11-28");
    merge(f, "2026-11-29");
    return alpha_of(f, "a/b");
  };
  const double in_time = run(false), corrected = run(true);
  EXPECT_NEAR(in_time, 2.0 + 2.0 + 1.0, 1e-4);  // one day of a 10^6-day half-life's decay
  EXPECT_NEAR(corrected, in_time, 1e-9);
}

std::vector<std::string> alert_kinds(const json& m) {
  std::vector<std::string> out;
  for (const auto& a : m["alerts"]) out.push_back(a["kind"]);
  return out;
}

TEST(SpamAlerts, AFloodOfFreshIdsOnOneProjectRaisesBothAlerts) {
  ServerFixture f([](ServerConfig& c) { c.per_client = {0, 1}; c.per_address = {0, 1}; });
  for (int i = 0; i < 30; ++i) episode(f, "fresh" + std::to_string(i), "a/b", kNow - 1800000, "10.0.0.1");
  const json m = f.service->monitor_now();
  const auto kinds = alert_kinds(m);
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "success_spike"), kinds.end()) << m.dump();
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "new_client_successes"), kinds.end()) << m.dump();
  const auto report = f.get("/v1/admin/report", {{"authorization", "Bearer s3cret"}});
  EXPECT_NE(report.body.find("new_client_successes"), std::string::npos) << "shown in the report (the dashboard)";
  EXPECT_EQ(report.body.find("10.0.0"), std::string::npos);
}

TEST(SpamAlerts, SteadyTrafficOfKnownLearnersRaisesNone) {
  ServerFixture f([](ServerConfig& c) { c.per_client = {0, 1}; c.per_address = {0, 1}; });
  // 25 learners who like a/b every day for 15 days: many successes, none of them sudden or from fresh ids.
  for (int d = 14; d >= 0; --d) {
    const std::int64_t day_now = kNow - d * kDay;
    f.service->set_clock([day_now] { return day_now - 1740000; });  // received 29 min before the check
    for (int i = 0; i < 25; ++i) episode(f, "regular" + std::to_string(i), "a/b", day_now - 1800000, "10.0.0.1");
    f.service->set_clock([day_now] { return day_now; });
    const json m = f.service->monitor_now();
    const auto kinds = alert_kinds(m);
    if (d < 14) {
      EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "success_spike"), 0) << d << " " << m.dump();
      EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "new_client_successes"), 0) << d << " " << m.dump();
    }
  }
}

}  // namespace
}  // namespace wayfinder::server::testing
