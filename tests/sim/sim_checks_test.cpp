// Fast deterministic checks of the simulators: same seed → same numbers, the policies rank as they must on a small
// synthetic catalog, and the OBD calibration reads the real logs the report relies on.
#include <gtest/gtest.h>

#include <filesystem>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "learner_sim.h"
#include "obd_bandit.h"
#include "obd_log.h"
#include "sim_sequential.h"
#include "stats.h"
#include "wayfinder/shard/shard.h"
#include "../support/tiny_shard.h"

using namespace wayfinder::sim;

namespace {

// A small catalog written to a temp file: 8 topics × 40 projects, two languages, stars varying.
std::string write_small_catalog() {
  const auto path = std::filesystem::temp_directory_path() / "wf_sim_small_catalog.jsonl";
  std::ofstream f(path);
  const char* topics[] = {"machine-learning", "web", "games", "databases", "compilers", "security", "robotics", "audio"};
  int id = 0;
  for (int t = 0; t < 8; ++t)
    for (int k = 0; k < 40; ++k, ++id) {
      f << R"({"id":"o)" << id << "/r" << id << R"(","full_name":"o)" << id << "/r" << id << R"(","url":"","description":"a )"
        << topics[t] << R"( project","language":")" << (k % 2 ? "Python" : "Rust") << R"(","topics":[")" << topics[t]
        << R"(",")" << topics[(t + 1 + k % 3) % 8] << R"("],"categories":[],"labels":[],"collections":[],"stars":)"
        << (k * 37 % 500) << R"(,"forks":0,"complexity":")" << (k % 3 == 0 ? "beginner" : "intermediate")
        << R"(","aliases":[],"sources":["test"]})" << "\n";
    }
  return path.string();
}

WorldConfig small_world() {
  WorldConfig w;
  w.users = 30;
  w.days = 10;
  w.candidates = 60;
  return w;
}

// The small catalog as a shard: 16-d vectors, dimension t/2 set for topic t (so topics cluster), plus a manifest.
std::string write_small_shard() {
  std::ifstream in(write_small_catalog());
  std::vector<wayfinder::ProjectMeta> projects;
  std::vector<float> vectors;
  std::string line;
  int row = 0;
  while (std::getline(in, line)) {
    projects.push_back(nlohmann::json::parse(line).get<wayfinder::ProjectMeta>());
    for (int d = 0; d < 16; ++d) vectors.push_back(d == (row / 40) * 2 ? 0.9f : (d == row % 16 ? 0.3f : 0.05f));
    ++row;
  }
  const auto dir = std::filesystem::temp_directory_path() / "wf_sim_small_shard";
  wayfinder::test_support::write_shard_files(
      dir, "s.wfshard", wayfinder::test_support::shard_input(std::move(projects), std::move(vectors), 16, "sim-test"));
  return (dir / "manifest.json").string();
}

}  // namespace

TEST(SimChecks, ShardCatalogRanksWithTheCoreContentRankerDeterministically) {
  const auto catalog = load_catalog_from_shard(write_small_shard());
  ASSERT_TRUE(catalog.shard.has_value());
  EXPECT_EQ(catalog.projects.size(), 320u);
  EXPECT_FALSE(possible_profiles(catalog).empty());
  const LearnerWorld a(catalog, small_world(), 5), b(catalog, small_world(), 5);
  EXPECT_EQ(a.embedded_queries(), 0u);  // no profile vectors given: topic-mean queries
  for (std::size_t u = 0; u < a.users(); ++u) {
    ASSERT_FALSE(a.content(u).top.empty());
    EXPECT_EQ(a.content(u).top.front().index, b.content(u).top.front().index);
    EXPECT_GT(a.content(u).top.front().cosine, 0.5f);  // the query is the mean of the topic's own vectors
  }
  EXPECT_EQ(a.run(standard_policies().back()).ctr(), b.run(standard_policies().back()).ctr());
  // The arms with project features (fitted basis, tags from the shard's facets) are seeded too.
  for (const auto& policy : {contextual_policy(), hierarchical_policy()}) {
    const auto ra = a.run(policy), rb = b.run(policy);
    ASSERT_EQ(ra.days.size(), rb.days.size());
    for (std::size_t d = 0; d < ra.days.size(); ++d) {
      EXPECT_EQ(ra.days[d].clicks, rb.days[d].clicks) << policy.name;
      EXPECT_EQ(ra.days[d].reward, rb.days[d].reward) << policy.name;
    }
    EXPECT_GT(ra.days.back().coverage, 0.0) << policy.name;
  }
}

TEST(SimChecks, SameSeedGivesIdenticalMetrics) {
  const auto catalog = load_catalog(write_small_catalog());
  const auto policy = standard_policies().back();
  const auto a = LearnerWorld(catalog, small_world(), 42).run(policy);
  const auto b = LearnerWorld(catalog, small_world(), 42).run(policy);
  ASSERT_EQ(a.days.size(), b.days.size());
  for (std::size_t d = 0; d < a.days.size(); ++d) {
    EXPECT_EQ(a.days[d].clicks, b.days[d].clicks);
    EXPECT_EQ(a.days[d].reward, b.days[d].reward);
    EXPECT_EQ(a.days[d].expected_clicks, b.days[d].expected_clicks);
  }
  const auto c = LearnerWorld(catalog, small_world(), 43).run(policy);
  EXPECT_NE(a.ctr(), c.ctr());
}

