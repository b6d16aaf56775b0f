#include <gtest/gtest.h>

#include <set>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "wayfinder/hash.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/quantize.h"
#include "wayfinder/shard/shard.h"

using namespace wayfinder;
using namespace wayfinder::shard;

namespace {

// Seeded uniform floats in [-1, 1) (SplitMix64; no std distributions, same values everywhere).
struct TestRng {
  std::uint64_t state;
  std::uint64_t next() { return mix64(state += 0x9e3779b97f4a7c15ULL); }
  float uniform() { return static_cast<float>(static_cast<double>(next() >> 11) * 0x1.0p-53 * 2.0 - 1.0); }
};

ShardInput sample_input(std::size_t n = 5, std::uint32_t dim = 7) {
  ShardInput in;
  in.model_name = "use-lite-512";
  in.model_sha256 = sha256(std::string_view("model"));
  in.dim = dim;
  in.built_at = 1795000000;
  TestRng rng{42};
  for (std::size_t i = 0; i < n; ++i) {
    ProjectMeta p;
    p.id = "owner" + std::to_string(i) + "/repo";
    p.full_name = "Owner" + std::to_string(i) + "/Repo";
    p.description = "a project about games number " + std::to_string(i);
    p.language = i % 2 ? "Python" : "C++";
    p.topics = {"games", "topic" + std::to_string(i)};
    p.stars = static_cast<std::int64_t>(i * 100);
    p.complexity = static_cast<Complexity>(i % 3);
    in.projects.push_back(p);
    for (std::uint32_t d = 0; d < dim; ++d) in.vectors.push_back(rng.uniform());
  }
  return in;
}

// The error opening a lexical part ("" when it opens).
std::string error_of(std::vector<std::byte> bytes, const ShardExpectation& e = {}) {
  try {
    Shard::open_lexical(std::move(bytes), e);
  } catch (const ShardError& err) {
    return err.what();
  }
  return "";
}

// The error attaching a vectors part to a good lexical part ("" when it attaches).
std::string vectors_error_of(const std::vector<std::byte>& lexical, std::vector<std::byte> vectors) {
  auto shard = Shard::open_lexical(lexical);
  try {
    shard.attach_vectors(std::move(vectors));
  } catch (const ShardError& err) {
    EXPECT_FALSE(shard.has_vectors()) << "a refused vectors part changes nothing";
    return err.what();
  }
  return "";
}

void put_u32(std::vector<std::byte>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>(v >> (8 * i));
}

// Recomputes the trailer checksum so a test can reach the checks behind it.
void reseal(std::vector<std::byte>& b) { put_u32(b, b.size() - 8, crc32(std::span(b).first(b.size() - 8))); }

}  // namespace

TEST(ShardQuantise, UsesMaxAbsOver127AndRoundsHalfAwayFromZero) {
  const std::vector<float> x = {1.27f, -1.27f, 0.005f, -0.005f, 0.015f, 0.0f};
  std::vector<std::int8_t> q(x.size());
  const float s = quantize_row(x, q);
  EXPECT_FLOAT_EQ(s, 1.27f / 127.0f);
  EXPECT_EQ(q, (std::vector<std::int8_t>{127, -127, 1, -1, 2, 0}));  // 0.5 -> 1, -0.5 -> -1, 1.5 -> 2
  std::vector<float> zeros(4, 0.0f);
  std::vector<std::int8_t> qz(4, 9);
  EXPECT_EQ(quantize_row(zeros, qz), 0.0f);
  EXPECT_EQ(qz, (std::vector<std::int8_t>(4, 0)));
  std::vector<float> bad = {1.0f, NAN};
  std::vector<std::int8_t> qb(2);
  EXPECT_THROW(quantize_row(bad, qb), std::invalid_argument);
}

TEST(ShardQuantise, FewerLevelsKeepEveryValueInsideThemWithTheirOwnScale) {
  const std::vector<float> x = {0.94f, -0.47f, 0.01f, 0.015f};
  std::vector<std::int8_t> q(x.size());
  const float s = quantize_row(x, q, 47);
  EXPECT_FLOAT_EQ(s, 0.94f / 47.0f);
  EXPECT_EQ(q, (std::vector<std::int8_t>{47, -24, 1, 1}));  // -23.5 -> -24, 0.5 -> 1, 0.75 -> 1
  EXPECT_THROW(quantize_row(x, q, 0), std::invalid_argument);
  EXPECT_THROW(quantize_row(x, q, 128), std::invalid_argument);
}

