#include "security_headers.h"

#include <span>
#include <vector>

#include "wayfinder/encoding.h"
#include "wayfinder/shard/sha256.h"

namespace wayfinder::server {
namespace {

// The text of every inline <script> element (one without a src attribute) of an HTML page.
std::vector<std::string_view> inline_scripts(std::string_view html) {
  std::vector<std::string_view> out;
  for (std::size_t at = html.find("<script"); at != std::string_view::npos; at = html.find("<script", at + 1)) {
    const auto open_end = html.find('>', at);
    if (open_end == std::string_view::npos) break;
    const auto close = html.find("</script>", open_end);
    if (close == std::string_view::npos) break;
    if (html.substr(at, open_end - at).find(" src=") == std::string_view::npos) {
      out.push_back(html.substr(open_end + 1, close - open_end - 1));
    }
  }
  return out;
}

}  // namespace

std::string content_security_policy(std::string_view mime, std::string_view body) {
  std::string script_src = "'self' 'wasm-unsafe-eval'";
  if (mime.starts_with("text/html")) {
    for (const auto script : inline_scripts(body)) {
      shard::Sha256 h;
      h.update(script);
      script_src += " 'sha256-" + base64(h.finish()) + "'";
    }
  }
  return "default-src 'self'; script-src " + script_src +
         "; worker-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; "
         "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

void add_security_headers(HttpResponse& response, std::string_view mime, std::string_view body) {
  response.set("Content-Security-Policy", content_security_policy(mime, body));
  response.set("Referrer-Policy", "no-referrer");
  response.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()");
  response.set("X-Content-Type-Options", "nosniff");
}

}  // namespace wayfinder::server
