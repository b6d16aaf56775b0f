#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wayfinder/shard/sha256.h"

using namespace wayfinder::shard;

namespace {
std::string hex_of(std::string_view s) { return to_hex(sha256(s)); }
}  // namespace

TEST(ShardSha256, MatchesFipsVectors) {
  EXPECT_EQ(hex_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex_of("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                   "mnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(ShardSha256, MillionAsInUnevenPiecesMatchesFipsVector) {
  Sha256 h;
  const std::string chunk(997, 'a');
  std::size_t left = 1000000;
  while (left > 0) {
    const std::size_t n = std::min(left, chunk.size() - (left % 7));
    h.update(std::string_view(chunk.data(), n));
    left -= n;
  }
  const auto d = h.finish();
  EXPECT_EQ(to_hex(d), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(ShardSha256, HexRoundTripsAndRejectsBadInput) {
  const auto d = sha256(std::string_view("abc"));
  EXPECT_EQ(sha256_from_hex(to_hex(d)), d);
  EXPECT_THROW(sha256_from_hex("abc"), std::invalid_argument);
  EXPECT_THROW(sha256_from_hex(std::string(64, 'g')), std::invalid_argument);
}

TEST(ShardCrc32, MatchesZlibCheckValueAndContinues) {
  const std::string s = "123456789";
  const auto bytes = std::as_bytes(std::span(s.data(), s.size()));
  EXPECT_EQ(crc32(bytes), 0xCBF43926u);
  EXPECT_EQ(crc32(bytes.subspan(4), crc32(bytes.first(4))), 0xCBF43926u);
  EXPECT_EQ(crc32({}), 0u);
  const std::string longer(1000, 'x');
  const auto lb = std::as_bytes(std::span(longer.data(), longer.size()));
  EXPECT_EQ(crc32(lb), crc32(lb.subspan(3), crc32(lb.first(3))));
}
