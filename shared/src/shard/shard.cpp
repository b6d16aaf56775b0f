#include "wayfinder/time_utc.h"
#include "wayfinder/shard/shard.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>

#include "wayfinder/shard/quantize.h"
#include "wayfinder/float_bits.h"
#include "wayfinder/varint.h"
#include "wayfinder/events/event.h"

namespace wayfinder::shard {
namespace {

constexpr char kMagic[8] = {'W', 'F', 'S', 'H', 'A', 'R', 'D', '\0'};
constexpr char kTrailerMagic[4] = {'W', 'F', 'E', 'N'};
constexpr std::size_t kFixedHeader = 160;
constexpr std::size_t kSectionEntry = 32;
constexpr std::size_t kTrailer = 8;  // u32 crc32 of everything before it + "WFEN"
constexpr std::size_t kAlign = 64;
constexpr std::size_t kModelNameField = 64;
constexpr std::size_t kPartField = 144;  // u32 part, u32 levels, u64 pair key

// The sections of each part, in file order.
constexpr SectionKind kLexicalSections[] = {SectionKind::kIds, SectionKind::kMeta, SectionKind::kBm25, SectionKind::kFacets};
constexpr SectionKind kVectorSections[] = {SectionKind::kVectors, SectionKind::kScales};
std::span<const SectionKind> sections_of(ShardPart part) {
  if (part == ShardPart::kVectors) return kVectorSections;
  return kLexicalSections;
}
const char* part_name(ShardPart p) { return p == ShardPart::kVectors ? "vectors" : "lexical"; }

void put_u32(std::vector<std::byte>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>(v >> (8 * i));
}
void put_u64(std::vector<std::byte>& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<std::byte>(v >> (8 * i));
}
std::uint32_t get_u32(std::span<const std::byte> b, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= std::uint32_t(std::to_integer<std::uint8_t>(b[at + i])) << (8 * i);
  return v;
}
std::uint64_t get_u64(std::span<const std::byte> b, std::size_t at) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= std::uint64_t(std::to_integer<std::uint8_t>(b[at + i])) << (8 * i);
  return v;
}
std::size_t align_up(std::size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

const char* section_name(SectionKind k) {
  switch (k) {
    case SectionKind::kVectors: return "vectors";
    case SectionKind::kScales: return "scales";
    case SectionKind::kIds: return "ids";
    case SectionKind::kMeta: return "meta";
    case SectionKind::kBm25: return "bm25";
    case SectionKind::kFacets: return "facets";
  }
  return "unknown";
}

// A project's page, which the meta line leaves out when the row's url is exactly this (every catalog row's is).
std::string canonical_url(const ProjectMeta& p) {
  return "https://github.com/" + (p.full_name.empty() ? p.id : p.full_name);
}

// A full name that is its id with some letters capitalised ("OpenAI/openai-python" for "openai/openai-python", as
// for every catalog row whose full name differs from its id) is stored as those letters' positions, each as the gap
// after the previous one ([0, 3]); nullopt when the two differ otherwise.
std::optional<std::vector<std::size_t>> capitals_of(std::string_view full_name, std::string_view id) {
  if (full_name.size() != id.size()) return std::nullopt;
  std::vector<std::size_t> gaps;
  std::size_t next = 0;
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (full_name[i] == id[i]) continue;
    if (!(full_name[i] >= 'A' && full_name[i] <= 'Z' && id[i] == full_name[i] - 'A' + 'a')) return std::nullopt;
    gaps.push_back(i - next);
    next = i + 1;
  }
  return gaps;
}

// The inverse of capitals_of: the id with the letters at those gaps capitalised; throws naming what is wrong.
std::string capitalised(const std::string& id, const nlohmann::json& gaps) {
  if (!gaps.is_array()) throw std::invalid_argument("field 'caps' must be an array of letter positions");
  std::string out = id;
  std::size_t next = 0;
  for (const auto& g : gaps) {
    if (!g.is_number_unsigned() || g.get<std::uint64_t>() >= out.size() - std::min(next, out.size())) {
      throw std::invalid_argument("field 'caps' has a position outside the id");
    }
    const std::size_t at = next + g.get<std::size_t>();
    if (!(out[at] >= 'a' && out[at] <= 'z')) throw std::invalid_argument("field 'caps' points at a character that is not a letter");
    out[at] = static_cast<char>(out[at] - 'a' + 'A');
    next = at + 1;
  }
  return out;
}

// Compact catalog row: empty strings, empty lists and zero counts are left out (from_json defaults them). What no
// client reads from a shard (forks, last activity, license, collections) is not stored, nor the url when it is
// canonical_url (format 5), nor what the ids and facets sections already hold — the id, language, stars, complexity
// and learning kind (format 6): Shard::meta takes those from there — and a full name that only capitalises the id
// is stored as "caps" (format 6, docs/SHARD-FORMAT.md "Meta section").
std::string compact_meta_line(const ProjectMeta& p) {
  nlohmann::json j = nlohmann::json::object();
  if (!p.full_name.empty() && p.full_name != p.id) {
    if (auto caps = capitals_of(p.full_name, p.id)) j["caps"] = *caps;
    else j["full_name"] = p.full_name;
  }
  auto str = [&](const char* k, const std::string& v) {
    if (!v.empty()) j[k] = v;
  };
  auto list = [&](const char* k, const std::vector<std::string>& v) {
    if (!v.empty()) j[k] = v;
  };
  if (p.url != canonical_url(p)) j["url"] = p.url;  // also an empty one: absent means canonical
  str("description", p.description);
  list("topics", p.topics);
  list("categories", p.categories);
  list("labels", p.labels);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

[[noreturn]] void fail(const std::string& what) { throw ShardError("shard: " + what); }

// Strict UTF-8 (no overlongs, surrogates or code points above U+10FFFF), with an ASCII fast path.
bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (n - i < len) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace


// The per-row facets of `n` rows, from each row's metadata (the writer's projects). One implementation: what
// the facets section stores is exactly what this computes.
template <typename RowAt>
RowFacets facets_of(std::size_t n, RowAt&& row_at) {
  RowFacets f;
  f.complexity.resize(n);
  f.kind.resize(n);
  f.stars.resize(n);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) {
    const ProjectMeta& m = row_at(i);
    f.complexity[i] = m.complexity;
    f.kind[i] = m.kind;
    f.stars[i] = m.stars;
    if (!m.language.empty()) names.push_back(m.language);
    for (const auto* list : {&m.topics, &m.categories, &m.labels}) names.insert(names.end(), list->begin(), list->end());
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  auto index = [&](const std::string& name) {
    return static_cast<std::uint32_t>(std::lower_bound(names.begin(), names.end(), name) - names.begin());
  };
  f.language.resize(n);
  f.tag_begin.reserve(n + 1);
  f.tag_begin.push_back(0);
  std::vector<std::uint32_t> row;
  for (std::size_t i = 0; i < n; ++i) {
    const ProjectMeta& m = row_at(i);
    f.language[i] = m.language.empty() ? RowFacets::kNoTag : index(m.language);
    row.clear();
    for (const auto* list : {&m.topics, &m.categories, &m.labels}) {
      for (const auto& t : *list) row.push_back(index(t));
    }
    std::sort(row.begin(), row.end());
    row.erase(std::unique(row.begin(), row.end()), row.end());
    f.tags.insert(f.tags.end(), row.begin(), row.end());
    f.tag_begin.push_back(static_cast<std::uint32_t>(f.tags.size()));
  }
  f.tag_names = std::move(names);
  return f;
}

// Facets section (format 6, docs/SHARD-FORMAT.md): varints count, names, tags; each name as length + UTF-8 bytes;
// per row language + 1 (0 = none); per row its tag count; per row its tags' gaps (first index, then index − previous
// − 1); per row zigzag stars; u8 complexity[count]; u8 kind[count].
std::vector<std::byte> serialize_facets(const RowFacets& f) {
  const std::size_t n = f.complexity.size();
  std::vector<std::byte> out;
  put_varint(out, n);
  put_varint(out, f.tag_names.size());
  put_varint(out, f.tags.size());
  for (const auto& t : f.tag_names) {
    put_varint(out, t.size());
    for (char c : t) out.push_back(static_cast<std::byte>(c));
  }
  for (const auto v : f.language) put_varint(out, v == RowFacets::kNoTag ? 0 : std::uint64_t{v} + 1);
  for (std::size_t i = 0; i < n; ++i) put_varint(out, f.tag_begin[i + 1] - f.tag_begin[i]);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t next = 0;
    for (auto k = f.tag_begin[i]; k < f.tag_begin[i + 1]; ++k) {
      put_varint(out, f.tags[k] - next);
      next = std::uint64_t{f.tags[k]} + 1;
    }
  }
  for (const auto v : f.stars) put_varint(out, zigzag(v));
  for (const auto c : f.complexity) out.push_back(static_cast<std::byte>(c));
  for (const auto k : f.kind) out.push_back(static_cast<std::byte>(k));
  return out;
}

// The sorted, unique name table the language and tag indices point into.
std::vector<std::string> read_tag_names(VarintReader& r, std::uint64_t names) {
  std::vector<std::string> out;
  out.reserve(names);
  for (std::uint64_t i = 0; i < names; ++i) {
    const auto text = r.text(r.u64("name length"), "names");
    if (!valid_utf8(text)) r.bad("names are not valid UTF-8");
    out.emplace_back(text);
    if (out.size() > 1 && !(out[out.size() - 2] < out.back())) r.bad("names are not sorted and unique");
  }
  return out;
}

// Per row: its language, then its tags as ascending indices (one sorted, unique list per row).
void read_row_tags(VarintReader& r, RowFacets& f, std::uint64_t n, std::uint64_t tags, std::uint64_t names) {
  f.language.resize(n);
  for (auto& v : f.language) {
    const auto x = r.u64("languages");
    if (x > names) r.bad("has a language index out of range");
    v = x == 0 ? RowFacets::kNoTag : static_cast<std::uint32_t>(x - 1);
  }
  f.tag_begin.assign(1, 0);
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto k = r.u64("tag counts");
    if (k > tags - f.tag_begin.back()) r.bad("row offsets do not span the tags");
    f.tag_begin.push_back(f.tag_begin.back() + static_cast<std::uint32_t>(k));
  }
  if (f.tag_begin.back() != tags) r.bad("row offsets do not span the tags");
  f.tags.resize(tags);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t next = 0;
    for (auto k = f.tag_begin[i]; k < f.tag_begin[i + 1]; ++k) {
      const auto v = next + r.u64("tags");
      if (v >= names) r.bad("has a tag index out of range");
      f.tags[k] = static_cast<std::uint32_t>(v);
      next = v + 1;
    }
  }
}

