#include "wayfinder/bandit/features.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>
#include <string>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "wayfinder/hash.h"
#include "wayfinder/shard/shard.h"

namespace wayfinder::bandit {
namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

// The covariance of the selected rows, dequantised to double: XᵀX/n − m·mᵀ.
Eigen::MatrixXd covariance(std::span<const std::int8_t> rows, std::span<const float> scales, std::size_t dim,
                           std::size_t step, std::size_t& used, Eigen::VectorXd& mean) {
  const std::size_t count = scales.size();
  const std::size_t block = 256;
  Eigen::MatrixXd g = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(dim), static_cast<Eigen::Index>(dim));
  Eigen::MatrixXd x(static_cast<Eigen::Index>(block), static_cast<Eigen::Index>(dim));
  used = 0;
  std::size_t filled = 0;
  mean = Eigen::VectorXd::Zero(static_cast<Eigen::Index>(dim));
  auto flush = [&] {
    if (filled == 0) return;
    const auto top = x.topRows(static_cast<Eigen::Index>(filled));
    g.selfadjointView<Eigen::Lower>().rankUpdate(top.transpose());
    mean += top.colwise().sum().transpose();
    filled = 0;
  };
  for (std::size_t r = 0; r < count; r += step) {
    for (std::size_t c = 0; c < dim; ++c)
      x(static_cast<Eigen::Index>(filled), static_cast<Eigen::Index>(c)) =
          static_cast<double>(rows[r * dim + c]) * static_cast<double>(scales[r]);
    ++used;
    if (++filled == block) flush();
  }
  flush();
  g = g.selfadjointView<Eigen::Lower>();
  mean /= static_cast<double>(used);
  return g / static_cast<double>(used) - mean * mean.transpose();
}

// out[b] = (the project's tags in bucket b) / sqrt(its tags): a project with many tags is not louder than one with few.
void tag_features(std::span<const std::uint32_t> buckets, std::span<double> out) {
  std::fill(out.begin(), out.end(), 0.0);
  for (const std::uint32_t b : buckets) {
    if (b >= kTagBuckets) throw std::invalid_argument("features: tag bucket " + std::to_string(b) + " is out of range");
    out[b] += 1.0;
  }
  if (buckets.empty()) return;
  const double norm = 1.0 / std::sqrt(static_cast<double>(buckets.size()));
  for (double& v : out) v *= norm;
}

}  // namespace

FeatureBasis fit_feature_basis(std::span<const std::int8_t> rows, std::span<const float> scales, std::size_t dim,
                               std::size_t max_rows) {
  require(dim >= kPcaComponents, "feature basis: dim must be >= " + std::to_string(kPcaComponents));
  require(rows.size() == scales.size() * dim, "feature basis: rows must hold count × dim values");
  const std::size_t step = max_rows > 0 ? std::max<std::size_t>(1, scales.size() / max_rows) : 1;
  std::size_t used = 0;
  Eigen::VectorXd mean;
  const Eigen::MatrixXd g = covariance(rows, scales, dim, step, used, mean);
  require(used >= kPcaComponents, "feature basis: needs at least " + std::to_string(kPcaComponents) + " rows");
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(g);
  require(eig.info() == Eigen::Success, "feature basis: eigen decomposition failed");
  FeatureBasis b;
  b.input_dim = dim;
  b.fitted_rows = used;
  b.mean.assign(mean.data(), mean.data() + mean.size());
  for (std::size_t j = 0; j < kPcaComponents; ++j) {
    const Eigen::Index col = static_cast<Eigen::Index>(dim - 1 - j);  // eigenvalues ascend
    const double value = eig.eigenvalues()(col);
    require(value > 0.0, "feature basis: the vectors span fewer than " + std::to_string(kPcaComponents) + " dimensions");
    Eigen::VectorXd u = eig.eigenvectors().col(col);
    Eigen::Index arg = 0;
    u.cwiseAbs().maxCoeff(&arg);
    if (u(arg) < 0.0) u = -u;
    u /= std::sqrt(value);
    b.eigenvalues.push_back(value);
    for (std::size_t c = 0; c < dim; ++c) b.components.push_back(u(static_cast<Eigen::Index>(c)));
  }
  return b;
}

