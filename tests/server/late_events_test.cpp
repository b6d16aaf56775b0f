// Late events and the merge: rows stored after their day was merged are counted exactly once by the next merge
// (checked against a twin database that had the same rows in time), reruns and crashes never double count, and
// the daily cap holds across counted and late rows.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>

#include "config.h"
#include "episodes.h"
#include "nightly_merge.h"
#include "retention.h"
#include "server_test_support.h"
#include "storage.h"

using namespace wayfinder::server;
using namespace wayfinder::server::testing;

namespace {

const std::int64_t kDayMs = 86400000LL;
const std::int64_t k26 = day_start_ms("2026-11-26");
const std::int64_t k27 = day_start_ms("2026-11-27");
const std::int64_t k28 = day_start_ms("2026-11-28");

struct Row {
  std::string client, id, type, project;
  std::int64_t at;
  std::string ranking = "r";
  int position = 0;
  std::optional<int> stars = std::nullopt;
};

struct LateDb {
  std::filesystem::path dir = make_temp_dir("late");
  std::string path = test_db(dir, "l");
  Database db = open_storage(path, false);
  ~LateDb() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void add(const Row& r) {
    db.prepare(
          "INSERT INTO user_interactions(client_id, event_id, batch_id, type, project_id, ranking_id, position, arm, "
          "stars, at_ms, received_ms) VALUES (?,?,'b',?,?,?,?,'rl',?,?,?)")
        .bind(1, r.client)
        .bind(2, r.id)
        .bind(3, r.type)
        .bind(4, r.project)
        .bind(5, r.ranking)
        .bind(6, r.position)
        .bind(7, r.stars)
        .bind(8, r.at)
        .bind(9, r.at)
        .run();
  }
  void add(const std::vector<Row>& rows) {
    for (const auto& r : rows) add(r);
  }
  double real(const std::string& sql, const std::string& arg) {
    auto st = db.prepare(sql);
    st.bind(1, arg);
    return st.step() ? st.real(0) : -1;
  }
  double alpha(const std::string& p) { return real("SELECT alpha FROM bandit_parameters WHERE project_id = ?", p); }
  double beta(const std::string& p) { return real("SELECT beta FROM bandit_parameters WHERE project_id = ?", p); }
  std::int64_t watermark(const std::string& day) {
    auto st = db.prepare("SELECT max_interaction_id FROM rl_merge_watermarks WHERE day = ?");
    st.bind(1, day);
    return st.step() ? st.int64(0) : -1;
  }
  MergeResult merge(const std::string& day, MergeConfig cfg = {}) { return run_merge(db, cfg, day, kNow); }
};

// Everything the merge writes that must not depend on WHEN the rows arrived (ctr_change etc. are run history).
void expect_same_counts(LateDb& late, LateDb& in_time) {
  struct Q {
    const char* sql;
    int reals;
  };
  for (const Q q : {Q{"SELECT project_id, alpha, beta, impressions FROM bandit_parameters ORDER BY project_id", 3},
                    Q{"SELECT day || '/' || project_id, episodes, reward_sum, success, failure FROM reward_history "
                      "ORDER BY day, project_id", 4},
                    Q{"SELECT day, events, episodes, clients, clicks, ctr, avg_reward FROM rl_training_history "
                      "ORDER BY day", 6}}) {
    auto a = late.db.prepare(q.sql);
    auto b = in_time.db.prepare(q.sql);
    int n = 0;
    while (true) {
      const bool ha = a.step(), hb = b.step();
      ASSERT_EQ(ha, hb) << q.sql << " row " << n;
      if (!ha) break;
      ASSERT_EQ(a.text(0), b.text(0)) << q.sql;
      for (int c = 1; c <= q.reals; ++c) EXPECT_NEAR(a.real(c), b.real(c), 1e-9) << q.sql << " " << a.text(0) << " col " << c;
      ++n;
    }
    EXPECT_GT(n, 0) << q.sql;
  }
}

const double kOneDayDecay = std::pow(0.5, 1.0 / 14.0);

}  // namespace

