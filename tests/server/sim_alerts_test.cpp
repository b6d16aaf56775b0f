// The spam alerts against the simulator's honest traffic: 200 simulated learners (tests/sim, the hybrid policy with
// community counts) over 30 days, every shown project sent to the server as the device would send it, the hourly
// monitoring run after every simulated hour. No success_spike or new_client_successes alert may fire; then a flood
// of fresh client ids on one project must raise both.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

#include "learner_sim.h"
#include "server_test_support.h"

namespace wayfinder::server::testing {
namespace {

using json = nlohmann::json;
constexpr std::int64_t kHour = 3600000;
constexpr std::int64_t kDay = 24 * kHour;

// A synthetic catalog: 12 topics × 100 projects, two languages; one file for the simulator and the server.
std::string write_catalog(const std::filesystem::path& dir) {
  const char* topics[] = {"machine-learning", "web", "games", "databases", "compilers", "security",
                          "robotics", "audio", "education", "cli", "data-visualization", "mobile"};
  std::filesystem::create_directories(dir);
  const auto path = dir / "catalog.jsonl";
  std::ofstream f(path);
  for (int id = 0; id < 1200; ++id) {
    const int t = id / 100, k = id % 100;
    json p = {{"id", "o" + std::to_string(id) + "/r" + std::to_string(id)}, {"full_name", "o/r"}, {"url", ""},
              {"description", std::string("a ") + topics[t] + " project"}, {"language", k % 2 ? "Python" : "Rust"},
              {"topics", {topics[t], topics[(t + 1 + k % 3) % 12]}}, {"categories", json::array()},
              {"labels", json::array()}, {"collections", json::array()}, {"stars", k * 37 % 500}, {"forks", 0},
              {"complexity", k % 3 == 0 ? "beginner" : "intermediate"}, {"aliases", json::array()},
              {"sources", {"test"}}};
    f << p.dump() << "\n";
  }
  return path.string();
}

// What the device sends for one shown project: the impression, and click, bookmark, rating, dwell as they happened.
json wire_events(const sim::ShownEpisode& s, const std::string& project, std::int64_t at, int slot) {
  const std::string id = "u" + std::to_string(s.user) + "d" + std::to_string(s.day) + "p" + std::to_string(slot);
  json events = json::array({event_json(id + "i", "impression", project, at, "r" + id, slot)});
  if (!s.episode.clicked) return events;
  events.push_back(event_json(id + "c", "click", project, at + 1000, "r" + id));
  if (s.episode.bookmarked) events.push_back(event_json(id + "b", "bookmark", project, at + 2000, "r" + id));
  if (s.episode.stars) {
    auto r = event_json(id + "r", "rating", project, at + 3000, "r" + id);
    r["stars"] = *s.episode.stars;
    events.push_back(r);
  }
  auto d = event_json(id + "d", "dwell", project, at + 4000, "r" + id);
  d["seconds"] = std::min(s.episode.dwell_seconds, 3600.0);
  events.push_back(d);
  return events;
}

std::int64_t spam_alerts(const json& m) {
  std::int64_t n = 0;
  for (const auto& a : m["alerts"]) n += a["kind"] == "success_spike" || a["kind"] == "new_client_successes";
  return n;
}

TEST(SimulatedTraffic, ThirtyHonestDaysRaiseNoSpamAlertAndAFloodRaisesBoth) {
  const auto dir = make_temp_dir("simalerts");
  const std::string catalog_path = write_catalog(dir / "models");
  const auto catalog = sim::load_catalog(catalog_path);
  sim::WorldConfig world;  // 200 learners × 30 days, one session of 10 projects a day
  world.candidates = 200;
  const sim::LearnerWorld learners(catalog, world, 7);
  std::map<std::pair<int, std::size_t>, std::vector<sim::ShownEpisode>> sessions;  // (day, learner) → page
  learners.run({"hybrid", sim::PolicyKind::hybrid, true, 0.9, {}, 0.0}, [&](const sim::ShownEpisode& s) {
    sessions[{s.day, s.user}].push_back(s);
  });

  ServerFixture f([&](ServerConfig& c) {
    c.models_dir = (dir / "models").string();
    c.per_client = {0, 1};
    c.per_address = {0, 1};
  });
  const std::int64_t start = kNow - 40 * kDay;
  std::int64_t honest_alerts = 0, checks = 0;
  for (int day = 0; day < world.days; ++day) {
    for (int hour = 0; hour < 24; ++hour) {
      const std::int64_t hour_end = start + day * kDay + (hour + 1) * kHour;
      f.service->set_clock([hour_end] { return hour_end; });
      for (std::size_t u = static_cast<std::size_t>(hour); u < world.users; u += 24) {
        json events = json::array();
        const auto& page = sessions[{day, u}];
        for (std::size_t slot = 0; slot < page.size(); ++slot) {
          for (auto& e : wire_events(page[slot], catalog.projects[page[slot].project].id, hour_end - 1800000,
                                     static_cast<int>(slot))) {
            events.push_back(std::move(e));
          }
        }
        const auto r = f.post("/v1/feedback", batch_json("learner" + std::to_string(u), "d" + std::to_string(day),
                                                         events, hour_end - 60000).dump());
        ASSERT_EQ(r.status, 200) << r.body;
      }
      const json m = f.service->monitor_now();
      honest_alerts += spam_alerts(m);
      ++checks;
      if (spam_alerts(m)) ADD_FAILURE() << "day " << day << " hour " << hour << ": " << m["alerts"].dump();
    }
  }
  std::printf("[ sim ] %lld hourly checks over %d simulated days of %zu learners: %lld spam alerts\n",
              static_cast<long long>(checks), world.days, world.users, static_cast<long long>(honest_alerts));
  EXPECT_EQ(honest_alerts, 0);

  // The flood, the next hour: 2,000 fresh ids, each a 5-star episode on one project.
  const std::int64_t flood_at = start + world.days * kDay + kHour;
  f.service->set_clock([flood_at] { return flood_at; });
  const std::string target = catalog.projects[5].id;
  for (int i = 0; i < 2000; ++i) {
    const std::string id = "fake" + std::to_string(i);
    json events = json::array();
    for (const char* type : {"impression", "click", "bookmark", "rating"}) {
      events.push_back(event_json(id + type, type, target, flood_at - 600000, "r" + id));
    }
    ASSERT_EQ(f.post("/v1/feedback", batch_json(id, "b" + id, events, flood_at - 60000).dump()).status, 200);
  }
  const json m = f.service->monitor_now();
  std::printf("[ sim ] the flood: %s\n", m["alerts"].dump().c_str());
  EXPECT_EQ(spam_alerts(m), 2) << m.dump();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace wayfinder::server::testing
