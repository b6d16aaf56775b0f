#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "wayfinder/bandit/evidence_store.h"
#include "wayfinder/random/xoshiro.h"
#include "wayfinder/rank/recommender.h"
#include "wayfinder/rank/rerank.h"

using namespace wayfinder;
using rank::RankedItem;

namespace {

// These tests pin the re-rank's mechanics (prefix stability, ε, propensities, feedback) with the Beta arm, which was
// the default bandit term when they were written; the default is now the hierarchical arm (docs/BANDIT.md "The
// default arm"), which needs project features these fixtures don't have, so they name the Beta arm.
struct RerankConfig : rank::RerankConfig {
  RerankConfig() { bandit = rank::BanditKind::kBeta; }
};

// `n` candidates with relevance 1 − i/n; row index (37·i) mod `rows` so index ≠ content position;
// every row is eligible unless `eligible_top_only`.
search::ContentRanking make_content(std::size_t n, std::uint32_t rows = 500, bool eligible_top_only = false) {
  search::ContentRanking c;
  for (std::size_t i = 0; i < n; ++i) {
    search::Candidate cand;
    cand.index = static_cast<std::uint32_t>((37 * i) % rows);
    cand.relevance = 1.0f - static_cast<float>(i) / static_cast<float>(n);
    cand.reasons = {"matches " + std::to_string(i)};
    c.top.push_back(cand);
  }
  if (eligible_top_only) {
    for (const auto& cand : c.top) c.eligible.push_back(cand.index);
  } else {
    for (std::uint32_t r = 0; r < rows; ++r) c.eligible.push_back(r);
  }
  std::sort(c.eligible.begin(), c.eligible.end());
  return c;
}

// Kendall tau-a between the RL order of the non-explored items and their content order.
double kendall_tau_vs_content(const std::vector<RankedItem>& items) {
  std::vector<int> ranks;
  for (const auto& it : items)
    if (!it.explored) ranks.push_back(it.content_rank);
  long concordant = 0, discordant = 0;
  for (std::size_t i = 0; i < ranks.size(); ++i)
    for (std::size_t j = i + 1; j < ranks.size(); ++j) (ranks[i] < ranks[j] ? concordant : discordant)++;
  const long pairs = concordant + discordant;
  return pairs == 0 ? 1.0 : static_cast<double>(concordant - discordant) / static_cast<double>(pairs);
}

// Every candidate gets `n` pseudo-counts of local evidence at a true rate drawn from a fixed seed.
bandit::EvidenceStore evidence_with(const search::ContentRanking& c, double n, const RerankConfig& cfg) {
  bandit::EvidenceStore ev;
  random::Xoshiro256ss rng(1234);
  for (const auto& cand : c.top) {
    const double rate = 0.05 + 0.6 * rng.uniform();
    const double raw = n / cfg.posterior.local_weight;
    ev.set_local(cand.index, {raw * rate, raw * (1 - rate)});
  }
  return ev;
}

std::uint64_t bits(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

}  // namespace

TEST(RankRerank, PagesOfOneRankingNeverRepeatAndExtendThePrefix) {
  const auto content = make_content(150);
  RerankConfig cfg;
  const auto ev = evidence_with(content, 20.0, cfg);
  for (std::uint64_t seed = 0; seed < 30; ++seed) {
    const auto whole = rank::rerank(content, ev, cfg, seed, 40, 0, true);
    ASSERT_EQ(whole.items.size(), 40u);
    std::set<std::uint32_t> seen;
    for (std::size_t page = 0; page < 4; ++page) {
      const auto p = rank::rerank(content, ev, cfg, seed, 10, page * 10, true);
      ASSERT_EQ(p.items.size(), 10u);
      for (std::size_t i = 0; i < 10; ++i) {
        EXPECT_TRUE(seen.insert(p.items[i].index).second) << "seed " << seed << " repeats " << p.items[i].index;
        EXPECT_EQ(p.items[i].index, whole.items[page * 10 + i].index);
        EXPECT_EQ(p.items[i].position, page * 10 + i);
      }
    }
  }
}

TEST(RankRerank, SameSeedIsBitIdenticalAndOtherSeedsDiffer) {
  const auto content = make_content(90);
  RerankConfig cfg;
  const auto ev = evidence_with(content, 10.0, cfg);
  const auto a = rank::rerank(content, ev, cfg, 99, 10, 0, true);
  const auto b = rank::rerank(content, ev, cfg, 99, 10, 0, true);
  const auto c = rank::rerank(content, ev, cfg, 100, 10, 0, true);
  bool differs = false;
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(a.items[i].index, b.items[i].index);
    EXPECT_EQ(bits(a.items[i].propensity), bits(b.items[i].propensity));
    EXPECT_EQ(bits(a.items[i].bandit_sample), bits(b.items[i].bandit_sample));
    differs |= a.items[i].index != c.items[i].index;
  }
  EXPECT_TRUE(differs);
}

