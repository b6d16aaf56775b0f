// libFuzzer target: opening either file of a shard on arbitrary bytes must either succeed or throw ShardError —
// never crash or UB. Bit 1 of the first byte picks the file: the lexical part (opened alone, then with a good
// vectors part), or the vectors part (attached to a good lexical part, whose pair key it must then carry).
// Half of the inputs get a recomputed trailer checksum so the fuzzer reaches the structural checks behind it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "wayfinder/search/top_k.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/shard.h"

namespace {

// A small good shard (3 projects, 4 dimensions), the partner of every fuzzed file.
const wayfinder::shard::ShardFiles& good_files() {
  static const auto files = [] {
    wayfinder::shard::ShardInput in;
    in.model_name = "fuzz-model";
    in.dim = 4;
    in.built_at = 1795000000;
    for (int i = 0; i < 3; ++i) {
      wayfinder::ProjectMeta p;
      p.id = "owner" + std::to_string(i) + "/repo";
      p.description = "a game engine in c++";
      p.language = "C++";
      in.projects.push_back(p);
      for (int d = 0; d < 4; ++d) in.vectors.push_back(d == i ? 1.0f : 0.1f);
    }
    return wayfinder::shard::write_shard(in);
  }();
  return files;
}

void use(const wayfinder::shard::Shard& shard) {
  std::vector<float> q(shard.dim(), 0.5f);
  (void)wayfinder::search::search_top_k(shard, q, 3);
  (void)shard.bm25().score("game engine c++");
  for (std::size_t i = 0; i < shard.size(); ++i) (void)shard.index_of(shard.id(i)), (void)shard.meta(i);
  (void)shard.facets();
  (void)header_json(shard.header());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wayfinder::shard;
  if (size == 0) return 0;
  std::vector<std::byte> bytes(size - 1);
  if (size > 1) std::memcpy(bytes.data(), data + 1, size - 1);
  if ((data[0] & 1) && bytes.size() >= 8) {
    const std::uint32_t c = crc32(std::span(bytes).first(bytes.size() - 8));
    for (int i = 0; i < 4; ++i) bytes[bytes.size() - 8 + i] = static_cast<std::byte>(c >> (8 * i));
  }
  try {
    if (data[0] & 2) {
      auto shard = Shard::open_lexical(good_files().lexical);
      shard.attach_vectors(std::move(bytes));
      use(shard);
    } else {
      auto shard = Shard::open_lexical(std::move(bytes));
      use(shard);  // the lexical part alone ranks too
      shard.attach_vectors(good_files().vectors);
      use(shard);
    }
  } catch (const ShardError&) {
  }
  return 0;
}