// Per row: stars, complexity level and learning kind.
void read_row_levels(VarintReader& r, RowFacets& f, std::uint64_t n) {
  f.stars.resize(n);
  for (auto& v : f.stars) v = unzigzag(r.u64("stars"));
  const auto levels = r.text(n, "complexity levels");
  const auto kinds = r.text(n, "learning kinds");
  f.complexity.resize(n);
  f.kind.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<std::uint8_t>(levels[i]), k = static_cast<std::uint8_t>(kinds[i]);
    if (c > static_cast<std::uint8_t>(Complexity::kAdvanced)) r.bad("has an unknown complexity level " + std::to_string(c));
    if (k >= kLearningKindCount) r.bad("row " + std::to_string(i) + " has an unknown learning kind " + std::to_string(k));
    f.complexity[i] = static_cast<Complexity>(c);
    f.kind[i] = static_cast<LearningKind>(k);
  }
}

RowFacets read_facets(std::span<const std::byte> b, std::size_t count) {
  VarintReader r{b, "facets section"};
  const std::uint64_t n = r.u64("row count");
  if (n != count) r.bad("covers " + std::to_string(n) + " rows, the shard has " + std::to_string(count));
  const std::uint64_t names = r.count("name count"), tags = r.count("tag count");
  RowFacets f;
  f.tag_names = read_tag_names(r, names);
  read_row_tags(r, f, n, tags, names);
  read_row_levels(r, f, n);
  if (!r.done()) r.bad("has " + std::to_string(b.size() - r.pos) + " bytes after its last field");
  return f;
}

