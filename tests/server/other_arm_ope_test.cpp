#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "episodes.h"
#include "experiment_evaluation.h"
#include "other_arm_ope.h"
#include "server_test_support.h"
#include "storage.h"
#include "wayfinder/random/xoshiro.h"

using namespace wayfinder::server;
using namespace wayfinder::server::testing;
using nlohmann::json;

namespace {

// Slot 0 of two arms over 20 projects with known click rates. RL: ε = 0.15 uniform over the 20 (the pool) plus an
// exploit distribution; similarity: always project 0 (deterministic, propensity 1).
struct World {
  std::vector<double> ctr, rl;  // click rate and the RL policy's slot probability per project
  World() {
    for (int j = 0; j < 20; ++j) ctr.push_back(0.04 + 0.015 * j);
    std::vector<double> exploit(20, 0.0);
    exploit[0] = 0.2;
    exploit[5] = 0.4;
    exploit[9] = 0.25;
    exploit[12] = 0.15;
    for (int j = 0; j < 20; ++j) rl.push_back(0.85 * exploit[static_cast<std::size_t>(j)] + 0.15 / 20);
  }
  double rl_truth() const {
    double v = 0;
    for (std::size_t j = 0; j < 20; ++j) v += rl[j] * ctr[j];
    return v;
  }
  double similarity_truth() const { return ctr[0]; }
  std::size_t draw_rl(wayfinder::random::Xoshiro256ss& rng) const {
    double u = rng.uniform();
    for (std::size_t j = 0; j < 20; ++j) {
      if (u < rl[j]) return j;
      u -= rl[j];
    }
    return 19;
  }
};

std::vector<OpeSample> rl_logs(const World& w, std::size_t n, std::uint64_t seed) {
  wayfinder::random::Xoshiro256ss rng(seed);
  std::vector<OpeSample> logs;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = w.draw_rl(rng);
    OpeSample s;
    s.propensity = w.rl[j];
    s.alt_propensity = j == 0 ? 1.0 : 0.0;
    s.reward = rng.uniform() < w.ctr[j] ? 1.0 : 0.0;
    logs.push_back(s);
  }
  return logs;
}

std::vector<OpeSample> similarity_logs(const World& w, std::size_t n, std::uint64_t seed) {
  wayfinder::random::Xoshiro256ss rng(seed);
  std::vector<OpeSample> logs;
  for (std::size_t i = 0; i < n; ++i) {
    OpeSample s;
    s.propensity = 1.0;
    s.alt_propensity = w.rl[0];
    s.reward = rng.uniform() < w.ctr[0] ? 1.0 : 0.0;
    logs.push_back(s);
  }
  return logs;
}

}  // namespace

TEST(OtherArmOpe, SimilarityCtrFromRlLogsIsCoveredByTheIntervals) {
  const World w;
  const double truth = w.similarity_truth();
  int covered[3] = {0, 0, 0};
  double mean_value[3] = {0, 0, 0}, ess = 0;
  const int reps = 40;
  const char* names[3] = {"ips", "snips", "dr"};
  for (int rep = 0; rep < reps; ++rep) {
    const auto logs = rl_logs(w, 5000, 100 + static_cast<std::uint64_t>(rep));
    const auto out = other_arm_ope(logs, 0, "rl", "similarity");
    ASSERT_TRUE(out["supported"].get<bool>()) << out.dump();
    for (int k = 0; k < 3; ++k) {
      const auto& e = out[names[k]];
      const double v = e["value"].get<double>();
      mean_value[k] += v / reps;
      covered[k] += e["interval"][0].get<double>() <= truth && truth <= e["interval"][1].get<double>();
    }
    ess += out["effectiveSampleSize"].get<double>() / reps;
  }
  std::printf("similarity CTR %.4f from 5000 RL impressions, %d reps: IPS %.4f (cover %d/%d), SNIPS %.4f (%d), "
              "DR %.4f (%d); mean ESS %.0f\n",
              truth, reps, mean_value[0], covered[0], reps, mean_value[1], covered[1], mean_value[2], covered[2], ess);
  for (int k = 0; k < 3; ++k) {
    EXPECT_NEAR(mean_value[k], truth, 0.004) << names[k];
    EXPECT_GE(covered[k], 34) << names[k];  // nominal 95%: ≥ 85% of 40
  }
}

TEST(OtherArmOpe, RlCtrFromDeterministicSimilarityLogsIsFlaggedUnsupported) {
  const World w;
  const auto out = other_arm_ope(similarity_logs(w, 5000, 7), 3, "similarity", "rl");
  EXPECT_FALSE(out["supported"].get<bool>());
  EXPECT_NE(out["unsupportedReason"].get<std::string>().find("mean weight"), std::string::npos);
  EXPECT_NEAR(out["meanWeight"].get<double>(), w.rl[0], 1e-12);  // the share of RL's choices these logs cover
  EXPECT_EQ(out["skippedWithoutPropensities"], 3);
  // The estimate itself is badly biased, which is why it is flagged: IPS credits only RL's mass on project 0.
  EXPECT_GT(std::abs(out["ips"]["value"].get<double>() - w.rl_truth()), 0.03);
}

