#include "svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace wayfinder::sim {
namespace {

const char* kColors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#17becf"};

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}
std::string tick_label(double v) {
  char b[32];
  const double a = std::fabs(v);
  if (a >= 1e6) std::snprintf(b, sizeof b, "%gM", v / 1e6);
  else if (a >= 1e4) std::snprintf(b, sizeof b, "%gk", v / 1e3);
  else std::snprintf(b, sizeof b, "%.3g", v);
  return b;
}
std::string esc(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '&') o += "&amp;";
    else o += c;
  }
  return o;
}

}  // namespace

void write_line_chart(const std::string& path, const PlotSpec& spec, const std::vector<PlotSeries>& series) {
  const double W = 760, H = 420, L = 70, R = 190, T = 40, B = 55;
  auto tx = [&](double x) { return spec.log_x ? std::log10(x) : x; };
  auto ty = [&](double y) { return spec.log_y ? std::log10(y) : y; };
  double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300;
  for (const auto& s : series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      x0 = std::min(x0, tx(s.x[i])); x1 = std::max(x1, tx(s.x[i]));
      const double lo = s.lo.empty() ? s.y[i] : s.lo[i], hi = s.hi.empty() ? s.y[i] : s.hi[i];
      y0 = std::min(y0, ty(lo)); y1 = std::max(y1, ty(hi));
    }
  }
  if (spec.y_min != PlotSpec::NAN_DEFAULT()) y0 = ty(spec.y_min);
  if (spec.y_max != PlotSpec::NAN_DEFAULT()) y1 = ty(spec.y_max);
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const double pad = (y1 - y0) * 0.05;
  if (spec.y_min == PlotSpec::NAN_DEFAULT()) y0 -= pad;
  if (spec.y_max == PlotSpec::NAN_DEFAULT()) y1 += pad;
  auto px = [&](double x) { return L + (tx(x) - x0) / (x1 - x0) * (W - L - R); };
  auto py = [&](double y) { return H - B - (ty(y) - y0) / (y1 - y0) * (H - T - B); };

  std::string o;
  o += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"420\" viewBox=\"0 0 760 420\" "
       "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"760\" height=\"420\" fill=\"white\"/>\n";
  o += "<text x=\"" + num(L) + "\" y=\"22\" font-size=\"15\" font-weight=\"bold\">" + esc(spec.title) + "</text>\n";
  // Grid and ticks.
  for (int k = 0; k <= 5; ++k) {
    const double yv = y0 + (y1 - y0) * k / 5.0;
    const double yy = H - B - (H - T - B) * k / 5.0;
    o += "<line x1=\"" + num(L) + "\" x2=\"" + num(W - R) + "\" y1=\"" + num(yy) + "\" y2=\"" + num(yy) +
         "\" stroke=\"#ddd\"/>\n";
    o += "<text x=\"" + num(L - 6) + "\" y=\"" + num(yy + 4) + "\" text-anchor=\"end\">" +
         tick_label(spec.log_y ? std::pow(10, yv) : yv) + "</text>\n";
  }
  for (int k = 0; k <= 5; ++k) {
    const double xv = x0 + (x1 - x0) * k / 5.0;
    const double xx = L + (W - L - R) * k / 5.0;
    o += "<line x1=\"" + num(xx) + "\" x2=\"" + num(xx) + "\" y1=\"" + num(T) + "\" y2=\"" + num(H - B) +
         "\" stroke=\"#eee\"/>\n";
    o += "<text x=\"" + num(xx) + "\" y=\"" + num(H - B + 16) + "\" text-anchor=\"middle\">" +
         tick_label(spec.log_x ? std::pow(10, xv) : xv) + "</text>\n";
  }
  o += "<rect x=\"" + num(L) + "\" y=\"" + num(T) + "\" width=\"" + num(W - L - R) + "\" height=\"" + num(H - T - B) +
       "\" fill=\"none\" stroke=\"#333\"/>\n";
  o += "<text x=\"" + num(L + (W - L - R) / 2) + "\" y=\"" + num(H - 12) + "\" text-anchor=\"middle\">" +
       esc(spec.x_label) + "</text>\n";
  o += "<text transform=\"translate(16," + num(T + (H - T - B) / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
       esc(spec.y_label) + "</text>\n";
  for (std::size_t si = 0; si < series.size(); ++si) {
    const auto& s = series[si];
    const std::string color = kColors[si % 9];
    if (!s.lo.empty() && s.x.size() > 1) {
      std::string pts;
      for (std::size_t i = 0; i < s.x.size(); ++i) pts += num(px(s.x[i])) + "," + num(py(s.hi[i])) + " ";
      for (std::size_t i = s.x.size(); i-- > 0;) pts += num(px(s.x[i])) + "," + num(py(s.lo[i])) + " ";
      o += "<polygon points=\"" + pts + "\" fill=\"" + color + "\" fill-opacity=\"0.15\" stroke=\"none\"/>\n";
    }
    std::string pts;
    for (std::size_t i = 0; i < s.x.size(); ++i) pts += num(px(s.x[i])) + "," + num(py(s.y[i])) + " ";
    o += "<polyline points=\"" + pts + "\" fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\"/>\n";
    if (s.x.size() <= 12)
      for (std::size_t i = 0; i < s.x.size(); ++i)
        o += "<circle cx=\"" + num(px(s.x[i])) + "\" cy=\"" + num(py(s.y[i])) + "\" r=\"3\" fill=\"" + color + "\"/>\n";
    const double ly = T + 10 + 20.0 * si;
    o += "<line x1=\"" + num(W - R + 12) + "\" x2=\"" + num(W - R + 36) + "\" y1=\"" + num(ly) + "\" y2=\"" + num(ly) +
         "\" stroke=\"" + color + "\" stroke-width=\"3\"/>\n";
    o += "<text x=\"" + num(W - R + 42) + "\" y=\"" + num(ly + 4) + "\">" + esc(s.name) + "</text>\n";
  }
  o += "</svg>\n";
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << o;
}

}  // namespace wayfinder::sim
