// Samplers of our own over Xoshiro256ss, built from + − × ÷ sqrt and det_exp/det_log only.
// Invariant: a seeded generator yields bit-identical samples natively and in WASM (golden-tested).
#pragma once

#include "wayfinder/random/xoshiro.h"

namespace wayfinder::random {

// Marsaglia polar method; uses one accepted pair and discards the second value (keeps samplers stateless).
double standard_normal(Xoshiro256ss& rng);

// Gamma(shape, 1): Marsaglia–Tsang; for shape < 1 the boost Gamma(shape+1)·U^(1/shape).
// shape must be finite and > 0 (std::invalid_argument otherwise).
double gamma(Xoshiro256ss& rng, double shape);

// ln of a Gamma(shape, 1) draw: stays finite where the draw itself underflows (tiny shapes).
double log_gamma_draw(Xoshiro256ss& rng, double shape);

// Beta(a, b) as X/(X+Y) with X ~ Gamma(a), Y ~ Gamma(b); computed in log space when a or b < 1 so tiny
// shapes don't give 0/0. a, b finite and > 0.
double beta(Xoshiro256ss& rng, double a, double b);

}  // namespace wayfinder::random
