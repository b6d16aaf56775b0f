#include "wayfinder/random/det_math.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace wayfinder::random {
namespace {

// ln 2 split so that k·kLn2Hi is exact for |k| < 2^11 (fdlibm's constants).
constexpr double kLn2Hi = 6.93147180369123816490e-01;
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kInvLn2 = 1.44269504088896338700e+00;

}  // namespace

double det_exp(double x) {
  if (std::isnan(x)) return x;
  if (x > 709.782712893383973096) return std::numeric_limits<double>::infinity();
  if (x < -745.133219101941108420) return 0.0;
  // x = k·ln2 + r, |r| <= ln2/2; e^x = 2^k · e^r.
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double r = (x - k * kLn2Hi) - k * kLn2Lo;
  // Taylor series of e^r to degree 14 (truncation < 1e-18 for |r| <= 0.347), Horner from the top.
  double p = 1.0 / 87178291200.0;  // 1/14!
  constexpr double kInvFact[] = {1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0,
                                 1.0 / 362880.0,     1.0 / 40320.0,     1.0 / 5040.0,      1.0 / 720.0,
                                 1.0 / 120.0,        1.0 / 24.0,        1.0 / 6.0,         0.5};
  for (double c : kInvFact) p = p * r + c;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const int ki = static_cast<int>(k);
  // Two steps keep 2^k representable when the result is subnormal.
  if (ki < -1000) return std::ldexp(std::ldexp(p, ki + 60), -60);
  return std::ldexp(p, ki);
}

double det_log(double x) {
  if (std::isnan(x) || x < 0.0) return std::numeric_limits<double>::quiet_NaN();
  if (x == 0.0) return -std::numeric_limits<double>::infinity();
  if (std::isinf(x)) return x;
  int e = 0;
  double m = std::frexp(x, &e);  // x = m·2^e, m in [0.5, 1)
  if (m < 0.70710678118654752440) {
    m *= 2.0;
    --e;
  }
  // ln m = 2·atanh(f), f = (m−1)/(m+1), |f| <= 0.1716: odd series to f^25 (truncation < 1e-19).
  const double f = (m - 1.0) / (m + 1.0);
  const double s = f * f;
  double q = 1.0 / 25.0;
  for (int n = 23; n >= 3; n -= 2) q = q * s + 1.0 / static_cast<double>(n);
  const double ln_m = 2.0 * f + 2.0 * f * s * q;
  const double ed = static_cast<double>(e);
  return ed * kLn2Hi + (ln_m + ed * kLn2Lo);
}

double det_pow(double x, double y) {
  if (!(x >= 0.0) || std::isinf(x)) throw std::invalid_argument("det_pow: x must be finite and >= 0");
  if (x == 0.0) {
    if (y > 0.0) return 0.0;
    throw std::invalid_argument("det_pow: 0 to a non-positive power");
  }
  return det_exp(y * det_log(x));
}

}  // namespace wayfinder::random
