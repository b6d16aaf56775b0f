// The contextual arm: features (PCA basis with Eigen), the linear posterior (Cholesky factor, rank-one updates,
// seeded draws), its use in the re-rank, and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "wayfinder/bandit/evidence_store.h"
#include "wayfinder/bandit/features.h"
#include "wayfinder/bandit/linear_ts.h"
#include "wayfinder/experiment/policy.h"
#include "wayfinder/random/samplers.h"
#include "wayfinder/random/xoshiro.h"
#include "wayfinder/rank/recommender.h"
#include "wayfinder/rank/rerank.h"
#include "wayfinder/shard/shard.h"
#include "../support/tiny_shard.h"

using namespace wayfinder;
using bandit::kFeatureDim;

namespace {

std::uint64_t bits(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

// A small catalog: `clusters` groups of rows around random unit centres in 32-d, int8-quantised; complexity and
// kind vary by row. The FeatureSource is the core's project_features over these rows and a basis fitted to them.
struct Catalog final : bandit::FeatureSource {
  static constexpr std::size_t kDim = 32;
  std::vector<std::int8_t> rows;
  std::vector<float> scales;
  std::vector<int> cluster;
  bandit::FeatureBasis basis;

  Catalog(std::size_t clusters, std::size_t per_cluster, std::uint64_t seed) {
    random::Xoshiro256ss rng(seed);
    std::vector<std::vector<double>> centres(clusters, std::vector<double>(kDim));
    for (auto& c : centres)
      for (auto& v : c) v = random::standard_normal(rng);
    for (std::size_t k = 0; k < clusters; ++k)
      for (std::size_t i = 0; i < per_cluster; ++i) {
        std::vector<double> v(kDim);
        double norm = 0.0;
        for (std::size_t d = 0; d < kDim; ++d) {
          v[d] = centres[k][d] + 0.3 * random::standard_normal(rng);
          norm += v[d] * v[d];
        }
        double maxabs = 0.0;
        for (auto& x : v) maxabs = std::max(maxabs, std::fabs(x /= std::sqrt(norm)));
        for (auto x : v) rows.push_back(static_cast<std::int8_t>(std::lround(x / maxabs * 127.0)));
        scales.push_back(static_cast<float>(maxabs / 127.0));
        cluster.push_back(static_cast<int>(k));
      }
    basis = bandit::fit_feature_basis(rows, scales, kDim);
  }
  std::size_t size() const override { return scales.size(); }
  void features(std::uint32_t i, std::span<double> out) const override {
    bandit::project_features(basis, std::span(rows).subspan(i * kDim, kDim), scales[i],
                             static_cast<Complexity>(i % 3), static_cast<LearningKind>(i % 9), out);
  }
  std::vector<double> x(std::uint32_t i) const {
    std::vector<double> v(kFeatureDim);
    features(i, v);
    return v;
  }
};

Eigen::MatrixXd factor_matrix(const bandit::LinearPosterior& p) {
  Eigen::MatrixXd l(kFeatureDim, kFeatureDim);
  for (std::size_t i = 0; i < kFeatureDim; ++i)
    for (std::size_t j = 0; j < kFeatureDim; ++j) l(i, j) = p.factor()[i * kFeatureDim + j];
  return l;
}

}  // namespace

TEST(BanditLinear, BasisIsWhitenedAndRoundTrips) {
  const Catalog cat(4, 50, 7);
  ASSERT_EQ(cat.basis.components.size(), bandit::kPcaComponents * Catalog::kDim);
  for (std::size_t k = 1; k < bandit::kPcaComponents; ++k) EXPECT_GE(cat.basis.eigenvalues[k - 1], cat.basis.eigenvalues[k]);
  // Centred and whitened: each PCA feature has mean 0 and variance 1 over the fitted rows.
  for (std::size_t k = 0; k < bandit::kPcaComponents; ++k) {
    double m = 0.0, ms = 0.0;
    for (std::uint32_t i = 0; i < cat.size(); ++i) {
      m += cat.x(i)[1 + k];
      ms += std::pow(cat.x(i)[1 + k], 2);
    }
    EXPECT_NEAR(m / static_cast<double>(cat.size()), 0.0, 1e-9) << "component " << k;
    EXPECT_NEAR(ms / static_cast<double>(cat.size()), 1.0, 1e-9) << "component " << k;
  }
  nlohmann::json j = cat.basis;
  const auto back = j.get<bandit::FeatureBasis>();
  EXPECT_EQ(back.components, cat.basis.components);
  auto bad = j;
  bad["components"][3][5] = "x";
  EXPECT_THROW(bad.get<bandit::FeatureBasis>(), std::invalid_argument);
  bad = j;
  bad["components"][2].erase(0);
  try {
    (void)bad.get<bandit::FeatureBasis>();
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("components[2]"), std::string::npos) << e.what();
  }
  std::vector<double> out(kFeatureDim);
  EXPECT_THROW(bandit::project_features(cat.basis, std::span(cat.rows).subspan(0, 31), 0.01f, Complexity::kBeginner,
                                        LearningKind::kBook, out),
               std::invalid_argument);
}