// Every structural rule is checked; a broken section is a ShardError naming what is wrong, never a bad index later.
RowFacets parse_facets(std::span<const std::byte> b, std::size_t count) {
  try {
    return read_facets(b, count);
  } catch (const std::invalid_argument& e) {
    fail(std::string("corrupted: ") + e.what());
  }
}

namespace {

// The writer's preconditions: the reader relies on every one of them.
void check_input(const ShardInput& in) {
  const std::size_t n = in.projects.size();
  if (in.dim == 0 || in.dim > kMaxDimension) {
    throw std::invalid_argument("shard input: dim must be in 1.." + std::to_string(kMaxDimension));
  }
  if (in.model_name.empty() || in.model_name.size() >= kModelNameField) {
    throw std::invalid_argument("shard input: model_name must be 1..63 bytes");
  }
  if (in.built_at < 0 || in.built_at > kMaxBuiltAt) {
    throw std::invalid_argument("shard input: built_at must be unix seconds in 1970..9999");
  }
  if (in.levels < 1 || in.levels > 127) throw std::invalid_argument("shard input: levels must be in 1..127");
  if (n > 0xFFFFFFFFu) throw std::invalid_argument("shard input: too many projects");
  if (in.vectors.size() != n * in.dim) {
    throw std::invalid_argument("shard input: vectors has " + std::to_string(in.vectors.size()) +
                                " floats, expected projects × dim = " + std::to_string(n * in.dim));
  }
  // Ids must be canonical and unique.
  std::vector<std::string> ids;
  ids.reserve(n);
  for (const auto& p : in.projects) {
    if (normalize_project_id(p.id) != p.id) throw std::invalid_argument("shard input: project id '" + p.id + "' is not lowercase");
    ids.push_back(p.id);
  }
  std::sort(ids.begin(), ids.end());
  if (auto d = std::adjacent_find(ids.begin(), ids.end()); d != ids.end()) {
    throw std::invalid_argument("shard input: duplicate project id '" + *d + "'");
  }
}

// The vectors and scales sections: every row quantised to ±levels with its own scale. The vectors section is
// dimension-major (all rows' value of dimension 0, then of dimension 1, …): brotli models each dimension's values
// better that way (5.17 vs 5.65 MB at ±47); the reader transposes it back to rows.
void write_vectors(const ShardInput& in, std::vector<std::byte>& vec, std::vector<std::byte>& sc) {
  const std::size_t n = in.projects.size();
  vec.resize(n * in.dim);
  sc.resize(4 * n);
  std::vector<std::int8_t> q(in.dim);
  for (std::size_t i = 0; i < n; ++i) {
    float s;
    try {
      s = quantize_row(std::span(in.vectors).subspan(i * in.dim, in.dim), q, static_cast<int>(in.levels));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("shard input: row " + std::to_string(i) + " (" + in.projects[i].id + "): " + e.what());
    }
    for (std::size_t d = 0; d < in.dim; ++d) vec[d * n + i] = static_cast<std::byte>(q[d]);
    put_u32(sc, 4 * i, float_bits(s));
  }
}

std::vector<std::byte> bytes_of(const std::string& s) {
  std::vector<std::byte> b(s.size());
  if (!s.empty()) std::memcpy(b.data(), s.data(), s.size());  // an empty shard has empty sections
  return b;
}

// The six sections' payloads, indexed by SectionKind - 1.
std::vector<std::vector<std::byte>> section_payloads(const ShardInput& in) {
  std::vector<std::vector<std::byte>> payload(6);
  write_vectors(in, payload[0], payload[1]);
  std::string ids_text, meta_text;
  for (const auto& p : in.projects) {
    (ids_text += p.id) += '\n';
    (meta_text += compact_meta_line(p)) += '\n';
  }
  payload[2] = bytes_of(ids_text);
  payload[3] = bytes_of(meta_text);
  payload[4] = index::Bm25Index::build(in.projects).serialize();
  payload[5] = serialize_facets(facets_of(in.projects.size(), [&](std::size_t i) -> const ProjectMeta& { return in.projects[i]; }));
  return payload;
}

// The key both files of a shard carry: the first 8 bytes (little-endian) of SHA-256 over every payload in kind order.
std::uint64_t pair_key_of(const std::vector<std::vector<std::byte>>& payload) {
  Sha256 h;
  for (const auto& p : payload) h.update(p);
  const auto d = h.finish();
  std::uint64_t key = 0;
  for (int i = 0; i < 8; ++i) key |= std::uint64_t(d[i]) << (8 * i);
  return key;
}

// The fixed header (magic, version, sizes, dimension, count, quantisation, build time, model, part, pair key).
void write_fixed_header(std::vector<std::byte>& out, const ShardInput& in, std::size_t header_bytes, ShardPart part,
                        std::uint64_t pair_key) {
  std::memcpy(out.data(), kMagic, 8);
  put_u32(out, 8, kShardFormatVersion);
  put_u32(out, 12, static_cast<std::uint32_t>(header_bytes));
  put_u64(out, 16, out.size());
  put_u32(out, 24, in.dim);
  put_u32(out, 28, static_cast<std::uint32_t>(in.projects.size()));
  put_u32(out, 32, static_cast<std::uint32_t>(Quantisation::kInt8SymmetricPerRow));
  put_u32(out, 36, static_cast<std::uint32_t>(sections_of(part).size()));
  put_u64(out, 40, static_cast<std::uint64_t>(in.built_at));
  std::memcpy(out.data() + 48, in.model_sha256.data(), 32);
  std::memcpy(out.data() + 80, in.model_name.data(), in.model_name.size());
  put_u32(out, kPartField, static_cast<std::uint32_t>(part));
  put_u32(out, kPartField + 4, in.levels);
  put_u64(out, kPartField + 8, pair_key);
}

// One file: header, section table, the part's sections (64-byte aligned), trailer.
std::vector<std::byte> write_part(const ShardInput& in, ShardPart part, const std::vector<std::vector<std::byte>>& payload,
                                  std::uint64_t pair_key) {
  const auto kinds = sections_of(part);
  const std::size_t header_bytes = kFixedHeader + kSectionEntry * kinds.size();
  std::size_t offset = align_up(header_bytes);
  std::vector<std::size_t> offsets;
  for (const auto k : kinds) {
    offsets.push_back(offset);
    offset = align_up(offset + payload[static_cast<std::size_t>(k) - 1].size());
  }
  const std::size_t file_bytes = offset + kTrailer;
  std::vector<std::byte> out(file_bytes, std::byte{0});
  write_fixed_header(out, in, header_bytes, part, pair_key);
  for (std::size_t s = 0; s < kinds.size(); ++s) {
    const auto& p = payload[static_cast<std::size_t>(kinds[s]) - 1];
    const std::size_t e = kFixedHeader + kSectionEntry * s;
    put_u32(out, e, static_cast<std::uint32_t>(kinds[s]));
    put_u64(out, e + 8, offsets[s]);
    put_u64(out, e + 16, p.size());
    put_u32(out, e + 24, crc32(p));
    if (!p.empty()) std::memcpy(out.data() + offsets[s], p.data(), p.size());
  }
  put_u32(out, file_bytes - kTrailer, crc32(std::span(out).first(file_bytes - kTrailer)));
  std::memcpy(out.data() + file_bytes - 4, kTrailerMagic, 4);
  return out;
}

}  // namespace

