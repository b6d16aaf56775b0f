#include "wayfinder/experiment/sequential.h"

#include <algorithm>
#include <cmath>

namespace wayfinder::experiment {

double msprt_p_value(const ArmStats& a, const ArmStats& b, double tau) {
  if (a.impressions < 2 || b.impressions < 2) return 1.0;
  const double na = static_cast<double>(a.impressions), nb = static_cast<double>(b.impressions);
  const double pa = static_cast<double>(a.clicks) / na, pb = static_cast<double>(b.clicks) / nb;
  // Variance of the difference estimate; pooled under H0 (and floored so that 0 clicks do not give V = 0).
  const double pooled = std::clamp((static_cast<double>(a.clicks + b.clicks) + 0.5) / (na + nb + 1.0), 1e-6, 1 - 1e-6);
  const double v = pooled * (1 - pooled) * (1 / na + 1 / nb);
  const double t2 = tau * tau, d = pb - pa;
  const double log_lambda = 0.5 * std::log(v / (v + t2)) + t2 * d * d / (2 * v * (v + t2));
  return std::min(1.0, std::exp(-log_lambda));
}

SequentialDecision sequential_decision(const ArmStats& control, const ArmStats& treatment, double previous_p,
                                       const SequentialTestConfig& cfg) {
  SequentialDecision d;
  d.p_value = std::min(previous_p, msprt_p_value(control, treatment, cfg.tau));
  const bool enough = control.impressions >= cfg.min_samples && treatment.impressions >= cfg.min_samples;
  if (enough && d.p_value <= cfg.alpha) {
    d.significant = true;
    const double ca = static_cast<double>(control.clicks) / static_cast<double>(control.impressions);
    const double cb = static_cast<double>(treatment.clicks) / static_cast<double>(treatment.impressions);
    d.winner = cb > ca ? treatment.arm : control.arm;
  }
  return d;
}

}  // namespace wayfinder::experiment