TEST(BanditLinear, RankOneUpdatesMatchEigenFactorAndSolve) {
  const Catalog cat(3, 40, 11);
  bandit::LinearPosterior p;
  p.reset(0.25);
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(kFeatureDim, kFeatureDim) * p.config().prior_precision;
  a(0, 0) = p.config().bias_precision;
  Eigen::VectorXd b = Eigen::VectorXd::Zero(kFeatureDim);
  random::Xoshiro256ss rng(3);
  for (std::uint32_t i = 0; i < 60; ++i) {
    const auto x = cat.x(static_cast<std::uint32_t>(rng.below(cat.size())));
    const bandit::BetaCounts c{rng.uniform(), rng.uniform()};
    p.add(x, c, 3.0);
    const Eigen::Map<const Eigen::VectorXd> xv(x.data(), kFeatureDim);
    a += 3.0 * (c.alpha + c.beta) * xv * xv.transpose();
    b += 3.0 * (c.alpha - 0.25 * (c.alpha + c.beta)) * xv;
  }
  const Eigen::MatrixXd l = factor_matrix(p);
  EXPECT_LT((l * l.transpose() - a).cwiseAbs().maxCoeff(), 1e-9 * a.cwiseAbs().maxCoeff());
  EXPECT_LT((Eigen::MatrixXd(l.triangularView<Eigen::StrictlyUpper>())).cwiseAbs().maxCoeff(), 1e-300);
  const Eigen::VectorXd mu = a.llt().solve(b);
  for (std::size_t i = 0; i < kFeatureDim; ++i) EXPECT_NEAR(p.mean()[i], mu(i), 1e-9);
  // Draws: θ ~ N(μ, v²A⁻¹); check the mean and variance of xᵀθ for one project.
  const auto x = cat.x(5);
  const Eigen::Map<const Eigen::VectorXd> xv(x.data(), kFeatureDim);
  const double want_var = std::pow(p.config().noise_scale, 2) * xv.dot(a.llt().solve(xv));
  double s = 0.0, s2 = 0.0;
  const int n = 20000;
  random::Xoshiro256ss draws(99);
  for (int k = 0; k < n; ++k) {
    const double v = bandit::LinearPosterior::dot(x, p.draw(draws));
    s += v;
    s2 += v * v;
  }
  const double m = s / n, var = s2 / n - m * m;
  EXPECT_NEAR(m, xv.dot(mu), 5 * std::sqrt(want_var / n));
  EXPECT_NEAR(var / want_var, 1.0, 0.05);
}