TEST(RankRerank, ExplorationRateIsEpsilon) {
  const auto content = make_content(60);
  RerankConfig cfg;
  bandit::EvidenceStore ev;
  std::size_t explored = 0, slots = 0;
  for (std::uint64_t seed = 0; seed < 1000; ++seed) {
    for (const auto& it : rank::rerank(content, ev, cfg, seed, 10, 0, true).items) {
      explored += it.explored;
      ++slots;
      if (it.explored) {
        EXPECT_EQ(it.reasons.front().rfind("Exploring", 0), 0u);
      }
    }
  }
  const double rate = static_cast<double>(explored) / static_cast<double>(slots);
  EXPECT_NEAR(rate, 0.15, 3 * std::sqrt(0.15 * 0.85 / static_cast<double>(slots)));
}

TEST(RankRerank, ColdStartRankingFollowsSimilarityKendallTauAtLeast09) {
  const auto content = make_content(150);
  RerankConfig cfg;
  bandit::EvidenceStore ev;  // zero feedback anywhere
  double worst = 1.0;
  for (std::uint64_t seed = 0; seed < 100; ++seed)
    worst = std::min(worst, kendall_tau_vs_content(rank::rerank(content, ev, cfg, seed, 20, 0, true).items));
  std::printf("cold start: min Kendall tau(RL, similarity) over 100 seeds, 20 slots, exploration excluded = %.3f\n",
              worst);
  EXPECT_GE(worst, 0.9);
}

TEST(RankRerank, BanditInfluenceGrowsWithEvidence) {
  const auto content = make_content(90);
  RerankConfig cfg;
  cfg.epsilon = 0.0;
  std::printf("evidence n | influence n/(n+k) | spread of bandit term (sd) | mean Kendall tau vs similarity "
              "(10 slots, 50 seeds)\n");
  std::vector<double> taus, spreads;
  for (double n : {0.0, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0}) {
    const auto ev = evidence_with(content, n, cfg);
    double tau_sum = 0, spread_sum = 0;
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
      const auto items = rank::rerank(content, ev, cfg, seed, 10, 0, true).items;
      tau_sum += kendall_tau_vs_content(items);
      double s = 0, s2 = 0;
      for (const auto& it : items) {
        s += cfg.bandit_weight * it.bandit_quality;
        s2 += cfg.bandit_weight * it.bandit_quality * cfg.bandit_weight * it.bandit_quality;
      }
      spread_sum += std::sqrt(std::max(0.0, s2 / 10 - (s / 10) * (s / 10)));
    }
    taus.push_back(tau_sum / 50);
    spreads.push_back(spread_sum / 50);
    std::printf("%10.0f | %17.3f | %26.4f | %.3f\n", n, bandit::bandit_influence(n, cfg.posterior), spreads.back(),
                taus.back());
  }
  EXPECT_EQ(taus.front(), 1.0);
  EXPECT_EQ(spreads.front(), 0.0);
  for (std::size_t i = 1; i < taus.size(); ++i) {
    EXPECT_LT(taus[i], 0.9);
    EXPECT_GT(spreads[i], 0.0);
  }
  EXPECT_GT(spreads.back(), spreads[1]);
}

TEST(RankRerank, PositiveLocalFeedbackMovesAProjectUpNegativeMovesItDown) {
  const auto content = make_content(90);
  RerankConfig cfg;
  cfg.epsilon = 0.0;
  const std::uint32_t target = content.top[8].index;
  auto mean_position = [&](const bandit::EvidenceStore& ev) {
    double sum = 0;
    for (std::uint64_t seed = 0; seed < 100; ++seed) {
      const auto r = rank::rerank(content, ev, cfg, seed, 20, 0, true);
      std::size_t pos = 20;
      for (const auto& it : r.items)
        if (it.index == target) pos = it.position;
      sum += static_cast<double>(pos);
    }
    return sum / 100.0;
  };
  bandit::EvidenceStore ev;
  const double before = mean_position(ev);
  for (std::int64_t day = 0; day < 4; ++day)
    ev.add_local(target, day, bandit::reward_to_update({0, true, true, 5, 120.0}));
  const double after = mean_position(ev);
  bandit::EvidenceStore bad;
  for (std::int64_t day = 0; day < 4; ++day) bad.add_local(target, day, bandit::reward_to_update({0, true, false, 1, 0.0}));
  const double after_bad = mean_position(bad);
  std::printf("content rank 8: mean position %.2f → %.2f after 4 days of strong positive feedback, %.2f after negative\n",
              before, after, after_bad);
  EXPECT_EQ(before, 8.0);
  EXPECT_LT(after, 3.0);
  EXPECT_GT(after_bad, 12.0);
}

