// Static files from fixed roots (the app, the models/shards, ORT's wasm): safe path mapping, MIME types,
// cache headers, precompressed .br / .gz chosen by Accept-Encoding (with Vary), conditional GET, and single byte
// ranges of the file itself (a download that broke off asks for the rest). Invariant: no response ever reads outside its root.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http_types.h"

namespace wayfinder::server {

// Decodes %XX once. nullopt for bad escapes, NUL, '\\', a ".." or hidden ("."-prefixed) segment, or a '%'
// left after decoding (double encoding). The result starts without '/'; "" means the root.
std::optional<std::string> safe_relative_path(std::string_view url_path);

std::string_view mime_type_for(std::string_view path);

// The q-value a client's Accept-Encoding gives `coding` (lower case): its own entry, else "*", else 0.
double accepted_quality(std::string_view accept_encoding, std::string_view coding);

// A content coding with its precompressed file suffix; the default (empty name) is the file itself.
struct Encoding {
  std::string_view name;         // "br", "gzip" or "" (identity)
  std::string_view suffix;       // ".br", ".gz" or ""
  std::string_view etag_suffix;  // "-br", "-gz" or ""
};

// Brotli over gzip over identity: the first the client accepts (q > 0) whose precompressed sibling exists and is
// not older than the file.
Encoding choose_encoding(std::string_view accept_encoding, const std::string& file);

// The one byte range a Range header asks for ("bytes=N-", "bytes=N-M" or "bytes=-K") in a file of `size` bytes,
// as [first, last]. kNone: no header, another unit, several ranges or a malformed one (the whole file is sent, as
// RFC 9110 allows); kUnsatisfiable: a range that starts at or past the end (416).
struct ByteRange {
  enum Kind { kNone, kRange, kUnsatisfiable } kind = kNone;
  std::uint64_t first = 0, last = 0;
};
ByteRange parse_range(std::string_view header, std::uint64_t size);

struct StaticRoot {
  std::string dir;            // absolute or relative directory
  std::string cache_control;  // for files other than HTML / manifests
  bool index_html = false;    // "" and directories map to index.html
};

// Serves `relative` (already URL-path-relative to the mount point, undecoded) from `root`.
HttpResponse serve_static(const StaticRoot& root, std::string_view relative, const HttpRequest& req);

}  // namespace wayfinder::server