ShardFiles write_shard(const ShardInput& in) {
  check_input(in);
  const auto payload = section_payloads(in);
  const std::uint64_t key = pair_key_of(payload);
  return {write_part(in, ShardPart::kLexical, payload, key), write_part(in, ShardPart::kVectors, payload, key)};
}

struct Shard::LazyRows {
  explicit LazyRows(std::size_t n) : rows(n) {}
  std::mutex mu;
  std::vector<std::unique_ptr<ProjectMeta>> rows;
};

namespace {

// Magic, size, format version, trailer and whole-file checksum; returns the header's byte count.
std::uint32_t check_envelope(std::span<const std::byte> b, ShardHeader& h) {
  if (b.size() >= 8 && std::memcmp(b.data(), kMagic, 8) != 0) fail("wrong magic: not a Wayfinder shard file");
  if (b.size() < kFixedHeader + kTrailer) {
    fail("truncated: " + std::to_string(b.size()) + " bytes is shorter than the " +
         std::to_string(kFixedHeader + kTrailer) + "-byte minimum");
  }
  h.format_version = get_u32(b, 8);
  if (h.format_version != kShardFormatVersion) {
    fail("unsupported format version " + std::to_string(h.format_version) + " (this core reads version " +
         std::to_string(kShardFormatVersion) + ")");
  }
  const std::uint32_t header_bytes = get_u32(b, 12);
  h.file_bytes = get_u64(b, 16);
  if (b.size() < h.file_bytes) {
    fail("truncated: header declares " + std::to_string(h.file_bytes) + " bytes, got " + std::to_string(b.size()));
  }
  if (b.size() > h.file_bytes) {
    fail("corrupted: " + std::to_string(b.size() - h.file_bytes) + " bytes after the declared end of file");
  }
  if (std::memcmp(b.data() + b.size() - 4, kTrailerMagic, 4) != 0) fail("corrupted: missing end-of-file marker");
  h.file_crc32 = get_u32(b, b.size() - kTrailer);
  if (crc32(b.first(b.size() - kTrailer)) != h.file_crc32) fail("corrupted: whole-file checksum mismatch");
  return header_bytes;
}

// The fixed header's fields (dimension, count, build time, model); returns the quantisation kind and section count.
std::pair<std::uint32_t, std::uint32_t> read_fixed_header(std::span<const std::byte> b, ShardHeader& h) {
  h.dim = get_u32(b, 24);
  h.count = get_u32(b, 28);
  const std::uint32_t quant = get_u32(b, 32);
  const std::uint32_t nsec = get_u32(b, 36);
  h.built_at = static_cast<std::int64_t>(get_u64(b, 40));
  std::memcpy(h.model_sha256.data(), b.data() + 48, 32);
  const char* name = reinterpret_cast<const char*>(b.data() + 80);
  const std::size_t name_len = std::find(name, name + kModelNameField, '\0') - name;
  if (name_len == kModelNameField) fail("corrupted: model name is not terminated");
  h.model_name.assign(name, name_len);
  try {
    (void)nlohmann::json(h.model_name).dump();  // throws on invalid UTF-8
  } catch (const nlohmann::json::exception&) {
    fail("corrupted: model name is not valid UTF-8");
  }
  if (h.built_at < 0 || h.built_at > kMaxBuiltAt) {
    fail("corrupted: build time " + std::to_string(h.built_at) + " s is outside 1970..9999");
  }
  const std::uint32_t part = get_u32(b, kPartField);
  if (part != static_cast<std::uint32_t>(ShardPart::kLexical) && part != static_cast<std::uint32_t>(ShardPart::kVectors)) {
    fail("corrupted: unknown part " + std::to_string(part) + " (1 lexical, 2 vectors)");
  }
  h.part = static_cast<ShardPart>(part);
  h.levels = get_u32(b, kPartField + 4);
  if (h.levels < 1 || h.levels > 127) fail("corrupted: quantisation levels " + std::to_string(h.levels) + " outside 1..127");
  h.pair_key = get_u64(b, kPartField + 8);
  return {quant, nsec};
}

void check_expectation(const ShardHeader& h, const ShardExpectation& expect) {
  if (expect.model_name && *expect.model_name != h.model_name) {
    fail("wrong model: shard was built with '" + h.model_name + "', expected '" + *expect.model_name + "'");
  }
  if (expect.model_sha256 && *expect.model_sha256 != h.model_sha256) {
    fail("wrong model: shard model sha256 " + to_hex(h.model_sha256) + ", expected " + to_hex(*expect.model_sha256));
  }
  if (expect.dim && *expect.dim != h.dim) {
    fail("wrong dimension: shard has " + std::to_string(h.dim) + ", expected " + std::to_string(*expect.dim));
  }
  if (h.dim == 0 || h.dim > kMaxDimension) fail("corrupted: dimension " + std::to_string(h.dim) + " out of range");
}

// The section table: every section inside the file, aligned, in order, not overlapping, with its own checksum.
// Returns the part's sections in file order (sections_of(h.part)).
std::vector<std::span<const std::byte>> read_sections(std::span<const std::byte> b, std::uint32_t header_bytes,
                                                      std::uint32_t nsec, ShardHeader& h) {
  const auto kinds = sections_of(h.part);
  if (nsec != kinds.size() || header_bytes != kFixedHeader + kSectionEntry * nsec || header_bytes > b.size()) {
    fail("corrupted: section table (" + std::to_string(nsec) + " sections, header " + std::to_string(header_bytes) +
         " bytes)");
  }
  const std::uint64_t data_end = b.size() - kTrailer;
  std::vector<std::span<const std::byte>> sec(nsec);
  for (std::uint32_t i = 0; i < nsec; ++i) {
    const std::size_t e = kFixedHeader + kSectionEntry * i;
    SectionInfo si{static_cast<SectionKind>(get_u32(b, e)), get_u64(b, e + 8), get_u64(b, e + 16), get_u32(b, e + 24)};
    if (si.kind != kinds[i]) fail("corrupted: section " + std::to_string(i) + " has kind " + std::to_string(get_u32(b, e)));
    const char* nm = section_name(si.kind);
    if (si.offset % kAlign != 0 || si.offset < header_bytes || si.offset > data_end || si.size > data_end - si.offset) {
      fail(std::string("corrupted: ") + nm + " section [offset " + std::to_string(si.offset) + ", size " +
           std::to_string(si.size) + "] lies outside the file or is misaligned");
    }
    if (i > 0 && si.offset < h.sections.back().offset + h.sections.back().size) {
      fail(std::string("corrupted: ") + nm + " section overlaps the previous one");
    }
    sec[i] = b.subspan(si.offset, si.size);
    if (crc32(sec[i]) != si.crc32) fail(std::string("corrupted: ") + nm + " section checksum mismatch");
    h.sections.push_back(si);
  }
  return sec;
}

// One file of either part, every check of its envelope, header and section table.
struct PartView {
  ShardHeader header;
  std::vector<std::span<const std::byte>> sections;  // in file order
};

PartView read_part(std::span<const std::byte> b, ShardPart want, const ShardExpectation& expect) {
  PartView v;
  const std::uint32_t header_bytes = check_envelope(b, v.header);
  const auto [quant, nsec] = read_fixed_header(b, v.header);
  if (v.header.part != want) {
    fail(std::string("wrong part: this is the ") + part_name(v.header.part) + " file of a shard, expected its " +
         part_name(want) + " file");
  }
  check_expectation(v.header, expect);
  if (quant != static_cast<std::uint32_t>(Quantisation::kInt8SymmetricPerRow)) {
    fail("unsupported quantisation kind " + std::to_string(quant));
  }
  v.sections = read_sections(b, header_bytes, nsec, v.header);
  return v;
}

// The vectors file belongs to the lexical one: same pair key, and the same model, dimension, count and build time.
void check_pair(const ShardHeader& lex, const ShardHeader& vec, const std::string& lexical_name) {
  if (vec.pair_key != lex.pair_key || vec.count != lex.count || vec.built_at != lex.built_at || vec.levels != lex.levels) {
    char keys[64];
    std::snprintf(keys, sizeof keys, "%016llx, %016llx", static_cast<unsigned long long>(vec.pair_key),
                  static_cast<unsigned long long>(lex.pair_key));
    fail("mismatched pair: does not belong to " + lexical_name + " (pair keys " + keys + "; " +
         std::to_string(vec.count) + " vs " + std::to_string(lex.count) + " rows; built " +
         std::to_string(vec.built_at) + " vs " + std::to_string(lex.built_at) + ")");
  }
}

// "shard: what" → "shard: NAME: what", so every message names the file it is about.
[[noreturn]] void rethrow_named(const std::string& name, const ShardError& e) {
  const std::string_view what = e.what();
  const std::string_view rest = what.starts_with("shard: ") ? what.substr(7) : what;
  throw ShardError("shard: " + name + ": " + std::string(rest));
}

std::vector<float> read_scales(std::span<const std::byte> section, std::size_t n) {
  if (section.size() != 4 * n) fail("corrupted: scales section size does not match count");
  std::vector<float> scales(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float v = bits_float(get_u32(section, 4 * i));
    if (!(v >= 0.0f && v <= 3.0e38f)) fail("corrupted: scale of row " + std::to_string(i) + " is not a finite non-negative number");
    scales[i] = v;
  }
  return scales;
}

// Ids: parsed here (the server and index_of need all of them). Meta: only the line structure is checked here —
// one JSON object per line, valid UTF-8 — the rest on first use (a row's id is its ids line, by position).
struct RowIndex {
  std::vector<std::string> ids;
  std::vector<std::uint32_t> meta_begin;
};

RowIndex index_rows(std::string_view ids, std::string_view meta, std::size_t n) {
  if (!valid_utf8(meta)) fail("corrupted: meta section is not valid UTF-8");
  if (meta.size() >= 0xFFFFFFFFu) fail("corrupted: meta section is too large");
  // Every id line takes at least 2 bytes: a count beyond that is corruption, refused before anything is reserved
  // (the fuzzer found a flipped count reserving gigabytes; in format 3 the vectors section's size bounded it).
  if (n > ids.size() / 2) {
    fail("corrupted: count " + std::to_string(n) + " is more rows than the " + std::to_string(ids.size()) +
         "-byte ids section holds");
  }
  RowIndex r;
  r.ids.reserve(n);
  r.meta_begin.reserve(n + 1);
  std::size_t ip = 0, mp = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t ie = ids.find('\n', ip), me = meta.find('\n', mp);
    if (ie == std::string_view::npos) fail("corrupted: ids section has fewer than count lines");
    if (me == std::string_view::npos) fail("corrupted: meta section has fewer than count lines");
    const std::string_view id = ids.substr(ip, ie - ip), line = meta.substr(mp, me - mp);
    if (id.empty()) fail("corrupted: ids line " + std::to_string(i + 1) + " is empty");
    if (line.size() < 2 || line.front() != '{' || line.back() != '}') {
      fail("corrupted: meta line " + std::to_string(i + 1) + " is not a JSON object");
    }
    r.ids.emplace_back(id);
    r.meta_begin.push_back(static_cast<std::uint32_t>(mp));
    ip = ie + 1;
    mp = me + 1;
  }
  r.meta_begin.push_back(static_cast<std::uint32_t>(mp));
  if (ip != ids.size() || mp != meta.size()) fail("corrupted: ids/meta sections have more than count lines");
  return r;
}

