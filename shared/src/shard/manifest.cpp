#include "wayfinder/shard/manifest.h"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace wayfinder::shard {
namespace {

const nlohmann::json& field(const nlohmann::json& j, const char* name, const std::string& where) {
  const auto it = j.find(name);
  if (it == j.end()) throw std::invalid_argument("manifest: missing field '" + where + name + "'");
  return *it;
}

std::string hex_field(const nlohmann::json& j, const char* name, const std::string& where) {
  const auto& v = field(j, name, where);
  if (!v.is_string()) throw std::invalid_argument("manifest: field '" + where + name + "' must be a string");
  const auto s = v.get<std::string>();
  try {
    return to_hex(sha256_from_hex(s));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("manifest: field '" + where + name + "': " + e.what());
  }
}

std::uint64_t uint_field(const nlohmann::json& j, const char* name, const std::string& where, std::uint64_t max) {
  const auto& v = field(j, name, where);
  if (!v.is_number_integer() || (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() < 0) ||
      v.get<std::uint64_t>() > max) {
    throw std::invalid_argument("manifest: field '" + where + name + "' must be an integer in 0.." + std::to_string(max));
  }
  return v.get<std::uint64_t>();
}

std::string string_field(const nlohmann::json& j, const char* name, const std::string& where) {
  const auto& v = field(j, name, where);
  if (!v.is_string() || v.get<std::string>().empty()) {
    throw std::invalid_argument("manifest: field '" + where + name + "' must be a non-empty string");
  }
  return v.get<std::string>();
}

// {file, sha256, bytes} of one file: a plain name, a 64-hex sha256 and a positive size.
ManifestFile file_fields(const nlohmann::json& s, const std::string& where) {
  ManifestFile f;
  f.file = string_field(s, "file", where);
  if (f.file.find('/') != std::string::npos || f.file.find('\\') != std::string::npos || f.file == "." ||
      f.file == ".." || f.file.find('\0') != std::string::npos) {
    throw std::invalid_argument("manifest: field '" + where + "file' must be a plain file name");
  }
  f.sha256 = hex_field(s, "sha256", where);
  f.bytes = uint_field(s, "bytes", where, UINT64_MAX);
  if (f.bytes == 0) throw std::invalid_argument("manifest: field '" + where + "bytes' must be positive");
  return f;
}

std::optional<ManifestFeatures> features_field(const nlohmann::json& j) {
  const auto it = j.find("features");
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) throw std::invalid_argument("manifest: field 'features' must be an object");
  return file_fields(*it, "features.");
}

}  // namespace

void from_json(const nlohmann::json& j, Manifest& m) {
  if (!j.is_object()) throw std::invalid_argument("manifest: must be a JSON object");
  const auto format = uint_field(j, "format", "", 1000);
  if (format != 1) throw std::invalid_argument("manifest: unsupported format " + std::to_string(format) + " (reads 1)");
  m.format = 1;
  const auto& model = field(j, "model", "");
  if (!model.is_object()) throw std::invalid_argument("manifest: field 'model' must be an object");
  m.model.name = string_field(model, "name", "model.");
  m.model.sha256 = hex_field(model, "sha256", "model.");
  m.model.dimension = static_cast<std::uint32_t>(uint_field(model, "dimension", "model.", kMaxDimension));
  if (m.model.dimension == 0) throw std::invalid_argument("manifest: field 'model.dimension' must be positive");
  const auto& shards = field(j, "shards", "");
  if (!shards.is_array()) throw std::invalid_argument("manifest: field 'shards' must be an array");
  m.shards.clear();
  for (std::size_t i = 0; i < shards.size(); ++i) {
    const std::string where = "shards[" + std::to_string(i) + "].";
    const auto& s = shards[i];
    if (!s.is_object()) throw std::invalid_argument("manifest: '" + where + "' must be an object");
    ManifestShard e;
    const auto lexical = file_fields(s, where);
    e.file = lexical.file;
    e.sha256 = lexical.sha256;
    e.bytes = lexical.bytes;
    const auto& vectors = field(s, "vectors", where);
    if (!vectors.is_object()) {
      throw std::invalid_argument("manifest: field '" + where + "vectors' must be an object {file, sha256, bytes} "
                                  "(a one-file shard of format 3 or older is not read any more: rebuild it)");
    }
    e.vectors = file_fields(vectors, where + "vectors.");
    if (e.vectors.file == e.file) throw std::invalid_argument("manifest: field '" + where + "vectors.file' names the lexical file");
    e.count = static_cast<std::uint32_t>(uint_field(s, "count", where, UINT32_MAX));
    e.built_at = string_field(s, "builtAt", where);
    m.shards.push_back(std::move(e));
  }
  m.features = features_field(j);
}

void to_json(nlohmann::json& j, const Manifest& m) {
  j = nlohmann::json::object();
  j["format"] = m.format;
  j["model"] = {{"name", m.model.name}, {"sha256", m.model.sha256}, {"dimension", m.model.dimension}};
  j["shards"] = nlohmann::json::array();
  for (const auto& s : m.shards) {
    j["shards"].push_back({{"file", s.file},
                           {"sha256", s.sha256},
                           {"bytes", s.bytes},
                           {"count", s.count},
                           {"builtAt", s.built_at},
                           {"vectors", {{"file", s.vectors.file}, {"sha256", s.vectors.sha256}, {"bytes", s.vectors.bytes}}}});
  }
  if (m.features) j["features"] = {{"file", m.features->file}, {"sha256", m.features->sha256}, {"bytes", m.features->bytes}};
}

Manifest parse_manifest(std::string_view text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(std::string("manifest: not valid JSON: ") + e.what());
  }
  return j.get<Manifest>();
}

std::string manifest_json(const Manifest& m) { return nlohmann::json(m).dump(2) + "\n"; }

ManifestShard manifest_entry(std::string lexical_file, std::string vectors_file, const ShardFiles& files) {
  const auto shard = Shard::open(files);
  ManifestShard e;
  e.file = std::move(lexical_file);
  e.sha256 = to_hex(sha256(files.lexical));
  e.bytes = files.lexical.size();
  e.count = shard.header().count;
  e.built_at = built_at_iso8601(shard.header());
  e.vectors = {std::move(vectors_file), to_hex(sha256(files.vectors)), files.vectors.size()};
  return e;
}

ManifestFile lexical_file(const ManifestShard& entry) { return {entry.file, entry.sha256, entry.bytes}; }

ShardExpectation expectation_of(const Manifest& m) {
  return ShardExpectation{m.model.name, sha256_from_hex(m.model.sha256), m.model.dimension};
}

void verify_against_manifest(const ManifestFile& entry, std::span<const std::byte> b) {
  if (b.size() != entry.bytes) {
    throw ShardError("shard: " + entry.file + " has " + std::to_string(b.size()) + " bytes, manifest says " +
                     std::to_string(entry.bytes) + (b.size() < entry.bytes ? " (truncated)" : ""));
  }
  if (to_hex(sha256(b)) != entry.sha256) throw ShardError("shard: " + entry.file + " sha256 differs from the manifest (corrupted)");
}

}  // namespace wayfinder::shard
