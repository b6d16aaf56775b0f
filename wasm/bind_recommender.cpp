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
#include "wayfinder/random/xoshiro.h"
#include "wayfinder/rank/recommender.h"
#include "wayfinder/search/content_ranker.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/shard.h"
#include "wayfinder/text/tokenizer.h"

#include "js_errors.h"

namespace {

using emscripten::val;
using nlohmann::json;

std::uint64_t parse_u64(const std::string& s, const char* field) {
  std::size_t used = 0;
  const auto v = std::stoull(s, &used, 10);
  if (used != s.size()) throw std::invalid_argument(std::string(field) + ": not a decimal unsigned integer");
  return v;
}

using wayfinder::wasm::js_errors;

// A non-negative integer option (nlohmann would silently wrap -1 into a huge size_t).
std::size_t count_field(const json& c, const char* field, std::size_t fallback) {
  if (!c.contains(field) || c[field].is_null()) return fallback;
  const auto& v = c[field];
  if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<std::int64_t>() < 0))
    throw std::invalid_argument(std::string(field) + " must be a non-negative integer");
  return v.get<std::size_t>();
}

// A JSON list of kind names and groups ("" or [] = every kind); errors name the allowed kinds.
wayfinder::KindMask parse_kinds(const std::string& kinds_json) {
  if (kinds_json.empty()) return wayfinder::kAllKinds;
  const auto j = json::parse(kinds_json);
  if (!j.is_array()) throw std::invalid_argument("kinds must be a list of kind names, e.g. [\"tutorial\", \"hands-on\"]");
  std::vector<std::string> names;
  for (const auto& k : j) {
    if (!k.is_string()) throw std::invalid_argument("kinds must be a list of kind names, e.g. [\"tutorial\", \"hands-on\"]");
    names.push_back(k.get<std::string>());
  }
  return wayfinder::parse_kind_filter(names);
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
  //          "minDepth", "explorationPool", "propensityDraws", "contentDepth"} — every field optional
  //          (RerankConfig's defaults; explorationPool 0 = every eligible project not yet shown).
  RecommenderSession(const val& shard_bytes, const std::string& manifest_json, const std::string& shard_file,
                     const std::string& config_json)
      : shard_(js_errors("RecommenderSession shard",
                         [&] { return open_shard(shard_bytes, manifest_json, shard_file, verified_sha256(config_json)); })),
        recommender_(js_errors("RecommenderSession config", [&] { return parse_config(config_json); })),
        content_depth_(js_errors("RecommenderSession config", [&] { return parse_content_depth(config_json); })) {}

  // The core's tokenizer, owned by the session (vocab.json text copied in once).
  void load_vocab(const std::string& vocab_json) {
    js_errors("loadVocab", [&] { tokenizer_ = wayfinder::text::Tokenizer::from_vocab_json(vocab_json); });
  }
  val encode(const std::string& text) const {
    const auto ids = js_errors("encode", [&] {
      if (!tokenizer_) throw std::invalid_argument("loadVocab first");
      return tokenizer_->encode(text);
    });
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

  bool has_content(const std::string& hash) const {
    return js_errors("hasContent", [&] { return recommender_.has_content(parse_u64(hash, "profileHash")); });
  }

  // Ranks the shard for one profile embedding (copied in), only projects of `kinds_json` (a JSON list of kind
  // names, [] = every kind), and caches it under `key` (contentKey of the profile hash and the same kinds).
  void set_content(const std::string& key, const val& vector, const std::string& profile_json, const std::string& kinds_json) {
    js_errors("setContent", [&] { set_content_unchecked(key, vector, profile_json, kinds_json); });
  }
  std::string recommend_json(const std::string& hash, const std::string& ranking_id, std::size_t limit,
                             std::size_t offset, bool use_rl) {
    return js_errors("recommend", [&] { return recommend_json_unchecked(hash, ranking_id, limit, offset, use_rl); });
  }

 private:
  void set_content_unchecked(const std::string& key, const val& vector, const std::string& profile_json,
                             const std::string& kinds_json) {
    const auto query = emscripten::convertJSArrayToNumberVector<float>(vector);
    const auto profile = parse_profile(profile_json);
    wayfinder::search::RankOptions options;
    options.kinds = parse_kinds(kinds_json);
    recommender_.set_content(parse_u64(key, "contentKey"),
                             wayfinder::search::rank_content(shard_, query, profile, content_depth_, {}, options));
  }

  std::string recommend_json_unchecked(const std::string& hash, const std::string& ranking_id, std::size_t limit,
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
                       {"kind", std::string(wayfinder::to_string(m.kind))},
                       {"topics", m.topics},
                       {"position", it.position},
                       {"score", it.score},
                       {"similarity", it.similarity},
                       {"bandit", it.bandit_quality},
                       {"posteriorMean", it.posterior_mean},
                       {"evidence", it.evidence},
                       {"explored", it.explored},
                       {"propensity", it.propensity},
                       {"altPropensity", it.alt_propensity},
                       {"reason", reason},
                       {"reasons", it.reasons}});
    }
    return json{{"items", items}, {"exhausted", r.exhausted}, {"seed", std::to_string(r.seed)}}.dump();
  }


 public:
  void set_local(std::uint32_t index, double alpha, double beta) {
    js_errors("setLocal", [&] { check_index(index); });
    recommender_.evidence().set_local(index, {alpha, beta});
  }
  // Returns {success, failure} actually applied under the daily cap.
  val add_local(std::uint32_t index, double day, double success, double failure, double cap) {
    js_errors("addLocal", [&] { check_index(index); });
    const auto got = recommender_.evidence().add_local(index, static_cast<std::int64_t>(day), {success, failure}, cap);
    val out = val::object();
    out.set("success", got.success);
    out.set("failure", got.failure);
    return out;
  }
  val local(std::uint32_t index) const {
    js_errors("local", [&] { check_index(index); });
    const auto c = recommender_.evidence().local(index);
    val out = val::object();
    out.set("alpha", c.alpha);
    out.set("beta", c.beta);
    return out;
  }
  void set_community(const val& indices, const val& alphas, const val& betas) {
    js_errors("setCommunity", [&] { set_community_unchecked(indices, alphas, betas); });
  }
  void set_community_unchecked(const val& indices, const val& alphas, const val& betas) {
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
  // The content cache key of a profile hash under a kind filter: the hash itself for every kind, else a hash
  // derived from it and the filter's kinds. Throws (an Error naming the allowed kinds) for an unknown kind.
  static std::string content_key(const std::string& hash, const std::string& kinds_json) {
    return js_errors("contentKey", [&] {
      const auto h = parse_u64(hash, "profileHash");
      const auto mask = parse_kinds(kinds_json);
      return std::to_string(mask == wayfinder::kAllKinds ? h : wayfinder::random::derive_seed(h, mask));
    });
  }
  static std::string profile_hash(const std::string& profile_json) {
    return js_errors("profileHash", [&] { return std::to_string(wayfinder::profile_hash(parse_profile(profile_json))); });
  }
  static std::string hash_string(const std::string& s) { return std::to_string(wayfinder::fnv1a64(s)); }

  // The core's reward mapping for one impression episode:
  // {"position", "clicked", "bookmarked", "stars"?, "dwellSeconds"} → {"success", "failure", "reward"}.
  static std::string reward_to_update_json(const std::string& episode_json) {
    return js_errors("rewardToUpdate", [&] { return reward_to_update_json_unchecked(episode_json); });
  }
  static std::string reward_to_update_json_unchecked(const std::string& episode_json) {
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
    return js_errors("assignArm", [&] {
      wayfinder::experiment::ExperimentConfig c;
      from_json(json::parse(config_json), c);
      return wayfinder::experiment::assign(c, user_id).name;
    });
  }

 private:
  // "sha256Verified": the hex SHA-256 the caller computed with WebCrypto (native speed; the core's portable
  // hash takes ~0.4 s for a 13 MB shard in WASM). Accepted only when it equals the manifest's entry.
  static std::string verified_sha256(const std::string& config_json) {
    const auto c = json::parse(config_json.empty() ? "{}" : config_json);
    return c.contains("sha256Verified") ? c["sha256Verified"].get<std::string>() : std::string();
  }
  static wayfinder::shard::Shard open_shard(const val& bytes, const std::string& manifest_json,
                                            const std::string& file, const std::string& verified) {
    // One bulk copy (TypedArray.set into a view of the vector): element-wise conversion took ~1.5 s for 13 MB.
    const auto n = bytes["length"].as<std::size_t>();
    std::vector<std::byte> data(n);
    val(emscripten::typed_memory_view(n, reinterpret_cast<std::uint8_t*>(data.data()))).call<void>("set", bytes);
    const auto manifest = wayfinder::shard::parse_manifest(manifest_json);
    const wayfinder::shard::ManifestShard* entry = nullptr;
    for (const auto& s : manifest.shards)
      if (s.file == file) entry = &s;
    if (!entry) throw std::invalid_argument("manifest: no shard named " + file);
    if (verified.empty()) {
      wayfinder::shard::verify_against_manifest(*entry, data);
    } else if (verified != entry->sha256 || data.size() != entry->bytes) {
      throw std::invalid_argument("sha256Verified: " + verified + " is not the manifest's sha256 of " + file +
                                  " (or the byte count differs)");
    }
    return wayfinder::shard::Shard::open(std::move(data), wayfinder::shard::expectation_of(manifest));
  }
  static std::size_t parse_content_depth(const std::string& config_json) {
    const auto depth = count_field(json::parse(config_json.empty() ? "{}" : config_json), "contentDepth", kContentDepth);
    if (depth < 1) throw std::invalid_argument("contentDepth must be >= 1");
    return depth;
  }
  static wayfinder::rank::RecommenderConfig parse_config(const std::string& config_json) {
    const auto c = json::parse(config_json.empty() ? "{}" : config_json);
    wayfinder::rank::RecommenderConfig rc;
    if (c.contains("seed")) rc.seed = parse_u64(c["seed"].is_string() ? c["seed"].get<std::string>() : c["seed"].dump(), "seed");
    rc.rerank.similarity_weight = c.value("similarityWeight", rc.rerank.similarity_weight);
    rc.rerank.bandit_weight = c.value("banditWeight", rc.rerank.bandit_weight);
    rc.rerank.epsilon = c.value("epsilon", rc.rerank.epsilon);
    rc.rerank.candidate_multiplier = count_field(c, "candidateMultiplier", rc.rerank.candidate_multiplier);
    rc.rerank.min_depth = count_field(c, "minDepth", rc.rerank.min_depth);
    rc.rerank.exploration_pool = count_field(c, "explorationPool", rc.rerank.exploration_pool);
    rc.rerank.propensity_draws = count_field(c, "propensityDraws", rc.rerank.propensity_draws);
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
      .class_function("contentKey", &RecommenderSession::content_key)
      .class_function("hashString", &RecommenderSession::hash_string)
      .class_function("rewardToUpdateJson", &RecommenderSession::reward_to_update_json)
      .class_function("assignArm", &RecommenderSession::assign_arm);
}