// Row indices sorted by id; a repeated id is corruption.
std::vector<std::uint32_t> sorted_by_id(const std::vector<std::string>& ids) {
  std::vector<std::uint32_t> order(ids.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](auto a, auto c) { return ids[a] < ids[c]; });
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (ids[order[i]] == ids[order[i - 1]]) fail("corrupted: duplicate id '" + ids[order[i]] + "'");
  }
  return order;
}

std::string_view text_of(std::span<const std::byte> section) {
  return {reinterpret_cast<const char*>(section.data()), section.size()};
}

}  // namespace

Shard Shard::open_lexical(std::vector<std::byte> bytes, const ShardExpectation& expect, std::string name) {
  Shard s;
  s.bytes_ = std::move(bytes);
  s.name_ = std::move(name);
  try {
    auto v = read_part(s.bytes_, ShardPart::kLexical, expect);
    s.header_ = std::move(v.header);
    const auto& sec = v.sections;  // ids, meta, bm25, facets
    const std::uint64_t n = s.header_.count;
    auto rows = index_rows(text_of(sec[0]), text_of(sec[1]), n);
    s.ids_ = std::move(rows.ids);
    s.meta_begin_ = std::move(rows.meta_begin);
    s.meta_text_ = text_of(sec[1]);
    s.lazy_ = std::make_unique<LazyRows>(n);
    s.by_id_ = sorted_by_id(s.ids_);
    try {
      s.bm25_ = index::Bm25Index::parse(sec[2]);
    } catch (const std::invalid_argument& e) {
      fail(std::string("corrupted: ") + e.what());
    }
    if (s.bm25_.doc_count() != n) fail("corrupted: bm25 section covers a different number of projects");
    s.facets_ = parse_facets(sec[3], n);
  } catch (const ShardError& e) {
    rethrow_named(s.name_, e);
  }
  return s;
}

