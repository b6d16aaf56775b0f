// Per-row symmetric int8 quantisation: q = round_half_away(x / scale), scale = max|x| / 127.
// Invariant: every q lies in [-127, 127]; an all-zero row has scale 0; identical bits natively and in WASM.
#pragma once

#include <cstdint>
#include <span>

namespace wayfinder::shard {

// Writes x.size() int8 values into out (same size) and returns the scale, so x ≈ q × scale.
// Throws std::invalid_argument on a size mismatch or a non-finite value.
float quantize_row(std::span<const float> x, std::span<std::int8_t> out);

}  // namespace wayfinder::shard