TEST(OtherArmOpe, SmallEffectiveSampleSizeOrNoRecordsIsUnsupported) {
  const World w;
  auto logs = rl_logs(w, 60, 3);
  const auto small = other_arm_ope(logs, 0, "rl", "similarity");
  EXPECT_LT(small["effectiveSampleSize"].get<double>(), 100.0);
  EXPECT_FALSE(small["supported"].get<bool>());
  EXPECT_NE(small["unsupportedReason"].get<std::string>().find("effective sample size"), std::string::npos);
  const auto none = other_arm_ope({}, 12, "rl", "similarity");
  EXPECT_FALSE(none["supported"].get<bool>());
  EXPECT_EQ(none["records"], 0);
  EXPECT_FALSE(none.contains("ips"));
}

TEST(OtherArmOpe, EvaluationReportsTheOtherArmsEstimateFromStoredAltPropensities) {
  const auto dir = make_temp_dir("ope");
  {
    Database db = open_storage(test_db(dir, "o"), false);
    db.exec("UPDATE rl_ab_test SET created_ms = 0");
    const World w;
    auto insert = db.prepare(
        "INSERT INTO user_interactions(client_id, event_id, batch_id, type, project_id, ranking_id, position, arm, "
        "propensity, alt_propensity, at_ms, received_ms) VALUES (?,?,'b',?,?,?,0,?,?,?,?,?)");
    wayfinder::random::Xoshiro256ss rng(11);
    int id = 0;
    for (int i = 0; i < 3000; ++i) {
      for (const char* arm_name : {"rl", "similarity"}) {
        const std::string arm = arm_name;
        const std::size_t j = arm == "rl" ? w.draw_rl(rng) : 0;
        const std::string project = "p/" + std::to_string(j), ranking = "r" + std::to_string(id);
        const std::int64_t at = kNow - 1000000 + i;
        const double mu = arm == "rl" ? w.rl[j] : 1.0, pi = arm == "rl" ? (j == 0 ? 1.0 : 0.0) : w.rl[0];
        insert.bind(1, "c").bind(2, "i" + std::to_string(id++)).bind(3, "impression").bind(4, project).bind(5, ranking)
            .bind(6, arm).bind(7, mu).bind(8, pi).bind(9, at).bind(10, at).run();
        if (rng.uniform() < w.ctr[j]) {
          insert.bind(1, "c").bind(2, "k" + std::to_string(id++)).bind(3, "click").bind(4, project).bind(5, ranking)
              .bind(6, arm).bind_null(7).bind_null(8).bind(9, at).bind(10, at).run();
        }
      }
    }
    // An old client's impression without propensities is counted, not estimated from.
    db.exec("INSERT INTO user_interactions(client_id, event_id, batch_id, type, project_id, ranking_id, position, arm, "
            "at_ms, received_ms) VALUES ('old','x','b','impression','p/1','rx',0,'rl'," + std::to_string(kNow - 5000) +
            "," + std::to_string(kNow - 5000) + ")");
    const auto out = evaluate_experiments(db, kNow);
    ASSERT_EQ(out.size(), 1u);
    const auto& rl = out[0]["arms"][0];
    ASSERT_EQ(rl["arm"], "rl");
    const auto& ope = rl["otherArmOpe"];
    EXPECT_EQ(ope["targetArm"], "similarity");
    EXPECT_EQ(ope["records"], 3000);
    EXPECT_EQ(ope["skippedWithoutPropensities"], 1);
    EXPECT_TRUE(ope["supported"].get<bool>()) << ope.dump();
    EXPECT_LE(ope["snips"]["interval"][0].get<double>(), w.similarity_truth());
    EXPECT_GE(ope["snips"]["interval"][1].get<double>(), w.similarity_truth());
    EXPECT_NEAR(ope["targetObservedCtr"].get<double>(), w.similarity_truth(), 0.015);
    const auto& sim = out[0]["arms"][1]["otherArmOpe"];
    EXPECT_EQ(sim["targetArm"], "rl");
    EXPECT_FALSE(sim["supported"].get<bool>());
  }
  std::filesystem::remove_all(dir);
}

TEST(Storage, Version2DatabaseGainsAltPropensityAndKeepsOldRows) {
  const auto dir = make_temp_dir("mig3");
  const auto path = test_db(dir, "m");
  {
    // Build a version-2 database: today's schema minus migration 3.
    Database db = open_storage(path, false);
    db.exec("INSERT INTO user_interactions(client_id, event_id, batch_id, type, project_id, position, arm, propensity, "
            "at_ms, received_ms) VALUES ('c','e1','b','impression','a/b',0,'rl',0.3,1,1)");
    db.exec("DROP VIEW recommendation_results");
    db.exec("ALTER TABLE user_interactions DROP COLUMN alt_propensity");
    db.exec("CREATE VIEW recommendation_results AS SELECT id AS interaction_id, client_id, ranking_id, project_id, "
            "position AS rank, propensity, arm, model_version, shard_version, at_ms FROM user_interactions "
            "WHERE type = 'impression'");
    undo_credentials_migration(db);
    db.exec("UPDATE schema_version SET version = 2");
  }
  {
    Database db = open_storage(path, false);
    EXPECT_EQ(schema_version(db), kSchemaVersion);  // 3 adds alt_propensity; later migrations run too
    EXPECT_EQ(db.query_int("SELECT count(*) FROM recommendation_results WHERE alt_propensity IS NULL AND "
                           "propensity = 0.3"),
              1);
    std::size_t episodes = 0;
    for_each_episode(db, 0, 10, [&](const StoredEpisode& e) {
      ++episodes;
      EXPECT_EQ(e.propensity, 0.3);
      EXPECT_FALSE(e.alt_propensity.has_value());
    });
    EXPECT_EQ(episodes, 1u);
  }
  std::filesystem::remove_all(dir);
}
