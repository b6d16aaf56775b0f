// The content ranker: per project, cosine (int8 kernels) + BM25 of the profile's terms + structured match +
// popularity prior + skill fit, blended with ContentWeights into the candidates the Thompson re-rank consumes.
// Invariant: deterministic for a given shard, query, profile, m and weights (ties by ascending row index).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wayfinder/profile.h"
#include "wayfinder/search/candidate.h"
#include "wayfinder/search/diversity.h"
#include "wayfinder/search/topic_feedback.h"
#include "wayfinder/shard/shard.h"

namespace wayfinder::search {

// Defaults chosen on the 78 train profiles of tests/eval/learners.json only (docs/RANKING-EVAL.md): coordinate search
// raised cosine to 1 (from the previous defaults plus kind 0.5), then, with topic feedback, set structured 0.35 and
// kind 0.75; with the size prior and the beginner's example fit at 0.4, sweeps and one more search set size 3,
// topic 0.35 and skill 0, with the train intermediates within 0.05 of the train beginners (0.764 vs 0.728).
// Only ratios matter (relevance is min-max normalised).
struct ContentWeights {
  float cosine = 1.0f;       // semantic similarity to the profile embedding
  float bm25 = 0.30f;        // keyword match, BM25 divided by the best eligible BM25
  float structured = 0.35f;  // languages / frameworks named in the profile
  float popularity = 0.0f;   // log2(stars + 1) / log2(max stars + 1)
  float skill = 0.0f;        // skill_fit() (the skill rule still hides advanced projects from beginners)
  float kind = 0.75f;        // kind_fit(): the project's learning kind for the learner's level and goals
  float topic = 0.35f;       // topic feedback (topic_feedback.h): shares a catalog tag with the best topical rows
  float size = 3.0f;         // size_fit(): approachable (intermediate) or substantial (advanced) by stars
};

// Canonical name of a language / framework / topic: lowercase, spaces and '_' to '-', synonyms merged
// (js→javascript, ts→typescript, cpp→c++, csharp→c#, golang→go, dotnet→.net, nodejs→node.js, reactjs→react …).
std::string canonical_tech(std::string_view name);

// BM25 query terms of a profile: interests, goals, frameworks, languages and field of study, analyzed, plus the
// words the field of study implies (field_terms in learner.h), less the learner's wish words (is_wish_word: "my",
// "want", "learn", "make", "first" …), which say how the wish is phrased, not its subject.
std::vector<std::string> profile_query_terms(const Profile& p);

// Skill rule. No skill level: every project eligible, fit 1. Beginner: advanced projects are not eligible unless
// fewer than m non-advanced projects remain (then all are); fit beginner 1, intermediate 0.7, advanced 0.2.
// Intermediate: all eligible; fit beginner 0.7, intermediate 1, advanced 0.8.
// Advanced: all eligible, beginner material down-weighted; fit beginner 0.3, intermediate 0.8, advanced 1.
float skill_fit(std::optional<Complexity> learner, Complexity project);

// Structured match in [0, 1]: mean over the components the profile states (languages, frameworks) of
// 1 = exact match on the project's language (languages) / topics, categories, labels (both),
// 0.5 = only mentioned (a language among the tags, a framework in the indexed text), 0 = none.
float structured_match(const Profile& p, const shard::Shard& shard, std::uint32_t index);

struct RankOptions {
  DiversityRule diversity;      // applied to the top of the blend before the bandit re-rank
  KindMask kinds = kAllKinds;   // only projects of these learning kinds are eligible (parse_kind_filter)
  TopicFeedbackRule topics;     // which first-stage rows say the profile's topics
  QueryFeedbackRule query_feedback;  // the profile's embedding moved towards the best first-stage rows
};

// Eligible rows (skill rule, kind filter), blended scores, then the diversity rule (diversity.h) over a pool of the
// best max(3m, m + 200): the top m. Throws std::invalid_argument when query.size() != shard.dim() or it holds
// non-finite values.
ContentRanking rank_content(const shard::Shard& shard, std::span<const float> query, const Profile& profile,
                            std::size_t m, const ContentWeights& weights = {}, const RankOptions& options = {});

}  // namespace wayfinder::search