TEST(RankRerank, PropensitiesMatchEmpiricalFrequenciesAndSumToOne) {
  auto content = make_content(12, 500, /*eligible_top_only=*/true);
  RerankConfig cfg;
  cfg.min_depth = 4;  // slot 0 chooses among all 12
  auto ev = evidence_with(content, 8.0, cfg);
  const int n = 2000;
  std::map<std::uint32_t, int> count;
  std::map<std::uint32_t, double> logged;
  double inverse_sum = 0;
  for (int seed = 0; seed < n; ++seed) {
    const auto r = rank::rerank(content, ev, cfg, static_cast<std::uint64_t>(seed), 1, 0, true);
    const auto& it = r.items.at(0);
    ASSERT_GT(it.propensity, 0.0);
    ASSERT_LE(it.propensity, 1.0);
    ++count[it.index];
    logged[it.index] += it.propensity;
    inverse_sum += 1.0 / it.propensity;
  }
  double max_gap = 0;
  for (const auto& [index, c] : count) {
    const double freq = static_cast<double>(c) / n;
    const double mean_p = logged[index] / c;
    max_gap = std::max(max_gap, std::abs(freq - mean_p));
  }
  std::printf("slot 0: %zu distinct projects, max |empirical freq − mean logged propensity| = %.4f, "
              "E[1/p] = %.2f (support 12)\n",
              count.size(), max_gap, inverse_sum / n);
  EXPECT_LT(max_gap, 0.03);
  // E[1/p(chosen)] = size of the support when propensities are right: every candidate has p >= ε/12.
  EXPECT_NEAR(inverse_sum / n, 12.0, 2.0);
}

TEST(RankRerank, WithoutRlItIsTheContentOrderWithPropensityOne) {
  const auto content = make_content(60);
  RerankConfig cfg;
  const auto ev = evidence_with(content, 50.0, cfg);
  const auto r = rank::rerank(content, ev, cfg, 5, 10, 10, false);
  ASSERT_EQ(r.items.size(), 10u);
  for (std::size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(r.items[i].content_rank, static_cast<int>(10 + i));
    EXPECT_FALSE(r.items[i].explored);
    EXPECT_EQ(r.items[i].propensity, 1.0);
  }
}

TEST(RankRerank, ShortContentIsExhaustedWithoutRepeats) {
  const auto content = make_content(12, 12, true);
  RerankConfig cfg;
  bandit::EvidenceStore ev;
  const auto r = rank::rerank(content, ev, cfg, 3, 20, 0, true);
  EXPECT_EQ(r.items.size(), 12u);
  EXPECT_TRUE(r.exhausted);
  std::set<std::uint32_t> s;
  for (const auto& it : r.items) s.insert(it.index);
  EXPECT_EQ(s.size(), 12u);
}

TEST(RankRerank, InvalidConfigIsRejectedNamingTheField) {
  RerankConfig cfg;
  cfg.epsilon = 1.5;
  try {
    rank::validate(cfg);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("epsilon"), std::string::npos);
  }
  cfg = {};
  cfg.propensity_draws = 0;
  EXPECT_THROW(rank::validate(cfg), std::invalid_argument);
}

TEST(RankRecommender, ContentIsCachedPerProfileAndRankingsPageWithoutRepeatsAfterFeedback) {
  rank::Recommender rec;
  EXPECT_FALSE(rec.has_content(7));
  EXPECT_THROW(rec.recommend(7, "r1", 10, 0, true), std::invalid_argument);
  rec.set_content(7, make_content(150));
  EXPECT_TRUE(rec.has_content(7));

  const auto page1 = rec.recommend(7, "r1", 10, 0, true);
  // Strong feedback on a project of page 1: the next page of the same ranking must still not repeat it.
  for (const auto& it : page1.items) rec.evidence().set_local(it.index, {0.0, 30.0});
  rec.evidence().set_local(page1.items[3].index, {30.0, 0.0});
  const auto page2 = rec.recommend(7, "r1", 10, 10, true);
  std::set<std::uint32_t> seen;
  for (const auto& it : page1.items) seen.insert(it.index);
  for (const auto& it : page2.items) EXPECT_TRUE(seen.insert(it.index).second);
  // Asking again for page 1 of the same id returns the same page.
  const auto again = rec.recommend(7, "r1", 10, 0, true);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(again.items[i].index, page1.items[i].index);
  // A new ranking id learns at once: the liked project leads.
  const auto fresh = rec.recommend(7, "r2", 10, 0, true);
  double liked_position = 99;
  for (const auto& it : fresh.items)
    if (it.index == page1.items[3].index) liked_position = static_cast<double>(it.position);
  EXPECT_LE(liked_position, 2.0);
}

