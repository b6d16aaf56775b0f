// int8 dot-product kernels: one query row against N contiguous rows, exact int32 results.
// Invariant: every kernel returns bit-identical results to dot_rows_scalar; the one used is chosen once, here.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace wayfinder::search {

// out[r] = Σ_d query[d] × rows[r × dim + d], dim = query.size(); requires rows.size() == out.size() × dim
// and dim ≤ 65536 (so the sum fits int32). Checked in dot_rows(); the raw kernels trust their caller.
using DotRowsFn = void (*)(std::span<const std::int8_t> query, std::span<const std::int8_t> rows,
                           std::span<std::int32_t> out);

struct Int8Kernel {
  std::string_view name;  // "scalar", "sse4.1", "avx2", "wasm-simd128"
  DotRowsFn dot_rows = nullptr;
};

void dot_rows_scalar(std::span<const std::int8_t> query, std::span<const std::int8_t> rows, std::span<std::int32_t> out);

// Every kernel this build and CPU can run, scalar first (for tests and benchmarks).
std::vector<Int8Kernel> available_kernels();
// The fastest available kernel, selected on first use (CPU check natively, compile-time in WASM).
const Int8Kernel& active_kernel();
std::string_view kernel_name();
// Checked entry point using the active kernel; throws std::invalid_argument on inconsistent sizes.
void dot_rows(std::span<const std::int8_t> query, std::span<const std::int8_t> rows, std::span<std::int32_t> out);

}  // namespace wayfinder::search
