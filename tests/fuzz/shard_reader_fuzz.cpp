// libFuzzer target: Shard::open on arbitrary bytes must either succeed or throw ShardError — never crash or UB.
// Half of the inputs get a recomputed trailer checksum so the fuzzer reaches the structural checks behind it.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "wayfinder/search/top_k.h"
#include "wayfinder/shard/manifest.h"
#include "wayfinder/shard/shard.h"

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
    const auto shard = Shard::open(std::move(bytes));
    std::vector<float> q(shard.dim(), 0.5f);
    (void)wayfinder::search::search_top_k(shard, q, 3);
    (void)shard.bm25().score("game engine c++");
    for (std::size_t i = 0; i < shard.size(); ++i) (void)shard.index_of(shard.id(i)), (void)shard.meta(i);
    (void)shard.facets();
    (void)header_json(shard.header());
  } catch (const ShardError&) {
  }
  return 0;
}