TEST(RankRerank, ExplorationPicksStayInsideThePoolOfUnshownTopCandidates) {
  const auto content = make_content(400, 5000);  // 5000 eligible rows, 400 content candidates
  RerankConfig cfg;
  cfg.exploration_pool = 50;
  cfg.epsilon = 0.3;
  bandit::EvidenceStore ev;
  std::size_t explored = 0, beyond_window = 0, slots = 0;
  for (std::uint64_t seed = 0; seed < 300; ++seed) {
    const auto r = rank::rerank(content, ev, cfg, seed, 20, 0, true);
    std::set<int> shown_ranks;
    for (const auto& it : r.items) {
      ++slots;
      if (it.explored) {
        ++explored;
        ASSERT_GE(it.content_rank, 0) << "explored a project outside the content candidates";
        // Among the first 50 unshown candidates: fewer than 50 unshown candidates rank above it.
        int unshown_above = 0;
        for (int k = 0; k < it.content_rank; ++k) unshown_above += !shown_ranks.count(k);
        EXPECT_LT(unshown_above, 50) << "seed " << seed << " slot " << it.position;
        beyond_window += it.content_rank >= 30;
      }
      shown_ranks.insert(it.content_rank);
    }
  }
  std::printf("pool 50, ε 0.3: %zu of %zu slots explored (%.3f), %zu of them beyond the exploit window\n", explored,
              slots, static_cast<double>(explored) / static_cast<double>(slots), beyond_window);
  EXPECT_NEAR(static_cast<double>(explored) / static_cast<double>(slots), 0.3,
              3 * std::sqrt(0.3 * 0.7 / static_cast<double>(slots)));
  EXPECT_GT(beyond_window, 0u);  // the pool is wider than the window, so exploration reaches past it

  // exploration_pool = 0 keeps the old rule: any eligible project, mostly outside the content candidates.
  cfg.exploration_pool = 0;
  std::size_t outside = 0, explored_all = 0;
  for (std::uint64_t seed = 0; seed < 100; ++seed)
    for (const auto& it : rank::rerank(content, ev, cfg, seed, 10, 0, true).items)
      if (it.explored) {
        ++explored_all;
        outside += it.content_rank < 0;
      }
  EXPECT_GT(outside, explored_all / 2);
}

TEST(RankRerank, PoolPropensitiesMatchEmpiricalFrequenciesWithFloorEpsilonOverPool) {
  // Slot 0: exploit window 12 candidates (min_depth 4), pool 30 → support 30; every supported project has p ≥ ε/30.
  const auto content = make_content(300, 2000);
  RerankConfig cfg;
  cfg.min_depth = 4;
  cfg.exploration_pool = 30;
  auto ev = evidence_with(content, 8.0, cfg);
  const int n = 2000;
  std::map<std::uint32_t, int> count;
  std::map<std::uint32_t, double> logged;
  double inverse_sum = 0, min_p = 1.0;
  for (int seed = 0; seed < n; ++seed) {
    const auto r = rank::rerank(content, ev, cfg, static_cast<std::uint64_t>(seed), 1, 0, true);
    const auto& it = r.items.at(0);
    ASSERT_GE(it.content_rank, 0);
    ASSERT_LT(it.content_rank, 30);
    ++count[it.index];
    logged[it.index] += it.propensity;
    inverse_sum += 1.0 / it.propensity;
    min_p = std::min(min_p, it.propensity);
  }
  double max_gap = 0;
  for (const auto& [index, c] : count)
    max_gap = std::max(max_gap, std::abs(static_cast<double>(c) / n - logged[index] / c));
  std::printf("pool 30, slot 0: %zu distinct projects, max |freq − mean propensity| = %.4f, E[1/p] = %.2f "
              "(support 30), min p = %.5f (floor ε/30 = %.5f)\n",
              count.size(), max_gap, inverse_sum / n, min_p, cfg.epsilon / 30);
  EXPECT_EQ(count.size(), 30u);
  EXPECT_LT(max_gap, 0.03);
  EXPECT_GE(min_p, cfg.epsilon / 30 - 1e-12);
  EXPECT_NEAR(inverse_sum / n, 30.0, 4.0);
}