void Shard::attach_vectors(std::vector<std::byte> bytes, std::string name) {
  try {
    if (has_vectors()) fail("vectors are already attached");
    const ShardExpectation same{header_.model_name, header_.model_sha256, header_.dim};
    auto v = read_part(bytes, ShardPart::kVectors, same);
    check_pair(header_, v.header, name_);
    const std::uint64_t n = header_.count;
    if (v.sections[0].size() != n * header_.dim) {
      fail("corrupted: vectors section has " + std::to_string(v.sections[0].size()) +
           " bytes, expected count × dim = " + std::to_string(n * header_.dim));
    }
    auto scales = read_scales(v.sections[1], n);
    // Dimension-major on disk, row-major in memory (what the scan reads): one transposition.
    const std::size_t dim = header_.dim;
    std::vector<std::int8_t> rows(n * dim);
    const auto* src = reinterpret_cast<const std::int8_t*>(v.sections[0].data());
    for (std::size_t d = 0; d < dim; ++d) {
      for (std::size_t i = 0; i < n; ++i) rows[i * dim + d] = src[d * n + i];
    }
    vector_bytes_ = std::move(bytes);
    rows_ = std::move(rows);
    vectors_ = rows_;
    scales_ = std::move(scales);
    vectors_header_ = std::move(v.header);
  } catch (const ShardError& e) {
    rethrow_named(name, e);
  }
}

