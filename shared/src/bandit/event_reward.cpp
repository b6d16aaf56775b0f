#include "wayfinder/bandit/event_reward.h"

#include <algorithm>

namespace wayfinder::bandit {

double event_reward(events::EventType type, std::optional<int> stars, double dwell_seconds,
                    const RewardTable& table) {
  using events::EventType;
  switch (type) {
    case EventType::kClick: return table.click;
    case EventType::kBookmark: return table.bookmark;
    case EventType::kNotInterested: return table.not_interested;
    case EventType::kRating: return stars && *stars >= 1 && *stars <= 5 ? table.stars_reward(*stars) : 0.0;
    case EventType::kDwell:
      return table.dwell_per_second * std::clamp(dwell_seconds, 0.0, table.dwell_cap_seconds);
    default: return 0.0;
  }
}

}  // namespace wayfinder::bandit
