// POST /v1/clients: issue or renew a client credential (docs/SERVER.md, "Client credentials").
#include <algorithm>
#include <nlohmann/json.hpp>

#include "sync_service.h"
#include "wayfinder/events/event.h"
#include "wayfinder/time_utc.h"

namespace wayfinder::server {
namespace {

constexpr std::int64_t kIssuanceWindowMs = 86400000;  // the per-prefix issuance limit counts the last 24 h
constexpr std::size_t kMaxClientsBody = 4096;

struct ClientsRequest {
  std::string client_id;   // empty: the server picks one
  std::string credential;  // the current credential, to renew
};

// {} or {"clientId"?, "credential"?}; an empty body is {}. Throws events::SchemaError naming the field.
ClientsRequest parse_clients_request(const std::string& body) {
  ClientsRequest out;
  if (body.empty()) return out;
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw events::SchemaError("", "the body must be a JSON object");
  for (const auto& [key, value] : j.items()) {
    if (key != "clientId" && key != "credential") throw events::SchemaError(key, "is not a known field");
    if (!value.is_string()) throw events::SchemaError(key, "must be a string");
  }
  if (j.contains("clientId")) {
    out.client_id = j["clientId"].get<std::string>();
    events::check_id("clientId", out.client_id);
  }
  if (j.contains("credential")) out.credential = j["credential"].get<std::string>();
  if (out.credential.size() > 256) throw events::SchemaError("credential", "is longer than 256 bytes");
  return out;
}

HttpResponse issued(const std::string& client_id, const std::string& credential, std::int64_t expires_s) {
  return json_response(200, nlohmann::json{{"clientId", client_id},
                                           {"credential", credential},
                                           {"expires", format_iso8601_utc(expires_s * 1000)}}
                                .dump());
}

bool is_issued(Database& db, const std::string& client_id) {
  auto st = db.prepare("SELECT 1 FROM client_credentials WHERE client_id = ?");
  st.bind(1, client_id);
  return st.step();
}

}  // namespace

HttpResponse SyncService::route_clients(const HttpRequest& req, Respond&, bool&) {
  const std::int64_t now = now_ms_();
  if (req.body.size() > kMaxClientsBody) {
    return json_error(413, "body is larger than " + std::to_string(kMaxClientsBody) + " bytes");
  }
  if (const int wait = address_limiter_.acquire(credentials_.address_of(req), now); wait > 0) {
    auto r = json_error(429, "too many requests from this address");
    r.set("Retry-After", std::to_string(wait));
    return r;
  }
  ClientsRequest in;
  try {
    in = parse_clients_request(req.body);
  } catch (const events::SchemaError& ex) {
    return json_error(400, ex.what(), ex.field());
  }
  const std::string presented = ClientCredentials::presented(req, in.credential);
  if (!in.client_id.empty() && !presented.empty()) return renew_client(in.client_id, presented, now);
  return issue_new_client(req, in.client_id, now);
}

// An id the server issued before, with its credential (valid, or expired: the tag still proves the id): a fresh
// credential for the same id, outside the issuance limit. A forged or malformed one is refused (401).
HttpResponse SyncService::renew_client(const std::string& client_id, const std::string& credential, std::int64_t now) {
  const auto check = credentials_.check(client_id, credential, now);
  if (check.status != identity::CredentialStatus::valid && check.status != identity::CredentialStatus::expired) {
    return credential_refusal(check);
  }
  std::int64_t expires_s = 0;
  const std::string fresh = credentials_.issue(client_id, now, expires_s);
  std::lock_guard l(read_mu_);
  read_db_.ensure_connected();
  Transaction tx(read_db_);
  read_db_.prepare("INSERT INTO client_credentials(client_id, issued_ms, renewed_ms) VALUES (?1, ?2, ?2) "
                   "ON CONFLICT(client_id) DO UPDATE SET renewed_ms = excluded.renewed_ms")
      .bind(1, client_id).bind(2, now).run();
  tx.commit();
  metrics_.count("wayfinder_credentials_renewed_total");
  return issued(client_id, fresh, expires_s);
}

// A new id (the one asked for, if no credential was ever issued for it; else a random one): at most
// clients_per_prefix_per_day per address prefix in any 24 h (429 + Retry-After beyond; 0 = no limit).
HttpResponse SyncService::issue_new_client(const HttpRequest& req, std::string client_id, std::int64_t now) {
  const std::string prefix = credentials_.prefix_hash_of(req);
  std::lock_guard l(read_mu_);
  read_db_.ensure_connected();
  Transaction tx(read_db_);
  if (!client_id.empty() && is_issued(read_db_, client_id)) {
    return json_error(409, "client id '" + client_id + "' already holds a credential: renew with it", "clientId");
  }
  read_db_.prepare("DELETE FROM credential_issuance WHERE issued_ms <= ?").bind(1, now - kIssuanceWindowMs).run();
  auto recent = read_db_.prepare("SELECT count(*), min(issued_ms) FROM credential_issuance WHERE prefix_hash = ?");
  recent.bind(1, prefix);
  recent.step();
  const int limit = config_.clients_per_prefix_per_day;
  if (limit > 0 && recent.int64(0) >= limit) {
    const std::int64_t wait_s = (recent.int64(1) + kIssuanceWindowMs - now + 999) / 1000;
    auto r = json_error(429, "this network has asked for " + std::to_string(limit) +
                                 " new client credentials in 24 h, the limit: retry later");
    r.set("Retry-After", std::to_string(std::max<std::int64_t>(1, wait_s)));
    metrics_.count_rejected("credential_limit");
    return r;
  }
  recent.reset();
  if (client_id.empty()) client_id = random_client_id();
  read_db_.prepare("INSERT INTO credential_issuance(prefix_hash, issued_ms) VALUES (?, ?)").bind(1, prefix).bind(2, now).run();
  read_db_.prepare("INSERT INTO client_credentials(client_id, issued_ms, renewed_ms) VALUES (?1, ?2, ?2)")
      .bind(1, client_id).bind(2, now).run();
  tx.commit();
  std::int64_t expires_s = 0;
  const std::string credential = credentials_.issue(client_id, now, expires_s);
  metrics_.count("wayfinder_credentials_issued_total");
  return issued(client_id, credential, expires_s);
}

}  // namespace wayfinder::server
