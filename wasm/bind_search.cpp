// Embind surface of the shard format and search kernels for the JS tools (models/shard/): write a shard from
// vectors + catalog JSON lines, inspect/validate one, build manifest entries, rank a profile with given ContentWeights. Data is copied in and out;
// every core error reaches JS as an Error whose message is the core's message.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "wayfinder/catalog/project.h"
#include "wayfinder/profile.h"
#include "wayfinder/search/content_ranker.h"
#include "wayfinder/search/int8_dot.h"
#include "wayfinder/search/top_k.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/shard.h"

#include "js_errors.h"

namespace {

using emscripten::val;
using nlohmann::json;
namespace ws = wayfinder::shard;

using wayfinder::wasm::js_errors;

template <typename T>
std::vector<T> copy_in(const val& typed_array) {
  const auto n = typed_array["length"].as<std::size_t>();
  std::vector<T> v(n);
  if (n > 0) val(emscripten::typed_memory_view(n, v.data())).call<void>("set", typed_array);  // view taken after alloc
  return v;
}

val bytes_out(const std::vector<std::byte>& b) {
  const auto view = emscripten::typed_memory_view(b.size(), reinterpret_cast<const std::uint8_t*>(b.data()));
  return val::global("Uint8Array").new_(val(view));  // copies
}

std::vector<std::byte> bytes_in(const val& u8) {
  const auto raw = copy_in<std::uint8_t>(u8);
  std::vector<std::byte> b(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) b[i] = static_cast<std::byte>(raw[i]);
  return b;
}

ws::ShardExpectation parse_expectation(const std::string& text) {
  ws::ShardExpectation e;
  if (text.empty()) return e;
  const auto j = json::parse(text);
  if (j.contains("name")) e.model_name = j.at("name").get<std::string>();
  if (j.contains("sha256")) e.model_sha256 = ws::sha256_from_hex(j.at("sha256").get<std::string>());
  if (j.contains("dimension")) e.dim = j.at("dimension").get<std::uint32_t>();
  return e;
}

// vectors: Float32Array [rows × dim]; catalogJsonl: one catalog row per line (blank lines skipped);
// model: {"name", "sha256", "dimension"}; builtAt: unix seconds. Returns the shard's two files,
// {lexical: Uint8Array, vectors: Uint8Array}.
val shard_write(const val& vectors, const std::string& catalog_jsonl, const std::string& model_json, double built_at) {
  return js_errors("shardWrite", [&] {
    const auto model = json::parse(model_json);
    ws::ShardInput in;
    in.model_name = model.at("name").get<std::string>();
    in.model_sha256 = ws::sha256_from_hex(model.at("sha256").get<std::string>());
    in.dim = model.at("dimension").get<std::uint32_t>();
    in.built_at = static_cast<std::int64_t>(built_at);
    std::size_t pos = 0, line = 0;
    while (pos < catalog_jsonl.size()) {
      auto end = catalog_jsonl.find('\n', pos);
      if (end == std::string::npos) end = catalog_jsonl.size();
      ++line;
      const auto text = catalog_jsonl.substr(pos, end - pos);
      pos = end + 1;
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        in.projects.push_back(json::parse(text).get<wayfinder::ProjectMeta>());
      } catch (const std::exception& e) {
        throw std::invalid_argument("catalog line " + std::to_string(line) + ": " + e.what());
      }
    }
    in.vectors = copy_in<float>(vectors);
    const auto files = ws::write_shard(in);
    val out = val::object();
    out.set("lexical", bytes_out(files.lexical));
    out.set("vectors", bytes_out(files.vectors));
    return out;
  });
}

// A shard's two files from JS (Uint8Arrays: the lexical part, the vectors part).
ws::ShardFiles files_in(const val& lexical, const val& vectors) { return {bytes_in(lexical), bytes_in(vectors)}; }

// Opens (fully validates) both files of the shard; expectation JSON {"name","sha256","dimension"} (any subset, or "").
// → the lexical part's header JSON with the vectors part's header as "vectorsPart".
std::string shard_inspect(const val& lexical, const val& vectors, const std::string& expectation_json) {
  return js_errors("shardInspect", [&] {
    const auto shard = ws::Shard::open(files_in(lexical, vectors), parse_expectation(expectation_json));
    auto j = json::parse(ws::header_json(shard.header()));
    j["vectorsPart"] = json::parse(ws::header_json(*shard.vectors_header()));
    return j.dump();
  });
}

std::string shard_meta(const val& lexical, int index) {
  return js_errors("shardMeta", [&] {
    const auto shard = ws::Shard::open_lexical(bytes_in(lexical));
    return json(shard.meta(static_cast<std::size_t>(index))).dump();
  });
}

// Exact int8 top-k: JSON [{"index","id","score"}].
std::string shard_search(const val& lexical, const val& vectors, const val& query, int k) {
  return js_errors("shardSearch", [&] {
    const auto shard = ws::Shard::open(files_in(lexical, vectors));
    const auto q = copy_in<float>(query);
    json out = json::array();
    for (const auto& s : wayfinder::search::search_top_k(shard, q, static_cast<std::size_t>(k))) {
      out.push_back({{"index", s.index}, {"id", shard.id(s.index)}, {"score", s.score}});
    }
    return out.dump();
  });
}

