// Simulated learners over the real catalog: profiles, hidden true preferences, a position-biased click model and
// the policies under comparison, all driving the core (content ranker over the shard, Thompson re-rank, rewards,
// evidence).
// Invariant: one (config, seed) gives bit-identical metrics; every policy of a seed meets the same learners and clicks.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wayfinder/bandit/episode_fold.h"
#include "wayfinder/bandit/features.h"
#include "wayfinder/bandit/reward.h"
#include "wayfinder/catalog/project.h"
#include "wayfinder/rank/rerank.h"
#include "wayfinder/index/bm25.h"
#include "wayfinder/search/candidate.h"
#include "wayfinder/shard/shard.h"

namespace wayfinder::sim {

// The catalog with tag ids per project (language, topics, categories, labels, collections) and its BM25 index.
// Loaded from a shard, project i is shard row i and content rankings come from the core's search::rank_content;
// loaded from catalog.jsonl (tests), they come from a metadata-only stand-in.
struct SimCatalog {
  std::vector<ProjectMeta> projects;
  std::optional<shard::Shard> shard;
  // Profile JSON (nlohmann dump of wayfinder::Profile) -> its embedding by the real pipeline (core
  // profileQueryText + tokenizer + ONNX model, tests/sim/embed_profiles.mjs). A profile missing here is queried
  // with the normalised mean of the dequantised shard vectors of the projects carrying its interest tag.
  std::map<std::string, std::vector<float>> profile_vectors;
  std::vector<std::vector<std::uint32_t>> tags;  // per project, sorted tag ids
  std::vector<std::string> tag_names;            // "lang:python", "machine-learning", …
  std::vector<std::uint32_t> tag_frequency;
  index::Bm25Index bm25;
  std::string source;  // how content rankings are made (reported)
  // The contextual arm's feature basis shipped with the shard (the manifest's "features" file); without one the
  // simulator fits it with the core's fit_feature_basis.
  std::optional<bandit::FeatureBasis> basis;

  bool has_tag(std::uint32_t project, std::uint32_t tag) const;
};
SimCatalog load_catalog(const std::string& catalog_jsonl);
// Opens the manifest's first shard with the core's reader (manifest dimension and model name enforced);
// profile_vectors_jsonl (optional, "" = none): lines {"profile": "<profile json>", "vector": [...]}.
SimCatalog load_catalog_from_shard(const std::string& manifest_json, const std::string& profile_vectors_jsonl = "");

// Every profile a simulated learner can state (interest tag × dominant language or none × skill level), as
// the JSON keys of SimCatalog::profile_vectors; the input of tests/sim/embed_profiles.mjs.
std::vector<std::string> possible_profiles(const SimCatalog& catalog);

// contextual: the hybrid blend with the linear Thompson arm (bandit kind "linear", features of the shard rows).
// hierarchical: the linear model as the prior of each project's Beta counts (bandit kind "hierarchical").
enum class PolicyKind { random, popularity, similarity, thompson, hybrid, contextual, hierarchical };

struct PolicySpec {
  std::string name;
  PolicyKind kind = PolicyKind::hybrid;
  bool community = true;        // nightly merge of all learners' counts → community snapshot
  double community_decay = 0.9; // per night: snapshot = decay · snapshot + today's updates (1 = no decay)
  // The server's rule above the learner (the core's community_day_credit): the per-prefix cap and the optional
  // robust aggregation of what each address prefix adds to one project per night; {} = today's plain sum.
  bandit::PrefixRule prefix_rule;
  // Share of learners behind one address (a school NAT); every other learner has a network of its own.
  double shared_address_fraction = 0.0;
  // Changes to the re-rank config after the kind's own (tuning variants, e.g. another ε or window); empty = none.
  std::function<void(rank::RerankConfig&)> tune = {};
};
// random, popularity, similarity, thompson (community + decay), hybrid local-only, hybrid community without decay,
// hybrid (community + decay, the default).
std::vector<PolicySpec> standard_policies();
// The contextual arm with community counts and decay, as the hybrid (needs a catalog loaded from the shard).
PolicySpec contextual_policy();
// The hierarchical arm with community counts and decay (needs a catalog loaded from the shard).
PolicySpec hierarchical_policy();
// Variants of the learning arms for tuning (--variants; tune them on seeds other than the reported ones).
std::vector<PolicySpec> tuning_variants();

struct WorldConfig {
  std::size_t users = 200;
  int days = 30;
  int sessions_per_day = 1;  // per learner
  std::size_t page = 10;
  std::size_t candidates = 400;  // content candidates kept per learner (M; the WASM binding keeps 400 too)
  double fatigue = 0.25;         // click-probability factor for a project the learner already clicked
  double drift_fraction = 0.1;   // share of projects whose hidden quality is redrawn at mid-run
  // True preference (logit of P(click | examined)): intercept + profile-topic + language + hidden topic + quality + noise.
  double intercept = -3.2;
  double w_profile_topic = 1.2;
  double w_language = 0.6;
  double w_hidden_topic = 2.0;
  double w_quality = 1.0;
  double w_noise = 0.6;
  rank::RerankConfig rerank;  // the core's defaults (0.6 / 0.4, ε = 0.15)
};

// Every shown project's outcome, as the learner's device would send it (for feeding the server in tests).
struct ShownEpisode {
  int day = 0;
  std::size_t user = 0;
  std::uint32_t project = 0;
  bandit::ImpressionEpisode episode;
};
using EpisodeSink = std::function<void(const ShownEpisode&)>;

struct DayMetrics {
  double impressions = 0, clicks = 0, reward = 0;
  double expected_clicks = 0, oracle_expected_clicks = 0;  // Σ P(click) of what was shown / of the oracle's page
  double coverage = 0;                                      // share of the catalog shown at least once so far
};

struct RunMetrics {
  std::string policy;
  std::vector<DayMetrics> days;
  // The community snapshot after the last nightly merge (empty without community counts).
  std::vector<std::uint32_t> community_index;
  std::vector<bandit::BetaCounts> community_counts;
  // Per learner and day (index day · users + user): impressions and clicks, for splitting learners between the arms
  // of a simulated experiment (sim_sequential.h).
  std::vector<std::uint16_t> user_day_impressions, user_day_clicks;
  double ctr() const;
  double avg_reward() const;
  double regret_per_impression() const;  // (oracle expected clicks − expected clicks) / impressions
  double final_coverage() const { return days.empty() ? 0.0 : days.back().coverage; }
};

// Everything fixed by (catalog, config, seed): learners, hidden preferences, content rankings.
class LearnerWorld {
 public:
  LearnerWorld(const SimCatalog& catalog, const WorldConfig& config, std::uint64_t seed);
  ~LearnerWorld();
  LearnerWorld(LearnerWorld&&) noexcept;

  RunMetrics run(const PolicySpec& policy, const EpisodeSink& sink = {}) const;
  // The address prefix learner u sends from under `policy` (0: the shared one, for the shared share of learners).
  std::size_t prefix_of(const PolicySpec& policy, std::size_t user) const;

  // For off-policy evaluation: P(click | examined) of learner u on project i before any fatigue or drift,
  // the learner's content ranking, and the number of learners; how many learners' queries were real embeddings.
  double preference(std::size_t user, std::uint32_t project) const;
  const search::ContentRanking& content(std::size_t user) const;
  std::size_t users() const;
  std::size_t embedded_queries() const;
  const WorldConfig& config() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace wayfinder::sim
