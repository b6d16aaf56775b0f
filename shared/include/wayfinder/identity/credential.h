// Client credentials: a client id with an expiry and an HMAC-SHA256 tag under a server key, so that minting ids
// costs a request to the server (which rate-limits issuance) instead of nothing.
// Invariant: verification is a pure function of (key, client id, credential, now); the tag is compared in constant time.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wayfinder::identity {

using Digest = std::array<std::uint8_t, 32>;

// HMAC-SHA256 (RFC 2104 / FIPS 198-1) over the core's SHA-256.
Digest hmac_sha256(std::span<const std::uint8_t> key, std::string_view message);

// The credential's wire form: "wf1.<expires, Unix seconds>.<tag>", tag = base64url (no padding) of
// HMAC-SHA256(key, "wf1|<client id>|<expires>"). Throws std::invalid_argument for an empty key or client id.
std::string issue_credential(std::span<const std::uint8_t> key, std::string_view client_id, std::int64_t expires_s);

enum class CredentialStatus { valid, malformed, expired, forged };

struct CredentialCheck {
  CredentialStatus status = CredentialStatus::malformed;
  std::int64_t expires_s = 0;  // parsed expiry (0 when malformed)
  std::string message;         // names what is wrong; empty when valid
};

// Checks a credential presented with `client_id` at time `now_s`. Malformed (wrong version, truncated, bad
// base64, bad number) is told apart from expired and from a tag that does not match (forged, or another client's).
CredentialCheck verify_credential(std::span<const std::uint8_t> key, std::string_view client_id,
                                  std::string_view credential, std::int64_t now_s);

// The expiry a credential states, without checking its tag (clients use it to renew in time); throws
// std::invalid_argument naming the problem for a malformed credential.
std::int64_t credential_expiry(std::string_view credential);

}  // namespace wayfinder::identity