TEST(LateEvents, ALateRatingRaisesAlphaByExactlyWhatItWouldHaveAddedInTime) {
  const std::vector<Row> in_time = {{"c1", "i1", "impression", "a/b", k27 + 1000, "r1"},
                                    {"c1", "k1", "click", "a/b", k27 + 2000, "r1"},
                                    {"c2", "i2", "impression", "c/d", k27 + 3000, "r2", 2}};
  const Row rating{"c1", "s1", "rating", "a/b", k28 + 5000, "r1", 0, 5};  // a day later, synced after the merge
  const std::vector<Row> next_day = {{"c3", "i3", "impression", "a/b", k28 + 9000, "r3"}};

  LateDb late, twin;
  late.add(in_time);
  late.merge("2026-11-27");
  EXPECT_NEAR(late.alpha("a/b"), 1.0 / 3.0, 1e-12);  // the click alone: 5 of 15
  late.add(rating);
  late.add(next_day);
  const auto r = late.merge("2026-11-28");
  EXPECT_EQ(r.late_days_corrected, 1);
  EXPECT_EQ(r.late_pairs, 1);
  EXPECT_EQ(r.late_episodes, 0);
  EXPECT_NEAR(r.late_alpha, (1.0 - 1.0 / 3.0) * kOneDayDecay, 1e-12);
  // click + 5★ = 15 → one full success, decayed by one day like the rest of 11-27's evidence.
  EXPECT_NEAR(late.alpha("a/b"), 1.0 * kOneDayDecay, 1e-12);

  twin.add(in_time);
  twin.add(rating);
  twin.merge("2026-11-27");
  twin.add(next_day);
  const auto t = twin.merge("2026-11-28");
  EXPECT_EQ(t.late_days_corrected, 0);
  expect_same_counts(late, twin);
  EXPECT_EQ(late.watermark("2026-11-27"), late.watermark("2026-11-28"));
  EXPECT_EQ(late.watermark("2026-11-28"), r.max_interaction_id);
}

TEST(LateEvents, AWholeOfflineDayIsCountedOnce) {
  const std::vector<Row> online = {{"c1", "i1", "impression", "a/b", k26 + 1000, "r1", 0},
                                   {"c1", "k1", "click", "a/b", k26 + 2000, "r1"},
                                   {"c1", "i2", "impression", "c/d", k26 + 1000, "r1", 1}};
  // An offline learner's whole 11-26, synced on 11-27 after 11-26 was merged.
  const std::vector<Row> offline = {{"off", "o1", "impression", "a/b", k26 + 50000, "q1", 0},
                                    {"off", "o2", "impression", "c/d", k26 + 50000, "q1", 1},
                                    {"off", "o3", "impression", "e/f", k26 + 50000, "q1", 2},
                                    {"off", "o4", "click", "a/b", k26 + 60000, "q1"},
                                    {"off", "o5", "bookmark", "a/b", k26 + 61000, "q1"},
                                    {"off", "o6", "click", "e/f", k26 + 70000, "q1"},
                                    {"off", "o7", "dwell", "e/f", k26 + 80000, "q1"}};
  const std::vector<Row> day27 = {{"c1", "i9", "impression", "c/d", k27 + 1000, "r9", 0},
                                  {"c1", "k9", "click", "c/d", k27 + 1500, "r9"}};
  LateDb late, twin;
  late.add(online);
  late.merge("2026-11-26");
  const double cd_beta_before = late.beta("c/d");
  late.add(offline);
  late.add(day27);
  const auto r = late.merge("2026-11-27");
  EXPECT_EQ(r.late_days_corrected, 1);
  EXPECT_EQ(r.late_episodes, 3);
  EXPECT_EQ(r.late_events, 7);
  EXPECT_EQ(r.late_pairs, 3);
  EXPECT_GT(late.beta("c/d"), cd_beta_before * kOneDayDecay);  // the offline learner's ignored c/d counts
  const auto quiet = late.merge("2026-11-28");  // no new rows: nothing to correct
  EXPECT_EQ(quiet.late_days_corrected, 0);
  EXPECT_EQ(quiet.late_pairs, 0);

  twin.add(online);
  twin.add(offline);
  twin.merge("2026-11-26");
  twin.add(day27);
  twin.merge("2026-11-27");
  twin.merge("2026-11-28");
  expect_same_counts(late, twin);
  EXPECT_EQ(late.db.query_int("SELECT clients FROM rl_training_history WHERE day = '2026-11-26'"), 2);
  EXPECT_EQ(late.db.query_int("SELECT late_episodes FROM rl_merge_watermarks WHERE day = '2026-11-26'"), 3);
}

