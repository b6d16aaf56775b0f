// A page item as the JS API shows it: a ranked item joined with its project's catalog facts. Its JSON (camelCase)
// is the one mapping of page items, used by the WASM binding (and checked against web/src/index.d.ts by the tests).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wayfinder/catalog/project.h"
#include "wayfinder/rank/rerank.h"

namespace wayfinder::rank {

struct PageItem {
  std::string project_id;
  std::string full_name;
  std::string description;
  std::string language;
  std::string url;
  std::int64_t stars = 0;
  std::string complexity;
  std::string kind;  // the learning kind (to_string(LearningKind))
  std::vector<std::string> topics;
  std::size_t position = 0;
  double score = 0.0;
  double similarity = 0.0;
  double bandit = 0.0;           // the bandit term (RankedItem::bandit_quality)
  double posterior_mean = 0.0;
  double evidence = 0.0;
  bool explored = false;
  double propensity = 1.0;
  double alt_propensity = 0.0;
  std::string reason;            // the reasons joined with "; "
  std::vector<std::string> reasons;
  // Posterior mean of the community evidence alone, under the core's prior (null: no community evidence).
  std::optional<double> community_score;
};

PageItem page_item(const RankedItem& item, const ProjectMeta& meta, std::optional<double> community_score);

// A project's card facts outside a ranking (the learner's saved and history views): projectId, fullName,
// description, language, url, stars, complexity, kind, topics — the same keys and values as a page item's.
nlohmann::json card_json(const ProjectMeta& meta);

// Keys: projectId, fullName, description, language, url, stars, complexity, kind, topics, position, score, similarity,
// bandit, posteriorMean, evidence, explored, propensity, altPropensity, reason, reasons, communityScore.
// from_json requires every key and checks its type; throws std::invalid_argument naming the key.
void to_json(nlohmann::json& j, const PageItem& p);
void from_json(const nlohmann::json& j, PageItem& p);

}  // namespace wayfinder::rank