// Pinned bits of one seeded draw and of project features: the same values natively and in both WASM builds. The
// inputs come from xoshiro, not from an Eigen fit (Eigen's SSE and scalar paths round differently, which is why the
// basis is fitted once and shipped, never refitted per client).
TEST(BanditLinear, SeededDrawIsPinned) {
  random::Xoshiro256ss in(77);
  bandit::FeatureBasis basis;
  basis.input_dim = 16;
  for (std::size_t i = 0; i < 16; ++i) basis.mean.push_back(0.01 * random::standard_normal(in));
  for (std::size_t i = 0; i < bandit::kPcaComponents * 16; ++i) basis.components.push_back(random::standard_normal(in));
  basis.eigenvalues.assign(bandit::kPcaComponents, 1.0);
  std::vector<std::int8_t> rows(16 * 20);
  for (auto& r : rows) r = static_cast<std::int8_t>(static_cast<int>(in.below(255)) - 127);
  auto x = [&](std::uint32_t i) {
    std::vector<double> v(kFeatureDim);
    bandit::project_features(basis, std::span(rows).subspan(i * 16, 16), 0.004f, static_cast<Complexity>(i % 3),
                             static_cast<LearningKind>(i % 9), v);
    return v;
  };
  bandit::LinearPosterior p;
  p.reset(0.3);
  for (std::uint32_t i = 0; i < 20; ++i) p.add(x(i), {i % 3 == 0 ? 1.0 : 0.0, i % 3 == 0 ? 0.0 : 0.1}, 3.0);
  random::Xoshiro256ss rng(2026);
  const auto theta = p.draw(rng);
  const double q = p.quality(x(7), theta);
  std::printf("linear pins: %016llx %016llx %016llx %016llx\n", static_cast<unsigned long long>(bits(x(3)[2])),
              static_cast<unsigned long long>(bits(theta[0])), static_cast<unsigned long long>(bits(theta[9])),
              static_cast<unsigned long long>(bits(q)));
  EXPECT_EQ(bits(x(3)[2]), 0xbff3ac5c7db64d92ULL);
  EXPECT_EQ(bits(theta[0]), 0x3f96a697f71efe9eULL);
  EXPECT_EQ(bits(theta[9]), 0x3fd82862c55df88eULL);
  EXPECT_EQ(bits(q), 0x3fcf537a6a7230ebULL);
}

// The re-rank's Monte Carlo draws θ in one batch (draw_many) and takes every xᵀθ at once (dots): the same numbers,
// bit for bit, as successive draw() calls and dot(), so propensities did not change when the loops were turned.
TEST(BanditLinear, DrawManyAndDotsEqualSuccessiveDrawsBitForBit) {
  bandit::LinearPosterior p;
  p.reset(0.3);
  random::Xoshiro256ss in(7);
  std::vector<std::vector<double>> xs(12, std::vector<double>(kFeatureDim));
  for (auto& x : xs)
    for (auto& v : x) v = 2.0 * in.uniform() - 1.0;
  for (std::size_t i = 0; i < xs.size(); ++i) p.add(xs[i], {i % 2 ? 1.0 : 0.0, i % 2 ? 0.0 : 2.0}, 3.0);
  constexpr std::size_t n = 37;
  random::Xoshiro256ss one(99), many(99);
  std::vector<double> thetas;
  p.draw_many(many, n, thetas);
  ASSERT_EQ(thetas.size(), kFeatureDim * n);
  std::vector<double> dots(n);
  bandit::LinearPosterior::dots(xs[5], thetas, dots);
  for (std::size_t d = 0; d < n; ++d) {
    const auto theta = p.draw(one);
    for (std::size_t k = 0; k < kFeatureDim; ++k) ASSERT_EQ(bits(thetas[k * n + d]), bits(theta[k])) << d << " " << k;
    ASSERT_EQ(bits(dots[d]), bits(bandit::LinearPosterior::dot(xs[5], theta))) << d;
  }
  EXPECT_EQ(one.next(), many.next());  // the same number of values taken from the stream
  std::vector<double> short_x(kFeatureDim - 1);
  EXPECT_THROW(bandit::LinearPosterior::dots(short_x, thetas, dots), std::invalid_argument);
}

