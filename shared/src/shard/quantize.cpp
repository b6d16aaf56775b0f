#include "wayfinder/shard/quantize.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace wayfinder::shard {

float quantize_row(std::span<const float> x, std::span<std::int8_t> out, int levels) {
  if (x.size() != out.size()) throw std::invalid_argument("quantize_row: input and output sizes differ");
  if (levels < 1 || levels > 127) throw std::invalid_argument("quantize_row: levels must be in 1..127");
  float max_abs = 0.0f;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) throw std::invalid_argument("vector value " + std::to_string(i) + " is not finite");
    max_abs = std::fmax(max_abs, std::fabs(x[i]));
  }
  if (max_abs == 0.0f) {
    for (auto& q : out) q = 0;
    return 0.0f;
  }
  const float top = static_cast<float>(levels);
  const float scale = max_abs / top;
  for (std::size_t i = 0; i < x.size(); ++i) {
    // Division (not a multiply by 1/scale) and explicit half-away-from-zero keep this exact and portable.
    const float v = x[i] / scale;
    float r = std::floor(std::fabs(v) + 0.5f);
    if (r > top) r = top;
    out[i] = static_cast<std::int8_t>(v < 0.0f ? -static_cast<int>(r) : static_cast<int>(r));
  }
  return scale;
}

}  // namespace wayfinder::shard
