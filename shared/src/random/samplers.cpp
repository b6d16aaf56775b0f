#include "wayfinder/random/samplers.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "wayfinder/random/det_math.h"

namespace wayfinder::random {
namespace {

void require_shape(double shape, const char* what) {
  if (!(shape > 0.0) || !std::isfinite(shape))
    throw std::invalid_argument(std::string(what) + " must be finite and > 0");
}

// Marsaglia–Tsang for shape >= 1; returns ln of the draw when `as_log` (ln(d·v) = ln d + ln v).
double marsaglia_tsang(Xoshiro256ss& rng, double shape, bool as_log) {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0.0;
    double v = 0.0;
    do {
      x = standard_normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = rng.uniform_open();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return as_log ? det_log(d) + det_log(v) : d * v;
    const double ln_v = det_log(v);
    if (det_log(u) < 0.5 * x2 + d * (1.0 - v + ln_v)) return as_log ? det_log(d) + ln_v : d * v;
  }
}

}  // namespace

double standard_normal(Xoshiro256ss& rng) {
  for (;;) {
    const double u = 2.0 * rng.uniform() - 1.0;
    const double v = 2.0 * rng.uniform() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * det_log(s) / s);
  }
}

double gamma(Xoshiro256ss& rng, double shape) {
  require_shape(shape, "gamma shape");
  if (shape >= 1.0) return marsaglia_tsang(rng, shape, false);
  const double g = marsaglia_tsang(rng, shape + 1.0, false);
  return g * det_exp(det_log(rng.uniform_open()) / shape);
}

double log_gamma_draw(Xoshiro256ss& rng, double shape) {
  require_shape(shape, "gamma shape");
  if (shape >= 1.0) return marsaglia_tsang(rng, shape, true);
  return marsaglia_tsang(rng, shape + 1.0, true) + det_log(rng.uniform_open()) / shape;
}

double beta(Xoshiro256ss& rng, double a, double b) {
  require_shape(a, "beta alpha");
  require_shape(b, "beta beta");
  if (a >= 1.0 && b >= 1.0) {
    const double x = gamma(rng, a);
    const double y = gamma(rng, b);
    return x / (x + y);
  }
  // X/(X+Y) = 1 / (1 + e^(ln Y − ln X)): finite even when both draws underflow.
  const double lx = log_gamma_draw(rng, a);
  const double ly = log_gamma_draw(rng, b);
  return 1.0 / (1.0 + det_exp(ly - lx));
}

}  // namespace wayfinder::random