TEST(ShardQuantise, ReconstructionErrorIsAtMostHalfAStep) {
  TestRng rng{7};
  std::vector<float> x(513);
  for (auto& v : x) v = rng.uniform();
  std::vector<std::int8_t> q(x.size());
  const float s = quantize_row(x, q);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_LE(std::fabs(q[i] * s - x[i]), 0.5f * s * 1.0001f);
}

TEST(ShardFormat, RoundTripsVectorsMetadataAndIds) {
  const auto in = sample_input();
  const auto files = write_shard(in);
  EXPECT_EQ(files.lexical.size() % 8, 0u);
  EXPECT_EQ(files.vectors.size() % 8, 0u);
  const auto shard = Shard::open(files, {in.model_name, in.model_sha256, in.dim});
  EXPECT_EQ(shard.size(), 5u);
  EXPECT_EQ(shard.dim(), 7u);
  EXPECT_EQ(shard.header().model_name, "use-lite-512");
  EXPECT_EQ(shard.header().built_at, 1795000000);
  EXPECT_EQ(shard.header().part, ShardPart::kLexical);
  EXPECT_EQ(shard.header().levels, kVectorLevels);
  EXPECT_EQ(shard.header().sections.size(), 4u);  // ids, meta, bm25, facets
  ASSERT_TRUE(shard.vectors_header());
  EXPECT_EQ(shard.vectors_header()->part, ShardPart::kVectors);
  EXPECT_EQ(shard.vectors_header()->sections.size(), 2u);  // vectors, scales
  EXPECT_EQ(shard.vectors_header()->pair_key, shard.header().pair_key);
  for (const auto& s : shard.header().sections) EXPECT_EQ(s.offset % 64, 0u);
  for (const auto& s : shard.vectors_header()->sections) EXPECT_EQ(s.offset % 64, 0u);
  // On disk the vectors section is dimension-major: value (row i, dimension d) at d × count + i.
  const auto* disk = reinterpret_cast<const std::int8_t*>(shard.vector_bytes().data()) + shard.vectors_header()->sections[0].offset;
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t d = 0; d < 7; ++d) EXPECT_EQ(shard.row(i)[d], disk[d * 5 + i]) << i << "," << d;
  }
  for (std::size_t i = 0; i < in.projects.size(); ++i) {
    EXPECT_EQ(shard.id(i), in.projects[i].id);
    nlohmann::json a = shard.meta(i), b = in.projects[i];
    EXPECT_EQ(a, b);
    EXPECT_EQ(shard.index_of(in.projects[i].id), i);
    std::vector<std::int8_t> q(in.dim);
    const float s = quantize_row(std::span(in.vectors).subspan(i * in.dim, in.dim), q, static_cast<int>(kVectorLevels));
    EXPECT_EQ(shard.scale(i), s);
    for (const auto v : shard.row(i)) EXPECT_LE(std::abs(v), static_cast<int>(kVectorLevels));
    EXPECT_TRUE(std::equal(q.begin(), q.end(), shard.row(i).begin()));
  }
  EXPECT_FALSE(shard.index_of("nobody/here"));
  EXPECT_THROW((void)shard.row(5), std::out_of_range);
  EXPECT_GT(shard.bm25().score("games")[0], 0.0f);
  EXPECT_EQ(write_shard(in).lexical, files.lexical) << "writing is deterministic";
  EXPECT_EQ(write_shard(in).vectors, files.vectors) << "writing is deterministic";
}

TEST(ShardFormat, LexicalPartAloneRanksWithoutVectorsUntilTheyAreAttached) {
  const auto in = sample_input();
  const auto files = write_shard(in);
  auto shard = Shard::open_lexical(files.lexical);
  EXPECT_FALSE(shard.has_vectors());
  EXPECT_EQ(shard.size(), 5u);
  EXPECT_EQ(shard.id(3), in.projects[3].id);
  EXPECT_GT(shard.bm25().score("games")[0], 0.0f);
  EXPECT_TRUE(shard.rows().empty());
  EXPECT_TRUE(shard.scales().empty());
  EXPECT_THROW((void)shard.row(0), std::logic_error);
  shard.attach_vectors(files.vectors);
  EXPECT_TRUE(shard.has_vectors());
  EXPECT_EQ(shard.rows().size(), 5u * 7u);
  const auto both = Shard::open(files);
  EXPECT_TRUE(std::equal(both.rows().begin(), both.rows().end(), shard.rows().begin()));
  try {
    shard.attach_vectors(files.vectors);
    ADD_FAILURE() << "attached twice";
  } catch (const ShardError& e) {
    EXPECT_EQ(std::string(e.what()), "shard: vectors part: vectors are already attached");
  }
}

