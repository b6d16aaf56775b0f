#include "http_types.h"

#include <nlohmann/json.hpp>
#include <strings.h>

namespace wayfinder::server {

std::string HttpResponse::header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return {};
}

void HttpResponse::set(const std::string& name, std::string value) {
  for (auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(name, std::move(value));
}

HttpResponse json_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.set("Content-Type", "application/json");
  r.set("Cache-Control", "no-store");
  return r;
}

HttpResponse json_error(int status, const std::string& error, const std::string& field) {
  nlohmann::json j = {{"error", error}};
  if (!field.empty()) j["field"] = field;
  return json_response(status, j.dump());
}

}  // namespace wayfinder::server
