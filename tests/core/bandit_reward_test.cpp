#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "wayfinder/bandit/reward.h"

using namespace wayfinder::bandit;

namespace {
// Designated initialisers trip -Wmissing-field-initializers on g++ 12; build episodes explicitly.
ImpressionEpisode ep(int position, bool clicked = false, bool bookmarked = false, std::optional<int> stars = {},
                     double dwell = 0.0) {
  ImpressionEpisode e;
  e.position = position;
  e.clicked = clicked;
  e.bookmarked = bookmarked;
  e.stars = stars;
  e.dwell_seconds = dwell;
  return e;
}
}  // namespace

TEST(BanditReward, DefaultsMatchTheDesign) {
  const RewardTable t;
  EXPECT_EQ(t.click, 5.0);
  EXPECT_EQ(t.bookmark, 10.0);
  EXPECT_EQ(t.stars_reward(5), 10.0);
  EXPECT_EQ(t.stars_reward(4), 7.0);
  EXPECT_EQ(t.stars_reward(3), 3.0);
  EXPECT_EQ(t.stars_reward(2), -5.0);
  EXPECT_EQ(t.stars_reward(1), -10.0);
  EXPECT_EQ(t.dwell_per_second, 0.1);
  EXPECT_EQ(t.ignored_view, -1.0);
  EXPECT_THROW(t.stars_reward(0), std::invalid_argument);
  EXPECT_THROW(t.stars_reward(6), std::invalid_argument);
}

TEST(BanditReward, EpisodeSumsActionsAndCapsDwell) {
  ImpressionEpisode e = ep(2, true, true, 4, 30.0);
  EXPECT_DOUBLE_EQ(episode_reward(e), 5.0 + 10.0 + 7.0 + 3.0);
  e = ep(0, true, false, {}, 5000.0);
  EXPECT_DOUBLE_EQ(episode_reward(e), 5.0 + 60.0);
  e = ep(0, true, false, 1);
  EXPECT_DOUBLE_EQ(episode_reward(e), -5.0);
}

TEST(BanditReward, IgnoredViewEarnsExactlyTheViewPenalty) {
  EXPECT_EQ(episode_reward(ep(7)), -1.0);
}

TEST(BanditReward, InvalidEpisodeIsRejectedNamingTheField) {
  try {
    episode_reward(ep(-1));
    FAIL();
  } catch (const std::invalid_argument& ex) {
    EXPECT_NE(std::string(ex.what()).find("position"), std::string::npos);
  }
  EXPECT_THROW(episode_reward(ep(0, false, false, 6)), std::invalid_argument);
  EXPECT_THROW(episode_reward(ep(0, true, false, {}, -1.0)), std::invalid_argument);
  EXPECT_THROW(episode_reward(ep(0, true, false, {}, NAN)), std::invalid_argument);
}

TEST(BanditExamination, DefaultDecaysAsPowerOfPosition) {
  const ExaminationModel m;
  EXPECT_EQ(m.probability(0), 1.0);
  for (int p = 1; p < 30; ++p) {
    EXPECT_NEAR(m.probability(p), std::pow(1.0 + p, -0.7), 1e-14);
    EXPECT_LT(m.probability(p), m.probability(p - 1));
  }
  EXPECT_THROW(m.probability(-1), std::invalid_argument);
}

TEST(BanditExamination, TableFromClickRatesOverridesAndFallsBack) {
  const auto m = ExaminationModel::from_click_rates({0.2, 0.1, 0.05, 0.0});
  EXPECT_DOUBLE_EQ(m.probability(0), 1.0);
  EXPECT_DOUBLE_EQ(m.probability(1), 0.5);
  EXPECT_DOUBLE_EQ(m.probability(2), 0.25);
  EXPECT_DOUBLE_EQ(m.probability(3), 0.01);  // floored
  EXPECT_NEAR(m.probability(9), std::pow(10.0, -0.7), 1e-14);
  EXPECT_THROW(ExaminationModel::from_click_rates({0.0, 0.1}), std::invalid_argument);
}

TEST(BanditRewardMapping, PositiveRewardIsBoundedSuccess) {
  const auto u = reward_to_update(ep(0, true));
  EXPECT_DOUBLE_EQ(u.success, 5.0 / 15.0);
  EXPECT_EQ(u.failure, 0.0);
  const auto full = reward_to_update(ep(0, true, true, 5));
  EXPECT_EQ(full.success, 1.0);
}

TEST(BanditRewardMapping, NegativeRatingIsBoundedFailure) {
  const auto u = reward_to_update(ep(5, true, false, 1));
  EXPECT_EQ(u.success, 0.0);
  EXPECT_DOUBLE_EQ(u.failure, 0.5);  // -5 / 10, not scaled by examination: the learner clearly saw it
}

TEST(BanditRewardMapping, IgnoredViewFailureScalesWithExamination) {
  const ExaminationModel m;
  const auto top = reward_to_update(ep(0));
  const auto low = reward_to_update(ep(9));
  EXPECT_DOUBLE_EQ(top.failure, 0.1);
  EXPECT_DOUBLE_EQ(low.failure, 0.1 * m.probability(9));
  EXPECT_LT(low.failure, top.failure);
  EXPECT_EQ(top.success, 0.0);
}

TEST(BanditRewardMapping, UpdatesStayInUnitIntervalForAllEpisodes) {
  for (int pos = 0; pos < 20; pos += 3)
    for (int c = 0; c < 2; ++c)
      for (int b = 0; b < 2; ++b)
        for (int s = 0; s <= 5; ++s)
          for (double dwell : {0.0, 1.0, 100.0, 1e6}) {
            ImpressionEpisode e = ep(pos, c == 1, b == 1, {}, dwell);
            if (s > 0) e.stars = s;
            const auto u = reward_to_update(e);
            EXPECT_GE(u.success, 0.0);
            EXPECT_LE(u.success, 1.0);
            EXPECT_GE(u.failure, 0.0);
            EXPECT_LE(u.failure, 1.0);
            EXPECT_TRUE(u.success == 0.0 || u.failure == 0.0);
          }
}

TEST(BanditDailyCap, AddsOnlyWhatFitsUnderTheCap) {
  const auto a = cap_daily({0.0, 0.0}, {0.4, 0.0}, 1.0);
  EXPECT_DOUBLE_EQ(a.success, 0.4);
  const auto b = cap_daily({0.8, 0.3}, {0.4, 0.5}, 1.0);
  EXPECT_DOUBLE_EQ(b.success, 0.2);
  EXPECT_DOUBLE_EQ(b.failure, 0.5);
  const auto c = cap_daily({1.5, 0.0}, {0.4, 0.0}, 1.0);
  EXPECT_EQ(c.success, 0.0);
  EXPECT_THROW(cap_daily({}, {}, -1.0), std::invalid_argument);
}

TEST(BanditDailyCap, RepeatedClicksSaturateAtTheCap) {
  BetaUpdate today;
  BetaCounts counts;
  for (int i = 0; i < 50; ++i) {
    const auto add = cap_daily(today, reward_to_update(ep(0, true)), 1.0);
    today.success += add.success;
    today.failure += add.failure;
    counts.add(add);
  }
  EXPECT_NEAR(counts.alpha, 1.0, 1e-12);
  EXPECT_EQ(counts.beta, 0.0);
}
