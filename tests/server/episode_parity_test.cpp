// One learning loop: for random event streams of many learners — late, duplicated and out-of-order events, ratings
// changed later, follow-ups without impressions and past the episode window — each learner's own counts (the core's
// LearnerFold, which the WASM client holds) equal what the server's nightly merge credits to that learner, within
// 1e-9. Each learner acts on projects of its own, so a project's community counts are exactly one learner's credit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <random>
#include <string>
#include <vector>

#include "config.h"
#include "episodes.h"
#include "nightly_merge.h"
#include "server_test_support.h"
#include "storage.h"
#include "wayfinder/bandit/episode_fold.h"

using namespace wayfinder::server;
using namespace wayfinder::server::testing;
using wayfinder::bandit::kDayMs;
using wayfinder::events::Event;
using wayfinder::events::EventType;

namespace {

const std::int64_t kStart = day_start_ms("2026-11-01");

struct Stream {
  std::string client;
  std::vector<Event> events;         // with duplicates (same id twice)
  std::vector<std::int64_t> arrives;  // per event: the day (ms) before whose merge the server has it
};

Event make(std::mt19937_64& rng, const std::string& id, EventType type, const std::string& project,
           const std::string& ranking, std::int64_t at) {
  Event e;
  e.event_id = id;
  e.type = type;
  e.project_id = project;
  e.ranking_id = ranking;
  e.at_ms = at;
  e.at = wayfinder::format_iso8601_utc(at);
  e.arm = "rl";
  if (type == EventType::kImpression) {
    e.position = static_cast<std::int32_t>(rng() % 10);
    e.propensity = 0.5;
  } else if (rng() % 3 == 0) {
    e.position = static_cast<std::int32_t>(rng() % 10);
  }
  if (type == EventType::kRating) e.stars = static_cast<std::int32_t>(1 + rng() % 5);
  if (type == EventType::kDwell) e.seconds = static_cast<double>(rng() % 400) + 0.25;
  return e;
}

Stream learner_stream(std::mt19937_64& rng, int learner) {
  Stream s;
  s.client = "learner-" + std::to_string(learner);
  auto uniform = [&](std::int64_t lo, std::int64_t hi) { return lo + static_cast<std::int64_t>(rng() % (hi - lo)); };
  // Corrections too: an unbookmark takes a bookmark back, a second rating replaces the first, "not interested" and
  // its undo (docs/BANDIT.md).
  const EventType follow[] = {EventType::kClick,      EventType::kBookmark,      EventType::kRating,
                              EventType::kDwell,      EventType::kUnbookmark,    EventType::kNotInterested,
                              EventType::kUndoNotInterested, EventType::kRating};
  int n = 0;
  for (int key = 0; key < 10; ++key) {
    const auto project = "l" + std::to_string(learner) + "/p" + std::to_string(rng() % 4);
    const auto ranking = "r" + std::to_string(rng() % 6);  // rankings shared by several projects
    const std::int64_t t0 = kStart + uniform(0, 4 * kDayMs);
    auto id = [&] { return s.client + "-" + std::to_string(n++); };
    if (rng() % 100 < 85) s.events.push_back(make(rng, id(), EventType::kImpression, project, ranking, t0));
    if (rng() % 100 < 10) s.events.push_back(make(rng, id(), EventType::kImpression, project, ranking, t0 + uniform(1, 600000)));
    const int follow_ups = static_cast<int>(rng() % 5);
    for (int f = 0; f < follow_ups; ++f) {
      // Mostly within minutes; some before the impression (clocks), some days later, some past the 7-day window.
      const int kind = static_cast<int>(rng() % 10);
      const std::int64_t at = kind < 6 ? t0 + uniform(-50000, 3600000) : kind < 9 ? t0 + uniform(kDayMs, 6 * kDayMs)
                                                                                  : t0 + uniform(7 * kDayMs, 9 * kDayMs);
      s.events.push_back(make(rng, id(), follow[rng() % 8], project, ranking, at));
    }
  }
  const std::size_t originals = s.events.size();
  for (std::size_t k = 0; k < originals; ++k)
    if (rng() % 100 < 15) s.events.push_back(s.events[k]);  // sent twice (a retried batch, a beacon)
  for (const auto& e : s.events) {
    const std::int64_t own_day = wayfinder::bandit::day_of_ms(e.at_ms) * kDayMs;
    s.arrives.push_back(rng() % 100 < 30 ? own_day + uniform(1, 4) * kDayMs : own_day);  // 30 % arrive late
  }
  return s;
}

void insert(Database& db, const std::string& client, const Event& e) {
  db.prepare(
        "INSERT INTO user_interactions(client_id, event_id, batch_id, type, project_id, ranking_id, "
        "position, arm, propensity, stars, seconds, at_ms, received_ms) VALUES (?,?,'b',?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT DO NOTHING")
      .bind(1, client)
      .bind(2, e.event_id)
      .bind(3, std::string(wayfinder::events::to_string(e.type)))
      .bind(4, e.project_id)
      .bind(5, e.ranking_id)
      .bind(6, e.position >= 0 ? std::optional<int>(e.position) : std::nullopt)
      .bind(7, e.arm)
      .bind(8, e.propensity)
      .bind(9, e.stars ? std::optional<int>(*e.stars) : std::nullopt)
      .bind(10, e.seconds)
      .bind(11, e.at_ms)
      .bind(12, e.at_ms)
      .run();
}

// The client's side: events in the order the device tracked them (time order, with a little disorder from an
// explicit `at` and repeats), settled as the device's clock moves on.
wayfinder::bandit::LearnerFold client_fold(std::mt19937_64& rng, const Stream& s, double daily_cap) {
  wayfinder::bandit::CreditConfig credit;
  credit.daily_cap = daily_cap;
  wayfinder::bandit::LearnerFold fold({}, credit);
  auto evs = s.events;
  std::sort(evs.begin(), evs.end(), [](const Event& a, const Event& b) { return a.at_ms < b.at_ms; });
  for (std::size_t k = 1; k < evs.size(); ++k)
    if (rng() % 4 == 0) std::swap(evs[k - 1], evs[k]);
  std::set<std::string> seen;
  std::int64_t clock = 0;
  for (const auto& e : evs) {
    const bool fresh = seen.insert(e.event_id).second;
    EXPECT_EQ(fold.add(e), fresh) << e.event_id;
    clock = std::max(clock, e.at_ms);
    if (rng() % 5 == 0) fold.settle(clock);
  }
  return fold;
}

struct ParityDb {
  std::filesystem::path dir = make_temp_dir("parity");
  Database db = open_storage(test_db(dir, "parity"), false);
  ~ParityDb() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

// Merges day by day; before each day's merge the rows that have "arrived" by then are stored, in random order.
// Returns the last merged day.
std::int64_t merge_all(std::mt19937_64& rng, ParityDb& run, const std::vector<Stream>& streams, const MergeConfig& cfg) {
  std::vector<std::pair<std::string, const Event*>> pending;
  std::vector<std::int64_t> when;
  for (const auto& s : streams)
    for (std::size_t k = 0; k < s.events.size(); ++k) {
      pending.emplace_back(s.client, &s.events[k]);
      when.push_back(s.arrives[k]);
    }
  std::vector<std::size_t> order(pending.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<bool> stored(pending.size(), false);
  std::int64_t day = kStart;
  for (; day <= kStart + 20 * kDayMs; day += kDayMs) {
    for (const auto k : order) {
      if (stored[k] || when[k] > day) continue;
      insert(run.db, pending[k].first, *pending[k].second);
      stored[k] = true;
    }
    run_merge(run.db, cfg, day_of(day), kNow);
  }
  EXPECT_TRUE(std::all_of(stored.begin(), stored.end(), [](bool b) { return b; }));
  return day - kDayMs;
}

std::map<std::string, std::pair<double, double>> community(Database& db) {
  std::map<std::string, std::pair<double, double>> out;
  auto st = db.prepare("SELECT project_id, alpha, beta FROM bandit_parameters");
  while (st.step()) out[st.text(0)] = {st.real(1), st.real(2)};
  return out;
}

}  // namespace

TEST(EpisodeParity, EveryLearnersLocalCountsEqualWhatTheMergeCreditsThem) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<Stream> streams;
    for (int l = 0; l < 25; ++l) streams.push_back(learner_stream(rng, l));
    MergeConfig cfg;
    cfg.half_life_days = std::numeric_limits<double>::infinity();  // the device's own counts do not decay
    ParityDb run;
    merge_all(rng, run, streams, cfg);
    const auto server = community(run.db);
    std::size_t compared = 0;
    for (const auto& s : streams) {
      const auto fold = client_fold(rng, s, cfg.daily_cap_per_client);
      for (const auto& [project, c] : fold.counts()) {
        const auto it = server.find(project);
        const auto got = it == server.end() ? std::pair<double, double>{0, 0} : it->second;
        EXPECT_NEAR(got.first, c.alpha, 1e-9) << "seed " << seed << " " << project;
        EXPECT_NEAR(got.second, c.beta, 1e-9) << "seed " << seed << " " << project;
        ++compared;
      }
    }
    EXPECT_GT(compared, 60u);
    EXPECT_EQ(server.size(), compared) << "the server credited a project no learner's fold knows";
  }
}

TEST(EpisodeParity, WithDecayTheMergeEqualsTheCoreCreditDecayedToTheLastMergedDay) {
  std::mt19937_64 rng(99);
  std::vector<Stream> streams;
  for (int l = 0; l < 25; ++l) streams.push_back(learner_stream(rng, l));
  MergeConfig cfg;  // half-life 14 days
  ParityDb run;
  const std::int64_t last = merge_all(rng, run, streams, cfg) / kDayMs;
  const auto server = community(run.db);
  for (const auto& s : streams) {
    wayfinder::bandit::LearnerFold all;  // unsettled, so every day's credit is still visible
    for (const auto& e : s.events) all.add(e);
    std::map<std::string, std::pair<double, double>> want;
    for (const auto& c : all.live_credits()) {
      const double w = wayfinder::bandit::decay_weight(c.day, last, cfg.half_life_days);
      want[c.project_id].first += c.added.alpha * w;
      want[c.project_id].second += c.added.beta * w;
    }
    for (const auto& [project, ab] : want) {
      EXPECT_NEAR(server.at(project).first, ab.first, 1e-9) << project;
      EXPECT_NEAR(server.at(project).second, ab.second, 1e-9) << project;
    }
  }
}
