// Logged rounds of the Open Bandit Dataset sample (one CSV row = one item shown at one slot of the 3-slot widget).
// Invariant: item < n_items, position in {0, 1, 2}, click in {0, 1}, propensity in (0, 1]; rows keep file order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wayfinder::sim {

struct LoggedRound {
  double seconds = 0.0;     // since 2019-11-24 00:00:00 UTC
  std::uint32_t item = 0;   // item_id
  int position = 0;         // 0 = left, 1 = center, 2 = right (file's position − 1)
  int click = 0;
  double propensity = 0.0;  // P(behaviour policy shows `item` at `position`)
};

struct ObdLog {
  std::string name;  // e.g. "random/men"
  int n_items = 0;   // 1 + the largest item_id seen (34 men, 46 women)
  std::vector<LoggedRound> rounds;

  double ctr() const;
  int clicks() const;
};

// Reads `{policy}/{campaign}/{campaign}.csv`; throws std::runtime_error naming the file and line on bad input.
ObdLog read_obd_csv(const std::string& path, const std::string& name);

// Per-item counts of a log: impressions and clicks indexed by item_id (size n_items).
struct ItemCounts {
  std::vector<double> impressions;
  std::vector<double> clicks;
};
ItemCounts item_counts(const ObdLog& log);

// Beta(alpha, beta) per item_id of the production Bernoulli TS ("men" / "women" key of zozotown_bts_prior.json).
struct BetaPrior {
  std::vector<double> alpha;
  std::vector<double> beta;
};
BetaPrior read_zozotown_prior(const std::string& path, const std::string& campaign);

}  // namespace wayfinder::sim