TEST(RankRerank, AltPropensityOfTheRlArmIsTheSimilarityArmsDeterministicChoice) {
  const auto content = make_content(200, 1000);
  RerankConfig cfg;
  const auto ev = evidence_with(content, 10.0, cfg);
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    std::set<int> shown;
    for (const auto& it : rank::rerank(content, ev, cfg, seed, 20, 0, true).items) {
      int first_unshown = 0;
      while (shown.count(first_unshown)) ++first_unshown;
      EXPECT_EQ(it.alt_propensity, it.content_rank == first_unshown ? 1.0 : 0.0);
      shown.insert(it.content_rank);
    }
  }
}

TEST(RankRerank, AltPropensityOfTheSimilarityArmIsTheRlPolicysSlotProbability) {
  const auto content = make_content(20, 1000);  // relevance gaps 0.05: the bandit often, not always, reorders
  RerankConfig cfg;
  const auto ev = evidence_with(content, 1.0, cfg);
  const std::uint32_t similarity_first = content.top[0].index;
  const int n = 600;
  int rl_first = 0;
  double alt_sum = 0;
  for (int seed = 0; seed < n; ++seed) {
    const auto s = static_cast<std::uint64_t>(seed);
    const auto sim = rank::rerank(content, ev, cfg, s, 5, 0, false);
    ASSERT_EQ(sim.items[0].index, similarity_first);
    EXPECT_EQ(sim.items[0].propensity, 1.0);
    alt_sum += sim.items[0].alt_propensity;
    for (const auto& it : sim.items) {
      EXPECT_GE(it.alt_propensity, cfg.epsilon / 20 - 1e-12);  // every similarity pick is in the RL pool (≤ 20 left)
      EXPECT_LE(it.alt_propensity, 1.0);
    }
    const auto rl = rank::rerank(content, ev, cfg, s, 1, 0, true);
    if (rl.items[0].index == similarity_first) {
      ++rl_first;
      // Same seed, same slot, same prefix: the RL arm's logged propensity is the similarity arm's π, bit for bit.
      EXPECT_EQ(bits(rl.items[0].propensity), bits(sim.items[0].alt_propensity));
    }
  }
  const double freq = static_cast<double>(rl_first) / n;
  std::printf("RL puts the similarity top-1 first in %.4f of %d seeds; mean alt_propensity of the similarity arm "
              "= %.4f\n", freq, n, alt_sum / n);
  EXPECT_NEAR(freq, alt_sum / n, 3 * std::sqrt(freq * (1 - freq) / n) + 0.01);
}

TEST(RankRecommender, HiddenProjectsLeaveEveryPageWhichStillHoldsTheNumberAskedFor) {
  rank::Recommender rec;
  rec.set_content(7, make_content(150));
  const auto page1 = rec.recommend(7, "r1", 10, 0, true);
  const auto page2 = rec.recommend(7, "r1", 10, 10, true);
  const auto gone = page1.items[2].index;
  rec.set_hidden(gone, true);
  // Page 1 again: the hidden project is gone, the rest keep their order, and the first of the old page 2 refills it.
  const auto again = rec.recommend(7, "r1", 10, 0, true);
  ASSERT_EQ(again.items.size(), 10u);
  std::vector<std::uint32_t> expected;
  for (const auto& it : page1.items)
    if (it.index != gone) expected.push_back(it.index);
  expected.push_back(page2.items[0].index);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(again.items[i].index, expected[i]);
  // Page 2 follows on without a gap or a repeat; a new ranking never shows it either.
  const auto next = rec.recommend(7, "r1", 10, 10, true);
  ASSERT_EQ(next.items.size(), 10u);
  for (std::size_t i = 0; i + 1 < 10; ++i) EXPECT_EQ(next.items[i].index, page2.items[i + 1].index) << "slot " << i;
  std::set<std::uint32_t> shown;
  for (const auto& p : {page1, page2})
    for (const auto& it : p.items) shown.insert(it.index);
  EXPECT_EQ(shown.count(next.items[9].index), 0u);
  for (int r = 0; r < 20; ++r) {
    const auto fresh = rec.recommend(7, "fresh-" + std::to_string(r), 30, 0, true);
    ASSERT_EQ(fresh.items.size(), 30u);
    for (const auto& it : fresh.items) EXPECT_NE(it.index, gone);
  }
  // Undo: it comes back where it was sampled.
  rec.set_hidden(gone, false);
  const auto back = rec.recommend(7, "r1", 10, 0, true);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_EQ(back.items[i].index, page1.items[i].index);
}
