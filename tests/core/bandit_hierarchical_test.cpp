// The hierarchical arm (bandit kind "hierarchical"): the linear model over project features (now with hashed tags)
// as the prior of each project's own Beta counts. Its math, its use in the re-rank and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "wayfinder/bandit/evidence_store.h"
#include "wayfinder/bandit/features.h"
#include "wayfinder/bandit/linear_ts.h"
#include "wayfinder/experiment/policy.h"
#include "wayfinder/random/samplers.h"
#include "wayfinder/random/xoshiro.h"
#include "wayfinder/rank/rerank.h"

using namespace wayfinder;
using bandit::kFeatureDim;

namespace {

std::uint64_t bits(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

// Rows in `topics` groups: the same random 16-d vector noise everywhere (so the PCA part does not tell the topics
// apart), one topic tag per group plus a tag every project carries. Only the tags separate the topics.
struct TaggedCatalog final : bandit::FeatureSource {
  static constexpr std::size_t kDim = 16;
  std::vector<std::int8_t> rows;
  std::vector<float> scales;
  std::vector<int> topic;
  std::vector<std::uint32_t> topic_bucket;
  std::uint32_t common_bucket = 0;
  bandit::FeatureBasis basis;

  TaggedCatalog(int topics, int per_topic, std::uint64_t seed) {
    random::Xoshiro256ss rng(seed);
    common_bucket = static_cast<std::uint32_t>(bandit::tag_bucket("learning"));
    std::set<std::uint32_t> used{common_bucket};
    for (int k = 0; topic_bucket.size() < static_cast<std::size_t>(topics); ++k) {  // topics in distinct buckets
      const auto b = static_cast<std::uint32_t>(bandit::tag_bucket("topic-" + std::to_string(k)));
      if (used.insert(b).second) topic_bucket.push_back(b);
    }
    for (int t = 0; t < topics; ++t)
      for (int i = 0; i < per_topic; ++i) {
        for (std::size_t d = 0; d < kDim; ++d) rows.push_back(static_cast<std::int8_t>(static_cast<int>(rng.below(255)) - 127));
        scales.push_back(0.004f);
        topic.push_back(t);
      }
    basis = bandit::fit_feature_basis(rows, scales, kDim);
  }
  std::size_t size() const override { return scales.size(); }
  void features(std::uint32_t i, std::span<double> out) const override {
    const std::uint32_t tags[2] = {common_bucket, topic_bucket[static_cast<std::size_t>(topic[i])]};
    bandit::project_features(basis, std::span(rows).subspan(i * kDim, kDim), scales[i], Complexity::kIntermediate,
                             LearningKind::kTutorial, tags, out);
  }
  std::vector<double> x(std::uint32_t i) const {
    std::vector<double> v(kFeatureDim);
    features(i, v);
    return v;
  }
};

search::ContentRanking content_of(const bandit::FeatureSource& cat) {
  search::ContentRanking c;
  for (std::uint32_t i = 0; i < cat.size(); ++i) {
    search::Candidate cand;
    cand.index = i;
    cand.relevance = 1.0f - static_cast<float>(i) / static_cast<float>(cat.size());
    c.top.push_back(cand);
    c.eligible.push_back(i);
  }
  return c;
}

rank::RerankConfig hierarchical_config() {
  rank::RerankConfig cfg;
  cfg.bandit = rank::BanditKind::kHierarchical;
  return cfg;
}

}  // namespace

TEST(BanditHierarchical, TagFeaturesAreNormalisedBucketCounts) {
  const TaggedCatalog cat(3, 4, 1);
  const auto x = cat.x(0);
  const double h = 1.0 / std::sqrt(2.0);
  for (std::size_t b = 0; b < bandit::kTagBuckets; ++b) {
    const bool on = b == cat.common_bucket || b == cat.topic_bucket[0];
    EXPECT_EQ(x[bandit::kTagOffset + b], on ? h : 0.0) << "bucket " << b;
  }
  EXPECT_EQ(bandit::tag_bucket("machine-learning"), bandit::tag_bucket("machine-learning"));
  EXPECT_LT(bandit::tag_bucket("machine-learning"), bandit::kTagBuckets);
  // The hash is fixed (hash.h): the same bucket natively and in WASM.
  EXPECT_EQ(bandit::tag_bucket("machine-learning"), 25u);
  std::vector<double> out(kFeatureDim);
  const std::uint32_t bad[1] = {static_cast<std::uint32_t>(bandit::kTagBuckets)};
  try {
    bandit::project_features(cat.basis, std::span(cat.rows).subspan(0, TaggedCatalog::kDim), 0.004f,
                             Complexity::kBeginner, LearningKind::kBook, bad, out);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("tag bucket 32 is out of range"), std::string::npos) << e.what();
  }
}

