// wayfinder-simulate: simulated learners over the real catalog; every policy on the same learners and seeds.
// Writes a Markdown section, SVG plots and a JSON summary (see docs/SIMULATION.md for how to read them).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "learner_sim.h"
#include "sim_ope.h"
#include "sim_sequential.h"
#include "sim_spam.h"
#include "stats.h"
#include "svg_plot.h"

using namespace wayfinder::sim;

namespace {

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

// --spam-only: the cost of the spam defences to honest learners (run_spam_section), on `seeds` worlds.
int write_spam_section(const SimCatalog& catalog, const WorldConfig& world, int seeds, const SpamSectionConfig& spam,
                       const std::string& out_md, const std::string& out_json) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<LearnerWorld> worlds;
  for (int s = 0; s < seeds; ++s) worlds.emplace_back(catalog, world, 100 + s);
  nlohmann::json js;
  std::ostringstream md;
  md << "Setup: " << catalog.projects.size() << " catalog projects; content ranking from " << catalog.source << "; "
     << world.users << " learners × " << world.days << " days; " << seeds
     << " seeds; paired over seeds, 95% t-intervals.\n\n"
     << run_spam_section(worlds, spam, js);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  md << "\n_wayfinder-simulate --spam-only: ran in " << fmt("%.1f", secs) << " s._\n";
  std::ofstream(out_md) << md.str();
  std::cout << md.str();
  if (!out_json.empty()) std::ofstream(out_json) << js.dump(2) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string catalog_path;  // set: metadata stand-in ranker over catalog.jsonl instead of the shard
  std::string manifest_path = std::string(WF_SOURCE_DIR) + "/models/build/shards/manifest.json";
  std::string profile_vectors, list_profiles;
  std::string out_md, ope_md, out_json, img_dir = std::string(WF_SOURCE_DIR) + "/docs/img";
  int seeds = 10;
  int seed_base = 100;  // seed s of a run is seed_base + s; tune on another base than the reported 100
  int salts = 10;       // independent 50/50 splits per seed in the A/A and A/B section
  std::string only;     // --policies a,b: run only these (and similarity)
  bool with_variants = false;  // --variants: add the tuning variants (learner_sim.h tuning_variants)
  WorldConfig world;
  std::vector<std::size_t> traffic{25, 50, 100};  // plus the main run's learners
  bool with_traffic = true, with_ope = true;
  std::vector<std::size_t> ope_sizes{100, 300, 1000, 3000, 10000};
  bool quick = false;
  std::string spam_out;  // set: only the spam-defence section (docs/SIMULATION.md), written here
  SpamSectionConfig spam;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    if (a == "--catalog") catalog_path = next();
    else if (a == "--manifest") manifest_path = next();
    else if (a == "--profile-vectors") profile_vectors = next();
    else if (a == "--list-profiles") list_profiles = next();
    else if (a == "--seeds") seeds = std::stoi(next());
    else if (a == "--seed-base") seed_base = std::stoi(next());
    else if (a == "--splits") salts = std::stoi(next());
    else if (a == "--policies") only = next();
    else if (a == "--variants") with_variants = true;
    else if (a == "--users") world.users = std::stoul(next());
    else if (a == "--days") world.days = std::stoi(next());
    else if (a == "--fatigue") world.fatigue = std::stod(next());
    else if (a == "--no-traffic") with_traffic = false;
    else if (a == "--no-ope") with_ope = false;
    else if (a == "--out") out_md = next();
    else if (a == "--ope-out") ope_md = next();
    else if (a == "--json") out_json = next();
    else if (a == "--img-dir") img_dir = next();
    else if (a == "--spam-only") spam_out = next();
    else if (a == "--shared-fraction") spam.shared_fraction = std::stod(next());
    else if (a == "--caps") {  // e.g. 1,2,5: per-prefix caps for --spam-only
      spam.caps.clear();
      std::stringstream list(next());
      for (std::string c; std::getline(list, c, ',');) spam.caps.push_back(std::stod(c));
    }
    else if (a == "--quick") {
      quick = true;
      seeds = 3;
      world.users = 60;
      world.days = 14;
      traffic = {20};
      ope_sizes = {100, 1000};
    } else {
      std::cerr << "usage: wayfinder-simulate [--quick] [--seeds N] [--users N] [--days N] [--manifest FILE] "
                   "[--profile-vectors FILE] [--list-profiles FILE] [--catalog FILE (metadata ranker)] "
                   "[--out sim.md] [--ope-out ope.md] [--json summary.json] [--img-dir DIR] "
                   "[--spam-only spam.md [--shared-fraction 0.3] [--caps 5,2,1]] [--seed-base 100] [--splits 10] [--policies a,b] [--variants]\n";
      return 2;
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  const SimCatalog catalog =
      catalog_path.empty() ? load_catalog_from_shard(manifest_path, profile_vectors) : load_catalog(catalog_path);
  if (!list_profiles.empty()) {
    std::ofstream f(list_profiles);
    for (const auto& p : possible_profiles(catalog)) f << p << "\n";
    return 0;
  }
  if (!spam_out.empty()) return write_spam_section(catalog, world, seeds, spam, spam_out, out_json);
  auto policies = standard_policies();
  if (catalog.shard) {  // both need the shard's vectors and tags for their features
    policies.push_back(contextual_policy());
    policies.push_back(hierarchical_policy());
  }
  if (with_variants)
    for (auto& v : tuning_variants()) policies.push_back(std::move(v));
  if (!only.empty()) {  // --policies: keep these (and similarity, the baseline of every ratio)
    std::erase_if(policies, [&](const PolicySpec& p) {
      return p.name != "similarity" && (","+only+",").find("," + p.name + ",") == std::string::npos;
    });
    with_traffic = false;  // the traffic section needs the standard policies
  }
  nlohmann::json js;
  std::ostringstream md;

  // runs[policy][seed]
  std::map<std::string, std::vector<RunMetrics>> runs;
  std::vector<LearnerWorld> worlds;
  for (int s = 0; s < seeds; ++s) {
    worlds.emplace_back(catalog, world, seed_base + s);
    for (const auto& p : policies) runs[p.name].push_back(worlds.back().run(p));
  }
  std::size_t embedded = 0;
  for (const auto& w : worlds) embedded += w.embedded_queries();
  js["embedded_queries"] = embedded;
  js["learners"] = worlds.size() * world.users;

  md << "Setup: " << catalog.projects.size() << " catalog projects; content ranking from " << catalog.source << "; "
     << world.users << " learners × " << world.days << " days × " << world.sessions_per_day << " session(s) of "
     << world.page << " projects; " << seeds << " seeds (each seed = new learners, hidden preferences, clicks); "
     << "95% t-intervals over seeds.";
  if (catalog.shard)
    md << " Queries by real profile embedding: " << embedded << " of " << worlds.size() * world.users << " learners.";
  md << "\n\n";
  md << "| policy | CTR | avg reward / impression | regret / impression (expected clicks vs oracle) | catalog coverage |\n"
        "|---|---|---|---|---|\n";
  auto collect = [&](const std::string& name, auto f) {
    std::vector<double> v;
    for (const auto& r : runs[name]) v.push_back(f(r));
    return mean_ci95(v);
  };
  for (const auto& p : policies) {
    const auto ctr = collect(p.name, [](const RunMetrics& r) { return r.ctr(); });
    const auto rew = collect(p.name, [](const RunMetrics& r) { return r.avg_reward(); });
    const auto reg = collect(p.name, [](const RunMetrics& r) { return r.regret_per_impression(); });
    const auto cov = collect(p.name, [](const RunMetrics& r) { return r.final_coverage(); });
    md << "| " << p.name << " | " << format_interval(ctr, 2, 100) << "% | " << format_interval(rew, 3) << " | "
       << format_interval(reg, 4) << " | " << format_interval(cov, 2, 100) << "% |\n";
    js["policies"][p.name] = {{"ctr", ctr.mean}, {"ctr_lo", ctr.lo}, {"ctr_hi", ctr.hi}, {"reward", rew.mean},
                              {"regret", reg.mean}, {"coverage", cov.mean}};
  }
  // Paired comparison hybrid vs similarity (same learners, same clicks stream).
  auto paired = [&](const std::string& a, const std::string& b, bool ratio) {
    std::vector<double> d;
    for (int s = 0; s < seeds; ++s)
      d.push_back(ratio ? runs[a][s].ctr() / runs[b][s].ctr() : runs[a][s].ctr() - runs[b][s].ctr());
    return mean_ci95(d);
  };
  md << "\nPaired over seeds (same learners and click draws):\n\n| comparison | CTR difference (points) | CTR ratio |\n|---|---|---|\n";
  std::vector<std::pair<std::string, std::string>> pairs{
      {"hybrid", "similarity"},   {"hybrid", "random"},         {"hybrid", "thompson"},
      {"hybrid", "hybrid-local"}, {"hybrid", "hybrid-nodecay"}, {"thompson", "similarity"},
      {"contextual", "similarity"}, {"contextual", "hybrid"}, {"hierarchical", "similarity"},
      {"hierarchical", "hybrid"}, {"hierarchical", "thompson"}, {"hier-blend", "hybrid"}};
  for (const auto& p : policies)  // the tuning variants against similarity-only too
    if (p.tune && std::find(pairs.begin(), pairs.end(), std::pair<std::string, std::string>{p.name, "similarity"}) == pairs.end())
      pairs.push_back({p.name, "similarity"});
  for (auto [a, b] : pairs) {
    if (!runs.count(a) || !runs.count(b)) continue;
    const auto diff = paired(a, b, false), rat = paired(a, b, true);
    md << "| " << a << " − " << b << " | " << format_interval(diff, 2, 100) << " | " << format_interval(rat, 3) << " |\n";
    js["paired"][a + " vs " + b] = {{"diff", diff.mean}, {"diff_lo", diff.lo}, {"diff_hi", diff.hi},
                                    {"ratio", rat.mean}, {"ratio_lo", rat.lo}, {"ratio_hi", rat.hi}};
  }

  // Curves by day.
  auto day_series = [&](const std::string& name, auto f) {
    PlotSeries s;
    s.name = name;
    for (int d = 0; d < world.days; ++d) {
      std::vector<double> v;
      for (const auto& r : runs[name]) v.push_back(f(r, d));
      const auto ci = mean_ci95(v);
      s.x.push_back(d + 1);
      s.y.push_back(ci.mean);
      s.lo.push_back(ci.lo);
      s.hi.push_back(ci.hi);
    }
    return s;
  };
  std::vector<PlotSeries> ctr_s, regret_s, cov_s;
  for (const auto& p : policies) {
    ctr_s.push_back(day_series(p.name, [](const RunMetrics& r, int d) { return 100 * r.days[d].clicks / r.days[d].impressions; }));
    regret_s.push_back(day_series(p.name, [](const RunMetrics& r, int d) {
      double g = 0;
      for (int k = 0; k <= d; ++k) g += r.days[k].oracle_expected_clicks - r.days[k].expected_clicks;
      return g;
    }));
    cov_s.push_back(day_series(p.name, [](const RunMetrics& r, int d) { return 100 * r.days[d].coverage; }));
  }
  const std::string suffix = quick ? "_quick" : "";
  write_line_chart(img_dir + "/sim_ctr_by_day" + suffix + ".svg",
                   {"CTR by simulated day (mean, 95% band)", "day", "CTR (%)"}, ctr_s);
  write_line_chart(img_dir + "/sim_regret" + suffix + ".svg",
                   {"Cumulative regret vs oracle (expected clicks)", "day", "expected clicks lost"}, regret_s);
  write_line_chart(img_dir + "/sim_coverage" + suffix + ".svg",
                   {"Catalog coverage (shown at least once)", "day", "% of catalog"}, cov_s);
  md << "\n![CTR by day](img/sim_ctr_by_day" << suffix << ".svg)\n![Regret](img/sim_regret" << suffix
     << ".svg)\n![Coverage](img/sim_coverage" << suffix << ".svg)\n\n";

  // First week vs last week: does the learning show over time?
  md << "CTR in the first and the last 7 days:\n\n| policy | days 1–7 | last 7 days |\n|---|---|---|\n";
  for (const auto& p : policies) {
    std::vector<double> a, b;
    for (const auto& r : runs[p.name]) {
      double c0 = 0, n0 = 0, c1 = 0, n1 = 0;
      for (int d = 0; d < world.days; ++d) {
        if (d < 7) { c0 += r.days[d].clicks; n0 += r.days[d].impressions; }
        if (d >= world.days - 7) { c1 += r.days[d].clicks; n1 += r.days[d].impressions; }
      }
      a.push_back(c0 / n0);
      b.push_back(c1 / n1);
    }
    md << "| " << p.name << " | " << format_interval(mean_ci95(a), 2, 100) << "% | " << format_interval(mean_ci95(b), 2, 100)
       << "% |\n";
  }

  // Cold start: every learner's first 3 sessions (the days holding them), and the lift over similarity-only there.
  const int cold_days = std::max(1, (3 + world.sessions_per_day - 1) / world.sessions_per_day);
  auto early_ctr = [&](const RunMetrics& r) {
    double c = 0, n = 0;
    for (int d = 0; d < cold_days && d < world.days; ++d) { c += r.days[d].clicks; n += r.days[d].impressions; }
    return c / n;
  };
  md << "\nCold start — each learner's first 3 sessions (days 1–" << cold_days
     << "), CTR and paired ratio to similarity-only:\n\n| policy | CTR, first 3 sessions | ratio to similarity |\n|---|---|---|\n";
  for (const auto& p : policies) {
    std::vector<double> c, r;
    for (int s = 0; s < seeds; ++s) {
      c.push_back(early_ctr(runs[p.name][s]));
      r.push_back(early_ctr(runs[p.name][s]) / early_ctr(runs["similarity"][s]));
    }
    const auto ci = mean_ci95(c), ri = mean_ci95(r);
    md << "| " << p.name << " | " << format_interval(ci, 2, 100) << "% | " << format_interval(ri, 3) << " |\n";
    js["cold_start"][p.name] = {{"ctr", ci.mean}, {"ratio", ri.mean}, {"ratio_lo", ri.lo}, {"ratio_hi", ri.hi}};
  }

  // A/A and A/B through the core's sequential test (the server's rule), learners split 50/50 by the assignment hash.
  md << "\n### A/A and A/B through the server's sequential test\n\n"
     << "Each experiment splits the " << world.users << " learners of a seed 50/50 with the core's assignment hash "
     << "(experiment id per split); a learner in an arm contributes its impressions and clicks from the run of that "
     << "arm's policy; the core's `sequential_decision` (mSPRT, alpha 0.05, tau 0.01, ≥ 1000 impressions per arm — "
     << "the server's defaults) looks once per simulated day. " << salts << " splits per seed.\n\n"
     << run_sequential_section(runs,
                               {{"A/A hybrid", "hybrid", "hybrid"},
                                {"A/A contextual", "contextual", "contextual"},
                                {"A/B contextual vs hybrid", "hybrid", "contextual"},
                                {"A/B hybrid vs similarity", "similarity", "hybrid"},
                                {"A/B contextual vs similarity", "similarity", "contextual"},
                                {"A/B thompson vs hybrid", "hybrid", "thompson"},
                                {"A/A hierarchical", "hierarchical", "hierarchical"},
                                {"A/B hierarchical vs hybrid", "hybrid", "hierarchical"},
                                {"A/B hierarchical vs thompson", "thompson", "hierarchical"},
                                {"A/B hierarchical vs similarity", "similarity", "hierarchical"},
                                // the shipped default (the core's RerankConfig: hierarchical kind at the 0.6 / 0.4
                                // blend and 3·N window), run with --variants
                                {"A/A hier-blend", "hier-blend", "hier-blend"},
                                {"A/B hier-blend vs hybrid", "hybrid", "hier-blend"}},
                               world.users, world.days, salts, js);

  // Traffic: how the hybrid's advantage depends on the number of learners feeding the community counts.
  if (with_traffic)
    md << "\n### Dependence on traffic (number of learners feeding the nightly merge)\n\n"
       << "| learners | similarity CTR | hybrid CTR | hybrid − similarity (points) | hybrid-local − similarity (points) |\n"
          "|---|---|---|---|---|\n";
  PlotSeries tr_h{"hybrid − similarity", {}, {}, {}, {}}, tr_l{"hybrid-local − similarity", {}, {}, {}, {}};
  if (!with_traffic) traffic.clear();
  else traffic.push_back(world.users);
  for (auto users : traffic) {
    WorldConfig w = world;
    w.users = users;
    std::vector<double> sim_ctr, hyb_ctr, d_h, d_l;
    for (int s = 0; s < seeds; ++s) {
      const bool main_run = users == world.users;
      std::optional<LearnerWorld> lw;
      if (!main_run) lw.emplace(catalog, w, seed_base + s);
      const auto rs = main_run ? runs["similarity"][s] : lw->run(policies[2]);
      const auto rh = main_run ? runs["hybrid"][s] : lw->run(policies[6]);
      const auto rl = main_run ? runs["hybrid-local"][s] : lw->run(policies[4]);
      sim_ctr.push_back(rs.ctr());
      hyb_ctr.push_back(rh.ctr());
      d_h.push_back(rh.ctr() - rs.ctr());
      d_l.push_back(rl.ctr() - rs.ctr());
    }
    const auto ch = mean_ci95(d_h), cl = mean_ci95(d_l);
    md << "| " << users << " | " << format_interval(mean_ci95(sim_ctr), 2, 100) << "% | "
       << format_interval(mean_ci95(hyb_ctr), 2, 100) << "% | " << format_interval(ch, 2, 100) << " | "
       << format_interval(cl, 2, 100) << " |\n";
    js["traffic"][std::to_string(users)] = {{"hybrid_minus_similarity", ch.mean}, {"lo", ch.lo}, {"hi", ch.hi},
                                            {"local_minus_similarity", cl.mean}};
    for (auto [s, c] : {std::pair{&tr_h, ch}, std::pair{&tr_l, cl}}) {
      s->x.push_back(users);
      s->y.push_back(100 * c.mean);
      s->lo.push_back(100 * c.lo);
      s->hi.push_back(100 * c.hi);
    }
  }
  if (with_traffic) {
  PlotSpec tspec{"CTR gain over similarity-only vs traffic", "learners (log scale)", "CTR difference (points)"};
  tspec.log_x = true;
  write_line_chart(img_dir + "/sim_traffic" + suffix + ".svg", tspec, {tr_h, tr_l});
  md << "\n![Traffic](img/sim_traffic" << suffix << ".svg)\n\n";
  }

  // Off-policy evaluation where the truth is known.
  std::ostringstream ope;
  if (with_ope) ope << run_sim_ope_section(worlds, runs["hybrid"], ope_sizes, img_dir, suffix, js);

  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  js["seconds"] = secs;
  md << "_wayfinder-simulate" << (quick ? " --quick" : "") << ": ran in " << fmt("%.1f", secs) << " s._\n";
  if (!out_md.empty()) std::ofstream(out_md) << md.str();
  else std::cout << md.str();
  if (!ope_md.empty()) std::ofstream(ope_md) << ope.str();
  else std::cout << ope.str();
  if (!out_json.empty()) std::ofstream(out_json) << js.dump(2) << "\n";
  return 0;
}
