// Security headers of the app's responses: a Content-Security-Policy that allows scripts, wasm, workers and fetches
// from our own origin only, plus Referrer-Policy, Permissions-Policy and nosniff.
// Invariant: the policy is derived from the page it protects (inline scripts are allowed by their own hash), so a
// changed import map cannot silently break the page or widen the policy.
#pragma once

#include <string>
#include <string_view>

#include "http_types.h"

namespace wayfinder::server {

// The Content-Security-Policy for a response whose body is `body` of MIME type `mime`: for HTML, every inline
// <script> (the import map) is allowed by its SHA-256; other resources get the same policy without hashes.
std::string content_security_policy(std::string_view mime, std::string_view body);

// Sets CSP, Referrer-Policy, Permissions-Policy and X-Content-Type-Options on a static-file response.
void add_security_headers(HttpResponse& response, std::string_view mime, std::string_view body);

}  // namespace wayfinder::server