TEST(ShardErrors, MismatchedOrSwappedPartsAreRefusedNamingTheFiles) {
  const auto a = write_shard(sample_input());
  auto other = sample_input();
  other.vectors[0] += 0.25f;  // the same projects, other vectors: another pair
  const auto b = write_shard(other);
  EXPECT_NE(Shard::open(a).header().pair_key, Shard::open(b).header().pair_key);
  auto shard = Shard::open_lexical(a.lexical, {}, "catalog-000.lexical.wfshard");
  try {
    shard.attach_vectors(b.vectors, "catalog-000.vectors.wfshard");
    ADD_FAILURE() << "a vectors part of another shard was attached";
  } catch (const ShardError& e) {
    const std::string msg = e.what();
    EXPECT_EQ(msg.rfind("shard: catalog-000.vectors.wfshard: mismatched pair: does not belong to catalog-000.lexical.wfshard (pair keys ", 0), 0u) << msg;
  }
  EXPECT_FALSE(shard.has_vectors());
  EXPECT_EQ(error_of(a.vectors), "shard: lexical part: wrong part: this is the vectors file of a shard, expected its lexical file");
  EXPECT_EQ(vectors_error_of(a.lexical, a.lexical),
            "shard: vectors part: wrong part: this is the lexical file of a shard, expected its vectors file");
  EXPECT_EQ(vectors_error_of(a.lexical, a.vectors), "");
}

TEST(ShardFormat, EmptyShardIsValid) {
  const auto in = sample_input(0);
  const auto shard = Shard::open(write_shard(in));
  EXPECT_EQ(shard.size(), 0u);
}

TEST(ShardFormat, WriterRejectsBadInputNamingTheField) {
  auto in = sample_input();
  in.vectors.pop_back();
  EXPECT_THROW(write_shard(in), std::invalid_argument);
  in = sample_input();
  in.projects[1].id = in.projects[0].id;
  try {
    write_shard(in);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("duplicate"), std::string::npos);
  }
  in = sample_input();
  in.vectors[3] = INFINITY;
  EXPECT_THROW(write_shard(in), std::invalid_argument);
  in = sample_input();
  in.model_name = std::string(64, 'm');
  EXPECT_THROW(write_shard(in), std::invalid_argument);
}

TEST(ShardErrors, TruncatedFileSaysTruncated) {
  const auto files = write_shard(sample_input());
  const auto& bytes = files.lexical;
  for (std::size_t keep : {std::size_t{0}, std::size_t{7}, std::size_t{100}, bytes.size() / 2, bytes.size() - 1}) {
    const auto msg = error_of({bytes.begin(), bytes.begin() + keep});
    EXPECT_NE(msg.find("truncated"), std::string::npos) << keep << ": " << msg;
  }
  const auto& vec = files.vectors;
  for (std::size_t keep : {std::size_t{0}, std::size_t{100}, vec.size() / 2, vec.size() - 1}) {
    const auto msg = vectors_error_of(bytes, {vec.begin(), vec.begin() + keep});
    EXPECT_EQ(msg.rfind("shard: vectors part: truncated", 0), 0u) << keep << ": " << msg;
  }
}

TEST(ShardErrors, FlippedByteSaysChecksumMismatch) {
  auto bytes = write_shard(sample_input()).lexical;
  bytes[bytes.size() / 2] ^= std::byte{0x10};
  const auto msg = error_of(bytes);
  EXPECT_NE(msg.find("corrupted"), std::string::npos) << msg;
  EXPECT_NE(msg.find("checksum"), std::string::npos) << msg;
}

TEST(ShardErrors, FlippedSectionByteWithValidFileChecksumNamesTheSection) {
  const auto in = sample_input();
  const auto files = write_shard(in);
  auto bytes = files.vectors;
  const auto shard = Shard::open(files);
  bytes[shard.vectors_header()->sections[1].offset] ^= std::byte{1};
  reseal(bytes);
  EXPECT_EQ(vectors_error_of(files.lexical, bytes), "shard: vectors part: corrupted: scales section checksum mismatch");
  auto lex = files.lexical;
  lex[shard.header().sections[2].offset] ^= std::byte{1};
  reseal(lex);
  EXPECT_EQ(error_of(lex), "shard: lexical part: corrupted: bm25 section checksum mismatch");
}

