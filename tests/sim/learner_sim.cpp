#include "learner_sim.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <stdexcept>

#include "wayfinder/bandit/episode_fold.h"
#include "wayfinder/bandit/evidence_store.h"
#include "wayfinder/profile.h"
#include "wayfinder/random/samplers.h"
#include "wayfinder/random/xoshiro.h"
#include "wayfinder/search/content_ranker.h"
#include "wayfinder/shard/manifest.h"

namespace wayfinder::sim {

using random::derive_seed;
using random::Xoshiro256ss;

bool SimCatalog::has_tag(std::uint32_t project, std::uint32_t tag) const {
  const auto& t = tags[project];
  return std::binary_search(t.begin(), t.end(), tag);
}

namespace {

// Tag ids per project; fills tags, tag_names, tag_frequency from c.projects.
void index_tags(SimCatalog& c) {
  std::map<std::string, std::uint32_t> ids;
  auto tag_id = [&](const std::string& name) {
    auto [it, inserted] = ids.emplace(name, static_cast<std::uint32_t>(c.tag_names.size()));
    if (inserted) {
      c.tag_names.push_back(name);
      c.tag_frequency.push_back(0);
    }
    return it->second;
  };
  for (const auto& p : c.projects) {
    std::vector<std::uint32_t> t;
    if (!p.language.empty()) t.push_back(tag_id("lang:" + search::canonical_tech(p.language)));
    for (const auto* list : {&p.topics, &p.categories, &p.labels, &p.collections})
      for (const auto& s : *list) t.push_back(tag_id(search::canonical_tech(s)));
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
    for (auto id : t) ++c.tag_frequency[id];
    c.tags.push_back(std::move(t));
  }
}

std::vector<std::byte> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::vector<char> raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::byte> b(raw.size());
  std::memcpy(b.data(), raw.data(), raw.size());
  return b;
}

std::string read_text(const std::string& path) {
  const auto b = read_bytes(path);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

// Profile topics: tags carried by 30–3000 projects, not languages.
std::vector<std::uint32_t> topic_pool(const SimCatalog& catalog) {
  std::vector<std::uint32_t> pool;
  for (std::uint32_t t = 0; t < catalog.tag_names.size(); ++t)
    if (catalog.tag_frequency[t] >= 30 && catalog.tag_frequency[t] <= 3000 && catalog.tag_names[t].rfind("lang:", 0) != 0)
      pool.push_back(t);
  if (pool.empty()) throw std::runtime_error("catalog has no tag carried by >= 30 projects");
  return pool;
}

// The language tag most used by the projects carrying `tag` (ties: lowest tag id), if any.
std::optional<std::uint32_t> dominant_language(const SimCatalog& catalog, std::uint32_t tag) {
  std::map<std::uint32_t, int> langs;
  for (std::uint32_t i = 0; i < catalog.projects.size(); ++i)
    if (catalog.has_tag(i, tag) && !catalog.tags[i].empty() &&
        catalog.tag_names[catalog.tags[i].front()].rfind("lang:", 0) == 0 && !catalog.projects[i].language.empty())
      ++langs[catalog.tags[i].front()];
  if (langs.empty()) return std::nullopt;
  return std::max_element(langs.begin(), langs.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
}

std::string profile_key(const Profile& p) { return nlohmann::json(p).dump(); }

}  // namespace

SimCatalog load_catalog(const std::string& catalog_jsonl) {
  std::ifstream in(catalog_jsonl);
  if (!in) throw std::runtime_error("cannot open " + catalog_jsonl + " (run scripts/build.sh first)");
  SimCatalog c;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    c.projects.push_back(nlohmann::json::parse(line).get<ProjectMeta>());
  }
  if (c.projects.empty()) throw std::runtime_error(catalog_jsonl + ": no projects");
  index_tags(c);
  c.bm25 = index::Bm25Index::build(c.projects);
  c.source = "catalog metadata (core BM25 + language/topic match + popularity + skill fit; no shard vectors)";
  return c;
}

// The contextual arm's basis as clients get it: the manifest's "features" file (models/shard/feature_basis_main.cpp),
// checked against the manifest by the core. nullopt for a manifest without one (the simulator then fits it itself).
static std::optional<bandit::FeatureBasis> shipped_basis(const std::string& manifest_path, const shard::Shard& sh) {
  const auto manifest = shard::parse_manifest(read_text(manifest_path));
  if (!manifest.features) return std::nullopt;
  const auto path = (std::filesystem::path(manifest_path).parent_path() / manifest.features->file).string();
  const auto text = read_text(path);
  shard::verify_against_manifest(*manifest.features, std::as_bytes(std::span(text.data(), text.size())));
  return bandit::parse_feature_basis(text, manifest.features->file, sh.dim());
}

SimCatalog load_catalog_from_shard(const std::string& manifest_json, const std::string& profile_vectors_jsonl) {
  std::ifstream mf(manifest_json);
  if (!mf) throw std::runtime_error("cannot open " + manifest_json + " (run `wayfinder shard build` first)");
  const auto manifest = nlohmann::json::parse(mf);
  const auto dir = std::filesystem::path(manifest_json).parent_path();
  const std::string file = manifest.at("shards").at(0).at("file").get<std::string>();
  const std::string vectors_file = manifest.at("shards").at(0).at("vectors").at("file").get<std::string>();
  shard::ShardExpectation expect;
  expect.dim = manifest.at("model").at("dimension").get<std::uint32_t>();
  expect.model_name = manifest.at("model").at("name").get<std::string>();
  SimCatalog c;
  c.shard.emplace(shard::Shard::open({read_bytes((dir / file).string()), read_bytes((dir / vectors_file).string())}, expect));
  for (std::size_t i = 0; i < c.shard->size(); ++i) c.projects.push_back(c.shard->meta(i));
  index_tags(c);
  c.bm25 = c.shard->bm25();
  c.basis = shipped_basis(manifest_json, *c.shard);
  if (!profile_vectors_jsonl.empty()) {
    std::ifstream pv(profile_vectors_jsonl);
    if (!pv) throw std::runtime_error("cannot open " + profile_vectors_jsonl);
    std::string line;
    while (std::getline(pv, line)) {
      if (line.empty()) continue;
      const auto j = nlohmann::json::parse(line);
      auto v = j.at("vector").get<std::vector<float>>();
      if (v.size() != c.shard->dim())
        throw std::invalid_argument(profile_vectors_jsonl + ": vector of " + std::to_string(v.size()) + " values, shard dim " +
                                    std::to_string(c.shard->dim()));
      c.profile_vectors[j.at("profile").get<std::string>()] = std::move(v);
    }
  }
  c.source = "the core's search::rank_content over the real shard (" + file + ", " + std::to_string(c.shard->size()) +
             " × " + std::to_string(c.shard->dim()) + " int8; cosine 0.55 + BM25 0.15 + structured 0.15 + popularity 0.05 + "
             "skill 0.10), query = " +
             (c.profile_vectors.empty()
                  ? std::string("normalised mean of the dequantised shard vectors of the projects carrying the learner's interest tag")
                  : std::string("the profile's embedding by the real pipeline (core profileQueryText + C++ tokenizer + USE-lite ONNX "
                                "in onnxruntime-node, tests/sim/embed_profiles.mjs)"));
  return c;
}

std::vector<std::string> possible_profiles(const SimCatalog& catalog) {
  std::vector<std::string> out;
  const Complexity skills[3] = {Complexity::kBeginner, Complexity::kIntermediate, Complexity::kAdvanced};
  for (auto t : topic_pool(catalog)) {
    const auto lang = dominant_language(catalog, t);
    for (int with_lang = 0; with_lang < (lang ? 2 : 1); ++with_lang)
      for (auto sk : skills) {
        Profile p;
        if (with_lang) p.languages.push_back(catalog.tag_names[*lang].substr(5));
        p.interests.push_back(catalog.tag_names[t]);
        p.skill_level = sk;
        out.push_back(profile_key(p));
      }
  }
  return out;
}

std::vector<PolicySpec> standard_policies() {
  return {
      {"random", PolicyKind::random, false, 1.0, {}, 0.0},
      {"popularity", PolicyKind::popularity, false, 1.0, {}, 0.0},
      {"similarity", PolicyKind::similarity, false, 1.0, {}, 0.0},
      {"thompson", PolicyKind::thompson, true, 0.9, {}, 0.0},
      {"hybrid-local", PolicyKind::hybrid, false, 1.0, {}, 0.0},
      {"hybrid-nodecay", PolicyKind::hybrid, true, 1.0, {}, 0.0},
      {"hybrid", PolicyKind::hybrid, true, 0.9, {}, 0.0},
  };
}

PolicySpec contextual_policy() { return {"contextual", PolicyKind::contextual, true, 0.9, {}, 0.0}; }
// The experiment arm {"bandit": "hierarchical", "blend": {"similarity": 0, "bandit": 1}, "window": 10}: the model
// ranks candidates it has never shown, so it re-ranks a window of 10·N (tuned on seeds 500–502, docs/SIMULATION.md).
PolicySpec hierarchical_policy() {
  return {"hierarchical", PolicyKind::hierarchical, true, 0.9, {}, 0.0, [](rank::RerankConfig& r) {
            r.similarity_weight = 0.0;
            r.bandit_weight = 1.0;
            r.candidate_multiplier = 10;
          }};
}

std::vector<PolicySpec> tuning_variants() {
  auto v = [](std::string name, PolicyKind kind, std::function<void(rank::RerankConfig&)> tune) {
    return PolicySpec{std::move(name), kind, true, 0.9, {}, 0.0, std::move(tune)};
  };
  return {
      v("thompson-linear", PolicyKind::thompson, [](auto& r) { r.bandit = rank::BanditKind::kLinear; }),
      v("thompson-hier", PolicyKind::thompson, [](auto& r) { r.bandit = rank::BanditKind::kHierarchical; }),
      v("thompson-hier-k4", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.linear.item_prior_strength = 4.0;
      }),
      v("thompson-hier-k25", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.linear.item_prior_strength = 25.0;
      }),
      v("thompson-hier-wide", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.candidate_multiplier = 6;
      }),
      v("thompson-linear-wide", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kLinear;
        r.candidate_multiplier = 6;
      }),
      v("hier-blend", PolicyKind::hybrid, [](auto& r) { r.bandit = rank::BanditKind::kHierarchical; }),
      v("thompson-hier-w10", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.candidate_multiplier = 10;
      }),
      v("thompson-hier-w20", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.candidate_multiplier = 20;
      }),
      v("thompson-hier-wide-k4", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.candidate_multiplier = 6;
        r.linear.item_prior_strength = 4.0;
      }),
      v("thompson-hier-w10-eps05", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.candidate_multiplier = 10;
        r.epsilon = 0.05;
      }),
      v("thompson-wide10", PolicyKind::thompson, [](auto& r) { r.candidate_multiplier = 10; }),
      v("thompson-hier-w10-v015", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.candidate_multiplier = 10;
        r.linear.noise_scale = 0.15;
      }),
      v("thompson-hier-w10-v05", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.candidate_multiplier = 10;
        r.linear.noise_scale = 0.5;
      }),
      v("thompson-hier-w10-local10", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.candidate_multiplier = 10;
        r.linear.local_weight = 10.0;
      }),
      v("thompson-hier-w10-k4", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.candidate_multiplier = 10;
        r.linear.item_prior_strength = 4.0;
      }),
      v("thompson-linear-w10", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kLinear;
        r.candidate_multiplier = 10;
      }),
      v("thompson-hier-w8", PolicyKind::thompson, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.candidate_multiplier = 8;
      }),
      v("hier-blend-w10", PolicyKind::hybrid, [](auto& r) {
        r.bandit = rank::BanditKind::kHierarchical;
        r.candidate_multiplier = 10;
        r.similarity_weight = 0.3;
        r.bandit_weight = 0.7;
      }),
      v("thompson-eps05", PolicyKind::thompson, [](auto& r) { r.epsilon = 0.05; }),
      v("thompson-k1", PolicyKind::thompson, [](auto& r) { r.posterior.influence_half = 1.0; }),
      v("thompson-wide", PolicyKind::thompson, [](auto& r) { r.candidate_multiplier = 6; }),
      v("thompson-local10", PolicyKind::thompson, [](auto& r) { r.posterior.local_weight = 10.0; }),
      v("thompson-nocommunity-cap10", PolicyKind::thompson, [](auto& r) { r.posterior.community_cap = 10.0; }),
  };
}

