#include "wayfinder/search/topic_feedback.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "wayfinder/random/det_math.h"

namespace wayfinder::search {
namespace {

std::span<const std::uint32_t> row_tags(const shard::RowFacets& f, std::uint32_t row) {
  return {f.tags.data() + f.tag_begin[row], f.tag_begin[row + 1] - f.tag_begin[row]};
}

// Rows carrying each tag, over the whole shard.
std::vector<std::uint32_t> document_frequency(const shard::RowFacets& f) {
  std::vector<std::uint32_t> df(f.tag_names.size(), 0);
  for (auto t : f.tags) ++df[t];
  return df;
}

}  // namespace

std::vector<float> topic_weights(const shard::Shard& shard, std::span<const std::uint32_t> seed_rows,
                                 const TopicFeedbackRule& rule) {
  const shard::RowFacets& f = shard.facets();
  std::vector<float> weight(f.tag_names.size(), 0.0f);
  const std::size_t seeds = std::min(rule.seeds, seed_rows.size());
  if (seeds == 0) return weight;
  std::vector<std::uint32_t> support(f.tag_names.size(), 0);
  for (std::size_t s = 0; s < seeds; ++s) {
    for (auto t : row_tags(f, seed_rows[s])) ++support[t];
  }
  const auto df = document_frequency(f);
  const double n = static_cast<double>(shard.size());
  for (std::size_t t = 0; t < weight.size(); ++t) {
    if (support[t] < std::max<std::size_t>(rule.min_support, 1) || df[t] == 0) continue;
    const double idf = wayfinder::random::det_log(n / static_cast<double>(df[t]));
    weight[t] = static_cast<float>(static_cast<double>(support[t]) / static_cast<double>(seeds) * idf);
  }
  return weight;
}

std::vector<float> topic_scores(const shard::Shard& shard, std::span<const std::uint32_t> rows,
                                std::span<const float> tag_weight) {
  const shard::RowFacets& f = shard.facets();
  const float top = tag_weight.empty() ? 0.0f : *std::max_element(tag_weight.begin(), tag_weight.end());
  std::vector<float> out(rows.size(), 0.0f);
  if (!(top > 0.0f)) return out;
  for (std::size_t k = 0; k < rows.size(); ++k) {
    float best = 0.0f;
    for (auto t : row_tags(f, rows[k])) best = std::max(best, tag_weight[t]);
    out[k] = best / top;
  }
  return out;
}

namespace {

double norm_of(std::span<const double> v) {
  double sum = 0.0;
  for (double x : v) sum += x * x;
  return std::sqrt(sum);
}

}  // namespace

std::vector<float> feedback_query(const shard::Shard& shard, std::span<const float> query,
                                  std::span<const std::uint32_t> seed_rows, float beta) {
  if (query.size() != shard.dim()) throw std::invalid_argument("feedback_query: query dimension != shard dimension");
  std::vector<float> out(query.begin(), query.end());
  if (!(beta > 0.0f) || seed_rows.empty() || !shard.has_vectors()) return out;
  std::vector<double> centroid(shard.dim(), 0.0), q(query.begin(), query.end());
  for (auto r : seed_rows) {
    const auto row = shard.row(r);
    const double scale = shard.scale(r);
    for (std::size_t c = 0; c < centroid.size(); ++c) centroid[c] += static_cast<double>(row[c]) * scale;
  }
  const double qn = norm_of(q), cn = norm_of(centroid);
  if (!(qn > 0.0) || !(cn > 0.0)) return out;
  std::vector<double> mixed(q.size());
  for (std::size_t c = 0; c < q.size(); ++c) mixed[c] = q[c] / qn + static_cast<double>(beta) * centroid[c] / cn;
  const double mn = norm_of(mixed);
  if (!(mn > 0.0)) return out;
  for (std::size_t c = 0; c < q.size(); ++c) out[c] = static_cast<float>(mixed[c] / mn);
  return out;
}

}  // namespace wayfinder::search
