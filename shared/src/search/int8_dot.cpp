#include "wayfinder/search/int8_dot.h"

#include <stdexcept>
#include <string>

#include "int8_dot_variants.h"

namespace wayfinder::search {

void dot_rows_scalar(std::span<const std::int8_t> query, std::span<const std::int8_t> rows, std::span<std::int32_t> out) {
  const std::size_t dim = query.size();
  for (std::size_t r = 0; r < out.size(); ++r) {
    const std::int8_t* row = rows.data() + r * dim;
    std::int32_t acc = 0;
    for (std::size_t d = 0; d < dim; ++d) acc += std::int32_t{query[d]} * std::int32_t{row[d]};
    out[r] = acc;
  }
}

std::vector<Int8Kernel> available_kernels() {
  std::vector<Int8Kernel> k{{"scalar", &dot_rows_scalar}};
#if defined(WF_HAVE_X86_KERNELS)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("sse4.1")) k.push_back({"sse4.1", &detail::dot_rows_sse41});
  if (__builtin_cpu_supports("avx2")) k.push_back({"avx2", &detail::dot_rows_avx2});
#endif
#if defined(WF_HAVE_WASM_SIMD_KERNEL)
  k.push_back({"wasm-simd128", &detail::dot_rows_wasm_simd});
#endif
  return k;
}

const Int8Kernel& active_kernel() {
  // The one dispatch point: the last available kernel is the fastest.
  static const Int8Kernel kernel = available_kernels().back();
  return kernel;
}

std::string_view kernel_name() { return active_kernel().name; }

void dot_rows(std::span<const std::int8_t> query, std::span<const std::int8_t> rows, std::span<std::int32_t> out) {
  if (query.size() > 65536) throw std::invalid_argument("dot_rows: dimension above 65536");
  if (rows.size() != out.size() * query.size()) {
    throw std::invalid_argument("dot_rows: rows has " + std::to_string(rows.size()) + " values, expected " +
                                std::to_string(out.size()) + " × " + std::to_string(query.size()));
  }
  active_kernel().dot_rows(query, rows, out);
}

}  // namespace wayfinder::search
