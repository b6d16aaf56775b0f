#include "wayfinder/ope/estimators.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "wayfinder/random/xoshiro.h"

namespace wayfinder::ope {
namespace {

double weight(const LoggedRecord& r) { return r.target_probability / r.propensity; }

[[noreturn]] void fail(std::size_t i, const char* field, const char* what) {
  throw std::invalid_argument("records[" + std::to_string(i) + "]." + field + " " + what);
}

double run(std::span<const LoggedRecord> records, Estimator e) {
  switch (e) {
    case Estimator::kIps:
      return ips(records);
    case Estimator::kSnips:
      return snips(records);
    case Estimator::kDoublyRobust:
      return doubly_robust(records);
  }
  throw std::invalid_argument("estimator: unknown");
}

}  // namespace

void validate(std::span<const LoggedRecord> records) {
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (!(r.propensity > 0.0 && r.propensity <= 1.0)) fail(i, "propensity", "must be in (0, 1]");
    if (!(r.target_probability >= 0.0 && r.target_probability <= 1.0))
      fail(i, "target_probability", "must be in [0, 1]");
    if (!std::isfinite(r.reward)) fail(i, "reward", "must be finite");
    if (!std::isfinite(r.model_reward)) fail(i, "model_reward", "must be finite");
    if (!std::isfinite(r.model_value)) fail(i, "model_value", "must be finite");
  }
}

double ips(std::span<const LoggedRecord> records) {
  validate(records);
  if (records.empty()) return 0.0;
  double s = 0.0;
  for (const auto& r : records) s += weight(r) * r.reward;
  return s / static_cast<double>(records.size());
}

double snips(std::span<const LoggedRecord> records) {
  validate(records);
  double s = 0.0, w = 0.0;
  for (const auto& r : records) {
    s += weight(r) * r.reward;
    w += weight(r);
  }
  return w > 0.0 ? s / w : 0.0;
}

double doubly_robust(std::span<const LoggedRecord> records) {
  validate(records);
  if (records.empty()) return 0.0;
  double s = 0.0;
  for (const auto& r : records) s += r.model_value + weight(r) * (r.reward - r.model_reward);
  return s / static_cast<double>(records.size());
}

double effective_sample_size(std::span<const LoggedRecord> records) {
  validate(records);
  double w = 0.0, w2 = 0.0;
  for (const auto& r : records) {
    w += weight(r);
    w2 += weight(r) * weight(r);
  }
  return w2 > 0.0 ? w * w / w2 : 0.0;
}

Estimate estimate(std::span<const LoggedRecord> records, Estimator estimator, const BootstrapConfig& b) {
  if (records.empty()) throw std::invalid_argument("records: must not be empty");
  if (b.resamples < 2) throw std::invalid_argument("resamples must be >= 2");
  if (!(b.level > 0.0 && b.level < 1.0)) throw std::invalid_argument("level must be in (0, 1)");
  Estimate out;
  out.value = run(records, estimator);
  out.n = records.size();
  out.effective_sample_size = effective_sample_size(records);

  random::Xoshiro256ss rng(b.seed);
  std::vector<LoggedRecord> sample(records.size());
  std::vector<double> values(b.resamples);
  for (auto& v : values) {
    for (auto& s : sample) s = records[rng.below(records.size())];
    v = run(sample, estimator);
  }
  std::sort(values.begin(), values.end());
  const double tail = (1.0 - b.level) / 2.0;
  const auto at = [&](double q) {
    const auto k = static_cast<std::size_t>(std::floor(q * static_cast<double>(values.size() - 1) + 0.5));
    return values[std::min(k, values.size() - 1)];
  };
  out.lower = at(tail);
  out.upper = at(1.0 - tail);
  return out;
}

}  // namespace wayfinder::ope
