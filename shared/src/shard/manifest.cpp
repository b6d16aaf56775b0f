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

bool plain_file_name(const std::string& f) {
  return f.find('/') == std::string::npos && f.find('\\') == std::string::npos && f != "." && f != ".." &&
         f.find('\0') == std::string::npos;
}

std::optional<ManifestFeatures> features_field(const nlohmann::json& j) {
  const auto it = j.find("features");
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) throw std::invalid_argument("manifest: field 'features' must be an object");
  ManifestFeatures f;
  f.file = string_field(*it, "file", "features.");
  if (!plain_file_name(f.file)) throw std::invalid_argument("manifest: field 'features.file' must be a plain file name");
  f.sha256 = hex_field(*it, "sha256", "features.");
  f.bytes = uint_field(*it, "bytes", "features.", UINT64_MAX);
  if (f.bytes == 0) throw std::invalid_argument("manifest: field 'features.bytes' must be positive");
  return f;
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
    e.file = string_field(s, "file", where);
    if (e.file.find('/') != std::string::npos || e.file.find('\\') != std::string::npos || e.file == "." ||
        e.file == ".." || e.file.find('\0') != std::string::npos) {
      throw std::invalid_argument("manifest: field '" + where + "file' must be a plain file name");
    }
    e.sha256 = hex_field(s, "sha256", where);
    e.bytes = uint_field(s, "bytes", where, UINT64_MAX);
    if (e.bytes == 0) throw std::invalid_argument("manifest: field '" + where + "bytes' must be positive");
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
    j["shards"].push_back(
        {{"file", s.file}, {"sha256", s.sha256}, {"bytes", s.bytes}, {"count", s.count}, {"builtAt", s.built_at}});
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

ManifestShard manifest_entry(std::string file, std::span<const std::byte> shard_bytes) {
  const auto shard = Shard::open(std::vector<std::byte>(shard_bytes.begin(), shard_bytes.end()));
  return ManifestShard{std::move(file), to_hex(sha256(shard_bytes)), shard_bytes.size(), shard.header().count,
                       built_at_iso8601(shard.header())};
}

ShardExpectation expectation_of(const Manifest& m) {
  return ShardExpectation{m.model.name, sha256_from_hex(m.model.sha256), m.model.dimension};
}

void verify_against_manifest(const ManifestShard& entry, std::span<const std::byte> b) {
  if (b.size() != entry.bytes) {
    throw ShardError("shard: " + entry.file + " has " + std::to_string(b.size()) + " bytes, manifest says " +
                     std::to_string(entry.bytes) + (b.size() < entry.bytes ? " (truncated)" : ""));
  }
  if (to_hex(sha256(b)) != entry.sha256) throw ShardError("shard: " + entry.file + " sha256 differs from the manifest (corrupted)");
}

void verify_against_manifest(const ManifestFeatures& entry, std::span<const std::byte> b) {
  if (b.size() != entry.bytes) {
    throw ShardError(entry.file + ": " + std::to_string(b.size()) + " bytes, manifest field 'features.bytes' says " +
                     std::to_string(entry.bytes));
  }
  if (to_hex(sha256(b)) != entry.sha256)
    throw ShardError(entry.file + ": sha256 differs from manifest field 'features.sha256' (corrupted)");
}

}  // namespace wayfinder::shard