TEST(SimChecks, HybridBeatsRandomAndNoPolicyBeatsTheOracle) {
  const auto catalog = load_catalog(write_small_catalog());
  const auto policies = standard_policies();
  double hybrid = 0, random = 0;
  for (std::uint64_t seed : {1, 2, 3}) {
    const LearnerWorld world(catalog, small_world(), seed);
    for (const auto& p : policies) {
      const auto r = world.run(p);
      for (const auto& d : r.days) EXPECT_LE(d.expected_clicks, d.oracle_expected_clicks + 1e-9) << p.name;
      if (p.name == "hybrid") hybrid += r.ctr();
      if (p.name == "random") random += r.ctr();
    }
  }
  EXPECT_GT(hybrid, random);
}

TEST(SimChecks, ThompsonOnRawObdCalibrationBeatsRandomAndStaysBelowOracle) {
  const auto log = read_obd_csv(std::string(WF_SOURCE_DIR) + "/data/open-bandit-dataset/random/men/men.csv", "random/men");
  ASSERT_EQ(log.rounds.size(), 10000u);
  EXPECT_EQ(log.clicks(), 46);
  const auto model = calibrate_raw(log);
  const std::vector<std::int64_t> cp{20000};
  const auto rnd = run_slate_bandit(model, SlatePolicy::uniform_random, 20000, 5, cp);
  const auto ts = run_slate_bandit(model, SlatePolicy::bernoulli_ts, 20000, 5, cp);
  const auto orc = run_slate_bandit(model, SlatePolicy::oracle, 20000, 5, cp);
  EXPECT_GT(ts.clicks[0], rnd.clicks[0]);
  EXPECT_LE(ts.clicks[0], orc.clicks[0] * 1.1);
  const auto again = run_slate_bandit(model, SlatePolicy::bernoulli_ts, 20000, 5, cp);
  EXPECT_EQ(ts.clicks[0], again.clicks[0]);
}

TEST(SimChecks, ShrunkCalibrationFlattensItemsWithoutDetectableSpread) {
  const auto log = read_obd_csv(std::string(WF_SOURCE_DIR) + "/data/open-bandit-dataset/random/women/women.csv", "random/women");
  double strength = 0;
  const auto m = calibrate_shrunk(log, &strength);
  EXPECT_LT(strength, 0);  // observed spread below binomial noise: all items equal
  for (double t : m.item_ctr) EXPECT_DOUBLE_EQ(t, log.ctr());
}

TEST(SimChecks, IntervalOfConstantValuesIsAPoint) {
  const std::vector<double> v{0.5, 0.5, 0.5};
  const auto i = mean_ci95(v);
  EXPECT_DOUBLE_EQ(i.lo, 0.5);
  EXPECT_DOUBLE_EQ(i.hi, 0.5);
  EXPECT_THROW(mean_ci95(std::vector<double>{}), std::invalid_argument);
}

TEST(SimChecks, SplitTestsGoThroughTheSequentialTest) {
  const auto catalog = load_catalog(write_small_catalog());
  auto w = small_world();
  w.users = 100;
  std::map<std::string, std::vector<RunMetrics>> runs;
  for (std::uint64_t seed : {1, 2}) {
    const LearnerWorld world(catalog, w, seed);
    for (const auto& p : standard_policies())
      if (p.name == "random" || p.name == "hybrid") runs[p.name].push_back(world.run(p));
  }
  // Per-learner counts add up to the day totals (what the split reads).
  for (const auto& r : runs["hybrid"])
    for (std::size_t d = 0; d < r.days.size(); ++d) {
      double n = 0, c = 0;
      for (std::size_t u = 0; u < w.users; ++u) {
        n += r.user_day_impressions[d * w.users + u];
        c += r.user_day_clicks[d * w.users + u];
      }
      EXPECT_EQ(n, r.days[d].impressions);
      EXPECT_EQ(c, r.days[d].clicks);
    }
  nlohmann::json js;
  const auto md = run_sequential_section(runs, {{"A/A hybrid", "hybrid", "hybrid"}, {"A/B hybrid vs random", "random", "hybrid"}},
                                         w.users, w.days, 10, js);
  std::printf("%s", md.c_str());
  EXPECT_EQ(js["sequential"]["A/A hybrid"]["experiments"], 20);
  EXPECT_LE(js["sequential"]["A/A hybrid"]["decided"].get<int>(), 2) << "an A/A must not find a winner";
  const auto& ab = js["sequential"]["A/B hybrid vs random"];
  EXPECT_GE(ab["decided"].get<int>(), 18) << "a large real difference is found";
  EXPECT_EQ(ab["winners"].value("hybrid", 0), ab["decided"].get<int>()) << "and its winner is the better arm";
}