TEST(LateEvents, RerunsAndCrashesNeverDoubleCount) {
  const std::vector<Row> counted = {{"c1", "i1", "impression", "a/b", k27 + 1000, "r1"}};
  const Row late_click{"c1", "k1", "click", "a/b", k27 + 3600000, "r1"};
  LateDb late, twin;
  late.add(counted);
  late.merge("2026-11-27");
  late.add(late_click);
  const auto snap = latest_snapshot(late.db);
  const double a0 = late.alpha("a/b"), b0 = late.beta("a/b");
  const auto w0 = late.watermark("2026-11-27");
  EXPECT_THROW(run_merge(late.db, MergeConfig{}, "2026-11-28", kNow, [] { throw std::runtime_error("crash"); }),
               std::runtime_error);
  EXPECT_EQ(late.alpha("a/b"), a0);
  EXPECT_EQ(late.beta("a/b"), b0);
  EXPECT_EQ(late.watermark("2026-11-27"), w0);
  EXPECT_EQ(late.watermark("2026-11-28"), -1);
  EXPECT_EQ(latest_snapshot(late.db).version, snap.version);

  const auto r = late.merge("2026-11-28");
  EXPECT_EQ(r.late_days_corrected, 1);
  EXPECT_EQ(r.snapshot_version, snap.version + 1);  // one new version per run
  const double a1 = late.alpha("a/b"), b1 = late.beta("a/b");
  EXPECT_GT(a1, 0.0);
  const auto again = late.merge("2026-11-28");
  EXPECT_TRUE(again.already_merged);
  EXPECT_EQ(late.alpha("a/b"), a1);
  const auto next = late.merge("2026-11-29");
  EXPECT_EQ(next.late_days_corrected, 0);
  EXPECT_EQ(late.alpha("a/b"), a1 * kOneDayDecay);  // decay only
  EXPECT_EQ(late.beta("a/b"), b1 * kOneDayDecay);

  twin.add(counted);
  twin.add(late_click);
  twin.merge("2026-11-27");
  twin.merge("2026-11-28");
  twin.merge("2026-11-29");
  expect_same_counts(late, twin);
}

TEST(LateEvents, TheDailyCapHoldsAcrossCountedAndLateRows) {
  std::vector<Row> counted, late_rows;
  for (int i = 0; i < 5; ++i) {
    const auto r = "r" + std::to_string(i);
    auto& to = i < 2 ? counted : late_rows;
    to.push_back({"c1", "i" + std::to_string(i), "impression", "a/b", k27 + i * 1000, r});
    to.push_back({"c1", "k" + std::to_string(i), "click", "a/b", k27 + i * 1000 + 1, r});
  }
  LateDb late, twin;
  late.add(counted);
  late.merge("2026-11-27");
  EXPECT_NEAR(late.alpha("a/b"), 2.0 / 3.0, 1e-12);
  late.add(late_rows);
  const auto r = late.merge("2026-11-28");
  EXPECT_EQ(r.late_episodes, 3);
  // 5 clicked impressions would be 5/3; the cap keeps the client's day at 1.
  EXPECT_NEAR(late.alpha("a/b"), 1.0 * kOneDayDecay, 1e-12);
  EXPECT_NEAR(late.real("SELECT success FROM reward_history WHERE day || '/' || project_id = ?", "2026-11-27/a/b"),
              1.0, 1e-12);
  EXPECT_EQ(late.db.query_int("SELECT impressions FROM bandit_parameters WHERE project_id = 'a/b'"), 5);

  twin.add(counted);
  twin.add(late_rows);
  twin.merge("2026-11-27");
  twin.merge("2026-11-28");
  expect_same_counts(late, twin);
}

TEST(LateEvents, ALateLowRatingTakesBackTheSuccess) {
  const std::vector<Row> counted = {{"c1", "i1", "impression", "a/b", k27 + 1000, "r1"},
                                    {"c1", "k1", "click", "a/b", k27 + 2000, "r1"}};
  const Row one_star{"c1", "s1", "rating", "a/b", k27 + 2 * kDayMs, "r1", 0, 1};
  LateDb late, twin;
  late.add(counted);
  late.merge("2026-11-27");
  late.add(one_star);
  late.merge("2026-11-28");
  // click 5 + 1★ −10 = −5 → half a failure; the click's third of a success is taken back (alpha ≥ 0).
  EXPECT_NEAR(late.alpha("a/b"), 0.0, 1e-12);
  EXPECT_GE(late.alpha("a/b"), 0.0);
  EXPECT_NEAR(late.beta("a/b"), 0.5 * kOneDayDecay, 1e-12);
  twin.add(counted);
  twin.add(one_star);
  twin.merge("2026-11-27");
  twin.merge("2026-11-28");
  expect_same_counts(late, twin);
}

