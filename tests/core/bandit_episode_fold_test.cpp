// The one episode fold (bandit/episode_fold.h): what opens, joins and closes an episode, duplicates, order, later
// ratings, the credit under the daily cap, settling and the saved state.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "wayfinder/time_utc.h"
#include "wayfinder/bandit/episode_fold.h"

using namespace wayfinder::bandit;
using wayfinder::events::Event;
using wayfinder::events::EventType;

namespace {

constexpr std::int64_t kT0 = 1764547200000LL;  // 2025-12-01T00:00:00Z
constexpr std::int64_t kMin = 60000LL;

Event ev(const std::string& id, EventType type, std::int64_t at, const std::string& project = "a/b",
         const std::string& ranking = "r1", int position = -1) {
  Event e;
  e.event_id = id;
  e.type = type;
  e.project_id = project;
  e.ranking_id = ranking;
  e.position = position;
  e.at_ms = at;
  e.at = wayfinder::format_iso8601_utc(at);
  if (type == EventType::kRating) e.stars = 5;
  if (type == EventType::kDwell) e.seconds = 10.0;
  return e;
}
Event rating(const std::string& id, int stars, std::int64_t at, const std::string& project = "a/b") {
  auto e = ev(id, EventType::kRating, at, project);
  e.stars = stars;
  return e;
}

// prefix + n without operator+(const char*, string&&), which trips g++ 12's -Wrestrict false positive.
std::string name(const std::string& prefix, int n) {
  std::string s = prefix;
  s += std::to_string(n);
  return s;
}

}  // namespace

TEST(BanditEpisodeFold, ImpressionOpensFollowUpsJoinRepeatsChangeNothing) {
  const auto eps = fold_key({ev("i", EventType::kImpression, kT0, "a/b", "r1", 3), ev("c", EventType::kClick, kT0 + kMin),
                             ev("i2", EventType::kImpression, kT0 + 2 * kMin, "a/b", "r1", 7),
                             ev("d", EventType::kDwell, kT0 + 3 * kMin), ev("d2", EventType::kDwell, kT0 + 4 * kMin)});
  ASSERT_EQ(eps.size(), 1u);
  EXPECT_TRUE(eps[0].impression);
  EXPECT_EQ(eps[0].episode.position, 3);  // the first impression's slot
  EXPECT_TRUE(eps[0].episode.clicked);
  EXPECT_DOUBLE_EQ(eps[0].episode.dwell_seconds, 20.0);
  EXPECT_EQ(eps[0].events, 5u);
  EXPECT_EQ(eps[0].day, day_of_ms(kT0));
}

TEST(BanditEpisodeFold, FollowUpWithoutImpressionOpensAnEpisodeAtItsPosition) {
  const auto eps = fold_key({ev("c", EventType::kClick, kT0, "a/b", "r1", 4)});
  ASSERT_EQ(eps.size(), 1u);
  EXPECT_FALSE(eps[0].impression);
  EXPECT_EQ(eps[0].episode.position, 4);
  EXPECT_TRUE(eps[0].episode.clicked);
  // An impression a little later (clocks, batching) joins it and gives the slot.
  const auto two = fold_key({ev("c", EventType::kClick, kT0), ev("i", EventType::kImpression, kT0 + 30000, "a/b", "r1", 2)});
  ASSERT_EQ(two.size(), 1u);
  EXPECT_TRUE(two[0].impression);
  EXPECT_EQ(two[0].episode.position, 2);
}

TEST(BanditEpisodeFold, ALaterRatingReplacesAnEarlierOneWhateverTheArrivalOrder) {
  const std::vector<Event> evs = {ev("i", EventType::kImpression, kT0), rating("x", 5, kT0 + kMin), rating("y", 1, kT0 + 2 * kMin)};
  for (auto order : {std::vector<int>{0, 1, 2}, {2, 1, 0}, {1, 2, 0}}) {
    std::vector<Event> in;
    for (int k : order) in.push_back(evs[k]);
    const auto eps = fold_key(in);
    ASSERT_EQ(eps.size(), 1u);
    EXPECT_EQ(eps[0].episode.stars, 1);
  }
}

