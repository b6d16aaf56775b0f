#include "wayfinder/search/top_k.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "wayfinder/search/int8_dot.h"
#include "wayfinder/shard/quantize.h"

namespace wayfinder::search {
namespace {
// "a ranks before b".
bool better(const Scored& a, const Scored& b) { return a.score > b.score || (a.score == b.score && a.index < b.index); }
}  // namespace

std::vector<Scored> top_k(std::span<const float> scores, std::size_t k) {
  k = std::min(k, scores.size());
  std::vector<Scored> heap;  // a heap whose front is the worst kept element
  if (k == 0) return heap;
  heap.reserve(k);
  for (std::uint32_t i = 0; i < scores.size(); ++i) {
    const Scored s{i, scores[i]};
    if (heap.size() < k) {
      heap.push_back(s);
      std::push_heap(heap.begin(), heap.end(), better);
    } else if (better(s, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.back() = s;
      std::push_heap(heap.begin(), heap.end(), better);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  return heap;
}

QuantisedQuery quantise_query(std::span<const float> query) {
  QuantisedQuery q;
  q.values.resize(query.size());
  q.scale = shard::quantize_row(query, q.values);
  return q;
}

void similarities(const shard::Shard& shard, const QuantisedQuery& q, std::span<float> out) {
  if (q.values.size() != shard.dim()) {
    throw std::invalid_argument("query has dimension " + std::to_string(q.values.size()) + ", shard has " +
                                std::to_string(shard.dim()));
  }
  if (out.size() != shard.size()) throw std::invalid_argument("similarities: output size != shard size");
  if (!shard.has_vectors()) {  // the lexical part alone: every cosine is 0, as for a zero query
    std::fill(out.begin(), out.end(), 0.0f);
    return;
  }
  // Blocks keep the int32 scratch in cache while the kernel streams the rows.
  constexpr std::size_t kBlock = 1024;
  std::vector<std::int32_t> dots(kBlock);
  const auto rows = shard.rows();
  const auto scales = shard.scales();
  const std::size_t dim = shard.dim();
  for (std::size_t begin = 0; begin < shard.size(); begin += kBlock) {
    const std::size_t n = std::min(kBlock, shard.size() - begin);
    dot_rows(q.values, rows.subspan(begin * dim, n * dim), std::span(dots).first(n));
    for (std::size_t i = 0; i < n; ++i) out[begin + i] = static_cast<float>(dots[i]) * q.scale * scales[begin + i];
  }
}

std::vector<float> similarities(const shard::Shard& shard, std::span<const float> query) {
  std::vector<float> out(shard.size());
  similarities(shard, quantise_query(query), out);
  return out;
}

std::vector<Scored> search_top_k(const shard::Shard& shard, std::span<const float> query, std::size_t k) {
  return top_k(similarities(shard, query), k);
}

}  // namespace wayfinder::search
