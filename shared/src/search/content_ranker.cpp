#include "wayfinder/search/content_ranker.h"

#include <algorithm>
#include <iterator>
#include <cstdio>
#include <stdexcept>

#include "wayfinder/index/bm25.h"
#include "wayfinder/search/learner.h"
#include "wayfinder/search/top_k.h"

namespace wayfinder::search {
namespace {

struct Synonym {
  std::string_view from, to;
};
constexpr Synonym kSynonyms[] = {
    {"js", "javascript"},          {"ecmascript", "javascript"},     {"es6", "javascript"},
    {"ts", "typescript"},          {"cpp", "c++"},                   {"cplusplus", "c++"},
    {"cxx", "c++"},                {"csharp", "c#"},                 {"c-sharp", "c#"},
    {"fsharp", "f#"},              {"py", "python"},                 {"python3", "python"},
    {"golang", "go"},              {"dotnet", ".net"},               {"net", ".net"},
    {"nodejs", "node.js"},         {"node", "node.js"},              {"reactjs", "react"},
    {"react.js", "react"},         {"vuejs", "vue"},                 {"vue.js", "vue"},
    {"angularjs", "angular"},      {"rb", "ruby"},                   {"rs", "rust"},
    {"kt", "kotlin"},              {"objc", "objective-c"},          {"obj-c", "objective-c"},
    {"bash", "shell"},             {"sh", "shell"},                  {"ml", "machine-learning"},
    {"dl", "deep-learning"},       {"ai", "artificial-intelligence"}, {"tf", "tensorflow"},
    {"sklearn", "scikit-learn"},   {"postgres", "postgresql"},       {"k8s", "kubernetes"},
    {"nextjs", "next.js"},         {"expressjs", "express"},         {"express.js", "express"},
    {"jupyter", "jupyter-notebook"}, {"gamedev", "game-development"}, {"game-dev", "game-development"},
};

// log2(x) for x ≥ 1 from the bit pattern (exponent + linear mantissa): monotone, exact in every runtime.
double log2_portable(std::uint64_t x) {
  if (x == 0) return 0.0;
  int e = 63;
  while (((x >> e) & 1u) == 0) --e;
  const double base = static_cast<double>(std::uint64_t{1} << e);
  return e + (static_cast<double>(x) - base) / base;
}

std::string stars_text(std::int64_t s) {
  char buf[32];
  if (s >= 1000) std::snprintf(buf, sizeof buf, "%.1fk", static_cast<double>(s) / 1000.0);
  else std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(s));
  return buf;
}

// The profile's languages and frameworks resolved against one shard: which of the shard's tag names each one
// matches (after canonical_tech), and which rows mention a framework in their text. Built once per ranking.
struct ProfileTech {
  std::vector<const std::string*> language_names, framework_names;  // as the learner wrote them
  // Per tag name of the shard's facets: the first profile language / framework it names, or -1.
  std::vector<int> language_of_tag, framework_of_tag;
  // Per row: the first framework whose analyzed words all occur in the row's indexed text, or -1.
  std::vector<int> framework_mentioned;
  bool empty() const { return language_names.empty() && framework_names.empty(); }
};

ProfileTech profile_tech(const Profile& p, const shard::Shard& shard) {
  ProfileTech t;
  if (p.languages.empty() && p.frameworks.empty()) return t;
  const shard::RowFacets& f = shard.facets();
  std::vector<std::string> languages, frameworks;
  for (const auto& l : p.languages) {
    languages.push_back(canonical_tech(l));
    t.language_names.push_back(&l);
  }
  for (const auto& fw : p.frameworks) {
    frameworks.push_back(canonical_tech(fw));
    t.framework_names.push_back(&fw);
  }
  auto first = [](const std::vector<std::string>& list, const std::string& c) {
    const auto it = std::find(list.begin(), list.end(), c);
    return it == list.end() ? -1 : static_cast<int>(it - list.begin());
  };
  t.language_of_tag.resize(f.tag_names.size());
  t.framework_of_tag.resize(f.tag_names.size());
  for (std::size_t k = 0; k < f.tag_names.size(); ++k) {
    const std::string c = canonical_tech(f.tag_names[k]);
    // A Jupyter notebook is Python code: the language GitHub reports for most Python course material.
    t.language_of_tag[k] = first(languages, c == "jupyter-notebook" ? std::string("python") : c);
    t.framework_of_tag[k] = first(frameworks, c);
  }
  t.framework_mentioned.assign(shard.size(), -1);
  // Later frameworks first, so the earliest one that applies is what remains.
  for (int i = static_cast<int>(p.frameworks.size()) - 1; i >= 0; --i) {
    const auto terms = wayfinder::index::analyze(p.frameworks[static_cast<std::size_t>(i)]);
    if (terms.empty()) continue;
    std::vector<std::uint32_t> docs(shard.bm25().documents_with(terms[0]).begin(), shard.bm25().documents_with(terms[0]).end());
    for (std::size_t k = 1; k < terms.size() && !docs.empty(); ++k) {
      const auto other = shard.bm25().documents_with(terms[k]);
      std::vector<std::uint32_t> both;
      std::set_intersection(docs.begin(), docs.end(), other.begin(), other.end(), std::back_inserter(both));
      docs = std::move(both);
    }
    for (auto d : docs) t.framework_mentioned[d] = i;
  }
  return t;
}

struct StructuredDetail {
  float score = 0.0f;
  const std::string* language = nullptr;   // exact language match
  const std::string* related = nullptr;    // language only among the tags
  const std::string* framework = nullptr;  // framework among the tags
  const std::string* mentioned = nullptr;  // framework only in the text
};

// One stated component (languages or frameworks): a full hit (`full`, index of the earliest profile entry) scores 1
// and is named, with an earlier partial hit named beside it; a partial hit alone scores 0.5; none scores 0.
float score_component(int full, int partial, const std::vector<const std::string*>& names, const std::string*& full_name,
                      const std::string*& partial_name) {
  if (full >= 0) {
    full_name = names[static_cast<std::size_t>(full)];
    if (partial >= 0 && partial < full) partial_name = names[static_cast<std::size_t>(partial)];
    return 1.0f;
  }
  if (partial >= 0) {
    partial_name = names[static_cast<std::size_t>(partial)];
    return 0.5f;
  }
  return 0.0f;
}

// Same rule as structured_match(): per stated component, 1 = exact, 0.5 = only related/mentioned, 0 = none;
// the earliest profile entry that reaches the best level names the reason.
StructuredDetail structured_detail(const ProfileTech& t, const shard::Shard& shard, std::uint32_t index) {
  StructuredDetail d;
  if (t.empty()) return d;
  const shard::RowFacets& f = shard.facets();
  const std::span<const std::uint32_t> tags(f.tags.data() + f.tag_begin[index], f.tag_begin[index + 1] - f.tag_begin[index]);
  // The earliest profile entry that any of the row's tags names (per tag: -1 or the entry's index).
  auto earliest_tagged = [&](const std::vector<int>& entry_of_tag) {
    int best = -1;
    for (auto k : tags) {
      const int e = entry_of_tag[k];
      if (e >= 0 && (best < 0 || e < best)) best = e;
    }
    return best;
  };
  float total = 0.0f;
  int parts = 0;
  if (!t.language_names.empty()) {
    ++parts;
    const bool none = f.language[index] == shard::RowFacets::kNoTag;
    const int exact = none ? -1 : t.language_of_tag[f.language[index]];
    const float score = score_component(exact, earliest_tagged(t.language_of_tag), t.language_names, d.language, d.related);
    // Learning material without a code language (a list of links, a book in Markdown) suits a learner of any language.
    total += score == 0.0f && none && is_learning_material(f.kind[index]) ? 0.5f : score;
  }
  if (!t.framework_names.empty()) {
    ++parts;
    total += score_component(earliest_tagged(t.framework_of_tag), t.framework_mentioned[index], t.framework_names,
                             d.framework, d.mentioned);
  }
  d.score = total / static_cast<float>(parts);
  return d;
}

}  // namespace

