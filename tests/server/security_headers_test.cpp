// The app's Content-Security-Policy: own origin only, inline scripts allowed by their own hash and nothing else.
#include <gtest/gtest.h>

#include "security_headers.h"

namespace wayfinder::server {
namespace {

int count(const std::string& s, const std::string& what) {
  int n = 0;
  for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
  return n;
}

TEST(SecurityHeaders, AnInlineImportMapIsAllowedByItsHashAndExternalScriptsAreNotHashed) {
  const std::string html =
      "<head><script type=\"importmap\">\n    { \"imports\": {} }\n  </script>"
      "<script type=\"module\" src=\"app.js\"></script></head>";
  const auto csp = content_security_policy("text/html; charset=utf-8", html);
  // base64(SHA-256("\n    { \"imports\": {} }\n  ")), as Node's crypto computes it
  EXPECT_NE(csp.find("'sha256-1DS2sTBDPG/0u1nDELzO/8TaotAHImSejI4srQyQW44='"), std::string::npos) << csp;
  EXPECT_EQ(count(csp, "'sha256-"), 1) << csp;
}

TEST(SecurityHeaders, ThePolicyKeepsScriptsFetchesAndWorkersOnOurOwnOrigin) {
  const auto csp = content_security_policy("text/javascript; charset=utf-8", "<script>abc</script>");
  EXPECT_EQ(count(csp, "'sha256-"), 0) << "only HTML pages get inline-script hashes: " << csp;
  for (const char* d : {"default-src 'self'", "script-src 'self' 'wasm-unsafe-eval';", "connect-src 'self'",
                        "worker-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "style-src 'self'"}) {
    EXPECT_NE(csp.find(d), std::string::npos) << d << " missing in " << csp;
  }
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("'unsafe-eval'"), std::string::npos);
  EXPECT_EQ(csp.find("http"), std::string::npos) << "no other origin is ever allowed";
}

TEST(SecurityHeaders, EveryStaticResponseGetsTheFourHeaders) {
  HttpResponse r;
  add_security_headers(r, "text/html; charset=utf-8", "<p>hi</p>");
  EXPECT_FALSE(r.header("Content-Security-Policy").empty());
  EXPECT_EQ(r.header("Referrer-Policy"), "no-referrer");
  EXPECT_NE(r.header("Permissions-Policy").find("camera=()"), std::string::npos);
  EXPECT_EQ(r.header("X-Content-Type-Options"), "nosniff");
}

}  // namespace
}  // namespace wayfinder::server
