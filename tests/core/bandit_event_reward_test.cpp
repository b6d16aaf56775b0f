// The monitoring's per-event reward must agree with the episode reward the bandit learns from.
#include <gtest/gtest.h>

#include "wayfinder/bandit/event_reward.h"

namespace wb = wayfinder::bandit;
using wayfinder::events::EventType;

TEST(BanditEventReward, EventsOfAnEngagedEpisodeAddUpToItsReward) {
  const wb::RewardTable table;
  for (int stars = 1; stars <= 5; ++stars) {
    for (const double dwell : {0.0, 42.0, 600.0, 3000.0}) {
      wb::ImpressionEpisode e;
      e.clicked = true;
      e.bookmarked = stars % 2 == 1;
      e.stars = stars;
      e.dwell_seconds = dwell;
      double sum = wb::event_reward(EventType::kImpression, std::nullopt, 0, table) +
                   wb::event_reward(EventType::kClick, std::nullopt, 0, table) +
                   wb::event_reward(EventType::kRating, stars, 0, table) +
                   wb::event_reward(EventType::kDwell, std::nullopt, dwell, table);
      if (e.bookmarked) sum += wb::event_reward(EventType::kBookmark, std::nullopt, 0, table);
      EXPECT_DOUBLE_EQ(sum, wb::episode_reward(e, table)) << "stars " << stars << ", dwell " << dwell;
    }
  }
}

TEST(BanditEventReward, NotInterestedAndTakeBacks) {
  wb::RewardTable table;
  table.not_interested = -7.5;
  wb::ImpressionEpisode e;
  e.not_interested = true;
  EXPECT_DOUBLE_EQ(wb::event_reward(EventType::kNotInterested, std::nullopt, 0, table), wb::episode_reward(e, table));
  EXPECT_EQ(wb::event_reward(EventType::kUnbookmark, std::nullopt, 0, table), 0.0);
  EXPECT_EQ(wb::event_reward(EventType::kUndoNotInterested, std::nullopt, 0, table), 0.0);
  EXPECT_EQ(wb::event_reward(EventType::kRating, std::nullopt, 0, table), 0.0);  // a rating without stars
  EXPECT_EQ(wb::event_reward(EventType::kRating, 9, 0, table), 0.0);
}
