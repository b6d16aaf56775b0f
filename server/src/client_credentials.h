// Client credentials on the server: the key, what a request presents, the one check every route uses, and the
// keyed hash of the request's address prefix. Built on the core's wayfinder/identity/credential.h.
// Invariant: a request's credential is checked only through ClientCredentials::check (docs/SERVER.md,
// "Client credentials"); the key and raw addresses never leave this object.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config.h"
#include "http_types.h"
#include "wayfinder/identity/credential.h"

namespace wayfinder::server {

// The HMAC key: `credential_key` (hex), else the file `credential_key_file`, else for SQLite the file
// "<db>.credential-key". A missing key file is created with 32 random bytes (hex, mode 0600). PostgreSQL (many
// servers, one key) needs --credential-key or --credential-key-file. Throws std::runtime_error naming the problem.
std::vector<std::uint8_t> load_credential_key(const ServerConfig& config);

class ClientCredentials {
 public:
  ClientCredentials(std::vector<std::uint8_t> key, int lifetime_days, std::vector<std::string> trusted_proxies);

  // A credential for `client_id` valid for the configured lifetime from `now_ms`; its expiry in Unix seconds.
  std::string issue(const std::string& client_id, std::int64_t now_ms, std::int64_t& expires_s) const;
  // The check of `credential` presented for `client_id` (malformed / expired / forged told apart).
  identity::CredentialCheck check(std::string_view client_id, std::string_view credential, std::int64_t now_ms) const;
  // What `req` presents: the "Authorization: Wayfinder <credential>" header, else `body_credential` (the JSON
  // body's "credential" field, which beacons use because they cannot set headers). Empty when neither.
  static std::string presented(const HttpRequest& req, const std::string& body_credential);

  // The client's address (X-Forwarded-For believed only from a trusted proxy) and the keyed hash of its /24 or
  // /64 prefix: what storage keeps, never the address.
  std::string address_of(const HttpRequest& req) const;
  std::string prefix_hash_of(const HttpRequest& req) const;
  // A keyed hash of a client id (hex, 128 bits of HMAC-SHA256 under a key derived from the server key): what a log
  // line names instead of the id, so two lines of one client match without the id ever being written.
  std::string client_hash(std::string_view client_id) const;

 private:
  std::vector<std::uint8_t> key_, prefix_key_;
  int lifetime_days_;
  std::vector<std::string> trusted_proxies_;
};

// The 401 for a credential that failed its check: the problem named, field "credential".
HttpResponse credential_refusal(const identity::CredentialCheck& check);

// 32 hex digits of fresh randomness (server-chosen client ids).
std::string random_client_id();

}  // namespace wayfinder::server