// The meta line leaves out what no client reads from a shard, and a canonical url, which the reader puts back.
TEST(ShardFormat, MetaLinesKeepWhatClientsRead) {
  auto in = sample_input();
  in.projects[0].url = "https://github.com/Owner0/Repo";  // canonical: not stored, read back the same
  in.projects[1].url = "https://example.org/elsewhere";    // not canonical: stored as it is
  in.projects[2].forks = 12;
  in.projects[2].license = "MIT";
  in.projects[2].last_activity = "2026-01-02";
  in.projects[2].collections = {"made-in-algeria"};
  const auto files = write_shard(in);
  const std::string lexical(reinterpret_cast<const char*>(files.lexical.data()), files.lexical.size());
  EXPECT_EQ(lexical.find("https://github.com/Owner0"), std::string::npos);
  EXPECT_NE(lexical.find("https://example.org/elsewhere"), std::string::npos);
  for (const char* gone : {"forks", "license", "last_activity", "collections", "made-in-algeria"}) {
    EXPECT_EQ(lexical.find(gone), std::string::npos) << gone;
  }
  const auto shard = Shard::open(files);
  EXPECT_EQ(shard.meta(0).url, "https://github.com/Owner0/Repo");
  EXPECT_EQ(shard.meta(1).url, "https://example.org/elsewhere");
  EXPECT_EQ(shard.meta(3).url, "");  // an empty url stays empty
  EXPECT_EQ(shard.meta(2).forks, 0);
  EXPECT_EQ(shard.meta(2).license, "");
  EXPECT_TRUE(shard.meta(2).collections.empty());
  EXPECT_EQ(shard.meta(2).stars, in.projects[2].stars);
  EXPECT_EQ(shard.meta(2).topics, in.projects[2].topics);
}

// Format 6: the id, language, stars, complexity and kind come from the ids and facets sections, and a full name
// that only capitalises the id is stored as the capitals' positions; every field reads back as it was written.
TEST(ShardFormat, MetaLinesLeaveOutWhatOtherSectionsHoldAndReadBackTheSame) {
  auto in = sample_input();
  in.projects[1].full_name = "someone-else/Renamed";  // not a capitalisation: stored as it is
  in.projects[2].full_name = in.projects[2].id;        // the same: not stored
  in.projects[3].full_name = "OWNER3/REPO";
  in.projects[4].language = "";
  in.projects[4].kind = LearningKind::kBook;
  const auto files = write_shard(in);
  const std::string lexical(reinterpret_cast<const char*>(files.lexical.data()), files.lexical.size());
  for (const char* gone : {"\"id\"", "\"language\"", "\"stars\"", "\"complexity\"", "\"kind\"", "Owner0/Repo", "OWNER3"}) {
    EXPECT_EQ(lexical.find(gone), std::string::npos) << gone;
  }
  EXPECT_NE(lexical.find("\"caps\":[0,6]"), std::string::npos);  // Owner0/Repo: O at 0, R at 7 = 0 + 1 + 6
  EXPECT_NE(lexical.find("someone-else/Renamed"), std::string::npos);
  const auto shard = Shard::open(files);
  for (std::size_t i = 0; i < in.projects.size(); ++i) {
    const auto& want = in.projects[i];
    const auto& got = shard.meta(i);
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.full_name, want.full_name) << i;
    EXPECT_EQ(got.language, want.language) << i;
    EXPECT_EQ(got.stars, want.stars) << i;
    EXPECT_EQ(got.complexity, want.complexity) << i;
    EXPECT_EQ(got.kind, want.kind) << i;
    EXPECT_EQ(got.description, want.description) << i;
  }
}