double RunMetrics::ctr() const {
  double c = 0, n = 0;
  for (const auto& d : days) { c += d.clicks; n += d.impressions; }
  return n > 0 ? c / n : 0.0;
}
double RunMetrics::avg_reward() const {
  double r = 0, n = 0;
  for (const auto& d : days) { r += d.reward; n += d.impressions; }
  return n > 0 ? r / n : 0.0;
}
double RunMetrics::regret_per_impression() const {
  double g = 0, n = 0;
  for (const auto& d : days) { g += d.oracle_expected_clicks - d.expected_clicks; n += d.impressions; }
  return n > 0 ? g / n : 0.0;
}

namespace {

struct Learner {
  Profile profile;
  std::uint32_t profile_tag = 0, hidden_tag = 0, language_tag = 0;
  bool has_language = false;
  search::ContentRanking content;
  std::vector<std::uint32_t> popular;            // eligible by stars, top page only
  std::vector<std::uint32_t> oracle_pool[2];     // best projects by true preference (before / after drift)
  std::vector<double> oracle_pref[2];
};

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

}  // namespace

struct LearnerWorld::State {
  const SimCatalog* catalog = nullptr;
  WorldConfig config;
  std::uint64_t seed = 0;
  std::vector<double> quality[2];  // hidden project quality before / after the mid-run drift
  std::vector<Learner> learners;
  bandit::ExaminationModel examination;
  std::size_t embedded = 0;  // learners whose query was a real profile embedding
  std::shared_ptr<const bandit::FeatureSource> features;  // the contextual arm's, built on first use

