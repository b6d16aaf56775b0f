#include <gtest/gtest.h>

#include <cmath>

#include "config.h"
#include "wayfinder/bandit/reward.h"
#include "episodes.h"
#include "experiment_evaluation.h"
#include "monitoring.h"
#include "nightly_merge.h"
#include "rate_limiter.h"
#include "server_test_support.h"
#include "storage.h"
#include "wayfinder/hash.h"

using namespace wayfinder::server;
using namespace wayfinder::server::testing;
using nlohmann::json;

namespace {

struct DbFixture {
  std::filesystem::path dir = make_temp_dir("jobs");
  std::string path = test_db(dir, "j");
  Database db = open_storage(path, false);
  ~DbFixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void add(const std::string& client, const std::string& id, const std::string& type, const std::string& project,
           std::int64_t at, const std::string& ranking = "r", int position = 0, std::optional<int> stars = {},
           const std::string& arm = "rl") {
    db.prepare(
          "INSERT INTO user_interactions(client_id, event_id, batch_id, type, project_id, ranking_id, position, arm, "
          "stars, at_ms, received_ms) VALUES (?,?,'b',?,?,?,?,?,?,?,?)")
        .bind(1, client)
        .bind(2, id)
        .bind(3, type)
        .bind(4, project)
        .bind(5, ranking)
        .bind(6, position)
        .bind(7, arm)
        .bind(8, stars)
        .bind(9, at)
        .bind(10, at)
        .run();
  }
  double alpha(const std::string& p) {
    auto st = db.prepare("SELECT alpha FROM bandit_parameters WHERE project_id = ?");
    st.bind(1, p);
    return st.step() ? st.real(0) : -1;
  }
  double beta(const std::string& p) {
    auto st = db.prepare("SELECT beta FROM bandit_parameters WHERE project_id = ?");
    st.bind(1, p);
    return st.step() ? st.real(0) : -1;
  }
};

const std::int64_t kDay = day_start_ms("2026-11-27");

}  // namespace

TEST(NightlyMerge, FoldsEpisodesWithCoreRewardsAndJoinsDelayedRatings) {
  DbFixture f;
  f.add("c1", "i1", "impression", "a/b", kDay + 1000, "r1", 0);
  f.add("c1", "k1", "click", "a/b", kDay + 2000, "r1");
  // A rating two days later still joins the impression.
  f.add("c1", "s1", "rating", "a/b", kDay + 2 * 86400000LL, "r1", 0, 5);
  f.add("c2", "i2", "impression", "c/d", kDay + 3000, "r2", 3);
  const auto r = run_merge(f.db, MergeConfig{}, "2026-11-27", kNow);
  EXPECT_FALSE(r.already_merged);
  EXPECT_EQ(r.episodes, 2);
  EXPECT_EQ(r.clicks, 1);
  EXPECT_EQ(r.clients, 2);
  // The reward comes from the core: click (5) + 5 stars (10) = 15 → one full success.
  wayfinder::bandit::ImpressionEpisode e;
  e.clicked = true;
  e.stars = 5;
  EXPECT_DOUBLE_EQ(f.alpha("a/b"), wayfinder::bandit::reward_to_update(e).success);
  EXPECT_DOUBLE_EQ(f.alpha("a/b"), 1.0);
  wayfinder::bandit::ImpressionEpisode ignored;
  ignored.position = 3;
  EXPECT_DOUBLE_EQ(f.beta("c/d"), wayfinder::bandit::reward_to_update(ignored).failure);
  EXPECT_EQ(latest_snapshot(f.db).version, 1);
  EXPECT_EQ(f.db.query_int("SELECT count(*) FROM rl_training_history"), 1);
}

TEST(NightlyMerge, IsIdempotentPerDay) {
  DbFixture f;
  f.add("c1", "i1", "impression", "a/b", kDay + 1000);
  f.add("c1", "k1", "click", "a/b", kDay + 2000);
  run_merge(f.db, MergeConfig{}, "2026-11-27", kNow);
  const double a = f.alpha("a/b");
  const auto snap = latest_snapshot(f.db);
  const auto again = run_merge(f.db, MergeConfig{}, "2026-11-27", kNow + 5000);
  EXPECT_TRUE(again.already_merged);
  EXPECT_EQ(f.alpha("a/b"), a);
  EXPECT_EQ(latest_snapshot(f.db).version, snap.version);
  EXPECT_EQ(latest_snapshot(f.db).body, snap.body);
}

