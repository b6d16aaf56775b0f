// One raw event's share of its episode's reward, for trends read straight from raw events (the server's hourly
// monitoring), where folding every episode would cost too much. Invariant: for an engaged episode, the event
// rewards of its click, bookmark, rating, dwell and "not interested" add up to episode_reward (tested).
#pragma once

#include <optional>

#include "wayfinder/bandit/reward.h"
#include "wayfinder/events/event.h"

namespace wayfinder::bandit {

// What one event adds to episode_reward: click, bookmark, rating (stars 1..5, else 0), dwell (capped seconds) and
// "not interested" earn their RewardTable entry; impressions and take-backs (unbookmark, undo) earn 0.
double event_reward(events::EventType type, std::optional<int> stars, double dwell_seconds,
                    const RewardTable& table = {});

}  // namespace wayfinder::bandit
