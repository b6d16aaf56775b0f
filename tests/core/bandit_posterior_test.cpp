#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

#include "wayfinder/bandit/posterior.h"
#include "wayfinder/bandit/thompson_sampler.h"
#include "wayfinder/random/xoshiro.h"

using namespace wayfinder::bandit;
using wayfinder::random::derive_seed;
using wayfinder::random::Xoshiro256ss;

TEST(BanditPosterior, ColdStartIsThePriorCentredOnTheGlobalMean) {
  const Posterior p = combine({}, {}, PosteriorConfig{}, 0.25);
  EXPECT_DOUBLE_EQ(p.alpha, 0.5);
  EXPECT_DOUBLE_EQ(p.beta, 1.5);
  EXPECT_DOUBLE_EQ(p.mean(), 0.25);
  EXPECT_EQ(p.evidence, 0.0);
}

TEST(BanditPosterior, CommunityEvidenceIsCappedToActAsAPrior) {
  PosteriorConfig cfg;
  cfg.community_cap = 50.0;
  const Posterior small = combine({8.0, 12.0}, {}, cfg, 0.3);
  EXPECT_DOUBLE_EQ(small.alpha, 0.6 + 8.0);
  EXPECT_DOUBLE_EQ(small.evidence, 20.0);
  const Posterior big = combine({800.0, 1200.0}, {}, cfg, 0.3);
  EXPECT_DOUBLE_EQ(big.evidence, 50.0);
  EXPECT_DOUBLE_EQ(big.alpha, 0.6 + 20.0);
  EXPECT_DOUBLE_EQ(big.beta, 1.4 + 30.0);
}

TEST(BanditPosterior, LocalEvidenceOutweighsTheCappedCommunity) {
  PosteriorConfig cfg;
  const Posterior before = combine({1000.0, 9000.0}, {}, cfg, 0.3);
  const Posterior after = combine({1000.0, 9000.0}, {5.0, 0.0}, cfg, 0.3);
  EXPECT_DOUBLE_EQ(after.alpha - before.alpha, 5.0 * cfg.local_weight);
  EXPECT_DOUBLE_EQ(after.evidence - before.evidence, 15.0);
  EXPECT_GT(after.mean(), before.mean() + 0.15);
}

TEST(BanditPosterior, RejectsNegativeCountsAndBadConfig) {
  EXPECT_THROW(combine({-1.0, 0.0}, {}), std::invalid_argument);
  EXPECT_THROW(combine({}, {0.0, NAN}), std::invalid_argument);
  PosteriorConfig cfg;
  cfg.prior_strength = 0.0;
  EXPECT_THROW(combine({}, {}, cfg), std::invalid_argument);
  EXPECT_THROW(combine({}, {}, PosteriorConfig{}, 1.0), std::invalid_argument);
}

TEST(BanditPosterior, GlobalMeanPoolsTheSnapshotWithShrinkage) {
  const std::vector<BetaCounts> snap = {{30.0, 70.0}, {10.0, 90.0}};
  EXPECT_NEAR(global_mean(snap, 0.3, 20.0), (40.0 + 6.0) / (200.0 + 20.0), 1e-15);
  EXPECT_DOUBLE_EQ(global_mean({}, 0.3, 20.0), 0.3);
}

TEST(BanditPosterior, InfluenceGrowsFromZeroTowardOne) {
  EXPECT_EQ(bandit_influence(0.0), 0.0);
  EXPECT_DOUBLE_EQ(bandit_influence(5.0), 0.5);
  EXPECT_GT(bandit_influence(500.0), 0.99);
  EXPECT_THROW(bandit_influence(-1.0), std::invalid_argument);
}

TEST(BanditThompson, ZeroEvidenceQualityIsExactlyThePriorMean) {
  const ThompsonSampler ts;
  Xoshiro256ss rng(9);
  const Posterior p = combine({}, {}, ts.config(), 0.3);
  for (int i = 0; i < 1000; ++i) {
    const auto d = ts.draw(p, rng);
    EXPECT_EQ(d.quality, 0.3);
    EXPECT_GE(d.sample, 0.0);
    EXPECT_LE(d.sample, 1.0);
  }
}

TEST(BanditThompson, QualityConcentratesOnTheTrueRateWithEvidence) {
  const ThompsonSampler ts;
  Xoshiro256ss rng(10);
  const Posterior p = combine({}, {80.0, 20.0}, ts.config(), 0.3);  // 300 pseudo-counts at 0.8
  double s = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) s += ts.draw(p, rng).quality;
  const double lambda = bandit_influence(300.0);
  EXPECT_NEAR(s / n, 0.3 + lambda * (p.mean() - 0.3), 0.003);
  EXPECT_GT(s / n, 0.75);
}

TEST(BanditThompson, PerCandidateStreamsAreIndependentOfOtherCandidates) {
  const ThompsonSampler ts;
  const Posterior p = combine({3.0, 4.0}, {1.0, 0.0}, ts.config(), 0.3);
  Xoshiro256ss a(derive_seed(77, 5)), b(derive_seed(77, 5));
  EXPECT_EQ(ts.draw(p, a).sample, ts.draw(p, b).sample);
}