std::string canonical_tech(std::string_view name) {
  std::size_t b = 0, e = name.size();
  while (b < e && (name[b] == ' ' || name[b] == '\t')) ++b;
  while (e > b && (name[e - 1] == ' ' || name[e - 1] == '\t')) --e;
  std::string s;
  for (char c : name.substr(b, e - b)) {
    if (c >= 'A' && c <= 'Z') s.push_back(static_cast<char>(c - 'A' + 'a'));
    else if (c == ' ' || c == '_') s.push_back('-');
    else s.push_back(c);
  }
  for (const auto& syn : kSynonyms) {
    if (s == syn.from) return std::string(syn.to);
  }
  return s;
}

std::vector<std::string> profile_query_terms(const Profile& p) {
  std::string text;
  for (const auto* list : {&p.interests, &p.goals, &p.frameworks, &p.languages}) {
    for (const auto& s : *list) (text += s) += ' ';
  }
  text += p.field_of_study;
  for (const auto& t : field_terms(p.field_of_study)) (text += ' ') += t;
  auto terms = wayfinder::index::analyze(text);
  std::erase_if(terms, [](const std::string& t) { return is_wish_word(t); });
  return terms;
}

float skill_fit(std::optional<Complexity> learner, Complexity project) {
  if (!learner) return 1.0f;
  static constexpr float kFit[3][3] = {
      {1.0f, 0.7f, 0.2f},  // beginner learner: beginner, intermediate, advanced project
      {0.7f, 1.0f, 0.8f},  // intermediate learner
      {0.3f, 0.8f, 1.0f},  // advanced learner
  };
  return kFit[static_cast<int>(*learner)][static_cast<int>(project)];
}