  // Every shard row's features under a PCA basis fitted (with the core, Eigen) to the shard's vectors.
  std::shared_ptr<const bandit::FeatureSource> project_features() {
    if (features) return features;
    if (!catalog->shard) throw std::invalid_argument("the contextual policy needs a catalog loaded from the shard");
    const auto& sh = *catalog->shard;
    const bandit::ShardFeatures by_row(sh, catalog->basis ? *catalog->basis
                                                          : bandit::fit_feature_basis(sh.rows(), sh.scales(), sh.dim()));
    features = std::make_shared<bandit::FeatureTable>(by_row);
    return features;
  }

  // The core's content ranker over the shard, queried with the profile's real embedding when available.
  search::ContentRanking rank_by_shard(const Learner& l, std::uint32_t profile_tag) {
    const auto& c = *catalog;
    const auto& sh = *c.shard;
    std::vector<float> q(sh.dim(), 0.0f);
    const auto it = c.profile_vectors.find(profile_key(l.profile));
    if (it != c.profile_vectors.end()) {
      q = it->second;
      ++embedded;
    } else {
      std::vector<double> acc(sh.dim(), 0.0);
      for (std::uint32_t i = 0; i < sh.size(); ++i)
        if (c.has_tag(i, profile_tag)) {
          const auto row = sh.row(i);
          for (std::size_t d = 0; d < acc.size(); ++d) acc[d] += row[d] * static_cast<double>(sh.scale(i));
        }
      double norm = 0;
      for (double x : acc) norm += x * x;
      norm = std::sqrt(norm);
      for (std::size_t d = 0; d < acc.size(); ++d) q[d] = norm > 0 ? static_cast<float>(acc[d] / norm) : 0.0f;
    }
    return search::rank_content(sh, q, l.profile, config.candidates);
  }

