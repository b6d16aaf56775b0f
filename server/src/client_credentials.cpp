#include "client_credentials.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "client_address.h"
#include "wayfinder/shard/sha256.h"
#include "wayfinder/time_utc.h"

namespace wayfinder::server {
namespace {

std::vector<std::uint8_t> random_bytes(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  std::ifstream in("/dev/urandom", std::ios::binary);
  if (!in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n))) {
    throw std::runtime_error("cannot read /dev/urandom");
  }
  return out;
}

std::string to_hex(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const auto b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `what` names where the key came from, for the error.
std::vector<std::uint8_t> parse_hex_key(std::string text, const std::string& what) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  if (text.size() < 32 || text.size() % 2 != 0) {
    throw std::runtime_error(what + ": the credential key must be an even number (>= 32) of hex digits");
  }
  std::vector<std::uint8_t> key;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = hex_value(text[i]), lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) throw std::runtime_error(what + ": the credential key has a character that is not hex");
    key.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return key;
}

// Reads the key file, creating it (32 random bytes, hex, mode 0600) when it does not exist. O_EXCL: of two
// servers starting together one creates it and the other reads it.
std::vector<std::uint8_t> key_from_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd >= 0) {
    const std::string hex = to_hex(random_bytes(32)) + "\n";
    const bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write the credential key file " + path);
  } else if (errno != EEXIST) {
    throw std::runtime_error("cannot create the credential key file " + path + ": " + std::strerror(errno));
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read the credential key file " + path);
  return parse_hex_key(text.str(), path);
}

}  // namespace

std::vector<std::uint8_t> load_credential_key(const ServerConfig& config) {
  if (!config.credential_key.empty()) return parse_hex_key(config.credential_key, "credentialKey");
  if (!config.credential_key_file.empty()) return key_from_file(config.credential_key_file);
  if (config.db.rfind("postgres", 0) == 0) {
    throw std::runtime_error(
        "a PostgreSQL database needs --credential-key or --credential-key-file (every server must use the same key)");
  }
  return key_from_file(config.db + ".credential-key");
}

std::string random_client_id() { return to_hex(random_bytes(16)); }

ClientCredentials::ClientCredentials(std::vector<std::uint8_t> key, int lifetime_days,
                                     std::vector<std::string> trusted_proxies)
    : key_(std::move(key)), lifetime_days_(lifetime_days), trusted_proxies_(std::move(trusted_proxies)) {
  const auto derived = identity::hmac_sha256(key_, "wayfinder address-prefix key");
  prefix_key_.assign(derived.begin(), derived.end());
}

std::string ClientCredentials::issue(const std::string& client_id, std::int64_t now_ms, std::int64_t& expires_s) const {
  expires_s = now_ms / 1000 + static_cast<std::int64_t>(lifetime_days_) * 86400;
  return identity::issue_credential(key_, client_id, expires_s);
}

identity::CredentialCheck ClientCredentials::check(std::string_view client_id, std::string_view credential,
                                                   std::int64_t now_ms) const {
  return identity::verify_credential(key_, client_id, credential, now_ms / 1000);
}

std::string ClientCredentials::presented(const HttpRequest& req, const std::string& body_credential) {
  const std::string h = req.header("authorization");
  constexpr std::string_view kScheme = "Wayfinder ";
  if (h.size() > kScheme.size() && std::string_view(h).substr(0, kScheme.size()) == kScheme) {
    return h.substr(kScheme.size());
  }
  return body_credential;
}

std::string ClientCredentials::address_of(const HttpRequest& req) const {
  return client_address(req.remote_address, req.header("x-forwarded-for"), trusted_proxies_);
}

std::string ClientCredentials::prefix_hash_of(const HttpRequest& req) const {
  const std::string address = address_of(req);
  std::string prefix;
  try {
    prefix = address_prefix(address);
  } catch (const std::invalid_argument&) {
    prefix = address;  // not an IP address (a unix socket, a test): the address itself is its own prefix
  }
  return prefix_hash(prefix_key_, prefix);
}

std::string ClientCredentials::client_hash(std::string_view client_id) const {
  const auto log_key = identity::hmac_sha256(key_, "wayfinder log client-id key");
  const auto mac = identity::hmac_sha256(log_key, std::string("client|") + std::string(client_id));
  return shard::to_hex(std::span<const std::uint8_t>(mac.data(), 16));
}

HttpResponse credential_refusal(const identity::CredentialCheck& check) {
  std::string what;
  switch (check.status) {
    case identity::CredentialStatus::expired:
      what = "credential expired at " + format_iso8601_utc(check.expires_s * 1000) +
             ": renew it with POST /v1/clients";
      break;
    case identity::CredentialStatus::forged:
      what = "credential does not belong to this client id (forged, or another client's)";
      break;
    default:
      what = "credential is malformed: " +
             (check.message.rfind("credential: ", 0) == 0 ? check.message.substr(12) : check.message);
  }
  auto r = json_error(401, what, "credential");
  r.set("WWW-Authenticate", "Wayfinder");
  return r;
}

}  // namespace wayfinder::server