TEST(BanditLinear, BadFeaturesAreRefusedAndChangeNothing) {
  bandit::LinearPosterior p;
  p.reset(0.3);
  std::vector<double> x(kFeatureDim, 0.5);
  p.add(x, {1.0, 0.0}, 3.0);
  const auto before = p.factor();
  auto expect_refused = [&](std::vector<double> bad, const char* words) {
    try {
      p.add(bad, {1.0, 0.0}, 3.0);
      FAIL() << "accepted " << words;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  const std::string wrong_size =
      "expected " + std::to_string(kFeatureDim) + " values, got " + std::to_string(kFeatureDim - 1);
  expect_refused(std::vector<double>(kFeatureDim - 1, 0.5), wrong_size.c_str());
  auto nan = x;
  nan[4] = std::nan("");
  expect_refused(nan, "value 4 is not finite");
  auto inf = x;
  inf[0] = INFINITY;
  expect_refused(inf, "value 0 is not finite");
  EXPECT_THROW(p.add(x, {-1.0, 0.0}, 3.0), std::invalid_argument);
  EXPECT_EQ(p.factor(), before);
  bandit::LinearConfig bad_config;
  bad_config.noise_scale = NAN;
  EXPECT_THROW(bandit::LinearPosterior{bad_config}, std::invalid_argument);
}

namespace {

search::ContentRanking content_of(const Catalog& cat) {
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

// The Beta arm, named: the default bandit term is the hierarchical arm since it won the A/B.
rank::RerankConfig beta_config() {
  rank::RerankConfig c;
  c.bandit = rank::BanditKind::kBeta;
  return c;
}

rank::RerankConfig linear_config() {
  rank::RerankConfig cfg;
  cfg.bandit = rank::BanditKind::kLinear;
  return cfg;
}

}  // namespace

TEST(BanditLinear, ColdStartIsTheSimilarityOrder) {
  auto cat = std::make_shared<Catalog>(4, 30, 21);
  bandit::EvidenceStore ev;
  ev.set_features(cat);
  auto cfg = linear_config();
  cfg.epsilon = 0.0;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto r = rank::rerank(content_of(*cat), ev, cfg, seed, 20, 0, true);
    for (std::size_t k = 0; k < r.items.size(); ++k) EXPECT_EQ(r.items[k].content_rank, static_cast<int>(k));
  }
}

TEST(BanditLinear, NoFeaturesIsAClearError) {
  const Catalog cat(2, 10, 1);
  bandit::EvidenceStore ev;
  try {
    (void)rank::rerank(content_of(cat), ev, linear_config(), 1, 10, 0, true);
    FAIL();
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("no feature basis"), std::string::npos) << e.what();
  }
}

// One positive episode on a project raises the posterior mean of the unseen projects of its cluster, not of the
// others; and the re-rank is prefix-stable and seeded.
TEST(BanditLinear, PositiveFeedbackGeneralisesToNeighbours) {
  auto cat = std::make_shared<Catalog>(4, 30, 33);
  bandit::EvidenceStore ev;
  ev.set_features(cat);
  const auto before = ev.linear().mean();
  const std::uint32_t liked = 0;  // cluster 0
  ev.add_local(liked, 1, {1.0, 0.0});
  const auto& after = ev.linear();
  // Projects with the liked one's facets (row % 9 == 0), so only the vector part differs.
  double near = 0.0, far = 0.0;
  int n_near = 0, n_far = 0;
  for (std::uint32_t i = 9; i < cat->size(); i += 9) {
    const auto x = cat->x(i);
    const double lift = bandit::LinearPosterior::dot(x, after.mean()) - bandit::LinearPosterior::dot(x, before);
    (cat->cluster[i] == cat->cluster[liked] ? near : far) += lift;
    (cat->cluster[i] == cat->cluster[liked] ? n_near : n_far)++;
  }
  near /= n_near;
  far /= n_far;
  std::printf("mean lift of xᵀμ: same cluster %.4f, other clusters %.4f\n", near, far);
  EXPECT_GT(near, 0.1);
  EXPECT_GT(near, 3 * std::fabs(far));
  // The incremental (rank-one) path equals a rebuild from the counts.
  bandit::EvidenceStore rebuilt;
  rebuilt.set_features(cat);
  rebuilt.set_local(liked, ev.local(liked));
  for (std::size_t i = 0; i < kFeatureDim; ++i) EXPECT_NEAR(rebuilt.linear().mean()[i], after.mean()[i], 1e-12);

  const auto content = content_of(*cat);
  const auto cfg = linear_config();
  const auto whole = rank::rerank(content, ev, cfg, 42, 30, 0, true);
  const auto again = rank::rerank(content, ev, cfg, 42, 30, 0, true);
  const auto page2 = rank::rerank(content, ev, cfg, 42, 10, 10, true);
  for (std::size_t k = 0; k < 10; ++k) EXPECT_EQ(page2.items[k].index, whole.items[10 + k].index);
  for (std::size_t k = 0; k < 30; ++k) {
    EXPECT_EQ(bits(whole.items[k].score), bits(again.items[k].score));
    EXPECT_GT(whole.items[k].propensity, 0.0);
  }
}

TEST(BanditLinear, ConfigNamesTheBanditKind) {
  rank::RerankConfig c;
  nlohmann::json j = c;
  EXPECT_EQ(j["bandit"], "hierarchical");  // the default arm (docs/BANDIT.md "The default arm")
  rank::from_json({{"bandit", "beta"}}, c);
  EXPECT_EQ(c.bandit, rank::BanditKind::kBeta);
  rank::from_json({{"bandit", "linear"}}, c);
  EXPECT_EQ(c.bandit, rank::BanditKind::kLinear);
  EXPECT_THROW(rank::from_json({{"bandit", "lin"}}, c), std::invalid_argument);
}

// A published arm with "bandit": "linear" selects the contextual arm for its learners; "beta" and "none" keep theirs.
TEST(BanditLinear, ExperimentArmSelectsTheContextualArm) {
  const auto list = nlohmann::json::parse(R"({"experiments": [{"id": "ctx-vs-beta", "arms": ["beta", "linear"],
      "status": "running", "config": {"split": {"beta": 0.5, "linear": 0.5},
      "arms": {"beta": {"bandit": "beta"}, "linear": {"bandit": "linear"}}}}]})");
  const auto published = experiment::parse_published(list);
  int linear = 0, beta = 0;
  for (int u = 0; u < 400; ++u) {
    const auto p = experiment::policy_for(published, "user-" + std::to_string(u), beta_config());
    EXPECT_TRUE(p.use_rl);
    EXPECT_EQ(p.rerank.bandit, p.arm == "linear" ? rank::BanditKind::kLinear : rank::BanditKind::kBeta) << p.arm;
    (p.arm == "linear" ? linear : beta)++;
  }
  EXPECT_GT(linear, 150);
  EXPECT_GT(beta, 150);
  auto bad = list;
  bad["experiments"][0]["config"]["arms"]["linear"]["bandit"] = "lin";
  EXPECT_THROW(experiment::parse_published(bad), std::invalid_argument);
}

