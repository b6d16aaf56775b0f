// The contextual arm's shipped feature basis (models/build/shards/features.json, fitted once natively by
// wayfinder-feature-basis and listed in the manifest's "features" member): it verifies against the manifest, reads
// back bit for bit, and gives the same features and the same seeded linear-arm page natively and in WASM. The same
// test runs in all three builds and prints one digest line; tests/js/features-parity.test.mjs runs the native and
// the WASM SIMD builds and requires the lines to be equal. Bad basis files are refused naming the file and field.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wayfinder/bandit/evidence_store.h"
#include "wayfinder/bandit/features.h"
#include "wayfinder/hash.h"
#include "wayfinder/profile.h"
#include "wayfinder/rank/recommender.h"
#include "wayfinder/search/content_ranker.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/shard.h"

using namespace wayfinder;

namespace {

const std::string kShards = std::string(WF_SOURCE_DIR) + "/models/build/shards/";

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": missing (run scripts/build.sh)");
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::span<const std::byte> as_bytes(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

// Fold of the bit patterns of doubles (order matters): equal digests = bit-identical sequences.
struct Digest {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(double d) {
    std::uint64_t u;
    std::memcpy(&u, &d, sizeof u);
    h = fnv1a64(std::string_view(reinterpret_cast<const char*>(&u), sizeof u), h);
  }
};

struct Shipped {
  shard::Manifest manifest;
  std::unique_ptr<shard::Shard> shard;
  bandit::FeatureBasis basis;
  std::string basis_text;
};

Shipped load_shipped() {
  Shipped s;
  s.manifest = shard::parse_manifest(read_text(kShards + "manifest.json"));
  if (!s.manifest.features) throw std::runtime_error("manifest.json has no \"features\" member (run scripts/build.sh)");
  const auto& entry = s.manifest.shards.front();
  const auto read_bytes = [](const std::string& file) {
    const auto text = read_text(kShards + file);
    return std::vector<std::byte>(as_bytes(text).begin(), as_bytes(text).end());
  };
  shard::ShardFiles files{read_bytes(entry.file), read_bytes(entry.vectors.file)};
  s.shard = std::make_unique<shard::Shard>(shard::Shard::open(std::move(files), shard::expectation_of(s.manifest)));
  s.basis_text = read_text(kShards + s.manifest.features->file);
  shard::verify_against_manifest(*s.manifest.features, as_bytes(s.basis_text));
  s.basis = bandit::parse_feature_basis(s.basis_text, s.manifest.features->file, s.shard->dim());
  return s;
}

}  // namespace

TEST(BanditShippedBasis, VerifiesAndReadsBackBitForBit) {
  const auto s = load_shipped();
  EXPECT_EQ(s.basis.input_dim, s.shard->dim());
  EXPECT_EQ(s.basis.fitted_on, s.manifest.shards.front().vectors.sha256) << "the basis was fitted on other vectors";
  EXPECT_EQ(nlohmann::json(s.basis).dump() + "\n", s.basis_text) << "writing the parsed basis gives other bytes";
}

