#include "sim_sequential.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "stats.h"
#include "wayfinder/experiment/assignment.h"
#include "wayfinder/experiment/sequential.h"

namespace wayfinder::sim {
namespace {

struct Outcome {
  bool significant = false;
  int stop_day = 0;  // 1-based day of the first significant look (0: never)
  std::string winner;
  double p_value = 1.0;
  double ctr_control = 0, ctr_treatment = 0;
};

// One experiment: learner u is in the treatment when the core's hash puts it in the second of two equal arms.
Outcome run_one(const RunMetrics& control, const RunMetrics& treatment, const std::string& experiment_id,
                std::size_t users, int days) {
  experiment::ExperimentConfig ex{experiment_id, {{"control", 1.0, true}, {"treatment", 1.0, true}}, true, ""};
  std::vector<char> in_treatment(users);
  for (std::size_t u = 0; u < users; ++u)
    in_treatment[u] = experiment::assign(ex, "learner-" + std::to_string(u)).name == "treatment";
  experiment::ArmStats a{"control"}, b{"treatment"};
  experiment::SequentialTestConfig cfg;  // the server's defaults: alpha 0.05, tau 0.01, 1000 per arm
  Outcome o;
  for (int d = 0; d < days; ++d) {
    for (std::size_t u = 0; u < users; ++u) {
      const std::size_t k = static_cast<std::size_t>(d) * users + u;
      auto& arm = in_treatment[u] ? b : a;
      const auto& run = in_treatment[u] ? treatment : control;
      arm.impressions += run.user_day_impressions[k];
      arm.clicks += run.user_day_clicks[k];
    }
    const auto dec = experiment::sequential_decision(a, b, o.p_value, cfg);
    o.p_value = dec.p_value;
    if (dec.significant && !o.significant) {
      o.significant = true;
      o.stop_day = d + 1;
      o.winner = dec.winner;
    }
    if (o.significant) break;  // the server stops adapting on the winner; the first decision is what counts
  }
  o.ctr_control = static_cast<double>(a.clicks) / static_cast<double>(a.impressions);
  o.ctr_treatment = static_cast<double>(b.clicks) / static_cast<double>(b.impressions);
  return o;
}

}  // namespace

std::string run_sequential_section(const std::map<std::string, std::vector<RunMetrics>>& runs,
                                   const std::vector<SplitTest>& tests, std::size_t users, int days, int salts,
                                   nlohmann::json& js) {
  std::ostringstream md;
  md << "| test | experiments (seeds × splits) | declared a winner | winners | median stop day | per seed: first split's "
        "decision (day) |\n|---|---|---|---|---|---|\n";
  for (const auto& t : tests) {
    if (!runs.count(t.control) || !runs.count(t.treatment)) continue;
    const auto& rc = runs.at(t.control);
    const auto& rt = runs.at(t.treatment);
    int decided = 0, total = 0;
    std::map<std::string, int> winners;
    std::vector<double> stops;
    std::string per_seed;
    for (std::size_t s = 0; s < rc.size(); ++s) {
      for (int k = 0; k < salts; ++k) {
        const auto o = run_one(rc[s], rt[s], "sim-" + t.name + "-" + std::to_string(k), users, days);
        ++total;
        if (o.significant) {
          ++decided;
          ++winners[o.winner == "treatment" ? t.treatment : t.control];
          stops.push_back(o.stop_day);
        }
        if (k == 0)
          per_seed += (per_seed.empty() ? "" : ", ") +
                      (o.significant ? (o.winner == "treatment" ? t.treatment : t.control) + " (" +
                                           std::to_string(o.stop_day) + ")"
                                     : std::string("none"));
      }
    }
    std::sort(stops.begin(), stops.end());
    std::string w;
    for (const auto& [name, n] : winners) w += (w.empty() ? "" : ", ") + name + " " + std::to_string(n);
    const double rate = static_cast<double>(decided) / total;
    char rate_s[32];
    std::snprintf(rate_s, sizeof rate_s, "%.1f%%", 100 * rate);
    const std::string median = stops.empty() ? "–" : std::to_string(static_cast<int>(stops[stops.size() / 2]));
    md << "| " << t.name << " | " << total << " | " << decided << " (" << rate_s << ") | " << (w.empty() ? "–" : w)
       << " | " << median << " | " << per_seed << " |\n";
    js["sequential"][t.name] = {{"experiments", total}, {"decided", decided}, {"rate", rate}, {"winners", winners},
                                {"median_stop_day", stops.empty() ? 0.0 : stops[stops.size() / 2]}};
  }
  return md.str();
}

}  // namespace wayfinder::sim
