#include "sim_ope.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "stats.h"
#include "svg_plot.h"
#include "wayfinder/bandit/evidence_store.h"
#include "wayfinder/ope/estimators.h"
#include "wayfinder/random/xoshiro.h"
#include "wayfinder/rank/rerank.h"

namespace wayfinder::sim {
namespace {

using random::derive_seed;

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

constexpr std::size_t kOpeUsers = 100;   // learners the logs are drawn from
constexpr std::size_t kTargetDraws = 200;  // Monte Carlo rankings per learner that define π(first slot)

struct Logger {
  std::string name;
  bool use_rl;
  rank::RerankConfig config;
};

}  // namespace

std::string run_sim_ope_section(const std::vector<LearnerWorld>& worlds, const std::vector<RunMetrics>& trained_runs,
                                const std::vector<std::size_t>& sizes,
                                const std::string& img_dir, const std::string& suffix, nlohmann::json& js) {
  rank::RerankConfig target_cfg = worlds.front().config().rerank;
  target_cfg.bandit = rank::BanditKind::kBeta;  // the OPE study evaluates the Beta hybrid (its stores have no features)
  target_cfg.propensity_draws = 1;
  rank::RerankConfig greedy_eps = target_cfg;  // similarity arm with the default ε exploration
  greedy_eps.similarity_weight = 1.0;
  greedy_eps.bandit_weight = 0.0;
  greedy_eps.propensity_draws = 20;
  rank::RerankConfig eps_all = greedy_eps;  // the old rule: ε over every eligible project
  eps_all.exploration_pool = 0;
  rank::RerankConfig eps_pool = greedy_eps;  // the core's default: ε over the top exploration_pool candidates
  const std::vector<Logger> loggers{
      {"similarity arm as deployed (no exploration)", false, target_cfg},
      {"similarity arm with ε = 0.15 over all eligible projects (exploration_pool = 0, the old rule)", true, eps_all},
      {"similarity arm with ε = 0.15 over the top " + std::to_string(eps_pool.exploration_pool) +
           " content candidates (exploration_pool, the core's default)",
       true, eps_pool}};
  const char* names[] = {"IPS", "SNIPS", "DR"};
  const ope::Estimator kinds[] = {ope::Estimator::kIps, ope::Estimator::kSnips, ope::Estimator::kDoublyRobust};
  // err[logger][estimator][size] over worlds; covered = truth inside the bootstrap interval.
  std::vector<std::vector<std::vector<std::vector<double>>>> err(
      loggers.size(), std::vector<std::vector<std::vector<double>>>(3, std::vector<std::vector<double>>(sizes.size())));
  auto covered = err;
  std::vector<double> truths;

  for (std::size_t w = 0; w < worlds.size(); ++w) {
    const auto& world = worlds[w];
    const std::uint64_t seed = 5000 + w;
    // Target: the hybrid a new learner meets after the simulated month (community snapshot, no own counts).
    const auto& trained = trained_runs.at(w);
    bandit::EvidenceStore store;
    store.set_community(trained.community_index, trained.community_counts);
    const std::size_t users = std::min(kOpeUsers, world.users());
    std::vector<std::map<std::uint32_t, double>> pi(users);
    double truth = 0;
    for (std::size_t u = 0; u < users; ++u) {
      for (std::size_t d = 0; d < kTargetDraws; ++d) {
        const auto r = rank::rerank(world.content(u), store, target_cfg, derive_seed(seed, u * 1000003 + d), 1, 0, true);
        pi[u][r.items.front().index] += 1.0 / kTargetDraws;
      }
      for (const auto& [i, p] : pi[u]) truth += p * world.preference(u, i) / users;
    }
    truths.push_back(truth);
    for (std::size_t l = 0; l < loggers.size(); ++l) {
      random::Xoshiro256ss rng(derive_seed(seed, 77 + l));
      std::vector<std::size_t> log_user;
      std::vector<std::uint32_t> log_item;
      std::vector<double> log_prop, log_click;
      const std::size_t n_max = sizes.back();
      for (std::size_t t = 0; t < n_max; ++t) {
        const std::size_t u = rng.below(users);
        const auto r = rank::rerank(world.content(u), store, loggers[l].config, derive_seed(seed, 900000000 + t), 1, 0,
                                    loggers[l].use_rl);
        const auto i = r.items.front().index;
        log_user.push_back(u);
        log_item.push_back(i);
        log_prop.push_back(r.items.front().propensity);
        log_click.push_back(rng.uniform() < world.preference(u, i) ? 1.0 : 0.0);
      }
      for (std::size_t si = 0; si < sizes.size(); ++si) {
        const std::size_t n = sizes[si];
        // Reward model: per-project click mean of the other half of the logs (2-fold), shrunk to the pooled mean.
        std::map<std::uint32_t, std::array<double, 4>> stats;  // clicks, shows per fold
        double pooled = 0;
        for (std::size_t t = 0; t < n; ++t) {
          auto& s = stats[log_item[t]];
          s[(t % 2) * 2] += log_click[t];
          s[(t % 2) * 2 + 1] += 1;
          pooled += log_click[t] / n;
        }
        auto qhat = [&](std::uint32_t i, int fold) {
          const auto it = stats.find(i);
          const int other = 1 - fold;
          const double c = it == stats.end() ? 0 : it->second[other * 2], m = it == stats.end() ? 0 : it->second[other * 2 + 1];
          return (c + pooled * 5.0) / (m + 5.0);
        };
        std::vector<ope::LoggedRecord> recs;
        for (std::size_t t = 0; t < n; ++t) {
          const int fold = static_cast<int>(t % 2);
          const auto& p = pi[log_user[t]];
          const auto it = p.find(log_item[t]);
          double value = 0;
          for (const auto& [i, pr] : p) value += pr * qhat(i, fold);
          recs.push_back({log_item[t], log_prop[t], log_click[t], it == p.end() ? 0.0 : it->second,
                          qhat(log_item[t], fold), value});
        }
        ope::BootstrapConfig boot;
        boot.resamples = 200;
        boot.seed = seed;
        for (int e = 0; e < 3; ++e) {
          const auto est = ope::estimate(recs, kinds[e], boot);
          err[l][e][si].push_back(est.value - truth);
          covered[l][e][si].push_back(est.lower <= truth && truth <= est.upper ? 1.0 : 0.0);
        }
      }
    }
  }

  std::ostringstream md;
  const auto tr = mean_ci95(truths);
  md << "Target: the hybrid (default config) that a new learner meets after the simulated month — the community "
        "snapshot of the hybrid run, no own counts; its first-slot CTR. π(first slot | learner) is the share of "
     << kTargetDraws << " seeded rankings of the core's re-rank that put each project first; the truth is Σ π·P(click) "
        "with the simulator's hidden preferences (mean over worlds: "
     << fmt("%.2f%%", 100 * tr.mean) << "). Logs: first-slot impressions of " << kOpeUsers
     << " learners under the similarity arm, μ = the propensity the core's re-rank reports. DR's reward model: "
        "per-project click mean of the other half of the logs, shrunk to the pooled mean. "
     << worlds.size() << " worlds (seeds); bootstrap 200 resamples.\n\n";
  std::vector<PlotSeries> series;
  for (std::size_t l = 0; l < loggers.size(); ++l) {
    md << "**Logged by: " << loggers[l].name << "**\n\n| logged impressions |";
    for (auto n : sizes) md << " " << n << " |";
    md << "\n|---|";
    for (std::size_t i = 0; i < sizes.size(); ++i) md << "---|";
    md << "\n";
    for (int e = 0; e < 3; ++e) {
      md << "| " << names[e] << " bias (points) / RMSE (points) / CI coverage |";
      PlotSeries s;
      s.name = std::string(names[e]) + (l == 0 ? " (no expl.)" : l == 1 ? " (ε, all eligible)" : " (ε, top pool)");
      for (std::size_t si = 0; si < sizes.size(); ++si) {
        const auto& v = err[l][e][si];
        double ss = 0;
        for (double x : v) ss += x * x;
        const double rmse = std::sqrt(ss / v.size());
        const auto bias = mean_ci95(v);
        const auto cov = mean_ci95(covered[l][e][si]);
        md << " " << fmt("%+.2f", 100 * bias.mean) << " / " << fmt("%.2f", 100 * rmse) << " / " << fmt("%.0f%%", 100 * cov.mean) << " |";
        s.x.push_back(static_cast<double>(sizes[si]));
        s.y.push_back(100 * rmse);
        js["sim_ope"][loggers[l].name][names[e]][std::to_string(sizes[si])] = {{"bias", bias.mean}, {"rmse", rmse},
                                                                              {"coverage", cov.mean}};
      }
      md << "\n";
      series.push_back(std::move(s));
    }
    md << "\n";
  }
  js["sim_ope"]["truth"] = tr.mean;
  PlotSpec spec{"OPE error for the hybrid from similarity-arm logs", "logged impressions (log scale)", "RMSE (CTR points)"};
  spec.log_x = true;
  write_line_chart(img_dir + "/ope_sim_error" + suffix + ".svg", spec, series);
  md << "![OPE error](img/ope_sim_error" << suffix << ".svg)\n\n";
  return md.str();
}

}  // namespace wayfinder::sim
