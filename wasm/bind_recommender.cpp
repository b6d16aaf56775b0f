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

#include "wayfinder/bandit/episode_fold.h"
#include "wayfinder/bandit/features.h"
#include "wayfinder/catalog/project.h"
#include "wayfinder/events/event.h"
#include "wayfinder/experiment/assignment.h"
#include "wayfinder/experiment/policy.h"
#include "wayfinder/hash.h"
#include "wayfinder/profile.h"
#include "wayfinder/random/xoshiro.h"
#include "wayfinder/rank/page.h"
#include "wayfinder/rank/recommender.h"
#include "wayfinder/search/content_ranker.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/shard.h"
#include "wayfinder/space/learner_space.h"
#include "wayfinder/text/tokenizer.h"
#include "wayfinder/time_utc.h"

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
  // config: {"seed": "<decimal u64>", "contentDepth", "dailyCap", "sha256Verified", and the RerankConfig options
  //          (rank/rerank.h from_json: "similarityWeight", "banditWeight", "epsilon", "candidateMultiplier",
  //          "minDepth", "explorationPool", "propensityDraws")} — every field optional.
  // shard_bytes: the lexical part of the manifest's shard `shard_file`; its vectors part comes later (attachVectors).
  RecommenderSession(const val& shard_bytes, const std::string& manifest_json, const std::string& shard_file,
                     const std::string& config_json)
      : vectors_entry_(js_errors("RecommenderSession manifest", [&] { return entry_of(manifest_json, shard_file).vectors; })),
        shard_(js_errors("RecommenderSession shard",
                         [&] { return open_shard(shard_bytes, manifest_json, shard_file, verified_sha256(config_json)); })),
        recommender_(js_errors("RecommenderSession config", [&] { return parse_config(config_json); })),
        content_depth_(js_errors("RecommenderSession config", [&] { return parse_content_depth(config_json); })),
        learner_(js_errors("RecommenderSession config", [&] { return parse_learner(config_json); })),
        features_entry_(js_errors("RecommenderSession manifest",
                                  [&] { return wayfinder::shard::parse_manifest(manifest_json).features; })),
        features_status_(features_entry_ ? "no feature basis is loaded yet" : "the manifest lists no feature basis") {}

  // The contextual arm's feature basis: the file named by the manifest's "features" member (bytes copied in;
  // `verified`: the hex sha256 WebCrypto computed, "" = the core hashes them). A corrupt or wrongly sized basis is
  // refused with an error naming the file and the field; the session keeps no basis, so a contextual arm ranks with
  // the Beta arm and its pages carry a "warning". The learner's counts are untouched either way.
  void load_feature_basis(const val& bytes, const std::string& verified) {
    js_errors("loadFeatureBasis", [&] {
      try {
        load_feature_basis_unchecked(bytes, verified);
      } catch (const std::exception& e) {
        features_status_ = e.what();
        features_refused_ = true;
        throw;
      }
    });
  }
  // "" when the basis is loaded, else why the contextual arm ranks with the Beta arm.
  std::string features_status() const { return features_status_; }

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

  // The shard's vectors part (checked against the manifest entry, or against `sha256Verified` in config_json, then
  // against the lexical part's pair key): from now on rankings use the embedding and a linear arm its features.
  void attach_vectors(const val& bytes, const std::string& config_json) {
    js_errors("attachVectors", [&] {
      auto data = copy_bytes(bytes);
      check_against(vectors_entry_, data, verified_sha256(config_json));
      shard_.attach_vectors(std::move(data), vectors_entry_.file);
    });
  }
  bool has_vectors() const { return shard_.has_vectors(); }
  std::string shard_header_json() const { return wayfinder::shard::header_json(shard_.header()); }

  bool has_content(const std::string& hash) const {
    return js_errors("hasContent", [&] { return recommender_.has_content(parse_u64(hash, "profileHash")); });
  }

  // Ranks the shard for one profile embedding (copied in), only projects of `kinds_json` (a JSON list of kind
  // names, [] = every kind), and caches it under `key` (contentKey of the profile hash and the same kinds).
  void set_content(const std::string& key, const val& vector, const std::string& profile_json, const std::string& kinds_json) {
    js_errors("setContent", [&] { set_content_unchecked(key, vector, profile_json, kinds_json); });
  }
  // use_rl: 1 or 0 forces the bandit on or off (arm "rl" / "similarity"); -1 lets the experiments decide.
  // → {"items": [PageItem], "exhausted", "seed", "arm", "experimentId" (null when none), "policy"}.
  std::string recommend_json(const std::string& hash, const std::string& ranking_id, std::size_t limit,
                             std::size_t offset, int use_rl) {
    return js_errors("recommend", [&] { return recommend_json_unchecked(hash, ranking_id, limit, offset, use_rl); });
  }
  // The experiments pulled from the server (GET /v1/experiments, experiment/policy.h) and this learner's id: from
  // now on every new ranking applies the learner's arms. A bad list is refused and the previous one kept.
  void set_experiments_json(const std::string& list_json, const std::string& user_id) {
    js_errors("setExperiments", [&] {
      auto parsed = wayfinder::experiment::parse_published(json::parse(list_json));
      wayfinder::experiment::policy_for(parsed, user_id, recommender_.config().rerank);  // throws on a bad arm config
      experiments_ = std::move(parsed);
      user_id_ = user_id;
    });
  }
  // The policy a new ranking gets now: {"arm", "experimentId", "policy": {...}}.
  std::string policy_json() const {
    return js_errors("policy", [&] { return policy_to_json(current_policy(-1)).dump(); });
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

  wayfinder::experiment::Policy current_policy(int use_rl) const {
    const auto force = use_rl < 0 ? std::nullopt : std::optional<bool>(use_rl != 0);
    return wayfinder::experiment::policy_for(experiments_, user_id_, recommender_.config().rerank, force);
  }
  static json policy_to_json(const wayfinder::experiment::Policy& p) {
    return json{{"arm", p.arm},
                {"experimentId", p.experiment_id.empty() ? json(nullptr) : json(p.experiment_id)},
                {"policy", {{"useRL", p.use_rl}, {"epsilon", p.rerank.epsilon},
                            {"similarityWeight", p.rerank.similarity_weight}, {"banditWeight", p.rerank.bandit_weight}}}};
  }

  std::string recommend_json_unchecked(const std::string& hash, const std::string& ranking_id, std::size_t limit,
                                       std::size_t offset, int use_rl) {
    const auto policy = current_policy(use_rl);
    const auto r = recommender_.recommend(parse_u64(hash, "profileHash"), ranking_id, limit, offset, policy.use_rl, policy.rerank);
    const auto& posterior = recommender_.config().rerank.posterior;
    json items = json::array();
    for (const auto& it : r.items) {
      items.push_back(wayfinder::rank::page_item(it, shard_.meta(it.index),
                                                 recommender_.evidence().community_mean(it.index, posterior)));
    }
    auto out = policy_to_json(policy);
    out["items"] = std::move(items);
    out["bandit"] = r.use_rl ? wayfinder::rank::to_string(r.bandit) : "none";
    // A features arm ranked by the Beta arm: silent before the features arrive (no basis loaded yet, the shard's
    // vectors not in: the documented fallback of the default arm, page.bandit says "beta"); a warning only when the
    // basis was refused, a real misconfiguration.
    if (r.use_rl && wayfinder::rank::uses_features(policy.rerank.bandit) && r.bandit != policy.rerank.bandit &&
        features_refused_)
      out["warning"] = std::string("the ") + (policy.rerank.bandit == wayfinder::rank::BanditKind::kLinear ? "contextual" : "hierarchical") +
                       " arm ranked with the Beta arm: " + features_status_;
    out["exhausted"] = r.exhausted;
    out["seed"] = std::to_string(r.seed);
    return out.dump();
  }


 public:
  // One feedback event in its wire form (docs/ARCHITECTURE.md), checked by the core's event schema (the error names
  // the field, e.g. "field 'event.stars' must be an integer from 1 to 5"), then folded into the learner's episodes
  // (bandit/episode_fold.h); the project's local counts follow at once. {"accepted": false} for a repeated event id.
  std::string track_json(const std::string& event_json) {
    return js_errors("track", [&] {
      auto e = wayfinder::events::parse_event(json::parse(event_json), "event");
      e.model_version.clear();  // the fold needs neither; the saved state stays small
      e.shard_version.clear();
      e.comment.reset();
      const bool accepted = learner_.add(e);
      if (accepted) sync_local(e.project_id);
      // The learner's space (saved, history, hidden) folds every event, even one the settled fold refuses.
      if (space_.add(e)) sync_hidden(e.project_id);
      return json{{"accepted", accepted}, {"projectId", e.project_id}}.dump();
    });
  }
  // Settles the days no event can change any more (their events are forgotten, their counts kept).
  void settle(double now_ms) {
    js_errors("settle", [&] { learner_.settle(static_cast<std::int64_t>(now_ms)); });
  }
  // The learner's saved state: the core's own serialisation of its fold (events of open days + settled counts).
  std::string learner_state_json() const { return json(learner_).dump(); }
  // Restores a saved state; throws (naming what is wrong) and keeps the current state when it is corrupt.
  void load_learner_state_json(const std::string& state_json) {
    js_errors("loadLearnerState", [&] {
      auto next = learner_;
      from_json(json::parse(state_json), next);
      const auto before = learner_.counts();
      learner_ = std::move(next);
      for (const auto& [id, c] : before) sync_local(id);
      for (const auto& [id, c] : learner_.counts()) sync_local(id);
    });
  }
  // The learner's space (space/learner_space.h): its saved state, and restoring one (throws naming what is wrong
  // and keeps the current state when it is corrupt).
  std::string space_state_json() const { return json(space_).dump(); }
  void load_space_state_json(const std::string& state_json) {
    js_errors("loadSpaceState", [&] {
      wayfinder::space::LearnerSpace next;
      from_json(json::parse(state_json), next);
      const auto before = space_.hidden();
      space_ = std::move(next);
      for (const auto& id : before) sync_hidden(id);
      for (const auto& id : space_.hidden()) sync_hidden(id);
    });
  }
  // The views, newest first, each entry the project's card facts (rank/page.h card_json; only the projectId for a
  // project not in this shard) and: saved → savedAt, rankingId (of the bookmark); history → openedAt?, ratedAt?,
  // stars?, rankingId (of the rating, else of the opening); hidden → hiddenAt, rankingId.
  std::string saved_json() const {
    json out = json::array();
    for (const auto& s : space_.saved()) out.push_back(with_stamp(card(s.project_id), s.saved, "savedAt"));
    return out.dump();
  }
  std::string history_json() const {
    json out = json::array();
    for (const auto& h : space_.history()) {
      auto c = card(h.project_id);
      if (h.opened) c = with_stamp(std::move(c), *h.opened, "openedAt");
      if (h.rated) c = with_stamp(std::move(c), *h.rated, "ratedAt"), c["stars"] = *h.stars;
      out.push_back(std::move(c));
    }
    return out.dump();
  }
  std::string hidden_json() const {
    json out = json::array();
    for (const auto& id : space_.hidden()) out.push_back(with_stamp(card(id), *space_.hidden_stamp(id), "hiddenAt"));
    return out.dump();
  }
  // {"alpha", "beta"} of one project, or {projectId: {"alpha", "beta"}} of every project when project_id is "".
  std::string local_counts_json(const std::string& project_id) const {
    auto counts = [](const wayfinder::bandit::BetaCounts& c) { return json{{"alpha", c.alpha}, {"beta", c.beta}}; };
    if (!project_id.empty()) {
      const auto id = js_errors("localCounts", [&] { return wayfinder::normalize_project_id(project_id); });
      return counts(learner_.counts_of(id)).dump();
    }
    json all = json::object();
    for (const auto& [id, c] : learner_.counts()) all[id] = counts(c);
    return all.dump();
  }
  // The community snapshot of GET /v1/bandit ({"counts": {"owner/repo": {"alpha", "beta", ...}}}); projects not in
  // this shard are skipped, a non-numeric or negative count is refused naming the project.
  void set_community_json(const std::string& snapshot_json) {
    js_errors("setCommunity", [&] { set_community_unchecked(json::parse(snapshot_json)); });
  }

 private:
  json card(const std::string& project_id) const {
    const auto i = shard_.index_of(project_id);
    return i ? wayfinder::rank::card_json(shard_.meta(*i)) : json{{"projectId", project_id}};
  }
  static json with_stamp(json c, const wayfinder::space::Stamp& s, const char* field) {
    c[field] = wayfinder::format_iso8601_utc(s.at_ms);
    c["rankingId"] = s.ranking_id;
    return c;
  }
  void sync_hidden(const std::string& project_id) {
    if (const auto i = shard_.index_of(project_id)) recommender_.set_hidden(*i, space_.is_hidden(project_id));
  }
  void sync_local(const std::string& project_id) {
    if (const auto i = shard_.index_of(project_id)) recommender_.evidence().set_local(static_cast<std::uint32_t>(*i), learner_.counts_of(project_id));
  }
  void set_community_unchecked(const json& snapshot) {
    if (!snapshot.is_object() || !snapshot.contains("counts") || !snapshot["counts"].is_object())
      throw std::invalid_argument("snapshot.counts must be an object");
    std::vector<std::uint32_t> idx;
    std::vector<wayfinder::bandit::BetaCounts> counts;
    for (const auto& [id, c] : snapshot["counts"].items()) {
      const auto i = shard_.index_of(id);
      if (!i) continue;
      if (!c.is_object() || !c.contains("alpha") || !c.contains("beta") || !c["alpha"].is_number() || !c["beta"].is_number())
        throw std::invalid_argument("snapshot.counts['" + id + "'] must have numeric alpha and beta");
      idx.push_back(static_cast<std::uint32_t>(*i));
      counts.push_back({c["alpha"].get<double>(), c["beta"].get<double>()});
    }
    recommender_.evidence().set_community(idx, counts);
  }

 public:
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

 private:
  // "sha256Verified": the hex SHA-256 the caller computed with WebCrypto (native speed; the core's portable
  // hash takes ~0.4 s for a 13 MB shard in WASM). Accepted only when it equals the manifest's entry.
  static std::string verified_sha256(const std::string& config_json) {
    const auto c = json::parse(config_json.empty() ? "{}" : config_json);
    return c.contains("sha256Verified") ? c["sha256Verified"].get<std::string>() : std::string();
  }
  void load_feature_basis_unchecked(const val& bytes, const std::string& verified) {
    if (!features_entry_) throw std::invalid_argument("manifest: no field 'features' (no feature basis is shipped)");
    const auto& entry = *features_entry_;
    const auto n = bytes["length"].as<std::size_t>();
    std::string text(n, '\0');
    val(emscripten::typed_memory_view(n, reinterpret_cast<std::uint8_t*>(text.data()))).call<void>("set", bytes);
    if (verified.empty()) {
      wayfinder::shard::verify_against_manifest(entry, std::as_bytes(std::span(text.data(), text.size())));
    } else if (verified != entry.sha256 || n != entry.bytes) {
      throw std::invalid_argument(entry.file + ": sha256 " + verified + " and " + std::to_string(n) +
                                  " bytes differ from manifest fields 'features.sha256' and 'features.bytes' (" +
                                  entry.sha256 + ", " + std::to_string(entry.bytes) + ")");
    }
    auto basis = wayfinder::bandit::parse_feature_basis(text, entry.file, shard_.dim());
    recommender_.evidence().set_features(std::make_shared<wayfinder::bandit::ShardFeatures>(shard_, std::move(basis)));
    features_status_.clear();
    features_refused_ = false;
  }
  static std::vector<std::byte> copy_bytes(const val& bytes) {
    // One bulk copy (TypedArray.set into a view of the vector): element-wise conversion took ~1.5 s for 13 MB.
    const auto n = bytes["length"].as<std::size_t>();
    std::vector<std::byte> data(n);
    val(emscripten::typed_memory_view(n, reinterpret_cast<std::uint8_t*>(data.data()))).call<void>("set", bytes);
    return data;
  }
  static wayfinder::shard::ManifestShard entry_of(const std::string& manifest_json, const std::string& file) {
    for (const auto& s : wayfinder::shard::parse_manifest(manifest_json).shards)
      if (s.file == file) return s;
    throw std::invalid_argument("manifest: no shard named " + file);
  }
  // The core hashes the bytes itself unless the caller's WebCrypto hash is given; that must be the manifest's.
  static void check_against(const wayfinder::shard::ManifestFile& entry, const std::vector<std::byte>& data,
                            const std::string& verified) {
    if (verified.empty()) {
      wayfinder::shard::verify_against_manifest(entry, data);
    } else if (verified != entry.sha256 || data.size() != entry.bytes) {
      throw std::invalid_argument("sha256Verified: " + verified + " is not the manifest's sha256 of " + entry.file +
                                  " (or the byte count differs)");
    }
  }
  static wayfinder::shard::Shard open_shard(const val& bytes, const std::string& manifest_json,
                                            const std::string& file, const std::string& verified) {
    auto data = copy_bytes(bytes);
    const auto entry = entry_of(manifest_json, file);
    check_against(wayfinder::shard::lexical_file(entry), data, verified);
    return wayfinder::shard::Shard::open_lexical(std::move(data), wayfinder::shard::expectation_of(wayfinder::shard::parse_manifest(manifest_json)), file);
  }
  static std::size_t parse_content_depth(const std::string& config_json) {
    const auto depth = wayfinder::rank::count_option(json::parse(config_json.empty() ? "{}" : config_json), "contentDepth", kContentDepth);
    if (depth < 1) throw std::invalid_argument("contentDepth must be >= 1");
    return depth;
  }
  static wayfinder::rank::RecommenderConfig parse_config(const std::string& config_json) {
    const auto c = json::parse(config_json.empty() ? "{}" : config_json);
    wayfinder::rank::RecommenderConfig rc;
    if (c.contains("seed")) rc.seed = parse_u64(c["seed"].is_string() ? c["seed"].get<std::string>() : c["seed"].dump(), "seed");
    from_json(c, rc.rerank);
    return rc;
  }
  static wayfinder::bandit::LearnerFold parse_learner(const std::string& config_json) {
    const auto c = json::parse(config_json.empty() ? "{}" : config_json);
    wayfinder::bandit::CreditConfig credit;
    if (c.contains("dailyCap") && !c["dailyCap"].is_null()) {
      if (!c["dailyCap"].is_number() || !(c["dailyCap"].get<double>() >= 0)) throw std::invalid_argument("dailyCap must be a number >= 0");
      credit.daily_cap = c["dailyCap"].get<double>();
    }
    return wayfinder::bandit::LearnerFold({}, credit);
  }

  wayfinder::shard::ManifestFile vectors_entry_;
  wayfinder::shard::Shard shard_;
  wayfinder::rank::Recommender recommender_;
  std::size_t content_depth_ = kContentDepth;
  std::optional<wayfinder::text::Tokenizer> tokenizer_;
  wayfinder::bandit::LearnerFold learner_;
  wayfinder::space::LearnerSpace space_;
  std::optional<wayfinder::shard::ManifestFeatures> features_entry_;
  std::string features_status_;
  bool features_refused_ = false;  // the last basis offered was refused (pages then carry a "warning")
  std::vector<wayfinder::experiment::PublishedExperiment> experiments_;
  std::string user_id_;
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
      .function("attachVectors", &RecommenderSession::attach_vectors)
      .function("hasVectors", &RecommenderSession::has_vectors)
      .function("shardHeaderJson", &RecommenderSession::shard_header_json)
      .function("hasContent", &RecommenderSession::has_content)
      .function("setContent", &RecommenderSession::set_content)
      .function("recommendJson", &RecommenderSession::recommend_json)
      .function("trackJson", &RecommenderSession::track_json)
      .function("settle", &RecommenderSession::settle)
      .function("learnerStateJson", &RecommenderSession::learner_state_json)
      .function("loadLearnerStateJson", &RecommenderSession::load_learner_state_json)
      .function("localCountsJson", &RecommenderSession::local_counts_json)
      .function("spaceStateJson", &RecommenderSession::space_state_json)
      .function("loadSpaceStateJson", &RecommenderSession::load_space_state_json)
      .function("savedJson", &RecommenderSession::saved_json)
      .function("historyJson", &RecommenderSession::history_json)
      .function("hiddenJson", &RecommenderSession::hidden_json)
      .function("setCommunityJson", &RecommenderSession::set_community_json)
      .function("setExperimentsJson", &RecommenderSession::set_experiments_json)
      .function("policyJson", &RecommenderSession::policy_json)
      .function("loadFeatureBasis", &RecommenderSession::load_feature_basis)
      .function("featuresStatus", &RecommenderSession::features_status)
      .class_function("profileHash", &RecommenderSession::profile_hash)
      .class_function("contentKey", &RecommenderSession::content_key)
      .class_function("hashString", &RecommenderSession::hash_string);
}
