// Per-row symmetric int8 quantisation: q = round_half_away(x / scale), scale = max|x| / levels (levels 1..127).
// Invariant: every q lies in [-levels, levels]; an all-zero row has scale 0; identical bits natively and in WASM.
#pragma once

#include <cstdint>
#include <span>

namespace wayfinder::shard {

// Writes x.size() int8 values into out (same size) and returns the scale, so x ≈ q × scale.
// Throws std::invalid_argument on a size mismatch, a non-finite value or levels outside 1..127.
float quantize_row(std::span<const float> x, std::span<std::int8_t> out, int levels = 127);

}  // namespace wayfinder::shard
