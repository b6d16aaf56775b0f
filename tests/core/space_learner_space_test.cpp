// The learner's space (space/learner_space.h): saved, history and hidden projects from the wire events, decided by
// the latest event whatever the arrival order, and its saved state.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wayfinder/space/learner_space.h"
#include "wayfinder/time_utc.h"

using wayfinder::events::Event;
using wayfinder::events::EventType;
using wayfinder::space::LearnerSpace;

namespace {

constexpr std::int64_t kT0 = 1764547200000LL;  // 2025-12-01T00:00:00Z
constexpr std::int64_t kMin = 60000LL;

Event ev(const std::string& id, EventType type, std::int64_t at, const std::string& project, int stars = 0) {
  Event e;
  e.event_id = id;
  e.type = type;
  e.project_id = project;
  e.ranking_id = "r-" + id;
  e.at_ms = at;
  e.at = wayfinder::format_iso8601_utc(at);
  if (type == EventType::kRating) e.stars = stars;
  if (type == EventType::kDwell) e.seconds = 10.0;
  return e;
}

std::vector<Event> stream() {
  return {ev("b1", EventType::kBookmark, kT0, "a/one"),
          ev("b2", EventType::kBookmark, kT0 + kMin, "a/two"),
          ev("b3", EventType::kBookmark, kT0 + 2 * kMin, "a/three"),
          ev("u2", EventType::kUnbookmark, kT0 + 3 * kMin, "a/two"),
          ev("c1", EventType::kClick, kT0 + 4 * kMin, "a/one"),
          ev("r1", EventType::kRating, kT0 + 5 * kMin, "a/one", 4),
          ev("r1b", EventType::kRating, kT0 + 6 * kMin, "a/one", 2),
          ev("c4", EventType::kClick, kT0 + 7 * kMin, "a/four"),
          ev("n5", EventType::kNotInterested, kT0 + 8 * kMin, "a/five"),
          ev("n6", EventType::kNotInterested, kT0 + 9 * kMin, "a/six"),
          ev("x6", EventType::kUndoNotInterested, kT0 + 10 * kMin, "a/six"),
          ev("i7", EventType::kImpression, kT0 + 11 * kMin, "a/seven")};
}

void expect_views(const LearnerSpace& s) {
  const auto saved = s.saved();
  ASSERT_EQ(saved.size(), 2u);
  EXPECT_EQ(saved[0].project_id, "a/three");  // newest first
  EXPECT_EQ(saved[1].project_id, "a/one");
  EXPECT_EQ(saved[1].saved.ranking_id, "r-b1");
  const auto h = s.history();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].project_id, "a/four");
  EXPECT_EQ(h[1].project_id, "a/one");
  EXPECT_EQ(h[1].stars, 2);  // the later rating replaced the earlier one
  EXPECT_EQ(h[1].rated->event_id, "r1b");
  EXPECT_TRUE(s.is_hidden("a/five"));
  EXPECT_FALSE(s.is_hidden("a/six"));  // undone
  EXPECT_EQ(s.hidden().size(), 1u);
}

}  // namespace

TEST(SpaceLearnerSpace, ViewsAreDecidedByTheLatestEventWhateverTheArrivalOrder) {
  auto evs = stream();
  for (int round = 0; round < 6; ++round) {
    LearnerSpace s;
    for (const auto& e : evs) s.add(e);
    for (const auto& e : evs) EXPECT_FALSE(s.add(e)) << e.event_id;  // a repeated event changes nothing
    expect_views(s);
    std::reverse(evs.begin(), evs.end());
    if (round % 2) std::rotate(evs.begin(), evs.begin() + 5, evs.end());
  }
}

TEST(SpaceLearnerSpace, SavedStateRoundTripsAndCorruptStateIsRefusedNamingTheField) {
  LearnerSpace s;
  for (const auto& e : stream()) s.add(e);
  const nlohmann::json j = s;
  LearnerSpace back;
  from_json(j, back);
  expect_views(back);
  EXPECT_EQ(nlohmann::json(back), j);

  auto bad = j;
  bad["rated"]["a/one"][3] = 9;
  try {
    from_json(bad, back);
    FAIL() << "accepted 9 stars";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("rated.a/one[3]"), std::string::npos) << e.what();
  }
  expect_views(back);  // the refused state left the old one as it was
  bad = j;
  bad["version"] = 2;
  EXPECT_THROW(from_json(bad, back), std::invalid_argument);
  bad = j;
  bad["saved"]["a/one"] = "yes";
  EXPECT_THROW(from_json(bad, back), std::invalid_argument);
  bad = j;
  bad.erase("hidden");
  EXPECT_THROW(from_json(bad, back), std::invalid_argument);
}
