// Embind glue for the JS package: one RecommenderSession per learner owns the opened shard (verified against its
// manifest), the content-ranking cache and the bandit evidence. JS owns the object and deletes it (dispose()).
// Everything crossing the boundary is a plain value, a typed array copied in, or a JSON string copied out.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "wayfinder/bandit/reward.h"
#include "wayfinder/experiment/assignment.h"
#include "wayfinder/hash.h"
#include "wayfinder/profile.h"
#include "wayfinder/rank/recommender.h"
#include "wayfinder/search/content_ranker.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/shard.h"
#include "wayfinder/text/tokenizer.h"

namespace {

using emscripten::val;
using nlohmann::json;

std::uint64_t parse_u64(const std::string& s, const char* field) {
  std::size_t used = 0;
  const auto v = std::stoull(s, &used, 10);
  if (used != s.size()) throw std::invalid_argument(std::string(field) + ": not a decimal unsigned integer");
  return v;
}

wayfinder::Profile parse_profile(const std::string& profile_json) {
  wayfinder::Profile p;
  from_json(json::parse(profile_json), p);
  return p;
}

// The content candidates kept per profile: enough for 3× a page of 10 and paging to ~100 with the widening window.
constexpr std::size_t kContentDepth = 400;

class RecommenderSession {
 public:
  // config: {"seed": "<decimal u64>", "similarityWeight", "banditWeight", "epsilon", "candidateMultiplier",
  //          "propensityDraws", "contentDepth"} — every field optional.
  RecommenderSession(const val& shard_bytes, const std::string& manifest_json, const std::string& shard_file,
                     const std::string& config_json)
      : shard_(open_shard(shard_bytes, manifest_json, shard_file)), recommender_(parse_config(config_json)) {
    const auto c = json::parse(config_json.empty() ? "{}" : config_json);
    content_depth_ = c.value("contentDepth", kContentDepth);
  }

  // The core's tokenizer, owned by the session (vocab.json text copied in once).
  void load_vocab(const std::string& vocab_json) { tokenizer_ = wayfinder::text::Tokenizer::from_vocab_json(vocab_json); }
  val encode(const std::string& text) const {
    if (!tokenizer_) throw std::invalid_argument("encode: loadVocab first");
    const auto ids = tokenizer_->encode(text);
    val out = val::global("Int32Array").new_(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) out.set(i, ids[i]);
    return out;
  }

  int index_of(const std::string& project_id) const {
    const auto i = shard_.index_of(project_id);
    return i ? static_cast<int>(*i) : -1;
  }
  std::size_t size() const { return shard_.size(); }
  std::size_t dimension() const { return shard_.dim(); }
  std::string shard_header_json() const { return wayfinder::shard::header_json(shard_.header()); }

  bool has_content(const std::string& hash) const { return recommender_.has_content(parse_u64(hash, "profileHash")); }

  // Ranks the shard for one profile embedding (copied in) and caches it under the profile hash.
  void set_content(const std::string& hash, const val& vector, const std::string& profile_json) {
    const auto query = emscripten::convertJSArrayToNumberVector<float>(vector);
    const auto profile = parse_profile(profile_json);
    recommender_.set_content(parse_u64(hash, "profileHash"),
                             wayfinder::search::rank_content(shard_, query, profile, content_depth_));
  }

  std::string recommend_json(const std::string& hash, const std::string& ranking_id, std::size_t limit,
                             std::size_t offset, bool use_rl) {
    const auto r = recommender_.recommend(parse_u64(hash, "profileHash"), ranking_id, limit, offset, use_rl);
    json items = json::array();
    for (const auto& it : r.items) {
      const auto& m = shard_.meta(it.index);
      std::string reason;
      for (const auto& s : it.reasons) reason += (reason.empty() ? "" : "; ") + s;
      items.push_back({{"projectId", m.id},
                       {"fullName", m.full_name},
                       {"description", m.description},
                       {"language", m.language},
                       {"url", m.url},
                       {"stars", m.stars},
                       {"complexity", std::string(wayfinder::to_string(m.complexity))},
                       {"topics", m.topics},
                       {"position", it.position},
                       {"score", it.score},
                       {"similarity", it.similarity},
                       {"bandit", it.bandit_quality},
                       {"posteriorMean", it.posterior_mean},
                       {"evidence", it.evidence},
                       {"explored", it.explored},
                       {"propensity", it.propensity},
                       {"reason", reason},
                       {"reasons", it.reasons}});
    }
    return json{{"items", items}, {"exhausted", r.exhausted}, {"seed", std::to_string(r.seed)}}.dump();
  }

  void set_local(std::uint32_t index, double alpha, double beta) {
    check_index(index);
    recommender_.evidence().set_local(index, {alpha, beta});
  }
  // Returns {success, failure} actually applied under the daily cap.
  val add_local(std::uint32_t index, double day, double success, double failure, double cap) {
    check_index(index);
    const auto got = recommender_.evidence().add_local(index, static_cast<std::int64_t>(day), {success, failure}, cap);
    val out = val::object();
    out.set("success", got.success);
    out.set("failure", got.failure);
    return out;
  }
  val local(std::uint32_t index) const {
    check_index(index);
    const auto c = recommender_.evidence().local(index);
    val out = val::object();
    out.set("alpha", c.alpha);
    out.set("beta", c.beta);
    return out;
  }
  void set_community(const val& indices, const val& alphas, const val& betas) {
    const auto idx = emscripten::convertJSArrayToNumberVector<std::uint32_t>(indices);
    const auto a = emscripten::convertJSArrayToNumberVector<double>(alphas);
    const auto b = emscripten::convertJSArrayToNumberVector<double>(betas);
    if (a.size() != idx.size() || b.size() != idx.size()) throw std::invalid_argument("setCommunity: arrays differ in length");
    std::vector<wayfinder::bandit::BetaCounts> counts(idx.size());
    for (std::size_t i = 0; i < idx.size(); ++i) {
      check_index(idx[i]);
      counts[i] = {a[i], b[i]};
    }
    recommender_.evidence().set_community(idx, counts);
  }