// A meta line that carries a field format 6 keeps elsewhere, or capitals outside its id, is refused on access.
TEST(ShardErrors, MetaLineWithMisplacedFieldsOrBadCapitalsIsRefused) {
  const auto good = write_shard(sample_input()).lexical;
  const auto meta = Shard::open_lexical(good).header().sections[1];
  auto error_at = [&](std::string_view from, std::string_view to) {
    auto b = good;
    std::string text(reinterpret_cast<const char*>(b.data() + meta.offset), meta.size);
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at == std::string::npos || from.size() != to.size()) return std::string("bad test");
    std::memcpy(b.data() + meta.offset + at, to.data(), to.size());
    put_u32(b, 160 + 32 * 1 + 24, crc32(std::span(b).subspan(meta.offset, meta.size)));
    reseal(b);
    try {
      (void)Shard::open_lexical(b).meta(0);
    } catch (const ShardError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error_at("\"caps\":[0,6]", "\"caps\":[9,6]").find("meta line 1: field 'caps' has a position outside the id"), std::string::npos);
  EXPECT_NE(error_at("\"caps\":[0,6]", "\"caps\":[5,0]").find("meta line 1: field 'caps' points at a character that is not a letter"), std::string::npos);
  EXPECT_NE(error_at("\"description\"", "\"language\"   ").find("meta line 1: has the field 'language'"), std::string::npos);
}

TEST(ShardErrors, WrongMagicAndVersionAreNamed) {
  const auto files = write_shard(sample_input());
  const auto& bytes = files.lexical;
  auto bad = bytes;
  bad[0] = std::byte{'X'};
  EXPECT_EQ(error_of(bad), "shard: lexical part: wrong magic: not a Wayfinder shard file");
  bad = bytes;
  put_u32(bad, 8, 1);  // version 1 had no facets section: rebuilt, never read
  EXPECT_EQ(error_of(bad), "shard: lexical part: unsupported format version 1 (this core reads version 6)");
  put_u32(bad, 8, 2);  // version 2 had no learning kind in its facets
  EXPECT_EQ(error_of(bad), "shard: lexical part: unsupported format version 2 (this core reads version 6)");
  put_u32(bad, 8, 5);  // version 5 had u32 BM25 and facets sections and the id, stars, … in every meta line
  EXPECT_EQ(error_of(bad), "shard: lexical part: unsupported format version 5 (this core reads version 6)");
  put_u32(bad, 8, 4);  // version 4 stored every meta field and every url
  EXPECT_EQ(error_of(bad), "shard: lexical part: unsupported format version 4 (this core reads version 6)");
  put_u32(bad, 8, 3);  // version 3 was one file holding every section
  EXPECT_EQ(error_of(bad), "shard: lexical part: unsupported format version 3 (this core reads version 6)");
  auto old_vectors = files.vectors;
  put_u32(old_vectors, 8, 3);
  EXPECT_EQ(vectors_error_of(bytes, old_vectors), "shard: vectors part: unsupported format version 3 (this core reads version 6)");
  try {
    Shard::open_lexical(bad, {}, "catalog-000.wfshard");
    ADD_FAILURE();
  } catch (const ShardError& e) {
    EXPECT_EQ(std::string(e.what()), "shard: catalog-000.wfshard: unsupported format version 3 (this core reads version 6)");
  }
}

TEST(ShardErrors, WrongModelOrDimensionAreNamed) {
  const auto in = sample_input();
  const auto bytes = write_shard(in).lexical;
  EXPECT_EQ(error_of(bytes, {.model_name = "other", .model_sha256 = {}, .dim = {}}),
            "shard: lexical part: wrong model: shard was built with 'use-lite-512', expected 'other'");
  const auto msg = error_of(bytes, {.model_name = {}, .model_sha256 = sha256(std::string_view("x")), .dim = {}});
  EXPECT_EQ(msg.rfind("shard: lexical part: wrong model: shard model sha256 " + to_hex(in.model_sha256), 0), 0u) << msg;
  EXPECT_EQ(error_of(bytes, {.model_name = {}, .model_sha256 = {}, .dim = 512}),
            "shard: lexical part: wrong dimension: shard has 7, expected 512");
}

TEST(ShardErrors, ModelNameThatIsNotUtf8IsCorruptionNotACrash) {
  auto bytes = write_shard(sample_input()).lexical;
  bytes[80] = std::byte{0xC3};  // a lead byte followed by 's' (of "use-lite")
  bytes[81] = std::byte{'('};
  reseal(bytes);
  EXPECT_EQ(error_of(bytes), "shard: lexical part: corrupted: model name is not valid UTF-8");
}