TEST(NightlyMerge, CapsEachClientPerProjectPerDay) {
  DbFixture f;
  for (int i = 0; i < 50; ++i) {
    const auto r = "r" + std::to_string(i);
    f.add("spammer", "i" + std::to_string(i), "impression", "a/b", kDay + i * 1000, r);
    f.add("spammer", "k" + std::to_string(i), "click", "a/b", kDay + i * 1000 + 1, r);
    f.add("spammer", "b" + std::to_string(i), "bookmark", "a/b", kDay + i * 1000 + 2, r);
  }
  MergeConfig cfg;
  cfg.daily_cap_per_client = 1.0;
  run_merge(f.db, cfg, "2026-11-27", kNow);
  EXPECT_DOUBLE_EQ(f.alpha("a/b"), 1.0);
}

TEST(NightlyMerge, DecaysOlderEvidenceWithTheHalfLife) {
  DbFixture f;
  f.add("c1", "i1", "impression", "a/b", kDay + 1000);
  f.add("c1", "k1", "click", "a/b", kDay + 2000);
  f.add("c1", "b1", "bookmark", "a/b", kDay + 2000);
  MergeConfig cfg;
  cfg.half_life_days = 2.0;
  run_merge(f.db, cfg, "2026-11-27", kNow);
  const double before = f.alpha("a/b");
  const auto r = run_merge(f.db, cfg, "2026-11-29", kNow);  // an empty day two days later
  EXPECT_DOUBLE_EQ(r.decay_factor, 0.5);
  EXPECT_DOUBLE_EQ(f.alpha("a/b"), before * 0.5);
  EXPECT_EQ(r.snapshot_version, 2);
}

TEST(NightlyMerge, AFailureBeforeCommitLeavesThePreviousSnapshot) {
  DbFixture f;
  f.add("c1", "i1", "impression", "a/b", kDay + 1000);
  run_merge(f.db, MergeConfig{}, "2026-11-27", kNow);
  const auto snap = latest_snapshot(f.db);
  const double beta = f.beta("a/b");
  f.add("c1", "i2", "impression", "a/b", kDay + 86400000LL + 1000, "r9");
  EXPECT_THROW(run_merge(f.db, MergeConfig{}, "2026-11-28", kNow, [] { throw std::runtime_error("crash"); }),
               std::runtime_error);
  EXPECT_EQ(latest_snapshot(f.db).version, snap.version);
  EXPECT_EQ(f.beta("a/b"), beta);
  EXPECT_EQ(f.db.query_int("SELECT count(*) FROM rl_training_history"), 1);
  const auto r = run_merge(f.db, MergeConfig{}, "2026-11-28", kNow);  // and it can run again
  EXPECT_FALSE(r.already_merged);
  EXPECT_EQ(r.snapshot_version, 2);
}

TEST(Monitoring, FlagsACtrDropAndAClientFlood) {
  DbFixture f;
  const std::int64_t hour = 3600000;
  int id = 0;
  // Baseline: 24 h of 10% CTR.
  for (int i = 0; i < 2400; ++i) {
    const auto at = kNow - 25 * hour + i * (24 * hour / 2400);
    f.add("c" + std::to_string(i % 50), "i" + std::to_string(id++), "impression", "a/b", at);
    if (i % 10 == 0) f.add("c" + std::to_string(i % 50), "k" + std::to_string(id++), "click", "a/b", at);
  }
  // Last hour: one client floods with impressions and no clicks.
  for (int i = 0; i < 2500; ++i) f.add("flood", "f" + std::to_string(i), "impression", "a/b", kNow - hour + i * 1000);
  const auto m = run_monitoring(f.db, kNow);
  std::set<std::string> kinds;
  for (const auto& a : m.alerts) kinds.insert(a.kind);
  EXPECT_TRUE(kinds.count("ctr_drop"));
  EXPECT_TRUE(kinds.count("client_flood"));
  EXPECT_TRUE(kinds.count("volume_spike"));
  EXPECT_EQ(f.db.query_int("SELECT count(*) FROM alerts"), static_cast<std::int64_t>(m.alerts.size()));
  // Average reward per impression from the core's reward table: 240 clicks over 2,400 impressions, then none.
  EXPECT_DOUBLE_EQ(m.baseline_avg_reward, 240 * wayfinder::bandit::RewardTable{}.click / 2400);
  EXPECT_EQ(m.avg_reward, 0.0);
}

TEST(Monitoring, QuietTrafficRaisesNoAlert) {
  DbFixture f;
  for (int i = 0; i < 500; ++i) f.add("c" + std::to_string(i % 20), "i" + std::to_string(i), "impression", "a/b", kNow - i * 100000);
  EXPECT_TRUE(run_monitoring(f.db, kNow).alerts.empty());
}

