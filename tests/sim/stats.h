// Summary statistics for simulation reports: mean and a 95% interval over independent seeded runs.
// Invariant: an interval always satisfies lo <= mean <= hi (a single value gives lo == mean == hi).
#pragma once

#include <span>
#include <string>

namespace wayfinder::sim {

struct Interval {
  double mean = 0.0;
  double lo = 0.0;
  double hi = 0.0;
  int n = 0;
};

// Student-t 97.5% quantile for `df` degrees of freedom (table to 30, normal beyond).
double t_quantile_975(int df);

// mean ± t(0.975, n−1)·sd/√n over the values (independent runs). Empty input throws std::invalid_argument.
Interval mean_ci95(std::span<const double> values);

// "0.1234 [0.1200, 0.1268]" with `digits` decimals; `scale` multiplies all three (e.g. 100 for percent).
std::string format_interval(const Interval& interval, int digits = 4, double scale = 1.0);

}  // namespace wayfinder::sim
