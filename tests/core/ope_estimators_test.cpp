#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "wayfinder/ope/estimators.h"
#include "wayfinder/random/xoshiro.h"

using namespace wayfinder::ope;
using wayfinder::random::Xoshiro256ss;

namespace {
LoggedRecord rec(std::uint32_t action, double mu, double reward, double pi, double q = 0.0, double v = 0.0) {
  LoggedRecord r;
  r.action = action;
  r.propensity = mu;
  r.reward = reward;
  r.target_probability = pi;
  r.model_reward = q;
  r.model_value = v;
  return r;
}

// Two actions logged uniformly; action 0 pays Bernoulli(0.8), action 1 Bernoulli(0.3). Target: always action 0.
std::vector<LoggedRecord> two_armed_logs(int n, std::uint64_t seed, double q0, double q1) {
  Xoshiro256ss rng(seed);
  std::vector<LoggedRecord> logs;
  for (int i = 0; i < n; ++i) {
    const std::uint32_t a = rng.uniform() < 0.5 ? 0 : 1;
    const double reward = rng.uniform() < (a == 0 ? 0.8 : 0.3) ? 1.0 : 0.0;
    logs.push_back(rec(a, 0.5, reward, a == 0 ? 1.0 : 0.0, a == 0 ? q0 : q1, q0));
  }
  return logs;
}
}  // namespace

TEST(OpeEstimators, HandComputedValues) {
  const std::vector<LoggedRecord> logs = {rec(1, 0.5, 2.0, 1.0, 1.0, 1.5), rec(2, 0.25, 4.0, 0.5, 3.0, 2.0),
                                          rec(3, 0.8, 1.0, 0.0, 0.0, 0.5)};
  // w = 2, 2, 0
  EXPECT_DOUBLE_EQ(ips(logs), (4.0 + 8.0 + 0.0) / 3.0);
  EXPECT_DOUBLE_EQ(snips(logs), 12.0 / 4.0);
  EXPECT_DOUBLE_EQ(doubly_robust(logs), ((1.5 + 2.0) + (2.0 + 2.0) + 0.5) / 3.0);
  EXPECT_DOUBLE_EQ(effective_sample_size(logs), 16.0 / 8.0);
}

TEST(OpeEstimators, OnPolicyLogsGiveTheObservedMean) {
  Xoshiro256ss rng(3);
  std::vector<LoggedRecord> logs;
  double sum = 0;
  for (int i = 0; i < 1000; ++i) {
    const double mu = 0.05 + 0.9 * rng.uniform();
    const double r = rng.uniform() < 0.4 ? 5.0 : -1.0;
    sum += r;
    logs.push_back(rec(i, mu, r, mu));
  }
  EXPECT_NEAR(ips(logs), sum / 1000, 1e-12);
  EXPECT_NEAR(snips(logs), sum / 1000, 1e-12);
  EXPECT_NEAR(effective_sample_size(logs), 1000.0, 1e-9);
}

TEST(OpeEstimators, OffPolicyEstimatesRecoverTheTargetValue) {
  const auto logs = two_armed_logs(20000, 11, 0.5, 0.5);  // a poor reward model
  EXPECT_NEAR(ips(logs), 0.8, 0.02);
  EXPECT_NEAR(snips(logs), 0.8, 0.02);
  EXPECT_NEAR(doubly_robust(logs), 0.8, 0.02);
}

TEST(OpeEstimators, DoublyRobustWithAPerfectModelHasLowerSpread) {
  // With q̂ equal to the true means DR's interval is narrower than IPS's.
  const auto logs = two_armed_logs(2000, 12, 0.8, 0.3);
  const auto dr = estimate(logs, Estimator::kDoublyRobust, {500, 0.95, 1});
  const auto ip = estimate(logs, Estimator::kIps, {500, 0.95, 1});
  EXPECT_LT(dr.upper - dr.lower, ip.upper - ip.lower);
  EXPECT_NEAR(dr.value, 0.8, 0.03);
}

TEST(OpeEstimators, BootstrapIntervalCoversTruthContainsEstimateAndIsSeeded) {
  const auto logs = two_armed_logs(4000, 13, 0.5, 0.5);
  const auto a = estimate(logs, Estimator::kSnips, {1000, 0.95, 42});
  const auto b = estimate(logs, Estimator::kSnips, {1000, 0.95, 42});
  EXPECT_LE(a.lower, a.value);
  EXPECT_GE(a.upper, a.value);
  EXPECT_LE(a.lower, 0.8);
  EXPECT_GE(a.upper, 0.8);
  EXPECT_LT(a.upper - a.lower, 0.06);
  EXPECT_EQ(a.lower, b.lower);
  EXPECT_EQ(a.upper, b.upper);
  EXPECT_EQ(a.n, 4000u);
  EXPECT_NEAR(a.effective_sample_size, 2000.0, 100.0);
}

TEST(OpeEstimators, RejectsBadRecordsNamingIndexAndField) {
  std::vector<LoggedRecord> logs = {rec(0, 0.5, 1.0, 0.5), rec(1, 0.0, 1.0, 0.5)};
  try {
    ips(logs);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("records[1].propensity"), std::string::npos);
  }
  logs[1] = rec(1, 0.5, 1.0, 1.5);
  EXPECT_THROW(snips(logs), std::invalid_argument);
  EXPECT_THROW(estimate({}, Estimator::kIps), std::invalid_argument);
}
