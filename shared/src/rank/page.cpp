#include "wayfinder/rank/page.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace wayfinder::rank {

PageItem page_item(const RankedItem& it, const ProjectMeta& m, std::optional<double> community_score) {
  PageItem p;
  p.project_id = m.id;
  p.full_name = m.full_name;
  p.description = m.description;
  p.language = m.language;
  p.url = m.url;
  p.stars = m.stars;
  p.complexity = std::string(to_string(m.complexity));
  p.kind = std::string(to_string(m.kind));
  p.topics = m.topics;
  p.position = it.position;
  p.score = it.score;
  p.similarity = it.similarity;
  p.bandit = it.bandit_quality;
  p.posterior_mean = it.posterior_mean;
  p.evidence = it.evidence;
  p.explored = it.explored;
  p.propensity = it.propensity;
  p.alt_propensity = it.alt_propensity;
  for (const auto& s : it.reasons) p.reason += (p.reason.empty() ? "" : "; ") + s;
  p.reasons = it.reasons;
  p.community_score = community_score;
  return p;
}

nlohmann::json card_json(const ProjectMeta& meta) {
  const auto p = page_item(RankedItem{}, meta, std::nullopt);
  return {{"projectId", p.project_id}, {"fullName", p.full_name}, {"description", p.description},
          {"language", p.language},    {"url", p.url},            {"stars", p.stars},
          {"complexity", p.complexity}, {"kind", p.kind},         {"topics", p.topics}};
}

void to_json(nlohmann::json& j, const PageItem& p) {
  j = {{"projectId", p.project_id},
       {"fullName", p.full_name},
       {"description", p.description},
       {"language", p.language},
       {"url", p.url},
       {"stars", p.stars},
       {"complexity", p.complexity},
       {"kind", p.kind},
       {"topics", p.topics},
       {"position", p.position},
       {"score", p.score},
       {"similarity", p.similarity},
       {"bandit", p.bandit},
       {"posteriorMean", p.posterior_mean},
       {"evidence", p.evidence},
       {"explored", p.explored},
       {"propensity", p.propensity},
       {"altPropensity", p.alt_propensity},
       {"reason", p.reason},
       {"reasons", p.reasons},
       {"communityScore", p.community_score ? nlohmann::json(*p.community_score) : nlohmann::json(nullptr)}};
}

namespace {
template <class T>
void field(const nlohmann::json& j, const char* key, T& out) {
  if (!j.contains(key)) throw std::invalid_argument(std::string("page item: ") + key + " is missing");
  try {
    out = j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::invalid_argument(std::string("page item: ") + key + " has the wrong type");
  }
}
}  // namespace

void from_json(const nlohmann::json& j, PageItem& p) {
  if (!j.is_object()) throw std::invalid_argument("page item must be a JSON object");
  PageItem n;
  field(j, "projectId", n.project_id);
  field(j, "fullName", n.full_name);
  field(j, "description", n.description);
  field(j, "language", n.language);
  field(j, "url", n.url);
  field(j, "stars", n.stars);
  field(j, "complexity", n.complexity);
  field(j, "kind", n.kind);
  field(j, "topics", n.topics);
  field(j, "position", n.position);
  field(j, "score", n.score);
  field(j, "similarity", n.similarity);
  field(j, "bandit", n.bandit);
  field(j, "posteriorMean", n.posterior_mean);
  field(j, "evidence", n.evidence);
  field(j, "explored", n.explored);
  field(j, "propensity", n.propensity);
  field(j, "altPropensity", n.alt_propensity);
  field(j, "reason", n.reason);
  field(j, "reasons", n.reasons);
  if (!j.contains("communityScore")) throw std::invalid_argument("page item: communityScore is missing");
  if (!j["communityScore"].is_null()) field(j, "communityScore", n.community_score.emplace());
  p = std::move(n);
}

}  // namespace wayfinder::rank
