// WebAssembly SIMD int8 kernel: widen to i16x8, i32x4.dot_i16x8, accumulate (compiled only with -msimd128).
// Exact for every input; the auto-vectoriser makes int8 slower than scalar, hence the hand-written loop.
#include "int8_dot_variants.h"

#if defined(WF_HAVE_WASM_SIMD_KERNEL)
#include <wasm_simd128.h>

#include <vector>

namespace wayfinder::search::detail {

void dot_rows_wasm_simd(std::span<const std::int8_t> q, std::span<const std::int8_t> rows,
                        std::span<std::int32_t> out) {
  const std::size_t dim = q.size();
  const std::size_t vec_end = dim & ~std::size_t{15};
  std::vector<std::int16_t> qw(vec_end);  // the query widened once
  for (std::size_t d = 0; d < vec_end; ++d) qw[d] = q[d];
  for (std::size_t r = 0; r < out.size(); ++r) {
    const std::int8_t* row = rows.data() + r * dim;
    v128_t acc0 = wasm_i32x4_const(0, 0, 0, 0), acc1 = wasm_i32x4_const(0, 0, 0, 0);
    for (std::size_t d = 0; d < vec_end; d += 16) {
      const v128_t v = wasm_v128_load(row + d);
      acc0 = wasm_i32x4_add(acc0, wasm_i32x4_dot_i16x8(wasm_i16x8_extend_low_i8x16(v), wasm_v128_load(qw.data() + d)));
      acc1 = wasm_i32x4_add(acc1,
                            wasm_i32x4_dot_i16x8(wasm_i16x8_extend_high_i8x16(v), wasm_v128_load(qw.data() + d + 8)));
    }
    const v128_t acc = wasm_i32x4_add(acc0, acc1);
    std::int32_t sum = wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) +
                       wasm_i32x4_extract_lane(acc, 2) + wasm_i32x4_extract_lane(acc, 3);
    for (std::size_t d = vec_end; d < dim; ++d) sum += std::int32_t{q[d]} * std::int32_t{row[d]};
    out[r] = sum;
  }
}

}  // namespace wayfinder::search::detail
#endif
