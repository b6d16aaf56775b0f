#include "wayfinder/identity/credential.h"

#include <charconv>
#include <stdexcept>

#include "wayfinder/encoding.h"
#include "wayfinder/shard/sha256.h"

namespace wayfinder::identity {
namespace {

constexpr std::string_view kVersion = "wf1";
constexpr std::size_t kBlock = 64;
constexpr std::size_t kTagChars = 43;  // base64url of 32 bytes, unpadded

std::span<const std::byte> bytes_of(std::span<const std::uint8_t> s) { return std::as_bytes(s); }

std::string tag_of(std::span<const std::uint8_t> key, std::string_view client_id, std::int64_t expires_s) {
  const std::string message = std::string(kVersion) + "|" + std::string(client_id) + "|" + std::to_string(expires_s);
  const auto mac = hmac_sha256(key, message);
  return base64url(mac);
}

struct Parsed {
  std::int64_t expires_s = 0;
  std::string_view tag;
};

// "wf1.<expires>.<tag>" → parts, or throws std::invalid_argument naming what is wrong.
Parsed parse(std::string_view credential) {
  const auto dot1 = credential.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : credential.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) throw std::invalid_argument("credential: expected wf1.<expires>.<tag>");
  if (credential.substr(0, dot1) != kVersion) throw std::invalid_argument("credential: unknown version (expected wf1)");
  const auto num = credential.substr(dot1 + 1, dot2 - dot1 - 1);
  Parsed p;
  const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), p.expires_s);
  if (num.empty() || ec != std::errc() || end != num.data() + num.size() || p.expires_s <= 0) {
    throw std::invalid_argument("credential: expiry is not a positive whole number of seconds");
  }
  p.tag = credential.substr(dot2 + 1);
  if (p.tag.size() != kTagChars) {
    throw std::invalid_argument("credential: tag has " + std::to_string(p.tag.size()) + " characters, expected " +
                                std::to_string(kTagChars) + " (truncated?)");
  }
  for (const char c : p.tag) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) throw std::invalid_argument("credential: tag is not base64url");
  }
  return p;
}

}  // namespace

Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view message) {
  std::array<std::uint8_t, kBlock> k{};
  if (key.size() > kBlock) {
    shard::Sha256 h;
    h.update(bytes_of(key));
    const auto d = h.finish();
    std::copy(d.begin(), d.end(), k.begin());
  } else {
    std::copy(key.begin(), key.end(), k.begin());
  }
  std::array<std::uint8_t, kBlock> ipad{}, opad{};
  for (std::size_t i = 0; i < kBlock; ++i) {
    ipad[i] = static_cast<std::uint8_t>(k[i] ^ 0x36);
    opad[i] = static_cast<std::uint8_t>(k[i] ^ 0x5c);
  }
  shard::Sha256 inner;
  inner.update(bytes_of(ipad));
  inner.update(message);
  const auto inner_digest = inner.finish();
  shard::Sha256 outer;
  outer.update(bytes_of(opad));
  outer.update(bytes_of(inner_digest));
  return outer.finish();
}

std::string issue_credential(std::span<const std::uint8_t> key, std::string_view client_id, std::int64_t expires_s) {
  if (key.empty()) throw std::invalid_argument("credential: empty server key");
  if (client_id.empty()) throw std::invalid_argument("credential: empty client id");
  if (expires_s <= 0) throw std::invalid_argument("credential: expiry must be positive");
  return std::string(kVersion) + "." + std::to_string(expires_s) + "." + tag_of(key, client_id, expires_s);
}

CredentialCheck verify_credential(std::span<const std::uint8_t> key, std::string_view client_id,
                                  std::string_view credential, std::int64_t now_s) {
  CredentialCheck out;
  Parsed p;
  try {
    p = parse(credential);
  } catch (const std::invalid_argument& e) {
    out.message = e.what();
    return out;
  }
  out.expires_s = p.expires_s;
  // The tag is checked before the expiry: an expired forgery is reported as forged, not as merely expired.
  if (client_id.empty() || !constant_time_equal(p.tag, tag_of(key, client_id, p.expires_s))) {
    out.status = CredentialStatus::forged;
    out.message = "credential: tag does not match this client id";
    return out;
  }
  if (now_s >= p.expires_s) {
    out.status = CredentialStatus::expired;
    out.message = "credential: expired at " + std::to_string(p.expires_s) + " (Unix s); ask for a new one";
    return out;
  }
  out.status = CredentialStatus::valid;
  return out;
}

std::int64_t credential_expiry(std::string_view credential) { return parse(credential).expires_s; }

}  // namespace wayfinder::identity
