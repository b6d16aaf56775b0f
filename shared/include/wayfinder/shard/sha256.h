// SHA-256 (FIPS 180-4) and CRC-32 (IEEE 802.3, reflected, as zlib): the checksums of shard files and manifests.
// Invariant: pure functions of the bytes; identical results natively and in WASM.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wayfinder::shard {

using Sha256Digest = std::array<std::uint8_t, 32>;

// Incremental SHA-256: update() any number of times, then finish() once.
class Sha256 {
 public:
  Sha256();
  void update(std::span<const std::byte> data);
  void update(std::string_view data);
  Sha256Digest finish();

 private:
  void compress(const std::uint8_t* block);
  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

Sha256Digest sha256(std::span<const std::byte> data);
Sha256Digest sha256(std::string_view data);
std::string to_hex(std::span<const std::uint8_t> bytes);  // lowercase
// Parses 64 hex digits (either case); throws std::invalid_argument otherwise.
Sha256Digest sha256_from_hex(std::string_view hex);

// CRC-32 as zlib's crc32(): pass the previous value to continue over several pieces.
std::uint32_t crc32(std::span<const std::byte> data, std::uint32_t previous = 0);

}  // namespace wayfinder::shard