void to_json(nlohmann::json& j, const FeatureBasis& b) {
  nlohmann::json comps = nlohmann::json::array();
  for (std::size_t k = 0; k < kPcaComponents; ++k)
    comps.push_back(std::vector<double>(b.components.begin() + static_cast<std::ptrdiff_t>(k * b.input_dim),
                                        b.components.begin() + static_cast<std::ptrdiff_t>((k + 1) * b.input_dim)));
  j = {{"format", 1},
       {"inputDim", b.input_dim},
       {"mean", b.mean},
       {"components", comps},
       {"eigenvalues", b.eigenvalues},
       {"fittedRows", b.fitted_rows}};
  if (!b.fitted_on.empty()) j["fittedOn"] = b.fitted_on;
}

namespace {
double finite_number(const nlohmann::json& v, const std::string& where) {
  require(v.is_number() && std::isfinite(v.get<double>()), "feature basis: " + where + " must be a finite number");
  return v.get<double>();
}
}  // namespace

void from_json(const nlohmann::json& j, FeatureBasis& out) {
  require(j.is_object(), "feature basis: must be a JSON object");
  require(j.value("format", nlohmann::json()) == 1, "feature basis: format must be 1");
  require(j.contains("inputDim") && j["inputDim"].is_number_unsigned() && j["inputDim"].get<std::size_t>() >= 1,
          "feature basis: inputDim must be a positive integer");
  FeatureBasis b;
  b.input_dim = j["inputDim"].get<std::size_t>();
  b.fitted_rows = j.contains("fittedRows") && j["fittedRows"].is_number_unsigned() ? j["fittedRows"].get<std::size_t>() : 0;
  if (j.contains("fittedOn")) {
    require(j["fittedOn"].is_string(), "feature basis: fittedOn must be a string");
    b.fitted_on = j["fittedOn"].get<std::string>();
  }
  const auto& mean = j.contains("mean") ? j["mean"] : nlohmann::json();
  require(mean.is_array() && mean.size() == b.input_dim, "feature basis: mean must hold inputDim numbers");
  for (const auto& v : mean) b.mean.push_back(finite_number(v, "mean"));
  const auto& comps = j.contains("components") ? j["components"] : nlohmann::json();
  require(comps.is_array() && comps.size() == kPcaComponents,
          "feature basis: components must be " + std::to_string(kPcaComponents) + " arrays");
  for (std::size_t k = 0; k < kPcaComponents; ++k) {
    const std::string where = "components[" + std::to_string(k) + "]";
    require(comps[k].is_array() && comps[k].size() == b.input_dim, "feature basis: " + where + " must hold inputDim numbers");
    for (std::size_t c = 0; c < b.input_dim; ++c) b.components.push_back(finite_number(comps[k][c], where));
  }
  const auto& ev = j.contains("eigenvalues") ? j["eigenvalues"] : nlohmann::json();
  require(ev.is_array() && ev.size() == kPcaComponents, "feature basis: eigenvalues must hold " +
                                                            std::to_string(kPcaComponents) + " numbers");
  for (const auto& v : ev) {
    b.eigenvalues.push_back(finite_number(v, "eigenvalues"));
    require(b.eigenvalues.back() > 0.0, "feature basis: eigenvalues must be > 0");
  }
  out = std::move(b);
}

FeatureBasis parse_feature_basis(std::string_view text, const std::string& file, std::size_t dim) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(file + ": not valid JSON: " + e.what());
  }
  FeatureBasis b;
  try {
    from_json(j, b);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(file + ": " + e.what());
  }
  require(b.input_dim == dim, file + ": feature basis: inputDim is " + std::to_string(b.input_dim) +
                                  ", the shard's vectors have " + std::to_string(dim) + " values");
  return b;
}

std::size_t tag_bucket(std::string_view tag) { return static_cast<std::size_t>(mix64(fnv1a64(tag)) % kTagBuckets); }