// The Recommender (what the JS session holds) ranks a linear-arm config with the Beta arm while no features are set,
// and with the contextual arm once they are.
TEST(BanditLinear, RecommenderFallsBackToBetaWithoutFeatures) {
  auto cat = std::make_shared<Catalog>(3, 20, 8);
  rank::Recommender rec;
  rec.set_content(1, content_of(*cat));
  rec.evidence().add_local(0, 1, {1.0, 0.0});
  const auto cfg = linear_config();
  const auto without = rec.recommend(1, "r1", 10, 0, true, cfg);
  const auto beta = rank::rerank(content_of(*cat), rec.evidence(), beta_config(), without.seed, 10, 0, true);
  ASSERT_EQ(without.items.size(), 10u);
  for (std::size_t k = 0; k < 10; ++k) EXPECT_EQ(bits(without.items[k].score), bits(beta.items[k].score));
  EXPECT_EQ(without.bandit, rank::BanditKind::kBeta) << "the ranking says which bandit ranked it";
  rec.evidence().set_features(cat);
  const auto with = rec.recommend(1, "r3", 10, 0, true, cfg);
  EXPECT_EQ(with.bandit, rank::BanditKind::kLinear);
  const auto direct = rank::rerank(content_of(*cat), rec.evidence(), cfg, with.seed, 10, 0, true);
  for (std::size_t k = 0; k < 10; ++k) EXPECT_EQ(with.items[k].index, direct.items[k].index);
}