TEST(ShardErrors, BuildTimeOutsideTheCalendarIsCorruptionNotOverflow) {
  // Found by the fuzzer: a flipped sign bit made the date formatting overflow.
  const auto bytes = write_shard(sample_input()).lexical;
  for (const std::uint64_t t : {std::uint64_t{1} << 63, ~std::uint64_t{0}, std::uint64_t{253402300800}}) {
    auto bad = bytes;
    for (int i = 0; i < 8; ++i) bad[40 + i] = static_cast<std::byte>(t >> (8 * i));
    reseal(bad);
    const auto msg = error_of(bad);
    EXPECT_EQ(msg.rfind("shard: lexical part: corrupted: build time ", 0), 0u) << t << ": " << msg;
  }
  auto in = sample_input();
  in.built_at = -1;
  EXPECT_THROW(write_shard(in), std::invalid_argument);
  in.built_at = 253402300799;  // the last second of 9999 is the largest build time
  EXPECT_EQ(built_at_iso8601(Shard::open(write_shard(in)).header()), "9999-12-31T23:59:59Z");
}

TEST(ShardErrors, ACountBeyondTheIdsSectionIsRefusedBeforeAnythingIsReserved) {
  // Found by the fuzzer: a flipped count in the lexical part (which has no vectors section to bound it) reserved
  // gigabytes for the ids before the lines were read.
  auto bytes = write_shard(sample_input()).lexical;
  put_u32(bytes, 28, 0xFFFFFF00u);
  reseal(bytes);
  const auto msg = error_of(bytes);
  EXPECT_EQ(msg.rfind("shard: lexical part: corrupted: count 4294967040 is more rows than the ", 0), 0u) << msg;
}

TEST(ShardErrors, OutOfBoundsSectionIsRejectedNotRead) {
  const auto files = write_shard(sample_input());
  auto bytes = files.vectors;
  // The vectors part's section 0 (vectors) entry starts at 160: offset at +8, size at +16.
  put_u32(bytes, 160 + 16, 0xFFFFFF00u);
  reseal(bytes);
  const auto msg = vectors_error_of(files.lexical, bytes);
  EXPECT_NE(msg.find("vectors section"), std::string::npos) << msg;
  EXPECT_NE(msg.find("outside the file"), std::string::npos) << msg;
}

TEST(ShardErrors, RandomMutationsNeverCrashAndAlwaysThrowShardError) {
  const auto good_files = write_shard(sample_input(6, 9));
  TestRng rng{2026};
  int rejected = 0, accepted = 0;
  for (int round = 0; round < 1500; ++round) {
    const bool lexical = round % 2 == 0;  // both files, in turn
    auto b = lexical ? good_files.lexical : good_files.vectors;
    const auto kind = rng.next() % 4;
    if (kind == 0) {
      b.resize(rng.next() % b.size());
    } else {
      const int flips = 1 + static_cast<int>(rng.next() % 4);
      for (int f = 0; f < flips; ++f) b[rng.next() % b.size()] ^= static_cast<std::byte>(1 + rng.next() % 255);
      if (kind >= 2) reseal(b);  // get past the file checksum to exercise the structural checks
    }
    try {
      const auto s = lexical ? Shard::open({std::move(b), good_files.vectors}) : Shard::open({good_files.lexical, std::move(b)});
      for (std::size_t i = 0; i < s.size(); ++i) (void)s.row(i), (void)s.meta(i);
      ++accepted;
    } catch (const ShardError&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 1000);
  EXPECT_GE(accepted, 0);
}

TEST(ShardManifest, RoundTripsAndVerifiesShardBytes) {
  const auto in = sample_input();
  const auto files = write_shard(in);
  Manifest m;
  m.model = {in.model_name, to_hex(in.model_sha256), in.dim};
  m.shards.push_back(manifest_entry("catalog-000.lexical.wfshard", "catalog-000.vectors.wfshard", files));
  EXPECT_EQ(m.shards[0].count, 5u);
  EXPECT_EQ(m.shards[0].built_at, "2026-11-18T11:06:40Z");  // unix 1795000000
  EXPECT_EQ(m.shards[0].bytes, files.lexical.size());
  EXPECT_EQ(m.shards[0].vectors.bytes, files.vectors.size());
  EXPECT_EQ(m.shards[0].vectors.sha256, to_hex(sha256(files.vectors)));
  const auto text = manifest_json(m);
  const auto back = parse_manifest(text);
  EXPECT_EQ(manifest_json(back), text);
  EXPECT_NO_THROW(Shard::open(files, expectation_of(back)));
  EXPECT_NO_THROW(verify_against_manifest(lexical_file(back.shards[0]), files.lexical));
  EXPECT_NO_THROW(verify_against_manifest(back.shards[0].vectors, files.vectors));
  auto bad = files.lexical;
  bad[300] ^= std::byte{1};
  EXPECT_THROW(verify_against_manifest(lexical_file(back.shards[0]), bad), ShardError);
  EXPECT_THROW(verify_against_manifest(lexical_file(back.shards[0]), std::span(files.lexical).first(10)), ShardError);
  try {
    verify_against_manifest(back.shards[0].vectors, files.lexical);
    ADD_FAILURE();
  } catch (const ShardError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("shard: catalog-000.vectors.wfshard has ", 0), 0u) << e.what();
  }
}

