// Deterministic exp/log built only from IEEE-exact operations (+ − × ÷, frexp/ldexp, floor), so a seeded
// computation is bit-identical natively and in WASM. Invariant: within a few ulp of std::exp/std::log.
#pragma once

namespace wayfinder::random {

double det_exp(double x);  // e^x; +inf above ~709.78, 0 below ~-745.13, NaN stays NaN
double det_log(double x);  // ln x; -inf at 0, NaN for x < 0, +inf at +inf
// x^y for x > 0 as exp(y·ln x); x == 0 gives 0 for y > 0. Other x throws std::invalid_argument.
double det_pow(double x, double y);

}  // namespace wayfinder::random