TEST(LateEvents, DaysMergedBeforeTheWatermarkMigrationAreCorrectedFromItOn) {
  LateDb late;
  late.add({"c1", "i1", "impression", "a/b", k27 + 1000, "r1"});
  late.merge("2026-11-27");
  // Back to a version-3 file: no watermarks yet.
  late.db.exec("DROP TABLE rl_merge_watermarks");
  undo_credentials_migration(late.db);
  late.db.exec("UPDATE schema_version SET version = 3");
  Database reopened = open_storage(late.path, false);
  EXPECT_EQ(schema_version(reopened), kSchemaVersion);
  EXPECT_EQ(reopened.query_int("SELECT max_interaction_id FROM rl_merge_watermarks WHERE day = '2026-11-27'"),
            reopened.query_int("SELECT max(id) FROM user_interactions"));
  late.add({"c1", "k1", "click", "a/b", k27 + 5000, "r1"});
  const auto r = run_merge(reopened, MergeConfig{}, "2026-11-28", kNow);
  EXPECT_EQ(r.late_days_corrected, 1);
  EXPECT_NEAR(late.alpha("a/b"), 1.0 / 3.0 * kOneDayDecay, 1e-12);
  EXPECT_NEAR(late.beta("a/b"), 0.0, 1e-12);
}

TEST(Retention, DeletesOnlyOldMergedDaysAndLeavesEveryCountAsItWas) {
  constexpr std::int64_t kDay = 86400000;
  const std::int64_t d05 = k27 - 22 * kDay, d06 = k27 - 21 * kDay, d07 = k27 - 20 * kDay, d20 = k27 - 7 * kDay;
  auto day_rows = [](const std::string& tag, std::int64_t day) {
    return std::vector<Row>{{"c1", tag + "i1", "impression", "a/b", day + 1000, tag + "r1"},
                            {"c1", tag + "k1", "click", "a/b", day + 2000, tag + "r1"},
                            {"c2", tag + "i2", "impression", "c/d", day + 3000, tag + "r2", 1}};
  };
  LateDb kept, retained;
  for (LateDb* db : {&kept, &retained}) {
    db->add(day_rows("a", d05));
    db->add(day_rows("b", d06));
    db->add(day_rows("c", d07));  // never merged: kept whatever its age
    db->add(day_rows("d", d20));
    for (const char* day : {"2026-11-05", "2026-11-06", "2026-11-20"}) db->merge(day);
  }
  ServerConfig config;
  config.retention_days = 16;  // the correction window (7 d event age + 7 d join + 1) is 15 days
  const auto r = apply_retention(retained.db, config, kNow);
  EXPECT_EQ(r.keep_from_day, "2026-11-12");
  EXPECT_EQ(r.days_deleted, 2);
  EXPECT_EQ(r.rows_deleted, 6);
  EXPECT_EQ(retained.db.query_int("SELECT count(*) FROM user_interactions"), 6);  // 11-07 and 11-20
  EXPECT_EQ(retained.db.query_int("SELECT count(*) FROM user_interactions WHERE at_ms < " + std::to_string(d07)), 0);
  EXPECT_EQ(apply_retention(retained.db, config, kNow).rows_deleted, 0);  // a second run finds nothing
  config.retention_days = 2;  // shorter than the correction window: the window wins
  EXPECT_EQ(apply_retention(retained.db, config, kNow).keep_from_day, "2026-11-13");
  EXPECT_EQ(retained.db.query_int("SELECT count(*) FROM user_interactions"), 6);
  expect_same_counts(retained, kept);
  // Later merges and late corrections of the retained days are unaffected by what was deleted.
  for (LateDb* db : {&kept, &retained}) {
    db->add({"c1", "ds1", "rating", "a/b", d20 + 9000, "dr1", 0, 5});
    db->add(day_rows("e", k27));
    db->merge("2026-11-27");
  }
  expect_same_counts(retained, kept);
  EXPECT_NEAR(retained.alpha("a/b"), kept.alpha("a/b"), 1e-12);
}