TEST(ExperimentEvaluation, IntervalsCoverTheirEstimates) {
  const auto w = wilson_interval(50, 1000);
  EXPECT_LT(w.low, 0.05);
  EXPECT_GT(w.high, 0.05);
  EXPECT_NEAR(w.low, 0.0381, 1e-3);
  EXPECT_NEAR(w.high, 0.0653, 1e-3);
  const auto m = mean_interval(10.0, 30.0, 10);
  EXPECT_LT(m.low, 1.0);
  EXPECT_GT(m.high, 1.0);
}

namespace {
// Deterministic uniform in [0,1) from a counter (SplitMix64), never std:: distributions.
double uniform(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  return static_cast<double>(wayfinder::mix64(state) >> 11) * 0x1.0p-53;
}

// Fraction of simulated experiments declaring a winner at some daily look.
double winner_rate(double ctr_a, double ctr_b, int experiments, int days, int per_day, std::uint64_t seed) {
  int winners = 0;
  std::uint64_t s = seed;
  SequentialTestConfig cfg;
  cfg.min_samples = 500;
  for (int x = 0; x < experiments; ++x) {
    ArmStats a{"similarity"}, b{"rl"};
    double p = 1.0;
    for (int d = 0; d < days; ++d) {
      for (int i = 0; i < per_day; ++i) {
        ++a.impressions;
        a.clicks += uniform(s) < ctr_a;
        ++b.impressions;
        b.clicks += uniform(s) < ctr_b;
      }
      const auto dec = sequential_decision(a, b, p, cfg);
      EXPECT_LE(dec.p_value, p);  // always-valid p never increases
      p = dec.p_value;
      if (dec.significant) {
        ++winners;
        break;
      }
    }
  }
  return static_cast<double>(winners) / experiments;
}
}  // namespace

TEST(ExperimentEvaluation, AATestsDeclareFalseWinnersAtMostFivePercentDespiteDailyLooks) {
  const double rate = winner_rate(0.05, 0.05, 1000, 30, 200, 12345);
  RecordProperty("false_winner_rate", std::to_string(rate));
  std::printf("A/A false-winner rate over 1000 experiments x 30 daily looks: %.3f\n", rate);
  EXPECT_LE(rate, 0.05);
}

TEST(ExperimentEvaluation, ARealDifferenceIsFound) {
  const double rate = winner_rate(0.05, 0.07, 200, 30, 200, 777);
  std::printf("A/B power (5%% vs 7%% CTR, 30 days x 200/arm): %.3f\n", rate);
  EXPECT_GE(rate, 0.8);
}

TEST(ExperimentEvaluation, EvaluatesStoredArmsAndPublishesEpsilon) {
  DbFixture f;
  f.db.exec("UPDATE rl_ab_test SET created_ms = 0");
  int id = 0;
  for (int i = 0; i < 3000; ++i) {
    for (const char* arm : {"rl", "similarity"}) {
      const auto r = "r" + std::to_string(id);
      f.add("c" + std::to_string(i % 100), "i" + std::to_string(id++), "impression", "a/b", kNow - 1000000 + i, r, 0, {}, arm);
      const bool click = std::string(arm) == "rl" ? (i % 5 == 0) : (i % 20 == 0);
      if (click) f.add("c" + std::to_string(i % 100), "k" + std::to_string(id++), "click", "a/b", kNow - 1000000 + i, r, 0, {}, arm);
    }
  }
  const auto out = evaluate_experiments(f.db, kNow);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]["arms"][0]["impressions"], 3000);
  EXPECT_NEAR(out[0]["arms"][0]["ctr"].get<double>(), 0.2, 1e-9);
  EXPECT_TRUE(out[0]["significant"].get<bool>());
  EXPECT_EQ(out[0]["winner"], "rl");
  EXPECT_LT(out[0]["epsilon"].get<double>(), 0.15);
  auto st = f.db.prepare("SELECT config FROM rl_ab_test");
  st.step();
  EXPECT_LT(json::parse(st.text(0))["epsilon"].get<double>(), 0.15);
}

TEST(RateLimiter, RefillsOverTime) {
  RateLimiter rl({2.0, 2.0});
  EXPECT_EQ(rl.acquire("k", 0), 0);
  EXPECT_EQ(rl.acquire("k", 0), 0);
  EXPECT_EQ(rl.acquire("k", 0), 1);
  EXPECT_EQ(rl.acquire("k", 500), 0);
}