// The default config (no bandit named) is the hierarchical arm; before project features arrive the Recommender
// ranks it with the Beta arm, the documented fallback, and says so in Ranking::bandit.
TEST(BanditLinear, DefaultConfigIsTheHierarchicalArmWithTheBetaArmBeforeFeatures) {
  auto cat = std::make_shared<Catalog>(3, 20, 8);
  rank::Recommender rec;  // RecommenderConfig{}: the core's default rerank config
  ASSERT_EQ(rec.config().rerank.bandit, rank::BanditKind::kHierarchical);
  rec.set_content(1, content_of(*cat));
  rec.evidence().add_local(0, 1, {1.0, 0.0});
  const auto before = rec.recommend(1, "d1", 10, 0, true);
  EXPECT_EQ(before.bandit, rank::BanditKind::kBeta);
  const auto beta = rank::rerank(content_of(*cat), rec.evidence(), beta_config(), before.seed, 10, 0, true);
  ASSERT_EQ(before.items.size(), 10u);
  for (std::size_t k = 0; k < 10; ++k) EXPECT_EQ(bits(before.items[k].score), bits(beta.items[k].score));
  rec.evidence().set_features(cat);
  const auto after = rec.recommend(1, "d2", 10, 0, true);
  EXPECT_EQ(after.bandit, rank::BanditKind::kHierarchical);
  auto hier = beta_config();
  hier.bandit = rank::BanditKind::kHierarchical;
  const auto direct = rank::rerank(content_of(*cat), rec.evidence(), hier, after.seed, 10, 0, true);
  const auto beta_after = rank::rerank(content_of(*cat), rec.evidence(), beta_config(), after.seed, 10, 0, true);
  bool differs = false;
  for (std::size_t k = 0; k < 10; ++k) {
    EXPECT_EQ(bits(after.items[k].score), bits(direct.items[k].score));
    differs |= bits(after.items[k].score) != bits(beta_after.items[k].score);
  }
  EXPECT_TRUE(differs) << "with features the default ranks with the hierarchical arm, not the Beta arm";
}

// A shard opened from its lexical part alone (a first visit before the vectors file is in) has no project vectors,
// so its features are not ready: a linear-arm config ranks with the Beta arm even with a basis set, and with the
// contextual arm once the vectors part is attached.
TEST(BanditLinear, LexicalPartAloneRanksLinearConfigsWithTheBetaArm) {
  constexpr std::uint32_t kDim = 12;
  std::vector<ProjectMeta> projects;
  std::vector<float> vectors;
  random::Xoshiro256ss rng(5);
  for (int i = 0; i < 40; ++i) {
    projects.push_back(test_support::project("o" + std::to_string(i) + "/r"));
    for (std::uint32_t d = 0; d < kDim; ++d) vectors.push_back(static_cast<float>(rng.uniform()) - 0.5f);
  }
  const auto files = shard::write_shard(test_support::shard_input(std::move(projects), std::move(vectors), kDim));
  const auto full = shard::Shard::open(files);
  const auto basis = bandit::fit_feature_basis(full.rows(), full.scales(), kDim);
  auto lexical = shard::Shard::open_lexical(files.lexical);
  const auto features = std::make_shared<bandit::ShardFeatures>(lexical, basis);
  EXPECT_FALSE(features->ready());
  search::ContentRanking content;
  for (std::uint32_t i = 0; i < 40; ++i) {
    search::Candidate c;
    c.index = i;
    c.relevance = 1.0f - static_cast<float>(i) / 40.0f;
    content.top.push_back(c);
    content.eligible.push_back(i);
  }
  rank::Recommender rec;
  rec.set_content(1, content);
  rec.evidence().set_features(features);
  rec.evidence().add_local(3, 1, {1.0, 0.0});
  const auto cfg = linear_config();
  const auto before = rec.recommend(1, "r1", 10, 0, true, cfg);
  const auto beta = rank::rerank(content, rec.evidence(), beta_config(), before.seed, 10, 0, true);
  ASSERT_EQ(before.items.size(), 10u);
  for (std::size_t k = 0; k < 10; ++k) EXPECT_EQ(bits(before.items[k].score), bits(beta.items[k].score));
  lexical.attach_vectors(files.vectors);
  EXPECT_TRUE(features->ready());
  const auto after = rec.recommend(1, "r2", 10, 0, true, cfg);
  const auto direct = rank::rerank(content, rec.evidence(), cfg, after.seed, 10, 0, true);
  for (std::size_t k = 0; k < 10; ++k) EXPECT_EQ(bits(after.items[k].score), bits(direct.items[k].score));
  bool differs = false;  // the contextual arm is not the Beta arm in disguise
  const auto beta_after = rank::rerank(content, rec.evidence(), beta_config(), after.seed, 10, 0, true);
  for (std::size_t k = 0; k < 10; ++k) differs |= bits(after.items[k].score) != bits(beta_after.items[k].score);
  EXPECT_TRUE(differs);
}