Shard Shard::open(ShardFiles files, const ShardExpectation& expect) {
  Shard s = open_lexical(std::move(files.lexical), expect);
  s.attach_vectors(std::move(files.vectors));
  return s;
}

std::optional<std::uint32_t> Shard::index_of(std::string_view id) const {
  const auto it = std::lower_bound(by_id_.begin(), by_id_.end(), id,
                                   [&](std::uint32_t i, std::string_view v) { return std::string_view(ids_[i]) < v; });
  if (it == by_id_.end() || ids_[*it] != id) return std::nullopt;
  return *it;
}

Shard::Shard() = default;
Shard::Shard(Shard&&) noexcept = default;
Shard& Shard::operator=(Shard&&) noexcept = default;
Shard::~Shard() = default;

const ProjectMeta& Shard::meta(std::size_t i) const {
  if (i >= header_.count) throw std::out_of_range("shard meta " + std::to_string(i) + " out of range");
  std::lock_guard lock(lazy_->mu);
  auto& slot = lazy_->rows[i];
  if (!slot) slot = std::make_unique<ProjectMeta>(read_meta(i));
  return *slot;
}

// Row i's meta line, with what the ids and facets sections hold for it (format 6 leaves those out of the line).
ProjectMeta Shard::read_meta(std::size_t i) const {
  ProjectMeta p;
  try {
    auto line = nlohmann::json::parse(meta_text_.substr(meta_begin_[i], meta_begin_[i + 1] - 1 - meta_begin_[i]));
    if (!line.is_object()) throw std::invalid_argument("not a JSON object");
    for (const char* k : {"id", "language", "stars", "complexity", "kind"}) {
      if (line.contains(k)) throw std::invalid_argument(std::string("has the field '") + k + "', which format 6 keeps elsewhere");
    }
    line["id"] = ids_[i];
    if (line.contains("caps")) {
      line["full_name"] = capitalised(ids_[i], line["caps"]);
      line.erase("caps");
    }
    line.get_to(p);
    if (!line.contains("url")) p.url = canonical_url(p);
  } catch (const std::exception& e) {
    fail("corrupted: meta line " + std::to_string(i + 1) + ": " + e.what());
  }
  if (facets_.language[i] != RowFacets::kNoTag) p.language = facets_.tag_names[facets_.language[i]];
  p.stars = facets_.stars[i];
  p.complexity = facets_.complexity[i];
  p.kind = facets_.kind[i];
  return p;
}

