#include "obd_bandit.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "wayfinder/bandit/posterior.h"
#include "wayfinder/bandit/thompson_sampler.h"
#include "wayfinder/random/xoshiro.h"

namespace wayfinder::sim {
namespace {

std::array<double, 3> slot_weights(const ObdLog& log) {
  std::array<double, 3> n{}, c{};
  for (const auto& r : log.rounds) {
    n[r.position] += 1;
    c[r.position] += r.click;
  }
  std::array<double, 3> ctr{};
  double mean = 0;
  for (int j = 0; j < 3; ++j) {
    ctr[j] = n[j] > 0 ? c[j] / n[j] : 0.0;
    mean += ctr[j] / 3.0;
  }
  if (mean <= 0) return {1, 1, 1};
  for (auto& w : ctr) w /= mean;
  return ctr;
}

}  // namespace

double SlateClickModel::click_probability(std::uint32_t item, int slot) const {
  return std::clamp(item_ctr.at(item) * slot_weight.at(slot), 0.0, 1.0);
}

double SlateClickModel::mean_ctr() const {
  double s = 0;
  for (std::size_t k = 0; k < item_ctr.size(); ++k)
    for (int j = 0; j < 3; ++j) s += click_probability(static_cast<std::uint32_t>(k), j);
  return s / (3.0 * item_ctr.size());
}

SlateClickModel calibrate_raw(const ObdLog& random_log) {
  const auto counts = item_counts(random_log);
  SlateClickModel m;
  m.calibration = "raw per-item CTR of the random log";
  m.slot_weight = slot_weights(random_log);
  for (int k = 0; k < random_log.n_items; ++k)
    m.item_ctr.push_back(counts.impressions[k] > 0 ? counts.clicks[k] / counts.impressions[k] : 0.0);
  return m;
}

SlateClickModel calibrate_shrunk(const ObdLog& random_log, double* prior_strength_out) {
  const auto counts = item_counts(random_log);
  const double pooled = random_log.ctr();
  const int k_items = random_log.n_items;
  double var = 0, noise = 0;
  for (int k = 0; k < k_items; ++k) {
    const double t = counts.impressions[k] > 0 ? counts.clicks[k] / counts.impressions[k] : pooled;
    var += (t - pooled) * (t - pooled) / (k_items - 1);
    noise += pooled * (1 - pooled) / std::max(1.0, counts.impressions[k]) / k_items;
  }
  const double between = var - noise;
  SlateClickModel m;
  m.slot_weight = slot_weights(random_log);
  if (between <= 0) {
    m.calibration = "empirical-Bayes shrunk CTR of the random log (no detectable spread: all items equal)";
    m.item_ctr.assign(k_items, pooled);
    if (prior_strength_out) *prior_strength_out = -1;
    return m;
  }
  const double strength = pooled * (1 - pooled) / between - 1.0;
  m.calibration = "empirical-Bayes shrunk CTR of the random log";
  for (int k = 0; k < k_items; ++k)
    m.item_ctr.push_back((counts.clicks[k] + pooled * strength) / (counts.impressions[k] + strength));
  if (prior_strength_out) *prior_strength_out = strength;
  return m;
}

SlateClickModel calibrate_from_prior(const BetaPrior& prior, const ObdLog& random_log) {
  SlateClickModel m;
  m.calibration = "means of the production Bernoulli-TS prior";
  m.slot_weight = slot_weights(random_log);
  for (std::size_t k = 0; k < prior.alpha.size(); ++k) m.item_ctr.push_back(prior.alpha[k] / (prior.alpha[k] + prior.beta[k]));
  return m;
}

std::string to_string(SlatePolicy policy) {
  switch (policy) {
    case SlatePolicy::uniform_random: return "Random";
    case SlatePolicy::bernoulli_ts: return "Bernoulli TS (Beta(1,1) prior)";
    case SlatePolicy::bernoulli_ts_prior: return "Bernoulli TS (production prior)";
    case SlatePolicy::oracle: return "Oracle (best 3 items)";
  }
  return "?";
}

SlateRun run_slate_bandit(const SlateClickModel& model, SlatePolicy policy, std::int64_t rounds, std::uint64_t seed,
                          const std::vector<std::int64_t>& checkpoints, const BetaPrior* prior) {
  const int k_items = static_cast<int>(model.item_ctr.size());
  if (k_items < 3) throw std::invalid_argument("run_slate_bandit: model.item_ctr needs >= 3 items");
  random::Xoshiro256ss click_rng(random::derive_seed(seed, 1));
  random::Xoshiro256ss policy_rng(random::derive_seed(seed, 2));
  const bandit::ThompsonSampler sampler;

  std::vector<double> alpha(k_items, 1.0), beta(k_items, 1.0);
  if (policy == SlatePolicy::bernoulli_ts_prior) {
    if (!prior || static_cast<int>(prior->alpha.size()) != k_items)
      throw std::invalid_argument("run_slate_bandit: prior must have one Beta per item");
    alpha = prior->alpha;
    beta = prior->beta;
  }
  // Slots ordered from most to least clicked: the policies put their best item in the best slot.
  std::array<int, 3> slot_order{0, 1, 2};
  std::stable_sort(slot_order.begin(), slot_order.end(),
                   [&](int a, int b) { return model.slot_weight[a] > model.slot_weight[b]; });
  std::vector<int> by_truth(k_items);
  std::iota(by_truth.begin(), by_truth.end(), 0);
  std::stable_sort(by_truth.begin(), by_truth.end(), [&](int a, int b) { return model.item_ctr[a] > model.item_ctr[b]; });

  SlateRun run;
  run.checkpoints = checkpoints;
  std::size_t next_cp = 0;
  double clicks = 0, impressions = 0;
  std::vector<double> theta(k_items);
  std::vector<int> order(k_items);
  std::array<int, 3> shown{};
  for (std::int64_t t = 1; t <= rounds; ++t) {
    switch (policy) {
      case SlatePolicy::uniform_random: {
        for (int j = 0; j < 3; ++j) {
          int pick;
          do {
            pick = static_cast<int>(policy_rng.below(k_items));
          } while (std::find(shown.begin(), shown.begin() + j, pick) != shown.begin() + j);
          shown[j] = pick;
        }
        break;
      }
      case SlatePolicy::bernoulli_ts:
      case SlatePolicy::bernoulli_ts_prior: {
        for (int k = 0; k < k_items; ++k) {
          bandit::Posterior post;
          post.alpha = alpha[k];
          post.beta = beta[k];
          theta[k] = sampler.draw(post, policy_rng).sample;
        }
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + 3, order.end(),
                          [&](int a, int b) { return theta[a] > theta[b] || (theta[a] == theta[b] && a < b); });
        for (int j = 0; j < 3; ++j) shown[slot_order[j]] = order[j];
        break;
      }
      case SlatePolicy::oracle:
        for (int j = 0; j < 3; ++j) shown[slot_order[j]] = by_truth[j];
        break;
    }
    for (int j = 0; j < 3; ++j) {
      const double u = click_rng.uniform();
      const int c = u < model.click_probability(static_cast<std::uint32_t>(shown[j]), j) ? 1 : 0;
      clicks += c;
      impressions += 1;
      // Position-blind update, as obp.policy.BernoulliTS does.
      alpha[shown[j]] += c;
      beta[shown[j]] += 1 - c;
    }
    if (next_cp < checkpoints.size() && t == checkpoints[next_cp]) {
      run.clicks.push_back(clicks);
      run.impressions.push_back(impressions);
      ++next_cp;
    }
  }
  return run;
}

}  // namespace wayfinder::sim
