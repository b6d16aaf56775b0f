#include "wayfinder/bandit/thompson_sampler.h"

#include "wayfinder/random/samplers.h"

namespace wayfinder::bandit {

ThompsonDraw ThompsonSampler::draw(const Posterior& posterior, random::Xoshiro256ss& rng) const {
  ThompsonDraw d;
  d.sample = random::beta(rng, posterior.alpha, posterior.beta);
  d.posterior_mean = posterior.mean();
  d.evidence = posterior.evidence;
  d.influence = bandit_influence(posterior.evidence, config_);
  d.quality = posterior.prior_mean + d.influence * (d.sample - posterior.prior_mean);
  return d;
}

}  // namespace wayfinder::bandit