const RowFacets& Shard::facets() const { return facets_; }

std::span<const std::int8_t> Shard::row(std::size_t i) const {
  if (!has_vectors()) throw std::logic_error("shard row " + std::to_string(i) + ": the vectors part is not attached");
  if (i >= header_.count) throw std::out_of_range("shard row " + std::to_string(i) + " out of range");
  return vectors_.subspan(i * header_.dim, header_.dim);
}

std::string built_at_iso8601(const ShardHeader& h) { return wayfinder::format_iso8601_utc(h.built_at * 1000); }

std::string header_json(const ShardHeader& h) {
  nlohmann::json j;
  j["format"] = h.format_version;
  j["part"] = part_name(h.part);
  char key[24];
  std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(h.pair_key));
  j["pairKey"] = key;
  j["model"] = {{"name", h.model_name}, {"sha256", to_hex(h.model_sha256)}, {"dimension", h.dim}};
  j["count"] = h.count;
  j["quantisation"] = "int8-symmetric-per-row";
  j["levels"] = h.levels;
  j["builtAt"] = built_at_iso8601(h);
  j["bytes"] = h.file_bytes;
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", h.file_crc32);
  j["fileCrc32"] = crc;
  j["sections"] = nlohmann::json::array();
  for (const auto& s : h.sections) {
    std::snprintf(crc, sizeof crc, "%08x", s.crc32);
    j["sections"].push_back({{"kind", section_name(s.kind)}, {"offset", s.offset}, {"bytes", s.size}, {"crc32", crc}});
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace wayfinder::shard