TEST(BanditEpisodeFold, TheWindowClosesAnEpisodeAndTheNextEventOpensAnother) {
  const FoldConfig cfg{kDayMs};
  const auto eps = fold_key({ev("i", EventType::kImpression, kT0), ev("c", EventType::kClick, kT0 + kDayMs - 1),
                             ev("b", EventType::kBookmark, kT0 + kDayMs), ev("c2", EventType::kClick, kT0 + kDayMs + 5)},
                            cfg);
  ASSERT_EQ(eps.size(), 2u);
  EXPECT_TRUE(eps[0].episode.clicked);
  EXPECT_FALSE(eps[0].episode.bookmarked);
  EXPECT_EQ(eps[1].opened_ms, kT0 + kDayMs);
  EXPECT_TRUE(eps[1].episode.bookmarked && eps[1].episode.clicked);
  EXPECT_EQ(eps[1].day, eps[0].day + 1);
}

TEST(BanditEpisodeFold, CreditIsCappedPerProjectAndDayAndIgnoresOrderAndDuplicates) {
  std::vector<Event> evs;
  for (int r = 0; r < 4; ++r) {
    const auto rk = name("r", r);
    auto i = ev(name("i", r), EventType::kImpression, kT0 + r * kMin, "a/b", rk, 0);
    auto c = ev(name("c", r), EventType::kClick, kT0 + r * kMin + 1, "a/b", rk);
    auto b = ev(name("b", r), EventType::kBookmark, kT0 + r * kMin + 2, "a/b", rk);
    evs.insert(evs.end(), {i, c, b, c});  // the click twice: a duplicate
  }
  evs.push_back(ev("j", EventType::kImpression, kT0, "c/d", "r0", 9));  // ignored view at slot 9
  std::mt19937 rng(5);
  std::map<std::string, BetaCounts> first;
  for (int round = 0; round < 20; ++round) {
    std::shuffle(evs.begin(), evs.end(), rng);
    LearnerFold f;
    for (const auto& e : evs) f.add(e);
    const auto c = f.counts();
    EXPECT_DOUBLE_EQ(c.at("a/b").alpha, 1.0);  // four full successes, capped at 1 a day
    EXPECT_DOUBLE_EQ(c.at("a/b").beta, 0.0);
    EXPECT_NEAR(c.at("c/d").beta, 0.1 * std::pow(10.0, -0.7), 1e-12);
    if (round == 0) first = c;
    EXPECT_EQ(c.at("c/d").beta, first.at("c/d").beta);
  }
}

TEST(BanditEpisodeFold, DuplicateIdsAreRefusedOnce) {
  LearnerFold f;
  EXPECT_TRUE(f.add(ev("c", EventType::kClick, kT0)));
  EXPECT_FALSE(f.add(ev("c", EventType::kClick, kT0)));
  EXPECT_EQ(f.live_events(), 1u);
  EXPECT_NEAR(f.counts_of("a/b").alpha, 5.0 / 15.0, 1e-15);
}

TEST(BanditEpisodeFold, SettlingKeepsTheCountsAndForgetsTheEvents) {
  LearnerFold f;
  std::vector<Event> evs;
  for (int d = 0; d < 20; ++d) {
    const auto rk = name("r", d % 3);  // keys spanning several windows
    evs.push_back(ev(name("i", d), EventType::kImpression, kT0 + d * kDayMs, name("p/", d % 4), rk, d % 5));
    if (d % 2) evs.push_back(ev(name("c", d), EventType::kClick, kT0 + d * kDayMs + 3 * kDayMs, name("p/", d % 4), rk));
  }
  for (const auto& e : evs) f.add(e);
  const auto before = f.counts();
  f.settle(kT0 + 20 * kDayMs);
  EXPECT_LT(f.live_events(), evs.size());
  const auto after = f.counts();
  for (const auto& [id, c] : before) {
    EXPECT_NEAR(after.at(id).alpha, c.alpha, 1e-12) << id;
    EXPECT_NEAR(after.at(id).beta, c.beta, 1e-12) << id;
  }
  // An event of a settled day is refused; the saved state round-trips.
  EXPECT_FALSE(f.add(ev("late", EventType::kClick, kT0 + kDayMs, "p/1", "r1")));
  LearnerFold g;
  from_json(nlohmann::json(f), g);
  EXPECT_EQ(nlohmann::json(g).dump(), nlohmann::json(f).dump());
  EXPECT_EQ(g.settled_day(), f.settled_day());
}

