// Shard::open and rank_content on the real catalog shard (models/build/shards/catalog-000.{lexical,vectors}.wfshard),
// when built.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "wayfinder/search/content_ranker.h"
#include "wayfinder/shard/shard.h"

namespace {

std::vector<std::byte> read_file(const char* path) {
  std::ifstream f(path, std::ios::binary);
  std::vector<char> raw((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::vector<std::byte> b(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) b[i] = static_cast<std::byte>(raw[i]);
  return b;
}

struct RealShard {
  wayfinder::shard::ShardFiles files;
  bool empty() const { return files.lexical.empty() || files.vectors.empty(); }
  std::size_t size() const { return files.lexical.size() + files.vectors.size(); }
};

RealShard real_shard_bytes() {
  return {{read_file(WF_SOURCE_DIR "/models/build/shards/catalog-000.lexical.wfshard"),
           read_file(WF_SOURCE_DIR "/models/build/shards/catalog-000.vectors.wfshard")}};
}

void BM_ShardOpenRealCatalog(benchmark::State& state) {
  const auto bytes = real_shard_bytes();
  if (bytes.empty()) return state.SkipWithError("no shard: run `wayfinder shard build` first");
  for (auto _ : state) {
    auto s = wayfinder::shard::Shard::open(bytes.files);
    benchmark::DoNotOptimize(s.size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}

void BM_RankContentRealCatalog(benchmark::State& state) {
  const auto bytes = real_shard_bytes();
  if (bytes.empty()) return state.SkipWithError("no shard: run `wayfinder shard build` first");
  const auto shard = wayfinder::shard::Shard::open(bytes.files);
  std::vector<float> q(shard.dim());
  for (std::size_t d = 0; d < q.size(); ++d) q[d] = shard.row(7)[d] * shard.scale(7);
  wayfinder::Profile p;
  p.interests = {"game development", "machine learning"};
  p.languages = {"Python", "JS"};
  p.frameworks = {"react"};
  p.skill_level = wayfinder::Complexity::kBeginner;
  for (auto _ : state) {
    auto r = wayfinder::search::rank_content(shard, q, p, 30);
    benchmark::DoNotOptimize(r.top.data());
  }
}

}  // namespace

BENCHMARK(BM_ShardOpenRealCatalog)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RankContentRealCatalog)->Unit(benchmark::kMillisecond);