// The manifest entry of a shard's two files (named lexical_file and vectors_file), as JSON.
std::string manifest_entry(const std::string& lexical_file, const std::string& vectors_file, const val& lexical,
                           const val& vectors) {
  return js_errors("shardManifestEntry", [&] {
    ws::Manifest m;
    m.shards.push_back(ws::manifest_entry(lexical_file, vectors_file, files_in(lexical, vectors)));
    return json(m)["shards"][0].dump();
  });
}

// Validates a manifest and returns it normalised (stable key order, pretty-printed).
std::string manifest_validate(const std::string& text) {
  return js_errors("manifest", [&] { return ws::manifest_json(ws::parse_manifest(text)); });
}

// Both files of the shard whose lexical part is `file`: sizes and sha256s against the manifest, then opened.
void manifest_verify_shard(const std::string& manifest_text, const std::string& file, const val& lexical,
                           const val& vectors) {
  js_errors("manifestVerifyShard", [&] {
    const auto m = ws::parse_manifest(manifest_text);
    for (const auto& e : m.shards) {
      if (e.file != file) continue;
      auto files = files_in(lexical, vectors);
      ws::verify_against_manifest(ws::lexical_file(e), files.lexical);
      ws::verify_against_manifest(e.vectors, files.vectors);
      auto shard = ws::Shard::open_lexical(std::move(files.lexical), ws::expectation_of(m), e.file);
      shard.attach_vectors(std::move(files.vectors), e.vectors.file);
      return;
    }
    throw std::invalid_argument("manifest has no shard named '" + file + "'");
  });
}

std::string sha256_hex(const val& bytes) {
  const auto b = bytes_in(bytes);
  return ws::to_hex(ws::sha256(b));
}

// ContentWeights <-> JSON {"cosine","bm25","structured","popularity","skill","kind","topic","size"}; the same object may carry
// the ranking options {"diversity": MMR λ in [0, 1], "ownerCap": n, "diversityDepth": n, "kinds": [names],
// "topicSeeds": n, "topicSupport": n, "queryFeedback": β in [0, 10], "queryFeedbackSeeds": n}. A missing field keeps its default; an unknown, non-finite or out-of-range one
// is an error naming it.
struct RankSettings {
  wayfinder::search::ContentWeights weights;
  wayfinder::search::RankOptions options;
};

std::size_t parse_count(const json& v, const std::string& key) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0 || v.get<std::int64_t>() > 100000) {
    throw std::invalid_argument("weights." + key + ": must be an integer in 0..100000");
  }
  return static_cast<std::size_t>(v.get<std::int64_t>());
}

bool parse_option(RankSettings& r, const std::string& key, const json& v) {
  if (key == "kinds") {
    if (!v.is_array()) throw std::invalid_argument("weights.kinds: must be a list of kind names");
    std::vector<std::string> names;
    for (const auto& k : v) {
      if (!k.is_string()) throw std::invalid_argument("weights.kinds: must be a list of kind names");
      names.push_back(k.get<std::string>());
    }
    r.options.kinds = wayfinder::parse_kind_filter(names);
  } else if (key == "ownerCap") {
    r.options.diversity.max_per_owner = parse_count(v, key);
  } else if (key == "topicSeeds") {
    r.options.topics.seeds = parse_count(v, key);
  } else if (key == "topicSupport") {
    r.options.topics.min_support = parse_count(v, key);
  } else if (key == "queryFeedbackSeeds") {
    r.options.query_feedback.seeds = parse_count(v, key);
  } else if (key == "queryFeedback") {
    if (!v.is_number() || !(v.get<double>() >= 0.0 && v.get<double>() <= 10.0)) {
      throw std::invalid_argument("weights.queryFeedback: must be a number in [0, 10]");
    }
    r.options.query_feedback.beta = v.get<float>();
  } else if (key == "diversityDepth") {
    r.options.diversity.depth = parse_count(v, key);
  } else if (key == "diversity") {
    if (!v.is_number() || !(v.get<double>() >= 0.0 && v.get<double>() <= 1.0)) {
      throw std::invalid_argument("weights.diversity: must be a number in [0, 1]");
    }
    r.options.diversity.lambda = v.get<float>();
  } else {
    return false;
  }
  return true;
}

RankSettings parse_settings(const std::string& text) {
  RankSettings r;
  if (text.empty()) return r;
  const auto j = json::parse(text);
  if (!j.is_object()) throw std::invalid_argument("weights must be a JSON object");
  auto& w = r.weights;
  for (const auto& [key, v] : j.items()) {
    if (parse_option(r, key, v)) continue;
    float* field = key == "cosine"       ? &w.cosine
                   : key == "bm25"       ? &w.bm25
                   : key == "structured" ? &w.structured
                   : key == "popularity" ? &w.popularity
                   : key == "skill"      ? &w.skill
                   : key == "kind"       ? &w.kind
                   : key == "topic"      ? &w.topic
                   : key == "size"       ? &w.size
                                         : nullptr;
    if (!field) throw std::invalid_argument("weights." + key + ": unknown weight");
    if (!v.is_number() || !std::isfinite(v.get<double>())) throw std::invalid_argument("weights." + key + ": not a finite number");
    *field = v.get<float>();
  }
  return r;
}