TEST(BanditEpisodeFold, ACorruptSavedStateIsRefusedNamingWhatIsWrong) {
  LearnerFold f;
  f.add(ev("c", EventType::kClick, kT0));
  const nlohmann::json good = f;
  auto expect_refused = [](nlohmann::json j, const std::string& needle) {
    LearnerFold g;
    try {
      from_json(j, g);
      FAIL() << "accepted: " << j.dump();
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  auto j = good;
  j["version"] = 99;
  expect_refused(j, "version");
  j = good;
  j["settled"] = {{"a/b", {{"alpha", -1}, {"beta", 0}}}};
  expect_refused(j, "settled.a/b");
  j = good;
  j["events"][0]["type"] = "like";
  expect_refused(j, "type");
  j = good;
  j["events"].push_back(j["events"][0]);
  expect_refused(j, "duplicate");
  expect_refused(nlohmann::json::array(), "object");
}

TEST(BanditEpisodeFold, DecayWeight) {
  EXPECT_EQ(decay_weight(10, 10, 14), 1.0);
  EXPECT_EQ(decay_weight(10, 24, 14), 0.5);
  EXPECT_EQ(decay_weight(10, 24, 0), 1.0);
  EXPECT_EQ(decay_weight(10, 24, std::numeric_limits<double>::infinity()), 1.0);
  EXPECT_THROW(decay_weight(1, 2, -1), std::invalid_argument);
  EXPECT_EQ(day_of_ms(-1), -1);
  EXPECT_EQ(day_of_ms(kDayMs), 1);
}

TEST(BanditEpisodeFold, UnbookmarkTakesTheBookmarksRewardBackWhateverTheArrivalOrder) {
  const std::vector<Event> evs = {ev("i", EventType::kImpression, kT0, "a/b", "r1", 0), ev("b", EventType::kBookmark, kT0 + kMin),
                                  ev("u", EventType::kUnbookmark, kT0 + 2 * kMin)};
  for (auto order : {std::vector<int>{0, 1, 2}, {2, 1, 0}, {1, 2, 0}}) {
    std::vector<Event> in;
    for (int k : order) in.push_back(evs[k]);
    const auto eps = fold_key(in);
    ASSERT_EQ(eps.size(), 1u);
    EXPECT_FALSE(eps[0].episode.bookmarked);
    // Taken back, it earns nothing, and it is not an ignored view either (the learner acted on the card).
    EXPECT_DOUBLE_EQ(episode_reward(eps[0].episode), 0.0);
    const auto c = credit_days(eps);
    EXPECT_DOUBLE_EQ(c[0].added.alpha, 0.0);
    EXPECT_DOUBLE_EQ(c[0].added.beta, 0.0);
  }
  // Bookmarked again after the unbookmark: the latest wins.
  auto again = evs;
  again.push_back(ev("b2", EventType::kBookmark, kT0 + 3 * kMin));
  EXPECT_TRUE(fold_key(again)[0].episode.bookmarked);
  EXPECT_DOUBLE_EQ(credit_days(fold_key(again))[0].added.alpha, 10.0 / 15.0);
}

TEST(BanditEpisodeFold, NotInterestedIsOneFullFailureAndUndoTakesItBack) {
  const auto i = ev("i", EventType::kImpression, kT0, "a/b", "r1", 4);
  const auto n = ev("n", EventType::kNotInterested, kT0 + kMin);
  auto c = credit_days(fold_key({i, n}));
  EXPECT_DOUBLE_EQ(episode_reward(fold_key({i, n})[0].episode), -10.0);
  EXPECT_DOUBLE_EQ(c[0].added.beta, 1.0);  // not scaled by the examination probability of slot 4: it was seen
  EXPECT_DOUBLE_EQ(c[0].added.alpha, 0.0);
  c = credit_days(fold_key({ev("u", EventType::kUndoNotInterested, kT0 + 2 * kMin), n, i}));
  EXPECT_DOUBLE_EQ(c[0].added.beta, 0.0);
  EXPECT_DOUBLE_EQ(c[0].added.alpha, 0.0);
  // A click then "not interested": 5 − 10 = −5, half a failure.
  c = credit_days(fold_key({i, ev("c", EventType::kClick, kT0 + kMin / 2), n}));
  EXPECT_DOUBLE_EQ(c[0].added.beta, 0.5);
}

TEST(BanditEpisodeFold, LearnerCountsFollowUnbookmarkAndAChangedRating) {
  LearnerFold f;
  f.add(ev("i", EventType::kImpression, kT0, "a/b", "r1", 0));
  f.add(ev("b", EventType::kBookmark, kT0 + kMin));
  EXPECT_DOUBLE_EQ(f.counts_of("a/b").alpha, 10.0 / 15.0);
  f.add(ev("u", EventType::kUnbookmark, kT0 + 2 * kMin));
  EXPECT_DOUBLE_EQ(f.counts_of("a/b").alpha, 0.0);
  f.add(rating("r5", 5, kT0 + 3 * kMin));
  EXPECT_DOUBLE_EQ(f.counts_of("a/b").alpha, 10.0 / 15.0);
  f.add(rating("r1", 1, kT0 + 4 * kMin));
  EXPECT_DOUBLE_EQ(f.counts_of("a/b").alpha, 0.0);
  EXPECT_DOUBLE_EQ(f.counts_of("a/b").beta, 1.0);
}

TEST(BanditEpisodeFold, PrefixCapLimitsEachComponentOfTheSumAndIsExactForCorrections) {
  const BetaCounts raw{2000.0, 3.0};
  const auto capped = cap_prefix_day(raw, 5.0);
  EXPECT_DOUBLE_EQ(capped.alpha, 5.0);
  EXPECT_DOUBLE_EQ(capped.beta, 3.0);
  EXPECT_DOUBLE_EQ(cap_prefix_day(raw, 0.0).alpha, 2000.0) << "0 turns the cap off";
  // A correction adds cap(raw + delta) − cap(raw): below the cap it is the delta, above it nothing.
  const BetaCounts before{4.0, 0.0}, after{6.5, 1.0};
  EXPECT_DOUBLE_EQ(cap_prefix_day(after, 5.0).alpha - cap_prefix_day(before, 5.0).alpha, 1.0);
  EXPECT_DOUBLE_EQ(cap_prefix_day(after, 5.0).beta - cap_prefix_day(before, 5.0).beta, 1.0);
}

TEST(BanditEpisodeFold, CommunityDayCreditSumsCappedPrefixesAndWinsorisesAgainstTheMedian) {
  const std::vector<BetaCounts> sums{{1.0, 0.0}, {1.0, 1.0}, {0.5, 0.0}, {60.0, 2.0}};  // one NAT or one attacker
  const auto plain = community_day_credit(sums, {});
  EXPECT_DOUBLE_EQ(plain.alpha, 62.5);
  EXPECT_DOUBLE_EQ(plain.beta, 3.0);
  const auto capped = community_day_credit(sums, {5.0, 0.0});
  EXPECT_DOUBLE_EQ(capped.alpha, 7.5);
  EXPECT_DOUBLE_EQ(capped.beta, 3.0);
  // Median alpha 1 → each prefix at most max(1, 3 × 1) = 3; median beta 0.5 → at most max(1, 1.5) = 1.5.
  const auto robust = community_day_credit(sums, {5.0, 3.0});
  EXPECT_DOUBLE_EQ(robust.alpha, 1.0 + 1.0 + 0.5 + 3.0);
  EXPECT_DOUBLE_EQ(robust.beta, 0.0 + 1.0 + 0.0 + 1.5);
  // One learner per network (sums <= 1): the robust rule changes nothing.
  const std::vector<BetaCounts> honest{{1.0, 0.0}, {0.2, 1.0}, {1.0, 0.3}};
  EXPECT_DOUBLE_EQ(community_day_credit(honest, {5.0, 3.0}).alpha, community_day_credit(honest, {}).alpha);
  EXPECT_DOUBLE_EQ(community_day_credit(honest, {5.0, 3.0}).beta, community_day_credit(honest, {}).beta);
  EXPECT_DOUBLE_EQ(community_day_credit({}, {5.0, 3.0}).alpha, 0.0);
}