float structured_match(const Profile& p, const shard::Shard& shard, std::uint32_t index) {
  return structured_detail(profile_tech(p, shard), shard, index).score;
}

namespace {

// Kind filter, then the skill rule: a beginner never sees advanced projects unless fewer than m others remain.
std::vector<std::uint32_t> eligible_rows(const shard::Shard& shard, const Profile& profile, std::size_t m, KindMask kinds) {
  const shard::RowFacets& facets = shard.facets();
  const std::size_t n = shard.size();
  auto kind_ok = [&](std::size_t i) { return (kinds & kind_bit(facets.kind[i])) != 0; };
  std::size_t non_advanced = 0;
  const bool beginner = profile.skill_level == Complexity::kBeginner;
  if (beginner) {
    for (std::size_t i = 0; i < n; ++i) non_advanced += kind_ok(i) && facets.complexity[i] != Complexity::kAdvanced;
  }
  const bool hide_advanced = beginner && non_advanced >= m;
  std::vector<std::uint32_t> out;
  out.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (kind_ok(i) && !(hide_advanced && facets.complexity[i] == Complexity::kAdvanced)) out.push_back(i);
  }
  return out;
}

struct Signals {
  std::vector<float> cosine, bm25;  // cosine: to the query the blend uses (after query feedback, if any)
  std::vector<float> profile_cosine;  // to the profile's own embedding (what a card says)
  std::vector<std::string> terms;
  ProfileTech tech;
  GoalIntent intent;
};

// Topic feedback (topic_feedback.h): the seeds are the best eligible rows by topical relevance alone (cosine, BM25,
// structured match: what the profile is about, not which kind of project suits the level).
std::vector<float> topic_feedback(const shard::Shard& shard, const std::vector<std::uint32_t>& eligible,
                                  const std::vector<float>& topical, const TopicFeedbackRule& rule) {
  if (rule.seeds == 0) return std::vector<float>(eligible.size(), 0.0f);
  std::vector<std::uint32_t> seeds;
  for (const auto& p : top_k(topical, rule.seeds)) seeds.push_back(eligible[p.index]);
  return topic_scores(shard, eligible, topic_weights(shard, seeds, rule));
}