  double noise(std::size_t u, std::uint32_t i) const {
    Xoshiro256ss rng(derive_seed(derive_seed(seed, 0x9000 + u), i));
    return random::standard_normal(rng);
  }
  double pref(std::size_t u, std::uint32_t i, int phase) const {
    const auto& l = learners[u];
    const auto& c = *catalog;
    double x = config.intercept + config.w_quality * quality[phase][i] + config.w_noise * noise(u, i);
    if (c.has_tag(i, l.profile_tag)) x += config.w_profile_topic;
    if (l.has_language && c.has_tag(i, l.language_tag)) x += config.w_language;
    if (c.has_tag(i, l.hidden_tag)) x += config.w_hidden_topic;
    x += 0.8 * (search::skill_fit(l.profile.skill_level, c.projects[i].complexity) - 1.0);
    return sigmoid(x);
  }

  // Content ranking from catalog metadata with the core's BM25, canonical names and skill rule.
  search::ContentRanking rank_by_metadata(const Learner& l) const {
    const auto& c = *catalog;
    const std::size_t n = c.projects.size();
    search::ContentRanking out;
    std::size_t non_advanced = 0;
    for (const auto& p : c.projects) non_advanced += p.complexity != Complexity::kAdvanced;
    const bool drop_advanced = l.profile.skill_level == Complexity::kBeginner && non_advanced >= config.candidates;
    for (std::uint32_t i = 0; i < n; ++i)
      if (!(drop_advanced && c.projects[i].complexity == Complexity::kAdvanced)) out.eligible.push_back(i);
    std::vector<float> bm(n, 0.0f);
    const auto terms = search::profile_query_terms(l.profile);
    c.bm25.score_terms(terms, bm);
    float bm_max = 0;
    double log_max = 0;
    for (auto i : out.eligible) {
      bm_max = std::max(bm_max, bm[i]);
      log_max = std::max(log_max, std::log2(static_cast<double>(std::max<std::int64_t>(0, c.projects[i].stars)) + 1));
    }
    std::vector<std::pair<double, std::uint32_t>> scored;
    std::vector<float> structured(n, 0.0f);
    for (auto i : out.eligible) {
      double s = 0;
      int parts = 0;
      if (l.has_language) { s += c.has_tag(i, l.language_tag) ? 1.0 : 0.0; ++parts; }
      s += c.has_tag(i, l.profile_tag) ? 1.0 : 0.0;
      ++parts;
      structured[i] = static_cast<float>(s / parts);
      const double pop =
          log_max > 0 ? std::log2(static_cast<double>(std::max<std::int64_t>(0, c.projects[i].stars)) + 1) / log_max : 0;
      const double score = 0.35 * (bm_max > 0 ? bm[i] / bm_max : 0) + 0.40 * structured[i] + 0.10 * pop +
                           0.15 * search::skill_fit(l.profile.skill_level, c.projects[i].complexity);
      scored.emplace_back(score, i);
    }
    const std::size_t m = std::min(config.candidates, scored.size());
    std::partial_sort(scored.begin(), scored.begin() + m, scored.end(), [](const auto& a, const auto& b) {
      return a.first > b.first || (a.first == b.first && a.second < b.second);
    });
    const double hi = scored.front().first, lo = scored[m - 1].first;
    for (std::size_t k = 0; k < m; ++k) {
      search::Candidate cand;
      cand.index = scored[k].second;
      cand.relevance = static_cast<float>(hi > lo ? (scored[k].first - lo) / (hi - lo) : 1.0);
      cand.bm25 = bm[cand.index];
      cand.structured = structured[cand.index];
      if (c.has_tag(cand.index, l.profile_tag)) cand.reasons.push_back("matches " + c.tag_names[l.profile_tag]);
      out.top.push_back(std::move(cand));
    }
    return out;
  }
};