TEST(ServerConfig, FlagsOverrideEnvironmentOverrideConfigFile) {
  auto dir = make_temp_dir("cfg");
  std::ofstream(dir / "c.json") << R"({"port": 9000, "host": "0.0.0.0", "halfLifeDays": 7, "mergeAt": "04:30"})";
  std::map<std::string, std::string> env = {{"WAYFINDER_PORT", "9100"}, {"WAYFINDER_DB", "/tmp/x.db"}};
  auto lookup = [&](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto cl = parse_command_line({"--config", (dir / "c.json").string(), "--port", "9200"}, lookup);
  EXPECT_EQ(cl.command, "serve");
  EXPECT_EQ(cl.config.port, 9200);
  EXPECT_EQ(cl.config.host, "0.0.0.0");
  EXPECT_EQ(cl.config.db, "/tmp/x.db");
  EXPECT_EQ(cl.config.merge.half_life_days, 7.0);
  EXPECT_EQ(cl.config.merge_at, "04:30");
  EXPECT_EQ(parse_command_line({"merge", "--db=/tmp/y.db", "--day", "2026-11-27"}, lookup).day, "2026-11-27");
  EXPECT_EQ(parse_command_line({"--help"}, lookup).command, "help");
  EXPECT_THROW(parse_command_line({"--port", "70000"}, lookup), std::invalid_argument);
  EXPECT_THROW(parse_command_line({"--bogus"}, lookup), std::invalid_argument);
  EXPECT_THROW(parse_command_line({"--merge-at", "25:00"}, lookup), std::invalid_argument);
  std::filesystem::remove_all(dir);
}

#include "known_projects.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/shard.h"
#include "../support/tiny_shard.h"

TEST(KnownProjects, PrefersVerifiedShardIdsOverTheCatalog) {
  auto dir = make_temp_dir("shards");
  std::filesystem::create_directories(dir / "shards");
  std::ofstream(dir / "catalog.jsonl") << "{\"id\":\"only/in-catalog\"}\n";
  using wayfinder::test_support::project;
  wayfinder::test_support::write_shard_files(dir / "shards", "s-000.wfshard",
                                        wayfinder::test_support::shard_input({project("owner/one"), project("owner/two")},
                                                                        {1, 0, 0, 0, 0, 1, 0, 0}, 4));
  const auto ids = load_known_projects(dir.string());
  EXPECT_EQ(ids->size(), 2u);
  EXPECT_TRUE(ids->contains("owner/two"));
  EXPECT_FALSE(ids->contains("only/in-catalog"));
  // A shard that does not match its manifest entry refuses to load.
  {
    std::ofstream out(dir / "shards" / "s-000.wfshard", std::ios::binary | std::ios::app);
    out << "x";
  }
  EXPECT_ANY_THROW(load_known_projects(dir.string()));
  // So does a vectors file that does not match its entry (the server loads both files of a shard).
  wayfinder::test_support::write_shard_files(dir / "shards", "s-000.wfshard",
                                        wayfinder::test_support::shard_input({project("owner/one"), project("owner/two")},
                                                                        {1, 0, 0, 0, 0, 1, 0, 0}, 4));
  EXPECT_EQ(load_known_projects(dir.string())->size(), 2u);
  {
    std::ofstream out(dir / "shards" / "s-000.vectors.wfshard", std::ios::binary | std::ios::app);
    out << "x";
  }
  EXPECT_ANY_THROW(load_known_projects(dir.string()));
  // Without shards the catalog is used.
  std::filesystem::remove_all(dir / "shards");
  EXPECT_TRUE(load_known_projects(dir.string())->contains("only/in-catalog"));
  std::filesystem::remove_all(dir);
}

TEST(ConnectionStrings, PasswordsAreMaskedInEveryForm) {
  EXPECT_EQ(redact_connection("postgresql://wf:s3cret@db.local:5432/wayfinder"), "postgresql://wf:***@db.local:5432/wayfinder");
  EXPECT_EQ(redact_connection("postgres://wf:p%40ss@h/db?sslmode=require&password=other"),
            "postgres://wf:***@h/db?sslmode=require&password=***");
  EXPECT_EQ(redact_connection("postgresql://wf@h/db"), "postgresql://wf@h/db");  // nothing to hide
  EXPECT_EQ(redact_connection("/var/lib/wayfinder.sqlite"), "/var/lib/wayfinder.sqlite");
  EXPECT_EQ(redact_connection("host=h password='a b' dbname=x"), "host=h password=*** dbname=x");
  EXPECT_TRUE(is_postgres_url("postgresql://h/db"));
  EXPECT_TRUE(is_postgres_url("postgres://h/db"));
  EXPECT_FALSE(is_postgres_url("wayfinder.sqlite"));
  // An error that echoes the whole string or the bare password loses both.
  const std::string url = "postgresql://wf:s3cret@h/db";
  const std::string msg = scrub_secret("cannot use " + url + " (password s3cret rejected)", url);
  EXPECT_EQ(msg.find("s3cret"), std::string::npos) << msg;
  EXPECT_NE(msg.find("postgresql://wf:***@h/db"), std::string::npos) << msg;
}
