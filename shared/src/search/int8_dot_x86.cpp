// SSE4.1 and AVX2 int8 kernels: widen int8 to int16 and multiply-add pairs into int32 (pmaddwd).
// Exact for every input including -128 (unlike the pmaddubsw sign trick, which saturates at -128 × -128).
#include "int8_dot_variants.h"

#if defined(WF_HAVE_X86_KERNELS)
#include <immintrin.h>

#include <vector>

namespace wayfinder::search::detail {
namespace {

std::int32_t scalar_tail(const std::int8_t* q, const std::int8_t* r, std::size_t from, std::size_t dim) {
  std::int32_t acc = 0;
  for (std::size_t d = from; d < dim; ++d) acc += std::int32_t{q[d]} * std::int32_t{r[d]};
  return acc;
}

__attribute__((target("sse4.1"))) std::int32_t hsum128(__m128i v) {
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(v);
}

}  // namespace

__attribute__((target("sse4.1"))) void dot_rows_sse41(std::span<const std::int8_t> q, std::span<const std::int8_t> rows,
                                                     std::span<std::int32_t> out) {
  const std::size_t dim = q.size();
  const std::size_t vec_end = dim & ~std::size_t{15};
  std::vector<std::int16_t> qw(vec_end);  // the query widened once, reused for every row
  for (std::size_t d = 0; d < vec_end; ++d) qw[d] = q[d];
  for (std::size_t r = 0; r < out.size(); ++r) {
    const std::int8_t* row = rows.data() + r * dim;
    __m128i acc0 = _mm_setzero_si128(), acc1 = _mm_setzero_si128();
    for (std::size_t d = 0; d < vec_end; d += 16) {
      const __m128i r0 = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + d)));
      const __m128i r1 = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + d + 8)));
      acc0 = _mm_add_epi32(acc0, _mm_madd_epi16(r0, _mm_loadu_si128(reinterpret_cast<const __m128i*>(qw.data() + d))));
      acc1 = _mm_add_epi32(acc1, _mm_madd_epi16(r1, _mm_loadu_si128(reinterpret_cast<const __m128i*>(qw.data() + d + 8))));
    }
    out[r] = hsum128(_mm_add_epi32(acc0, acc1)) + scalar_tail(q.data(), row, vec_end, dim);
  }
}

__attribute__((target("avx2"))) void dot_rows_avx2(std::span<const std::int8_t> q, std::span<const std::int8_t> rows,
                                                  std::span<std::int32_t> out) {
  const std::size_t dim = q.size();
  const std::size_t vec_end = dim & ~std::size_t{31};
  std::vector<std::int16_t> qw(vec_end);
  for (std::size_t d = 0; d < vec_end; ++d) qw[d] = q[d];
  const auto* qp = reinterpret_cast<const __m256i*>(qw.data());
  std::size_t r = 0;
  // Two rows per iteration: each widened query vector is loaded once for both.
  for (; r + 2 <= out.size(); r += 2) {
    const std::int8_t* a = rows.data() + r * dim;
    const std::int8_t* b = a + dim;
    __m256i acc_a = _mm256_setzero_si256(), acc_b = _mm256_setzero_si256();
    for (std::size_t d = 0; d < vec_end; d += 32) {
      const __m256i q0 = _mm256_loadu_si256(qp + d / 16), q1 = _mm256_loadu_si256(qp + d / 16 + 1);
      const __m256i a0 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + d)));
      const __m256i a1 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + d + 16)));
      const __m256i b0 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + d)));
      const __m256i b1 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + d + 16)));
      acc_a = _mm256_add_epi32(acc_a, _mm256_add_epi32(_mm256_madd_epi16(a0, q0), _mm256_madd_epi16(a1, q1)));
      acc_b = _mm256_add_epi32(acc_b, _mm256_add_epi32(_mm256_madd_epi16(b0, q0), _mm256_madd_epi16(b1, q1)));
    }
    const __m128i sa = _mm_add_epi32(_mm256_castsi256_si128(acc_a), _mm256_extracti128_si256(acc_a, 1));
    const __m128i sb = _mm_add_epi32(_mm256_castsi256_si128(acc_b), _mm256_extracti128_si256(acc_b, 1));
    out[r] = hsum128(sa) + scalar_tail(q.data(), a, vec_end, dim);
    out[r + 1] = hsum128(sb) + scalar_tail(q.data(), b, vec_end, dim);
  }
  for (; r < out.size(); ++r) {
    const std::int8_t* a = rows.data() + r * dim;
    __m256i acc = _mm256_setzero_si256();
    for (std::size_t d = 0; d < vec_end; d += 32) {
      const __m256i a0 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + d)));
      const __m256i a1 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + d + 16)));
      acc = _mm256_add_epi32(acc, _mm256_add_epi32(_mm256_madd_epi16(a0, _mm256_loadu_si256(qp + d / 16)),
                                                   _mm256_madd_epi16(a1, _mm256_loadu_si256(qp + d / 16 + 1))));
    }
    const __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    out[r] = hsum128(s) + scalar_tail(q.data(), a, vec_end, dim);
  }
}

}  // namespace wayfinder::search::detail
#endif