TEST(BanditShippedBasis, SameFeaturesAndSeededLinearPageOnEveryTarget) {
  const auto s = load_shipped();
  auto features = std::make_shared<bandit::ShardFeatures>(*s.shard, s.basis);
  Digest f;
  std::vector<double> x(bandit::kFeatureDim);
  for (std::uint32_t i = 0; i < s.shard->size(); ++i) {
    features->features(i, x);
    for (double v : x) f.add(v);
  }
  // A seeded linear-arm page: the content ranking of row 0's own vector, one liked neighbour (success 1) and one
  // ignored one, the default blend, ε and 200 propensity draws.
  const auto row = s.shard->row(0);
  std::vector<float> query(row.size());
  for (std::size_t c = 0; c < row.size(); ++c) query[c] = static_cast<float>(row[c]) * s.shard->scale(0);
  rank::RecommenderConfig config;
  config.seed = 2026;
  config.rerank.bandit = rank::BanditKind::kLinear;
  rank::Recommender rec(config);
  rec.evidence().set_features(features);
  auto content = search::rank_content(*s.shard, query, Profile{}, 400);
  ASSERT_GE(content.top.size(), 20u);
  rec.evidence().set_local(content.top[3].index, {1.0, 0.0});
  rec.evidence().set_local(content.top[9].index, {0.0, 0.1});
  rec.set_content(1, std::move(content));
  const auto page = rec.recommend(1, "shipped-basis", 10, 0, true);
  ASSERT_EQ(page.items.size(), 10u);
  EXPECT_EQ(page.bandit, rank::BanditKind::kLinear);
  auto hier_config = config.rerank;
  hier_config.bandit = rank::BanditKind::kHierarchical;  // the same evidence, the hierarchical arm
  const auto hier = rec.recommend(1, "shipped-basis-hierarchical", 10, 0, true, hier_config);
  ASSERT_EQ(hier.items.size(), 10u);
  EXPECT_EQ(hier.bandit, rank::BanditKind::kHierarchical);
  Digest p, h;
  for (const auto& [ranking, digest] : {std::pair{&page, &p}, std::pair{&hier, &h}})
    for (const auto& it : ranking->items) {
      digest->add(it.index);
      digest->add(it.bandit_quality);
      digest->add(it.posterior_mean);
      digest->add(it.propensity);
    }
  std::printf("shipped basis digest: features %016llx page %016llx hierarchical %016llx\n",
              static_cast<unsigned long long>(f.h), static_cast<unsigned long long>(p.h),
              static_cast<unsigned long long>(h.h));
}

TEST(BanditShippedBasis, BadBasisFilesAreRefusedNamingFileAndField) {
  const auto s = load_shipped();
  const auto dim = s.shard->dim();
  auto refused = [&](const std::string& text, const std::string& words) {
    try {
      (void)bandit::parse_feature_basis(text, "features.json", dim);
      ADD_FAILURE() << "accepted a basis that should fail with: " << words;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).rfind("features.json: ", 0), 0u) << e.what();
    }
  };
  auto j = nlohmann::json::parse(s.basis_text);
  refused(s.basis_text.substr(0, s.basis_text.size() / 2), "not valid JSON");
  auto bad = j;
  bad["components"][3].erase(bad["components"][3].begin());
  refused(bad.dump(), "components[3] must hold inputDim numbers");
  bad = j;
  bad["inputDim"] = dim / 2;
  bad["mean"] = std::vector<double>(dim / 2, 0.0);
  for (auto& c : bad["components"]) c = std::vector<double>(dim / 2, 0.0);
  refused(bad.dump(), "inputDim is " + std::to_string(dim / 2));
  bad = j;
  bad["eigenvalues"][0] = -1.0;
  refused(bad.dump(), "eigenvalues must be > 0");
  bad = j;
  bad["mean"][7] = "x";
  refused(bad.dump(), "mean must be a finite number");
  // A file whose bytes are not the manifest's is refused before it is parsed.
  auto flipped = s.basis_text;
  flipped[flipped.size() / 2] = flipped[flipped.size() / 2] == '1' ? '2' : '1';
  EXPECT_THROW(shard::verify_against_manifest(*s.manifest.features, as_bytes(flipped)), shard::ShardError);
  EXPECT_THROW(shard::verify_against_manifest(*s.manifest.features, as_bytes(s.basis_text.substr(1))), shard::ShardError);
}

TEST(BanditShippedBasis, ManifestFeaturesMemberIsCheckedAndRoundTrips) {
  const auto s = load_shipped();
  const auto again = shard::parse_manifest(shard::manifest_json(s.manifest));
  ASSERT_TRUE(again.features);
  EXPECT_EQ(again.features->sha256, s.manifest.features->sha256);
  EXPECT_EQ(again.features->bytes, s.manifest.features->bytes);
  auto j = nlohmann::json::parse(shard::manifest_json(s.manifest));
  auto refused = [&](nlohmann::json m, const std::string& words) {
    try {
      (void)shard::parse_manifest(m.dump());
      ADD_FAILURE() << "accepted: " << words;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  auto m = j;
  m["features"]["file"] = "../features.json";
  refused(m, "field 'features.file' must be a plain file name");
  m = j;
  m["features"]["sha256"] = "abc";
  refused(m, "field 'features.sha256'");
  m = j;
  m["features"].erase("bytes");
  refused(m, "missing field 'features.bytes'");
  m = j;
  m.erase("features");
  EXPECT_FALSE(shard::parse_manifest(m.dump()).features) << "a manifest from before the basis still reads";
}
