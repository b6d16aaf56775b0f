#include "sim_spam.h"

#include <cstdio>
#include <string>
#include <map>
#include <sstream>

#include "stats.h"

namespace wayfinder::sim {
namespace {

struct Variant {
  std::string name;
  PolicySpec spec;
};

std::string cap_name(double cap) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", cap);
  return b;
}

// The default hybrid (community counts, nightly decay 0.9) under each combination of cap and shared address.
std::vector<Variant> variants(const SpamSectionConfig& c) {
  const PolicySpec hybrid{"hybrid", PolicyKind::hybrid, true, 0.9, {}, 0.0};
  std::vector<Variant> out{{"hybrid, today's merge (no per-prefix cap)", hybrid}};
  auto shared = hybrid;
  shared.shared_address_fraction = c.shared_fraction;
  out.push_back({"hybrid, no cap, " + cap_name(100 * c.shared_fraction) + "% behind one address", shared});
  for (const double cap : c.caps) {
    auto capped = hybrid;
    capped.prefix_rule.cap = cap;
    out.push_back({"hybrid, per-prefix cap " + cap_name(cap) + ", every learner on its own network", capped});
    auto both = shared;
    both.prefix_rule.cap = cap;
    out.push_back({"hybrid, per-prefix cap " + cap_name(cap) + ", " + cap_name(100 * c.shared_fraction) +
                       "% behind one address",
                   both});
  }
  for (const double w : c.winsors) {
    auto robust = hybrid;
    robust.prefix_rule = {c.caps.empty() ? 0.0 : c.caps.front(), w};
    const std::string name = "hybrid, per-prefix cap " + cap_name(robust.prefix_rule.cap) +
                             " + robust aggregation (a network adds at most max(1, " + cap_name(w) + " × median))";
    out.push_back({name + ", every learner on its own network", robust});
    robust.shared_address_fraction = c.shared_fraction;
    out.push_back({name + ", " + cap_name(100 * c.shared_fraction) + "% behind one address", robust});
  }
  return out;
}

}  // namespace

std::string run_spam_section(const std::vector<LearnerWorld>& worlds, const SpamSectionConfig& config, nlohmann::json& js) {
  const PolicySpec similarity{"similarity", PolicyKind::similarity, false, 1.0, {}, 0.0};
  const auto vs = variants(config);
  std::vector<double> base;
  std::map<std::string, std::vector<double>> ctr;
  for (const auto& w : worlds) {
    base.push_back(w.run(similarity).ctr());
    for (const auto& v : vs) ctr[v.name].push_back(w.run(v.spec).ctr());
  }
  std::ostringstream md;
  md << "| community merge | hybrid CTR | hybrid − similarity (points) | hybrid / similarity | change against today's "
        "merge (points) |\n|---|---|---|---|---|\n";
  const auto& today = ctr[vs.front().name];
  for (const auto& v : vs) {
    std::vector<double> diff, ratio, change;
    for (std::size_t s = 0; s < worlds.size(); ++s) {
      diff.push_back(ctr[v.name][s] - base[s]);
      ratio.push_back(ctr[v.name][s] / base[s]);
      change.push_back(ctr[v.name][s] - today[s]);
    }
    const auto d = mean_ci95(diff), r = mean_ci95(ratio), c = mean_ci95(change);
    md << "| " << v.name << " | " << format_interval(mean_ci95(ctr[v.name]), 2, 100) << "% | "
       << format_interval(d, 2, 100) << " | " << format_interval(r, 3) << " | " << format_interval(c, 3, 100) << " |\n";
    js["spam"][v.name] = {{"diff", d.mean}, {"diff_lo", d.lo}, {"diff_hi", d.hi}, {"ratio", r.mean},
                          {"ratio_lo", r.lo}, {"ratio_hi", r.hi}, {"change", c.mean}, {"change_lo", c.lo},
                          {"change_hi", c.hi}};
  }
  return md.str();
}

}  // namespace wayfinder::sim