// The Beta of one project is the linear rate as a prior of strength κ plus its own (capped, weighted) counts.
TEST(BanditHierarchical, PosteriorIsTheLinearPriorPlusTheProjectsCounts) {
  const TaggedCatalog cat(3, 10, 2);
  bandit::LinearPosterior lin;
  lin.reset(0.3);
  for (std::uint32_t i = 0; i < 12; ++i) lin.add(cat.x(i), {i % 4 == 0 ? 1.0 : 0.0, 0.5}, 3.0);
  random::Xoshiro256ss rng(5);
  const auto theta = lin.draw(rng);
  const bandit::PosteriorConfig pc;
  const bandit::BetaCounts community{80.0, 120.0}, local{1.0, 0.25};
  const auto x = cat.x(3);
  const auto p = bandit::hierarchical_posterior(lin, x, theta, community, local, pc);
  const double kappa0 = lin.config().item_prior_strength;
  const double r = std::clamp(0.3 + bandit::LinearPosterior::dot(x, theta), 1 / kappa0, 1 - 1 / kappa0);
  EXPECT_GE(r * kappa0, 1.0) << "both prior shapes >= 1";
  EXPECT_GE((1 - r) * kappa0, 1.0);
  const double kappa = lin.config().item_prior_strength, c = pc.community_cap / 200.0;
  EXPECT_NEAR(p.alpha, kappa * r + c * 80.0 + pc.local_weight * 1.0, 1e-12);
  EXPECT_NEAR(p.beta, kappa * (1 - r) + c * 120.0 + pc.local_weight * 0.25, 1e-12);
  // The hot loop's parts give the same Beta bit for bit.
  const auto e = bandit::weigh_evidence(community, local, pc);
  const double rate = bandit::linear_rate(lin, x, theta);
  EXPECT_EQ(bits(e.alpha(kappa, rate)), bits(p.alpha));
  EXPECT_EQ(bits(e.beta(kappa, rate)), bits(p.beta));
  EXPECT_THROW((void)bandit::weigh_evidence({NAN, 1.0}, {}, pc), std::invalid_argument);
  // No counts of its own: the posterior mean is the linear rate.
  EXPECT_NEAR(bandit::hierarchical_posterior(lin, x, theta, {}, {}, pc).mean(), r, 1e-12);
  // A draw: quality = m0 + λ·(sample − m0) with the linear model's λ; the posterior mean is at θ = μ.
  random::Xoshiro256ss a(9), b(9);
  const auto d = bandit::hierarchical_draw(lin, x, theta, community, local, pc, a);
  EXPECT_EQ(bits(d.sample), bits(random::beta(b, p.alpha, p.beta)));
  EXPECT_NEAR(d.quality, 0.3 + lin.influence() * (d.sample - 0.3), 1e-15);
  EXPECT_NEAR(d.posterior_mean, bandit::hierarchical_posterior(lin, x, lin.mean(), community, local, pc).mean(), 1e-15);
}

// The store's posterior with tag features, built once and shared by adopt_community, equals a direct Eigen solve.
TEST(BanditHierarchical, SharedCommunityBuildEqualsDirectSolve) {
  auto cat = std::make_shared<TaggedCatalog>(4, 10, 3);
  const std::vector<std::uint32_t> idx{1, 7, 12, 25, 33};
  const std::vector<bandit::BetaCounts> counts{{3, 5}, {0.5, 9}, {40, 60}, {1, 1}, {2, 0}};
  bandit::EvidenceStore built, adopted;
  built.set_features(cat);
  adopted.set_features(cat);
  built.set_community(idx, counts);
  (void)built.linear();
  adopted.adopt_community(built);
  adopted.add_local(12, 1, {1.0, 0.0});
  adopted.add_local(2, 1, {0.0, 1.0});
  const auto& post = adopted.linear();
  const double m0 = adopted.prior_mean();
  EXPECT_EQ(m0, built.prior_mean());
  const bandit::LinearConfig lc;
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(kFeatureDim, kFeatureDim) * lc.prior_precision;
  a(0, 0) = lc.bias_precision;
  Eigen::VectorXd b = Eigen::VectorXd::Zero(kFeatureDim);
  double total = 0.0;
  for (const auto& c : counts) total += std::min(lc.project_cap, c.alpha + c.beta);
  const double global = total > lc.community_cap ? lc.community_cap / total : 1.0;
  auto add = [&](std::uint32_t i, bandit::BetaCounts c, double w) {
    const auto x = cat->x(i);
    const Eigen::Map<const Eigen::VectorXd> xv(x.data(), kFeatureDim);
    a += w * (c.alpha + c.beta) * xv * xv.transpose();
    b += w * (c.alpha - m0 * (c.alpha + c.beta)) * xv;
  };
  for (std::size_t k = 0; k < idx.size(); ++k) {
    const double n = counts[k].alpha + counts[k].beta;
    add(idx[k], counts[k], global * (n > lc.project_cap ? lc.project_cap / n : 1.0));
  }
  add(12, {1.0, 0.0}, lc.local_weight);
  add(2, {0.0, 1.0}, lc.local_weight);
  const Eigen::VectorXd mu = a.llt().solve(b);
  for (std::size_t i = 0; i < kFeatureDim; ++i) EXPECT_NEAR(post.mean()[i], mu(i), 1e-9) << i;
  // The same as a store that built everything itself.
  bandit::EvidenceStore direct;
  direct.set_features(cat);
  direct.set_community(idx, counts);
  direct.set_local(12, adopted.local(12));
  direct.set_local(2, adopted.local(2));
  for (std::size_t i = 0; i < kFeatureDim; ++i) EXPECT_NEAR(direct.linear().mean()[i], mu(i), 1e-9) << i;
}