  // Canonical profile hash (decimal u64 string; JS numbers can't hold 64 bits).
  static std::string profile_hash(const std::string& profile_json) {
    return std::to_string(wayfinder::profile_hash(parse_profile(profile_json)));
  }
  static std::string hash_string(const std::string& s) { return std::to_string(wayfinder::fnv1a64(s)); }

  // The core's reward mapping for one impression episode:
  // {"position", "clicked", "bookmarked", "stars"?, "dwellSeconds"} → {"success", "failure", "reward"}.
  static std::string reward_to_update_json(const std::string& episode_json) {
    const auto j = json::parse(episode_json);
    wayfinder::bandit::ImpressionEpisode e;
    e.position = j.value("position", 0);
    e.clicked = j.value("clicked", false);
    e.bookmarked = j.value("bookmarked", false);
    if (j.contains("stars") && !j["stars"].is_null()) e.stars = j["stars"].get<int>();
    e.dwell_seconds = j.value("dwellSeconds", 0.0);
    wayfinder::bandit::validate(e);
    const auto u = wayfinder::bandit::reward_to_update(e);
    return json{{"success", u.success}, {"failure", u.failure}, {"reward", wayfinder::bandit::episode_reward(e)}}.dump();
  }

  // The experiment arm of a user: the core's fixed assignment hash over the config's weighted arms
  // (config in the core's wire form {"id", "arms": [{"name", "weight", "useRL"}], "enabled", "fallbackArm"}).
  static std::string assign_arm(const std::string& config_json, const std::string& user_id) {
    wayfinder::experiment::ExperimentConfig c;
    from_json(json::parse(config_json), c);
    return wayfinder::experiment::assign(c, user_id).name;
  }

 private:
  static wayfinder::shard::Shard open_shard(const val& bytes, const std::string& manifest_json,
                                            const std::string& file) {
    const auto raw = emscripten::convertJSArrayToNumberVector<std::uint8_t>(bytes);
    std::vector<std::byte> data(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) data[i] = static_cast<std::byte>(raw[i]);
    const auto manifest = wayfinder::shard::parse_manifest(manifest_json);
    const wayfinder::shard::ManifestShard* entry = nullptr;
    for (const auto& s : manifest.shards)
      if (s.file == file) entry = &s;
    if (!entry) throw std::invalid_argument("manifest: no shard named " + file);
    wayfinder::shard::verify_against_manifest(*entry, data);
    return wayfinder::shard::Shard::open(std::move(data), wayfinder::shard::expectation_of(manifest));
  }
  static wayfinder::rank::RecommenderConfig parse_config(const std::string& config_json) {
    const auto c = json::parse(config_json.empty() ? "{}" : config_json);
    wayfinder::rank::RecommenderConfig rc;
    if (c.contains("seed")) rc.seed = parse_u64(c["seed"].is_string() ? c["seed"].get<std::string>() : c["seed"].dump(), "seed");
    rc.rerank.similarity_weight = c.value("similarityWeight", rc.rerank.similarity_weight);
    rc.rerank.bandit_weight = c.value("banditWeight", rc.rerank.bandit_weight);
    rc.rerank.epsilon = c.value("epsilon", rc.rerank.epsilon);
    rc.rerank.candidate_multiplier = c.value("candidateMultiplier", rc.rerank.candidate_multiplier);
    rc.rerank.propensity_draws = c.value("propensityDraws", rc.rerank.propensity_draws);
    wayfinder::rank::validate(rc.rerank);
    return rc;
  }
  void check_index(std::uint32_t index) const {
    if (index >= shard_.size()) throw std::invalid_argument("project index out of range");
  }

  wayfinder::shard::Shard shard_;
  wayfinder::rank::Recommender recommender_;
  std::size_t content_depth_ = kContentDepth;
  std::optional<wayfinder::text::Tokenizer> tokenizer_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(wayfinder_recommender) {
  emscripten::class_<RecommenderSession>("RecommenderSession")
      .constructor<const val&, const std::string&, const std::string&, const std::string&>()
      .function("loadVocab", &RecommenderSession::load_vocab)
      .function("encode", &RecommenderSession::encode)
      .function("indexOf", &RecommenderSession::index_of)
      .function("size", &RecommenderSession::size)
      .function("dimension", &RecommenderSession::dimension)
      .function("shardHeaderJson", &RecommenderSession::shard_header_json)
      .function("hasContent", &RecommenderSession::has_content)
      .function("setContent", &RecommenderSession::set_content)
      .function("recommendJson", &RecommenderSession::recommend_json)
      .function("setLocal", &RecommenderSession::set_local)
      .function("addLocal", &RecommenderSession::add_local)
      .function("local", &RecommenderSession::local)
      .function("setCommunity", &RecommenderSession::set_community)
      .class_function("profileHash", &RecommenderSession::profile_hash)
      .class_function("hashString", &RecommenderSession::hash_string)
      .class_function("rewardToUpdateJson", &RecommenderSession::reward_to_update_json)
      .class_function("assignArm", &RecommenderSession::assign_arm);
}