LearnerWorld::LearnerWorld(const SimCatalog& catalog, const WorldConfig& config, std::uint64_t seed)
    : state_(std::make_unique<State>()) {
  auto& s = *state_;
  s.catalog = &catalog;
  s.config = config;
  s.seed = seed;
  rank::validate(config.rerank);
  const std::size_t n = catalog.projects.size();
  Xoshiro256ss qrng(derive_seed(seed, 0x51));
  for (int ph = 0; ph < 2; ++ph) s.quality[ph].resize(n);
  for (std::size_t i = 0; i < n; ++i) s.quality[0][i] = random::standard_normal(qrng);
  Xoshiro256ss drng(derive_seed(seed, 0x52));
  for (std::size_t i = 0; i < n; ++i)
    s.quality[1][i] = drng.uniform() < config.drift_fraction ? random::standard_normal(drng) : s.quality[0][i];

  const std::vector<std::uint32_t> topics = topic_pool(catalog);
  Xoshiro256ss urng(derive_seed(seed, 0x53));
  const Complexity skills[3] = {Complexity::kBeginner, Complexity::kIntermediate, Complexity::kAdvanced};
  s.learners.resize(config.users);
  for (std::size_t u = 0; u < config.users; ++u) {
    auto& l = s.learners[u];
    l.profile_tag = topics[urng.below(topics.size())];
    const auto lang = dominant_language(catalog, l.profile_tag);
    if (lang && urng.uniform() < 0.8) {
      l.language_tag = *lang;
      l.has_language = true;
      l.profile.languages.push_back(catalog.tag_names[l.language_tag].substr(5));
    }
    l.profile.interests.push_back(catalog.tag_names[l.profile_tag]);
    l.profile.skill_level = skills[urng.below(3)];
    l.content = catalog.shard ? s.rank_by_shard(l, l.profile_tag) : s.rank_by_metadata(l);
    // Hidden topic: one the learner never states, common among their top content candidates (so learning can find it).
    std::map<std::uint32_t, int> near;
    for (std::size_t k = 0; k < std::min<std::size_t>(60, l.content.top.size()); ++k)
      for (auto t : catalog.tags[l.content.top[k].index])
        if (t != l.profile_tag && catalog.tag_names[t].rfind("lang:", 0) != 0) ++near[t];
    std::vector<std::uint32_t> hidden;
    for (auto [t, cnt] : near)
      if (cnt >= 4 && cnt <= 40) hidden.push_back(t);
    l.hidden_tag = hidden.empty() ? topics[urng.below(topics.size())] : hidden[urng.below(hidden.size())];
    // Popularity: the most-starred eligible projects.
    std::vector<std::uint32_t> pop = l.content.eligible;
    std::partial_sort(pop.begin(), pop.begin() + std::min(config.page, pop.size()), pop.end(), [&](auto a, auto b) {
      return catalog.projects[a].stars > catalog.projects[b].stars ||
             (catalog.projects[a].stars == catalog.projects[b].stars && a < b);
    });
    pop.resize(std::min(config.page, pop.size()));
    l.popular = pop;
    for (int ph = 0; ph < 2; ++ph) {
      std::vector<std::pair<double, std::uint32_t>> all;
      for (auto i : l.content.eligible) all.emplace_back(s.pref(u, i, ph), i);
      const std::size_t keep = std::min<std::size_t>(4 * config.page, all.size());
      std::partial_sort(all.begin(), all.begin() + keep, all.end(),
                        [](auto& a, auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
      for (std::size_t k = 0; k < keep; ++k) {
        l.oracle_pool[ph].push_back(all[k].second);
        l.oracle_pref[ph].push_back(all[k].first);
      }
    }
  }
}

LearnerWorld::~LearnerWorld() = default;
LearnerWorld::LearnerWorld(LearnerWorld&&) noexcept = default;

double LearnerWorld::preference(std::size_t user, std::uint32_t project) const { return state_->pref(user, project, 0); }
const search::ContentRanking& LearnerWorld::content(std::size_t user) const { return state_->learners.at(user).content; }
std::size_t LearnerWorld::users() const { return state_->learners.size(); }
std::size_t LearnerWorld::embedded_queries() const { return state_->embedded; }
const WorldConfig& LearnerWorld::config() const { return state_->config; }

std::size_t LearnerWorld::prefix_of(const PolicySpec& policy, std::size_t user) const {
  const auto shared = static_cast<std::size_t>(
      std::llround(policy.shared_address_fraction * static_cast<double>(state_->config.users)));
  return user < shared ? 0 : user + 1;  // learners are drawn at random, so the first ones are a random share
}

namespace {

// The nightly merge: the day's applied evidence summed per (prefix, project), each project's prefix sums turned into
// its evidence of the day by the server's rule (the core's community_day_credit), then into the decayed counts.
void nightly_merge(const PolicySpec& policy, const std::map<std::pair<std::size_t, std::uint32_t>, bandit::BetaCounts>& by_prefix,
                   std::map<std::uint32_t, bandit::BetaCounts>& community, std::vector<bandit::EvidenceStore>& stores,
                   const rank::RerankConfig& rr) {
  std::map<std::uint32_t, std::vector<bandit::BetaCounts>> sums;  // per project, in prefix order
  for (const auto& [key, sum] : by_prefix) sums[key.second].push_back(sum);
  std::map<std::uint32_t, bandit::BetaCounts> today;
  for (const auto& [i, v] : sums) today[i] = bandit::community_day_credit(v, policy.prefix_rule);
  for (auto& [i, c] : community) { c.alpha *= policy.community_decay; c.beta *= policy.community_decay; }
  for (const auto& [i, c] : today) { community[i].alpha += c.alpha; community[i].beta += c.beta; }
  std::vector<std::uint32_t> idx;
  std::vector<bandit::BetaCounts> counts;
  for (const auto& [i, c] : community) { idx.push_back(i); counts.push_back(c); }
  if (stores.empty()) return;
  stores[0].set_community(idx, counts);
  // The community part of the linear posterior is built once and shared (every learner gets the same snapshot).
  if (rank::uses_features(rr.bandit)) (void)stores[0].linear(rr.linear);
  for (std::size_t u = 1; u < stores.size(); ++u) stores[u].adopt_community(stores[0]);
}

}  // namespace

RunMetrics LearnerWorld::run(const PolicySpec& policy, const EpisodeSink& sink) const {
  const auto& s = *state_;
  const auto& cat = *s.catalog;
  const auto& cfg = s.config;
  const std::size_t n = cat.projects.size();
  RunMetrics out;
  out.policy = policy.name;

  rank::RerankConfig rr = cfg.rerank;
  rr.propensity_draws = 1;  // propensities are not needed here; keeps the run cheap
  if (policy.kind == PolicyKind::thompson) {
    rr.similarity_weight = 0.0;
    rr.bandit_weight = 1.0;
  }
  const bandit::RewardTable rewards;
  std::vector<bandit::EvidenceStore> stores(cfg.users);
  const bool learns = policy.kind == PolicyKind::thompson || policy.kind == PolicyKind::hybrid ||
                      policy.kind == PolicyKind::contextual || policy.kind == PolicyKind::hierarchical;
  // thompson and hybrid are the Beta arm (at bandit weight 1 and at the default blend), whatever the core's default
  // kind; the policies that don't learn never need features either.
  rr.bandit = rank::BanditKind::kBeta;
  if (policy.kind == PolicyKind::contextual) rr.bandit = rank::BanditKind::kLinear;
  if (policy.kind == PolicyKind::hierarchical) rr.bandit = rank::BanditKind::kHierarchical;
  if (policy.tune) policy.tune(rr);
  if (rank::uses_features(rr.bandit)) {
    const auto features = state_->project_features();
    for (auto& st : stores) st.set_features(features);
  }
  std::vector<std::set<std::uint32_t>> clicked(cfg.users);
  std::map<std::uint32_t, bandit::BetaCounts> community;
  std::vector<char> shown(n, 0);
  std::size_t shown_count = 0;
  out.user_day_impressions.assign(cfg.users * static_cast<std::size_t>(cfg.days), 0);
  out.user_day_clicks.assign(cfg.users * static_cast<std::size_t>(cfg.days), 0);

  for (int day = 0; day < cfg.days; ++day) {
    const int phase = day >= cfg.days / 2 ? 1 : 0;
    DayMetrics dm;
    std::map<std::pair<std::size_t, std::uint32_t>, bandit::BetaCounts> today;  // (prefix, project)
    for (int session = 0; session < cfg.sessions_per_day; ++session) {
      for (std::size_t u = 0; u < cfg.users; ++u) {
        const auto& l = s.learners[u];
        const std::uint64_t session_seed =
            derive_seed(derive_seed(s.seed, 0x1000 + u), static_cast<std::uint64_t>(day * cfg.sessions_per_day + session));
        std::vector<std::uint32_t> page;
        switch (policy.kind) {
          case PolicyKind::random: {
            Xoshiro256ss prng(derive_seed(session_seed, 7));
            while (page.size() < std::min(cfg.page, l.content.eligible.size())) {
              const auto i = l.content.eligible[prng.below(l.content.eligible.size())];
              if (std::find(page.begin(), page.end(), i) == page.end()) page.push_back(i);
            }
            break;
          }
          case PolicyKind::popularity: page = l.popular; break;
          default: {
            const auto ranking = rank::rerank(l.content, stores[u], rr, session_seed, cfg.page, 0,
                                              policy.kind != PolicyKind::similarity);
            for (const auto& item : ranking.items) page.push_back(item.index);
          }
        }
        // Oracle page for this learner now: best current click probabilities in the most-examined slots.
        std::vector<double> best;
        for (std::size_t k = 0; k < l.oracle_pool[phase].size(); ++k)
          best.push_back(l.oracle_pref[phase][k] * (clicked[u].count(l.oracle_pool[phase][k]) ? cfg.fatigue : 1.0));
        std::sort(best.rbegin(), best.rend());
        Xoshiro256ss crng(derive_seed(session_seed, 11));
        for (std::size_t p = 0; p < page.size(); ++p) {
          const auto i = page[p];
          const double exam = s.examination.probability(static_cast<int>(p));
          const double pref = s.pref(u, i, phase);
          const double pc = pref * (clicked[u].count(i) ? cfg.fatigue : 1.0);
          const double u1 = crng.uniform(), u2 = crng.uniform(), u3 = crng.uniform(), u4 = crng.uniform(),
                       u5 = crng.uniform(), u6 = crng.uniform_open();
          bandit::ImpressionEpisode ep;
          ep.position = static_cast<int>(p);
          ep.clicked = u1 < exam && u2 < pc;
          if (ep.clicked) {
            clicked[u].insert(i);
            ep.bookmarked = u3 < 0.6 * pref;
            if (u4 < 0.25) ep.stars = std::clamp(static_cast<int>(std::lround(1.0 + 6.0 * pref + 2.0 * (u5 - 0.5))), 1, 5);
            ep.dwell_seconds = -std::log(u6) * (15.0 + 300.0 * pref);
          }
          dm.impressions += 1;
          dm.clicks += ep.clicked;
          ++out.user_day_impressions[static_cast<std::size_t>(day) * cfg.users + u];
          out.user_day_clicks[static_cast<std::size_t>(day) * cfg.users + u] += ep.clicked;
          dm.reward += bandit::episode_reward(ep, rewards);
          dm.expected_clicks += exam * pc;
          if (p < best.size()) dm.oracle_expected_clicks += exam * best[p];
          if (!shown[i]) { shown[i] = 1; ++shown_count; }
          if (sink) sink({day, u, i, ep});
          if (learns) {
            const auto applied = stores[u].add_local(i, day, bandit::reward_to_update(ep, rewards, s.examination));
            today[{prefix_of(policy, u), i}].add(applied);
          }
        }
      }
    }
    if (policy.community) nightly_merge(policy, today, community, stores, rr);
    dm.coverage = static_cast<double>(shown_count) / n;
    out.days.push_back(dm);
  }
  for (const auto& [i, c] : community) {
    out.community_index.push_back(i);
    out.community_counts.push_back(c);
  }
  return out;
}

}  // namespace wayfinder::sim
