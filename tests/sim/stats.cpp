#include "stats.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace wayfinder::sim {

double t_quantile_975(int df) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) throw std::invalid_argument("t_quantile_975: df must be >= 1");
  if (df <= 30) return table[df - 1];
  if (df <= 60) return 2.000 + (2.042 - 2.000) * (60.0 - df) / 30.0;
  return 1.960;
}

Interval mean_ci95(std::span<const double> values) {
  if (values.empty()) throw std::invalid_argument("mean_ci95: values is empty");
  Interval out;
  out.n = static_cast<int>(values.size());
  double sum = 0.0;
  for (double v : values) sum += v;
  out.mean = sum / values.size();
  if (values.size() < 2) {
    out.lo = out.hi = out.mean;
    return out;
  }
  double ss = 0.0;
  for (double v : values) ss += (v - out.mean) * (v - out.mean);
  const double sd = std::sqrt(ss / (values.size() - 1));
  const double half = t_quantile_975(out.n - 1) * sd / std::sqrt(static_cast<double>(values.size()));
  out.lo = out.mean - half;
  out.hi = out.mean + half;
  return out;
}

std::string format_interval(const Interval& interval, int digits, double scale) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%.*f [%.*f, %.*f]", digits, interval.mean * scale, digits, interval.lo * scale,
                digits, interval.hi * scale);
  return buf;
}

}  // namespace wayfinder::sim
