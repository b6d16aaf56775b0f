// Live experiments end to end, through the real service: events (with experimentId) in over POST /v1/feedback →
// the server's sequential test adapts ε → GET /v1/experiments → the core's client policy (experiment/policy.h) →
// the learner's rankings use the adapted ε. Also: assignments are stored per experiment, and two experiments run at
// once on independent hashes.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "server_test_support.h"
#include "db.h"
#include "storage.h"
#include "wayfinder/experiment/policy.h"
#include "wayfinder/rank/recommender.h"

using namespace wayfinder::server;
using namespace wayfinder::server::testing;
using nlohmann::json;

namespace {

// A learner's 2000 impressions per arm over 100 clients: the RL arm is clicked 4× as often.
void ingest_a_clear_win(ServerFixture& f) {
  int id = 0;
  for (int c = 0; c < 100; ++c) {
    json events = json::array();
    for (int i = 0; i < 30; ++i) {
      for (const char* arm : {"rl", "similarity"}) {
        const auto ranking = "r" + std::to_string(id);
        auto imp = event_json("e" + std::to_string(id++), "impression", "a/b", kNow - 3600000 + i, ranking, 0, arm);
        imp["experimentId"] = "ranking-rl-vs-similarity";
        events.push_back(imp);
        if (std::string(arm) == "rl" ? i % 5 == 0 : i % 20 == 0) {
          auto click = event_json("e" + std::to_string(id++), "click", "a/b", kNow - 3600000 + i + 1, ranking, 0, arm);
          click["experimentId"] = "ranking-rl-vs-similarity";
          events.push_back(click);
        }
      }
    }
    const auto r = f.post("/v1/feedback", batch_json("client-" + std::to_string(c), "b" + std::to_string(c), events).dump(),
                          {{"content-type", "application/json"}});
    ASSERT_EQ(r.status, 200) << r.body;
  }
}

wayfinder::search::ContentRanking flat_candidates(std::size_t n) {
  wayfinder::search::ContentRanking c;
  for (std::uint32_t i = 0; i < n; ++i) {
    c.top.push_back({i, 1.0f - static_cast<float>(i) / static_cast<float>(n), 0, 0, 0, {}});
    c.eligible.push_back(i);
  }
  return c;
}

}  // namespace

TEST(LiveExperiments, AnEpsilonTheServerAdaptedReachesTheClientsRankings) {
  ServerFixture f([](ServerConfig& c) {
    c.per_client = {0.0, 0.0};
    c.per_address = {0.0, 0.0};
  });
  ingest_a_clear_win(f);
  ASSERT_EQ(f.post("/v1/admin/evaluate", "", {{"authorization", "Bearer s3cret"}}).status, 200);
  const auto published = json::parse(f.get("/v1/experiments").body);
  const double adapted = json::parse(published["experiments"][0]["config"].is_string()
                                         ? published["experiments"][0]["config"].get<std::string>()
                                         : published["experiments"][0]["config"].dump())["epsilon"];
  ASSERT_LT(adapted, 0.15) << "the RL arm won, so the server explores less";

  // The client side: what the core does with the list it pulled, for a learner in the RL arm.
  const auto experiments = wayfinder::experiment::parse_published(published);
  std::string user;
  for (int u = 0; user.empty(); ++u) {
    const auto p = wayfinder::experiment::policy_for(experiments, "user-" + std::to_string(u), {});
    if (p.arm == "rl") user = "user-" + std::to_string(u);
  }
  const auto policy = wayfinder::experiment::policy_for(experiments, user, {});
  EXPECT_EQ(policy.rerank.epsilon, adapted);
  EXPECT_EQ(policy.experiment_id, "ranking-rl-vs-similarity");
  wayfinder::rank::Recommender rec;
  rec.set_content(1, flat_candidates(300));
  const auto page = rec.recommend(1, "ranking-1", 10, 0, policy.use_rl, policy.rerank);
  // With no evidence the exploit choice is certain, so a non-explored slot's propensity is (1 − ε) + ε / pool.
  bool checked = false;
  for (const auto& it : page.items) {
    if (it.explored) continue;
    EXPECT_NEAR(it.propensity, (1 - adapted) + adapted / 200.0, 1e-12) << "slot " << it.position;
    checked = true;
  }
  EXPECT_TRUE(checked);
  const auto base = rec.recommend(1, "ranking-2", 10, 0, true);
  for (const auto& it : base.items) {
    if (!it.explored) {
      EXPECT_NEAR(it.propensity, 0.85 + 0.15 / 200.0, 1e-12);
    }
  }

  // Assignments are stored per experiment, from the events' experimentId.
  Database db = open_storage(f.config.db, false);
  EXPECT_EQ(db.query_int("SELECT count(DISTINCT client_id) FROM user_ab_assignment WHERE experiment_id = "
                         "'ranking-rl-vs-similarity'"),
            100);
}

TEST(LiveExperiments, TwoExperimentsAtOnceOnIndependentHashesEachSetTheirPart) {
  const json list = {{"experiments",
                      {{{"id", "ranking-rl-vs-similarity"}, {"arms", {"rl", "similarity"}}, {"status", "running"},
                        {"config", {{"split", {{"rl", 0.5}, {"similarity", 0.5}}}, {"epsilon", 0.1}}}},
                       {{"id", "blend"}, {"arms", {"light", "heavy"}}, {"status", "running"},
                        {"config",
                         {{"split", {{"light", 0.5}, {"heavy", 0.5}}},
                          {"arms", {{"light", {{"blend", {{"similarity", 0.8}, {"bandit", 0.2}}}}},
                                    {"heavy", {{"blend", {{"similarity", 0.4}, {"bandit", 0.6}}}, {"epsilon", 0.2}}}}}}}},
                       {{"id", "stopped"}, {"arms", {"x"}}, {"status", "stopped"}, {"config", json::object()}}}}};
  const auto experiments = wayfinder::experiment::parse_published(list);
  ASSERT_EQ(experiments.size(), 2u);
  std::map<std::string, int> cells;
  const int n = 8000;
  for (int u = 0; u < n; ++u) {
    const auto p = wayfinder::experiment::policy_for(experiments, "u" + std::to_string(u), {});
    const bool heavy = p.rerank.bandit_weight == 0.6;
    if (p.arm == "similarity") {
      EXPECT_FALSE(p.use_rl);
    } else {
      EXPECT_TRUE(p.use_rl);
      EXPECT_EQ(p.rerank.epsilon, heavy ? 0.2 : 0.1);  // the later experiment's arm overrides
    }
    EXPECT_EQ(p.rerank.similarity_weight, heavy ? 0.4 : 0.8);
    ++cells[p.arm + (heavy ? "+heavy" : "+light")];
  }
  ASSERT_EQ(cells.size(), 4u);
  for (const auto& [cell, count] : cells) EXPECT_NEAR(count / double(n), 0.25, 0.02) << cell;  // independent hashes
  // An explicit useRL overrides the arm; a bad arm setting is refused naming it.
  EXPECT_EQ(wayfinder::experiment::policy_for(experiments, "u1", {}, false).arm, "similarity");
  auto bad = list;
  bad["experiments"][1]["config"]["arms"]["heavy"]["bandit"] = "gaussian";
  try {
    wayfinder::experiment::parse_published(bad);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("[1].config.arms.heavy.bandit"), std::string::npos) << e.what();
  }
}