void project_features(const FeatureBasis& basis, std::span<const std::int8_t> row, float scale, Complexity complexity,
                      LearningKind kind, std::span<const std::uint32_t> tag_buckets, std::span<double> out) {
  if (row.size() != basis.input_dim)  // messages built only on failure: this runs per scored candidate
    throw std::invalid_argument("features: the project vector has " + std::to_string(row.size()) +
                                " values, the basis expects " + std::to_string(basis.input_dim));
  if (out.size() != kFeatureDim)
    throw std::invalid_argument("features: output must hold " + std::to_string(kFeatureDim) + " values");
  if (!std::isfinite(scale)) throw std::invalid_argument("features: the row scale must be finite");
  out[0] = 1.0;
  for (std::size_t k = 0; k < kPcaComponents; ++k) {
    const double* u = basis.components.data() + k * basis.input_dim;
    double s = 0.0;
    for (std::size_t c = 0; c < row.size(); ++c)
      s += (static_cast<double>(row[c]) * static_cast<double>(scale) - basis.mean[c]) * u[c];
    out[1 + k] = s;
  }
  const std::size_t f = 1 + kPcaComponents;
  out[f] = complexity == Complexity::kBeginner ? 1.0 : 0.0;
  out[f + 1] = complexity == Complexity::kAdvanced ? 1.0 : 0.0;
  const bool hands_on = kind == LearningKind::kTutorial || kind == LearningKind::kExercises || kind == LearningKind::kExample;
  out[f + 2] = hands_on ? 1.0 : 0.0;
  out[f + 3] = is_learning_material(kind) ? 1.0 : 0.0;
  tag_features(tag_buckets, out.subspan(kTagOffset, kTagBuckets));
}

ShardFeatures::ShardFeatures(const shard::Shard& shard, FeatureBasis basis) : shard_(shard), basis_(std::move(basis)) {
  for (const auto& name : shard.facets().tag_names) bucket_of_tag_.push_back(static_cast<std::uint32_t>(tag_bucket(name)));
  require(basis_.input_dim == shard.dim(), "features: the basis was fitted to " + std::to_string(basis_.input_dim) +
                                               "-d vectors, the shard has " + std::to_string(shard.dim()));
  require(basis_.components.size() == kPcaComponents * basis_.input_dim && basis_.mean.size() == basis_.input_dim,
          "features: basis components or mean have the wrong size");
}

std::size_t ShardFeatures::size() const { return shard_.size(); }
bool ShardFeatures::ready() const { return shard_.has_vectors(); }

void ShardFeatures::features(std::uint32_t index, std::span<double> out) const {
  if (index >= shard_.size()) throw std::invalid_argument("features: row " + std::to_string(index) + " is out of range");
  const auto& f = shard_.facets();
  std::uint32_t buckets[64];
  std::size_t n = 0;
  for (std::uint32_t t = f.tag_begin[index]; t < f.tag_begin[index + 1] && n < std::size(buckets); ++t)
    buckets[n++] = bucket_of_tag_[f.tags[t]];
  project_features(basis_, shard_.row(index), shard_.scale(index), f.complexity[index], f.kind[index],
                   std::span<const std::uint32_t>(buckets, n), out);
}

FeatureTable::FeatureTable(const FeatureSource& source) : values_(source.size() * kFeatureDim) {
  for (std::size_t i = 0; i < source.size(); ++i)
    source.features(static_cast<std::uint32_t>(i), std::span(values_).subspan(i * kFeatureDim, kFeatureDim));
}

void FeatureTable::features(std::uint32_t index, std::span<double> out) const {
  if (index >= size()) throw std::invalid_argument("features: row " + std::to_string(index) + " is out of range");
  if (out.size() != kFeatureDim)
    throw std::invalid_argument("features: output must hold " + std::to_string(kFeatureDim) + " values");
  std::copy_n(values_.begin() + static_cast<std::ptrdiff_t>(index * kFeatureDim), kFeatureDim, out.begin());
}

}  // namespace wayfinder::bandit
