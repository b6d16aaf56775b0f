// Minimal SVG line charts for the reports (no plotting library): series with optional 95% bands, axes, legend.
// Invariant: output is deterministic text for the same input (fixed number formatting, no timestamps).
#pragma once

#include <string>
#include <vector>

namespace wayfinder::sim {

struct PlotSeries {
  std::string name;
  std::vector<double> x, y;
  std::vector<double> lo, hi;  // optional band (same length as y) — empty for none
};

struct PlotSpec {
  std::string title, x_label, y_label;
  bool log_x = false;
  bool log_y = false;
  static constexpr double NAN_DEFAULT() { return -1e300; }  // "not set"
  double y_min = -1e300, y_max = -1e300;
};

// Writes an 760×420 SVG line chart; throws std::runtime_error when the file can't be written.
void write_line_chart(const std::string& path, const PlotSpec& spec, const std::vector<PlotSeries>& series);

}  // namespace wayfinder::sim