// What suits the learner whatever the topic: popularity, skill fit, learning kind for the level and goals, size.
float learner_prior(const shard::Shard& shard, const Profile& profile, const Signals& s, const ContentWeights& w,
                    std::uint32_t i, double log_stars_max) {
  const shard::RowFacets& facets = shard.facets();
  const float pop = log_stars_max > 0.0
                        ? static_cast<float>(log2_portable(static_cast<std::uint64_t>(facets.stars[i]) + 1) / log_stars_max)
                        : 0.0f;
  return w.popularity * pop + w.skill * skill_fit(profile.skill_level, facets.complexity[i]) +
         w.kind * kind_fit(profile.skill_level, s.intent, facets.kind[i]) +
         w.size * size_fit(profile.skill_level, facets.stars[i]);
}

// What the profile is about, per eligible row: cosine + BM25 (over the best eligible BM25) + structured match.
std::vector<float> topical_scores(const shard::Shard& shard, const std::vector<std::uint32_t>& eligible, const Signals& s,
                                  const ContentWeights& w) {
  float bm25_max = 0.0f;
  for (auto i : eligible) bm25_max = std::max(bm25_max, s.bm25[i]);
  std::vector<float> topical(eligible.size());
  for (std::size_t e = 0; e < eligible.size(); ++e) {
    const auto i = eligible[e];
    const float b = bm25_max > 0.0f ? s.bm25[i] / bm25_max : 0.0f;
    topical[e] = w.cosine * s.cosine[i] + w.bm25 * b + w.structured * structured_detail(s.tech, shard, i).score;
  }
  return topical;
}

// Query feedback (topic_feedback.h): the cosine recomputed against the profile's embedding moved towards the best
// first-stage rows by topical relevance. The card keeps the profile's own cosine (Signals::profile_cosine).
void apply_query_feedback(const shard::Shard& shard, std::span<const float> query, const std::vector<std::uint32_t>& eligible,
                          Signals& s, const ContentWeights& w, const QueryFeedbackRule& rule) {
  if (!(rule.beta > 0.0f) || rule.seeds == 0 || !shard.has_vectors()) return;
  std::vector<std::uint32_t> seeds;
  for (const auto& p : top_k(topical_scores(shard, eligible, s, w), rule.seeds)) seeds.push_back(eligible[p.index]);
  s.cosine = similarities(shard, feedback_query(shard, query, seeds, rule.beta));
}

std::vector<float> blend(const shard::Shard& shard, const Profile& profile, const std::vector<std::uint32_t>& eligible,
                         const Signals& s, const ContentWeights& w, const TopicFeedbackRule& rule) {
  const shard::RowFacets& facets = shard.facets();
  std::int64_t stars_max = 0;
  for (auto i : eligible) stars_max = std::max(stars_max, facets.stars[i]);
  const double log_stars_max = log2_portable(static_cast<std::uint64_t>(stars_max) + 1);
  const std::vector<float> topical = topical_scores(shard, eligible, s, w);
  std::vector<float> blended(eligible.size());
  for (std::size_t e = 0; e < eligible.size(); ++e) {
    blended[e] = topical[e] + learner_prior(shard, profile, s, w, eligible[e], log_stars_max);
  }
  if (w.topic != 0.0f) {
    const auto topic = topic_feedback(shard, eligible, topical, rule);
    for (std::size_t e = 0; e < eligible.size(); ++e) blended[e] += w.topic * topic[e];
  }
  return blended;
}

