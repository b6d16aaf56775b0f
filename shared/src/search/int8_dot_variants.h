// Private: the SIMD kernel variants behind int8_dot.h; each file compiles to nothing where its ISA is absent.
// Invariant: a variant is only called after the dispatcher checked the CPU supports it.
#pragma once

#include "wayfinder/search/int8_dot.h"

namespace wayfinder::search::detail {

#if defined(__x86_64__) || defined(__i386__)
#define WF_HAVE_X86_KERNELS 1
void dot_rows_sse41(std::span<const std::int8_t> q, std::span<const std::int8_t> rows, std::span<std::int32_t> out);
void dot_rows_avx2(std::span<const std::int8_t> q, std::span<const std::int8_t> rows, std::span<std::int32_t> out);
#endif

#if defined(__wasm_simd128__)
#define WF_HAVE_WASM_SIMD_KERNEL 1
void dot_rows_wasm_simd(std::span<const std::int8_t> q, std::span<const std::int8_t> rows,
                        std::span<std::int32_t> out);
#endif

}  // namespace wayfinder::search::detail