TEST(ShardManifest, RejectsBadFieldsNamingThem) {
  auto msg = [](const char* text) {
    try {
      parse_manifest(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string sha(64, 'a');
  EXPECT_NE(msg(R"({"format":2,"model":{},"shards":[]})").find("format"), std::string::npos);
  EXPECT_NE(msg(R"({"format":1,"model":{"name":"m","sha256":"zz","dimension":4},"shards":[]})").find("model.sha256"),
            std::string::npos);
  const std::string base = R"({"format":1,"model":{"name":"m","sha256":")" + sha + R"(","dimension":4},"shards":[)";
  const std::string vec = R"(,"vectors":{"file":"v","sha256":")" + sha + R"(","bytes":1})";
  EXPECT_EQ(msg((base + "]}").c_str()), "");
  EXPECT_EQ(msg((base + R"({"file":"x","sha256":")" + sha + R"(","bytes":1,"count":1,"builtAt":"t")" + vec + "}]}").c_str()), "");
  EXPECT_NE(msg((base + R"({"file":"../x","sha256":")" + sha + R"(","bytes":1,"count":1,"builtAt":"t")" + vec + "}]}").c_str())
                .find("shards[0].file"),
            std::string::npos);
  EXPECT_NE(msg((base + R"({"file":"x","sha256":")" + sha + R"(","bytes":-1,"count":1,"builtAt":"t")" + vec + "}]}").c_str())
                .find("shards[0].bytes"),
            std::string::npos);
  // A format-3 entry (one file, no vectors part) is refused naming the missing member.
  EXPECT_EQ(msg((base + R"({"file":"x","sha256":")" + sha + R"(","bytes":1,"count":1,"builtAt":"t"}]})").c_str()),
            "manifest: missing field 'shards[0].vectors'");
  EXPECT_NE(msg((base + R"({"file":"x","sha256":")" + sha + R"(","bytes":1,"count":1,"builtAt":"t","vectors":{"file":"a/b","sha256":")" + sha + R"(","bytes":1}}]})").c_str())
                .find("shards[0].vectors.file"),
            std::string::npos);
  EXPECT_NE(msg("not json").find("not valid JSON"), std::string::npos);
}

TEST(ShardErrors, CorruptMetaRowIsRejectedAtOpenOrOnAccessNeverSilently) {
  const auto in = sample_input();
  const auto good = write_shard(in).lexical;
  const auto shard = Shard::open_lexical(good);
  const auto& meta = shard.header().sections[1];  // ids, meta, bm25, facets
  // Structure broken (the line's opening brace): caught at open.
  auto b = good;
  b[meta.offset] = std::byte{'['};
  put_u32(b, 160 + 32 * 1 + 24, crc32(std::span(b).subspan(meta.offset, meta.size)));
  reseal(b);
  EXPECT_NE(error_of(b).find("meta line 1"), std::string::npos) << error_of(b);
  // Structure intact but the JSON inside broken (a list's opening bracket): open succeeds, meta() throws.
  b = good;
  const std::string_view text(reinterpret_cast<const char*>(b.data() + meta.offset), meta.size);
  const auto at = text.find("\"topics\":[");
  ASSERT_NE(at, std::string_view::npos);
  b[meta.offset + at + 9] = std::byte{'7'};
  put_u32(b, 160 + 32 * 1 + 24, crc32(std::span(b).subspan(meta.offset, meta.size)));
  reseal(b);
  const auto opened = Shard::open_lexical(b);
  bool threw = false;
  for (std::size_t i = 0; i < opened.size(); ++i) {
    try {
      (void)opened.meta(i);
    } catch (const ShardError& e) {
      threw = true;
      EXPECT_NE(std::string(e.what()).find("corrupted: meta line"), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(threw);
}

TEST(ShardFacets, SectionHoldsWhatEachRowsMetadataSays) {
  auto in = sample_input();
  in.projects[0].language = "";  // no language: kNoTag
  in.projects[1].categories = {"Games", "games"};  // case-distinct names stay distinct
  in.projects[2].labels = {"topic2"};               // a label equal to a topic counts once
  in.projects[0].kind = LearningKind::kTutorial;
  in.projects[1].kind = LearningKind::kApp;
  const auto shard = Shard::open(write_shard(in));
  const RowFacets& f = shard.facets();
  ASSERT_EQ(f.complexity.size(), in.projects.size());
  EXPECT_TRUE(std::is_sorted(f.tag_names.begin(), f.tag_names.end()));
  EXPECT_EQ(std::adjacent_find(f.tag_names.begin(), f.tag_names.end()), f.tag_names.end());
  for (std::size_t i = 0; i < in.projects.size(); ++i) {
    const auto& p = in.projects[i];
    EXPECT_EQ(f.complexity[i], p.complexity);
    EXPECT_EQ(f.kind[i], p.kind);
    EXPECT_EQ(shard.meta(i).kind, p.kind);
    EXPECT_EQ(f.stars[i], p.stars);
    if (p.language.empty()) {
      EXPECT_EQ(f.language[i], RowFacets::kNoTag);
    } else {
      EXPECT_EQ(f.tag_names.at(f.language[i]), p.language);
    }
    std::set<std::string> want(p.topics.begin(), p.topics.end());
    want.insert(p.categories.begin(), p.categories.end());
    want.insert(p.labels.begin(), p.labels.end());
    std::set<std::string> got;
    for (auto k = f.tag_begin[i]; k < f.tag_begin[i + 1]; ++k) got.insert(f.tag_names.at(f.tags[k]));
    EXPECT_EQ(got, want) << p.id;
    EXPECT_EQ(f.tag_begin[i + 1] - f.tag_begin[i], want.size()) << "unique per row";
  }
}

TEST(ShardFacets, BrokenFacetsAreRejectedAtOpenNamingTheSection) {
  const auto good = write_shard(sample_input()).lexical;
  const auto shard = Shard::open_lexical(good);
  const auto& fs = shard.header().sections[3];
  const std::size_t n = shard.size();
  const std::uint32_t names = static_cast<std::uint32_t>(shard.facets().tag_names.size());
  // Format 6: varints; the sample is small, so every count, name length and index here takes one byte.
  ASSERT_LT(n + names + 8, 128u);
  auto with = [&](std::size_t at_in_section, std::uint8_t v) {
    auto b = good;
    b[fs.offset + at_in_section] = std::byte{v};
    put_u32(b, 160 + 32 * 3 + 24, crc32(std::span(b).subspan(fs.offset, fs.size)));
    reseal(b);
    return error_of(b);
  };
  std::size_t language0 = 3;  // after the row, name and tag counts
  for (const auto& name : shard.facets().tag_names) language0 += 1 + name.size();
  const std::size_t tag_count0 = language0 + n, tags0 = tag_count0 + n;
  ASSERT_GT(shard.facets().tag_begin[1], 0u) << "row 0 has tags";
  const auto u8 = [](std::size_t v) { return static_cast<std::uint8_t>(v); };
  EXPECT_EQ(with(language0, u8(names + 1)), "shard: lexical part: corrupted: facets section has a language index out of range");
  EXPECT_EQ(with(tags0, u8(names + 7)), "shard: lexical part: corrupted: facets section has a tag index out of range");
  EXPECT_EQ(with(tag_count0, 127), "shard: lexical part: corrupted: facets section row offsets do not span the tags");
  EXPECT_EQ(with(0, u8(n + 1)), "shard: lexical part: corrupted: facets section covers " + std::to_string(n + 1) +
                                     " rows, the shard has " + std::to_string(n));
  EXPECT_EQ(with(1, 0xFF).rfind("shard: lexical part: corrupted: facets section has ", 0), 0u);  // name count vs size
  auto byte_at = [&](std::size_t from_end, std::uint8_t v) {
    auto b = good;
    b[fs.offset + fs.size - from_end] = std::byte{v};
    put_u32(b, 160 + 32 * 3 + 24, crc32(std::span(b).subspan(fs.offset, fs.size)));
    reseal(b);
    return error_of(b);
  };
  // The section ends with complexity[n] then kind[n]: the last row's complexity is n + 1 bytes from the end.
  EXPECT_EQ(byte_at(n + 1, 7), "shard: lexical part: corrupted: facets section has an unknown complexity level 7");
  EXPECT_EQ(byte_at(1, 9), "shard: lexical part: corrupted: facets section row " + std::to_string(n - 1) + " has an unknown learning kind 9");
}
