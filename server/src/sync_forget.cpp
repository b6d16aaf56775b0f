// POST /v1/forget: delete every raw row of one client, authorised by that client's own credential
// (docs/SERVER.md, "Forget me").
#include <nlohmann/json.hpp>

#include "forget.h"
#include "json_log.h"
#include "sync_service.h"
#include "wayfinder/events/event.h"

namespace wayfinder::server {
namespace {

constexpr std::size_t kMaxForgetBody = 4096;

struct ForgetRequest {
  std::string client_id;
  std::string credential;  // the body form; the Authorization header wins (ClientCredentials::presented)
};

// {"clientId", "credential"?}. Throws events::SchemaError naming the field.
ForgetRequest parse_forget_request(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw events::SchemaError("", "the body must be a JSON object {\"clientId\": …}");
  for (const auto& [key, value] : j.items()) {
    if (key != "clientId" && key != "credential") throw events::SchemaError(key, "is not a known field");
    if (!value.is_string()) throw events::SchemaError(key, "must be a string");
  }
  if (!j.contains("clientId")) throw events::SchemaError("clientId", "is missing");
  ForgetRequest out{j["clientId"].get<std::string>(), j.value("credential", std::string())};
  events::check_id("clientId", out.client_id);
  if (out.credential.size() > 256) throw events::SchemaError("credential", "is longer than 256 bytes");
  return out;
}

}  // namespace

HttpResponse SyncService::route_forget(const HttpRequest& req, Respond&, bool&) {
  if (req.body.size() > kMaxForgetBody) return json_error(413, "body is larger than " + std::to_string(kMaxForgetBody) + " bytes");
  ForgetRequest in;
  try {
    in = parse_forget_request(req.body);
  } catch (const events::SchemaError& ex) {
    return json_error(400, ex.what(), ex.field());
  }
  // Only the client's own credential: a client id alone, or another client's credential, deletes nothing.
  const auto check = check_credential(req, in.client_id, in.credential);
  if (check.status != identity::CredentialStatus::valid) return credential_refusal(check);
  nlohmann::json answer;
  {
    std::lock_guard l(read_mu_);
    read_db_.ensure_connected();
    answer = forget_client(read_db_, in.client_id);
  }
  log_info("client forgotten", {{"client", credentials_.client_hash(in.client_id)}, {"deleted", answer["deleted"]}});
  return json_response(200, answer.dump());
}

}  // namespace wayfinder::server