TEST(BanditHierarchical, BadFeaturesAreRefused) {
  const TaggedCatalog cat(2, 5, 4);
  bandit::LinearPosterior lin;
  lin.reset(0.3);
  const auto x = cat.x(0);
  const auto mu = lin.mean();
  auto refused = [&](std::vector<double> bad_x, std::vector<double> bad_theta, const std::string& words) {
    try {
      (void)bandit::hierarchical_posterior(lin, bad_x, bad_theta, {}, {}, {});
      FAIL() << "accepted " << words;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  refused(std::vector<double>(kFeatureDim - 1, 0.1), mu,
          "expected " + std::to_string(kFeatureDim) + " values, got " + std::to_string(kFeatureDim - 1));
  auto nan = x;
  nan[bandit::kTagOffset + 2] = std::nan("");
  refused(nan, mu, "value " + std::to_string(bandit::kTagOffset + 2) + " is not finite");
  auto inf_theta = mu;
  inf_theta[1] = INFINITY;
  refused(x, inf_theta, "value 1 is not finite");
  EXPECT_THROW((void)bandit::hierarchical_posterior(lin, x, mu, {-1.0, 0.0}, {}, {}), std::invalid_argument);
  bandit::LinearConfig bad;
  bad.item_prior_strength = 2.0;
  EXPECT_THROW(bandit::LinearPosterior{bad}, std::invalid_argument);
}

// One positive episode teaches the project's topic (its tag) to the unseen projects that share it, not the others,
// and the project itself keeps its own evidence on top.
TEST(BanditHierarchical, PositiveFeedbackGeneralisesThroughTagsAndRemembersTheProject) {
  auto cat = std::make_shared<TaggedCatalog>(4, 12, 6);
  bandit::EvidenceStore ev;
  ev.set_features(cat);
  const bandit::PosteriorConfig pc;
  auto mean_of = [&](std::uint32_t i) {
    const auto& lin = ev.linear();
    return bandit::hierarchical_posterior(lin, cat->x(i), lin.mean(), ev.community(i), ev.local(i), pc).mean();
  };
  std::vector<double> before(cat->size());
  for (std::uint32_t i = 0; i < cat->size(); ++i) before[i] = mean_of(i);
  const std::uint32_t liked = 0;  // topic 0
  for (int day = 1; day <= 2; ++day) ev.add_local(liked, day, {1.0, 0.0});
  double same = 0.0, other = 0.0;
  int n_same = 0, n_other = 0;
  for (std::uint32_t i = 1; i < cat->size(); ++i) {
    const double lift = mean_of(i) - before[i];
    (cat->topic[i] == 0 ? same : other) += lift;
    (cat->topic[i] == 0 ? n_same : n_other)++;
  }
  same /= n_same;
  other /= n_other;
  std::printf("hierarchical posterior mean lift: same topic %.4f, other topics %.4f, the project %.4f\n", same, other,
              mean_of(liked) - before[liked]);
  // Every project shares the tag "learning" and the bias, so the others rise a little too; the topic adds the rest.
  EXPECT_GT(same - other, 0.1);
  EXPECT_GT(same, 1.5 * other);
  EXPECT_GT(mean_of(liked) - before[liked], same + 0.05) << "the project's own counts add to what its topic gets";
}

TEST(BanditHierarchical, ColdStartIsTheSimilarityOrderAndRankingsAreSeeded) {
  auto cat = std::make_shared<TaggedCatalog>(4, 10, 7);
  bandit::EvidenceStore ev;
  ev.set_features(cat);
  auto cfg = hierarchical_config();
  cfg.epsilon = 0.0;
  const auto content = content_of(*cat);
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    const auto r = rank::rerank(content, ev, cfg, seed, 20, 0, true);
    for (std::size_t k = 0; k < r.items.size(); ++k) EXPECT_EQ(r.items[k].content_rank, static_cast<int>(k));
  }
  ev.add_local(25, 1, {1.0, 0.0});
  cfg.epsilon = 0.15;
  const auto whole = rank::rerank(content, ev, cfg, 42, 30, 0, true);
  const auto again = rank::rerank(content, ev, cfg, 42, 30, 0, true);
  const auto page2 = rank::rerank(content, ev, cfg, 42, 10, 10, true);
  for (std::size_t k = 0; k < 10; ++k) EXPECT_EQ(page2.items[k].index, whole.items[10 + k].index);
  double mass = 0.0;
  for (std::size_t k = 0; k < 30; ++k) {
    EXPECT_EQ(bits(whole.items[k].score), bits(again.items[k].score));
    EXPECT_GT(whole.items[k].propensity, 0.0);
    mass += whole.items[k].propensity;
  }
  EXPECT_GT(mass, 1.0);
  // Not the linear arm nor the Beta arm in disguise.
  auto lin_cfg = cfg;
  lin_cfg.bandit = rank::BanditKind::kLinear;
  const auto lin = rank::rerank(content, ev, lin_cfg, 42, 30, 0, true);
  auto beta_cfg = cfg;  // the Beta arm with the same settings (the default kind is now the hierarchical arm)
  beta_cfg.bandit = rank::BanditKind::kBeta;
  const auto beta = rank::rerank(content, ev, beta_cfg, 42, 30, 0, true);
  bool differs_lin = false, differs_beta = false;
  for (std::size_t k = 0; k < 30; ++k) {
    differs_lin |= bits(lin.items[k].score) != bits(whole.items[k].score);
    differs_beta |= bits(beta.items[k].score) != bits(whole.items[k].score);
  }
  EXPECT_TRUE(differs_lin);
  EXPECT_TRUE(differs_beta);
}

TEST(BanditHierarchical, ConfigAndExperimentArmsNameIt) {
  rank::RerankConfig c;
  rank::from_json({{"bandit", "hierarchical"}}, c);
  EXPECT_EQ(c.bandit, rank::BanditKind::kHierarchical);
  nlohmann::json j = c;
  EXPECT_EQ(j["bandit"], "hierarchical");
  try {
    rank::from_json({{"bandit", "hier"}}, c);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("\"hierarchical\""), std::string::npos) << e.what();
  }
  const auto list = nlohmann::json::parse(R"({"experiments": [{"id": "hier-vs-beta", "arms": ["beta", "hier"],
      "status": "running", "config": {"split": {"beta": 0.5, "hier": 0.5},
      "arms": {"beta": {"bandit": "beta"}, "hier": {"bandit": "hierarchical", "window": 10,
                                                    "blend": {"similarity": 0, "bandit": 1}}}}}]})");
  const auto published = experiment::parse_published(list);
  int hier = 0;
  for (int u = 0; u < 200; ++u) {
    const auto p = experiment::policy_for(published, "user-" + std::to_string(u), rank::RerankConfig{});
    EXPECT_EQ(p.rerank.bandit, p.arm == "hier" ? rank::BanditKind::kHierarchical : rank::BanditKind::kBeta) << p.arm;
    EXPECT_EQ(p.rerank.candidate_multiplier, p.arm == "hier" ? 10u : 3u) << "the arm's window";
    EXPECT_EQ(p.rerank.bandit_weight, p.arm == "hier" ? 1.0 : 0.4);
    hier += p.arm == "hier";
  }
  EXPECT_GT(hier, 60);
  EXPECT_LT(hier, 140);
  for (const auto* bad_window : {"0", "2.5", "\"deep\""}) {
    auto bad = list;
    bad["experiments"][0]["config"]["arms"]["hier"]["window"] = nlohmann::json::parse(bad_window);
    try {
      (void)experiment::parse_published(bad);
      FAIL() << bad_window;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("config.arms.hier.window must be an integer >= 1"), std::string::npos)
          << e.what();
    }
  }
}
