// Low-dimensional project features for the contextual (linear Thompson) arm: a bias, a whitened PCA of the project
// vectors, the shard's facets and the project's tags hashed into a few buckets. Invariant: a feature vector has kFeatureDim finite entries and depends only on
// the project (so a project's Beta counts are also its linear sufficient statistics, see linear_ts.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wayfinder/catalog/project.h"

namespace wayfinder::shard {
class Shard;
}

namespace wayfinder::bandit {

inline constexpr std::size_t kPcaComponents = 8;
// The project's tags (topics, categories, labels: the shard's facet tags) hashed into kTagBuckets buckets
// (tag_bucket), each bucket holding (tags of the project in it) / sqrt(tags of the project): topics separate the
// projects *within* one learner's candidates, which the 8 global components cannot.
inline constexpr std::size_t kTagBuckets = 32;
// [1, pca_1..pca_8, beginner, advanced, hands-on, learning material, tag_1..tag_32] (intermediate is the baseline, so
// the flags carry no second bias)
inline constexpr std::size_t kTagOffset = 1 + kPcaComponents + 2 + 2;
inline constexpr std::size_t kFeatureDim = kTagOffset + kTagBuckets;

// The bucket of a tag name: mix64(fnv1a64(name)) mod kTagBuckets (a fixed hash: the same natively and in WASM).
std::size_t tag_bucket(std::string_view tag);

// The PCA basis: the top kPcaComponents eigenvectors u_j of the covariance (X − 1mᵀ)ᵀ(X − 1mᵀ)/n of the
// dequantised project vectors (centred on their mean m: uncentred, the first component is the mean direction that
// every project shares, so it would act as a second bias and lift the whole catalog), each divided by
// sqrt(eigenvalue_j), so every PCA feature has mean 0 and variance 1 over the catalog. Row j = component j.
struct FeatureBasis {
  std::size_t input_dim = 0;
  std::vector<double> mean;             // input_dim
  std::vector<double> components;       // kPcaComponents × input_dim, row-major
  std::vector<double> eigenvalues;      // kPcaComponents, descending
  std::size_t fitted_rows = 0;
  std::string fitted_on;  // "fittedOn": sha256 of the shard's vectors file the basis was fitted on ("" = not recorded)
};

// Fits the basis with Eigen (XᵀX accumulated in double, SelfAdjointEigenSolver); a component's sign makes its
// largest-magnitude entry positive, so the basis is a function of the data. rows: count × dim int8, row-major;
// scales: count. max_rows > 0 fits on every (count / max_rows)-th row. Throws std::invalid_argument on sizes,
// dim < kPcaComponents or fewer rows than components.
FeatureBasis fit_feature_basis(std::span<const std::int8_t> rows, std::span<const float> scales, std::size_t dim,
                               std::size_t max_rows = 0);

// JSON: {"format": 1, "inputDim", "mean": [...], "components": [[...], ...], "eigenvalues": [...], "fittedRows",
// "fittedOn"?}. from_json refuses a wrong format, sizes, non-finite numbers or non-positive eigenvalues, naming the
// field. Doubles are written with 17 significant digits, so a basis reads back bit for bit.
void to_json(nlohmann::json& j, const FeatureBasis& b);
void from_json(const nlohmann::json& j, FeatureBasis& b);

// The shipped basis file (features.json, its bytes already checked against the manifest) for project vectors of
// `dim` values. Throws std::invalid_argument naming the file and the field, e.g. "features.json: feature basis:
// inputDim is 384, the shard's vectors have 512 values" or "features.json: not valid JSON: …".
FeatureBasis parse_feature_basis(std::string_view text, const std::string& file, std::size_t dim);

// The features of one project. Fixed-order scalar loops (bit-identical natively and in WASM). tag_buckets: the
// bucket (tag_bucket) of each of the project's tags (empty: no tags, all tag features 0).
// Throws std::invalid_argument when row.size() != basis.input_dim, out.size() != kFeatureDim or a bucket is out of
// range.
void project_features(const FeatureBasis& basis, std::span<const std::int8_t> row, float scale, Complexity complexity,
                      LearningKind kind, std::span<const std::uint32_t> tag_buckets, std::span<double> out);
inline void project_features(const FeatureBasis& basis, std::span<const std::int8_t> row, float scale,
                             Complexity complexity, LearningKind kind, std::span<double> out) {
  project_features(basis, row, scale, complexity, kind, {}, out);
}

// Source of feature vectors by shard row, computed on demand (only for the candidates being re-ranked).
class FeatureSource {
 public:
  virtual ~FeatureSource() = default;
  virtual std::size_t size() const = 0;  // rows
  virtual void features(std::uint32_t index, std::span<double> out) const = 0;
  // False while the features cannot be computed yet (a shard whose vectors part is not attached): a contextual arm
  // then ranks with the Beta arm, as without a feature source.
  virtual bool ready() const { return true; }
};

// Features of a shard's rows under a basis fitted to vectors of the shard's dimension. Keeps a reference to the
// shard, which must outlive it. Throws std::invalid_argument on a dimension mismatch or an index out of range.
class ShardFeatures final : public FeatureSource {
 public:
  ShardFeatures(const shard::Shard& shard, FeatureBasis basis);
  std::size_t size() const override;
  void features(std::uint32_t index, std::span<double> out) const override;
  bool ready() const override;  // the shard's vectors part is attached
  const FeatureBasis& basis() const { return basis_; }

 private:
  const shard::Shard& shard_;
  FeatureBasis basis_;
  std::vector<std::uint32_t> bucket_of_tag_;  // per facets().tag_names entry
};

// Every row's features computed once from another source (kFeatureDim doubles per row): for callers that score the
// whole catalog many times (the simulator's nightly community rebuilds).
class FeatureTable final : public FeatureSource {
 public:
  explicit FeatureTable(const FeatureSource& source);
  std::size_t size() const override { return values_.size() / kFeatureDim; }
  void features(std::uint32_t index, std::span<double> out) const override;

 private:
  std::vector<double> values_;
};

}  // namespace wayfinder::bandit