std::string weights_json(const wayfinder::search::ContentWeights& w) {
  return json{{"cosine", w.cosine}, {"bm25", w.bm25}, {"structured", w.structured}, {"popularity", w.popularity},
              {"skill", w.skill}, {"kind", w.kind}, {"topic", w.topic}, {"size", w.size}}
      .dump();
}

// One opened shard (both files) for repeated content rankings (tools and evaluation): opened and verified once.
class ShardSearcher {
 public:
  ShardSearcher(const val& lexical, const val& vectors, const std::string& expectation_json)
      : shard_(js_errors("ShardSearcher", [&] { return ws::Shard::open(files_in(lexical, vectors), parse_expectation(expectation_json)); })) {}

  int size() const { return static_cast<int>(shard_.size()); }
  std::string id(int i) const {
    return js_errors("ShardSearcher.id", [&] { return shard_.id(static_cast<std::size_t>(i)); });
  }
  std::string meta_json(int i) const {
    return js_errors("ShardSearcher.metaJson", [&] { return json(shard_.meta(static_cast<std::size_t>(i))).dump(); });
  }
  // Row i's vector dequantised (int8 × the row's scale) as a Float32Array: for tools and tests that look at
  // distances between projects (e.g. the contextual arm's "close in vector space").
  val vector(int i) const {
    return js_errors("ShardSearcher.vector", [&] {
      if (i < 0 || static_cast<std::size_t>(i) >= shard_.size()) throw std::invalid_argument("row out of range");
      const auto row = shard_.row(static_cast<std::size_t>(i));
      const float s = shard_.scale(static_cast<std::size_t>(i));
      val out = val::global("Float32Array").new_(row.size());
      for (std::size_t c = 0; c < row.size(); ++c) out.set(c, static_cast<float>(row[c]) * s);
      return out;
    });
  }

  // query: Float32Array [dim]; profile: Profile JSON; weights: ContentWeights JSON with optional ranking options
  // ("" = defaults). Returns {"top": [{"index","id","relevance","cosine","bm25","structured","reasons","kind"}],
  // "eligible": n}.
  std::string rank(const val& query, const std::string& profile_json, int m, const std::string& weights) const {
    return js_errors("ShardSearcher.rank", [&] {
      if (m < 0) throw std::invalid_argument("m must be >= 0");
      wayfinder::Profile p;
      from_json(json::parse(profile_json), p);
      const auto q = copy_in<float>(query);
      const auto settings = parse_settings(weights);
      const auto r = wayfinder::search::rank_content(shard_, q, p, static_cast<std::size_t>(m), settings.weights, settings.options);
      json top = json::array();
      for (const auto& c : r.top) {
        top.push_back({{"index", c.index}, {"id", shard_.id(c.index)}, {"relevance", c.relevance}, {"cosine", c.cosine},
                       {"bm25", c.bm25}, {"structured", c.structured}, {"reasons", c.reasons},
                       {"kind", std::string(wayfinder::to_string(shard_.facets().kind[c.index]))}});
      }
      return json{{"top", std::move(top)}, {"eligible", r.eligible.size()}}.dump();
    });
  }

 private:
  ws::Shard shard_;
};

std::string default_weights() { return weights_json({}); }
std::string learning_kinds() {
  json out = json::array();
  for (std::size_t k = 0; k < wayfinder::kLearningKindCount; ++k) {
    out.push_back(std::string(wayfinder::to_string(static_cast<wayfinder::LearningKind>(k))));
  }
  return out.dump();
}
std::uint32_t shard_format_version() { return ws::kShardFormatVersion; }

std::string kernel_name() { return std::string(wayfinder::search::kernel_name()); }

}  // namespace

EMSCRIPTEN_BINDINGS(wayfinder_search) {
  emscripten::function("shardWrite", &shard_write);
  emscripten::function("shardInspect", &shard_inspect);
  emscripten::function("shardMeta", &shard_meta);
  emscripten::function("shardSearch", &shard_search);
  emscripten::function("shardManifestEntry", &manifest_entry);
  emscripten::function("manifestValidate", &manifest_validate);
  emscripten::function("manifestVerifyShard", &manifest_verify_shard);
  emscripten::function("sha256Hex", &sha256_hex);
  emscripten::function("searchKernelName", &kernel_name);
  emscripten::function("contentWeightsDefault", &default_weights);
  emscripten::function("learningKinds", &learning_kinds);
  emscripten::function("shardFormatVersion", &shard_format_version);
  emscripten::class_<ShardSearcher>("ShardSearcher")
      .constructor<const val&, const val&, const std::string&>()
      .function("size", &ShardSearcher::size)
      .function("id", &ShardSearcher::id)
      .function("metaJson", &ShardSearcher::meta_json)
      .function("vector", &ShardSearcher::vector)
      .function("rank", &ShardSearcher::rank);
}
