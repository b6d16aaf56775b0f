// Beast-free HTTP request/response values: the session converts to and from these; handlers never see sockets.
// Invariant: header names in HttpRequest::headers are lowercase.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace wayfinder::server {

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";  // path and query, as received
  std::map<std::string, std::string> headers;
  std::string body;
  std::string remote_address;

  std::string header(const std::string& lowercase_name) const {
    const auto it = headers.find(lowercase_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool head_only = false;       // HEAD: send headers only
  std::size_t head_length = 0;  // the Content-Length a HEAD response announces

  std::string header(const std::string& name) const;
  void set(const std::string& name, std::string value);
};

HttpResponse json_response(int status, std::string body);
HttpResponse json_error(int status, const std::string& error, const std::string& field = "");

}  // namespace wayfinder::server