// The card's reasons: the plain-words "why" first, then what matched.
std::vector<std::string> reasons_for(const shard::Shard& shard, const Profile& profile, const Signals& s, std::uint32_t i) {
  const ProjectMeta& meta = shard.meta(i);
  const auto detail = structured_detail(s.tech, shard, i);
  const std::string* subject = detail.framework ? detail.framework : detail.mentioned ? detail.mentioned
                               : detail.language ? detail.language : detail.related;
  std::vector<std::string> r{why_line(meta.kind, subject ? *subject : std::string_view{}, meta.language, meta.stars)};
  if (detail.language) r.push_back("written in " + *detail.language);
  if (detail.framework) r.push_back("uses " + *detail.framework);
  if (detail.related) r.push_back("related to " + *detail.related);
  if (detail.mentioned) r.push_back("mentions " + *detail.mentioned);
  std::vector<std::string> matched;
  for (const auto& t : s.terms) {
    if (matched.size() < 3 && std::find(matched.begin(), matched.end(), t) == matched.end() && shard.bm25().contains(t, i)) {
      matched.push_back(t);
    }
  }
  if (!matched.empty()) {
    std::string line = "matches ";
    for (std::size_t k = 0; k < matched.size(); ++k) line += (k ? ", " : "") + matched[k];
    r.push_back(line);
  }
  if (s.profile_cosine[i] >= 0.3f) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "close to your profile (similarity %.2f)", static_cast<double>(s.profile_cosine[i]));
    r.push_back(buf);
  }
  if (profile.skill_level && *profile.skill_level == meta.complexity) {
    r.push_back(meta.complexity == Complexity::kBeginner ? "beginner-friendly" : std::string(to_string(meta.complexity)) + " level");
  }
  if (meta.stars >= 1000) r.push_back("popular (" + stars_text(meta.stars) + " stars)");
  return r;
}

}  // namespace

ContentRanking rank_content(const shard::Shard& shard, std::span<const float> query, const Profile& profile,
                            std::size_t m, const ContentWeights& w, const RankOptions& options) {
  if (query.size() != shard.dim()) {
    throw std::invalid_argument("query embedding has dimension " + std::to_string(query.size()) + ", shard has " +
                                std::to_string(shard.dim()));
  }
  ContentRanking out;
  out.eligible = eligible_rows(shard, profile, m, options.kinds);
  if (out.eligible.empty() || m == 0) return out;

  Signals s;
  s.cosine = similarities(shard, query);  // the heavy part: one int8 scan over every row (two with query feedback)
  s.terms = profile_query_terms(profile);
  s.bm25.assign(shard.size(), 0.0f);
  shard.bm25().score_terms(s.terms, s.bm25);
  s.tech = profile_tech(profile, shard);
  s.intent = goal_intent(profile);
  s.profile_cosine = s.cosine;
  apply_query_feedback(shard, query, out.eligible, s, w, options.query_feedback);
  const std::vector<float> blended = blend(shard, profile, out.eligible, s, w, options.topics);

  // A pool larger than m, so the owner cap and MMR have room; ties by position in `eligible` (ascending row).
  const auto pool_top = top_k(blended, std::max(3 * m, m + 200));
  std::vector<Pick> pool;
  pool.reserve(pool_top.size());
  for (const auto& p : pool_top) pool.push_back({out.eligible[p.index], p.score});
  const auto picks = diversify(shard, pool, m, options.diversity);
  if (picks.empty()) return out;
  const float hi = picks.front().score, lo = picks.back().score;
  for (const auto& p : picks) {
    Candidate c;
    c.index = p.row;
    c.relevance = hi > lo ? (p.score - lo) / (hi - lo) : 1.0f;
    c.cosine = s.profile_cosine[p.row];
    c.bm25 = s.bm25[p.row];
    c.structured = structured_detail(s.tech, shard, p.row).score;
    c.reasons = reasons_for(shard, profile, s, p.row);
    out.top.push_back(std::move(c));
  }
  return out;
}

}  // namespace wayfinder::search
