#include "static_files.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "security_headers.h"

namespace wayfinder::server {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

double accepted_quality(std::string_view accept_encoding, std::string_view coding) {
  double star = -1, exact = -1;
  std::size_t start = 0;
  while (start <= accept_encoding.size()) {
    auto end = accept_encoding.find(',', start);
    if (end == std::string_view::npos) end = accept_encoding.size();
    std::string_view item = accept_encoding.substr(start, end - start);
    double q = 1;
    if (const auto semi = item.find(';'); semi != std::string_view::npos) {
      const auto qpos = item.find("q=", semi);
      if (qpos != std::string_view::npos) q = std::strtod(std::string(item.substr(qpos + 2)).c_str(), nullptr);
      item = item.substr(0, semi);
    }
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    std::string lower(item);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == coding) exact = q;
    if (lower == "*") star = q;
    start = end + 1;
  }
  return exact >= 0 ? exact : (star >= 0 ? star : 0);
}

Encoding choose_encoding(std::string_view accept_encoding, const std::string& file) {
  static constexpr Encoding kPreferred[] = {{"br", ".br", "-br"}, {"gzip", ".gz", "-gz"}};
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto source_time = fs::last_write_time(file, ec);
  if (ec) return {};
  for (const auto& e : kPreferred) {
    if (accepted_quality(accept_encoding, e.name) <= 0) continue;
    const std::string sibling = file + std::string(e.suffix);
    // A sibling older than the file is stale (the file was rebuilt after precompression): never serve it.
    if (fs::is_regular_file(sibling, ec) && fs::last_write_time(sibling, ec) >= source_time && !ec) return e;
  }
  return {};
}

std::optional<std::string> safe_relative_path(std::string_view url_path) {
  std::string decoded;
  decoded.reserve(url_path.size());
  for (std::size_t i = 0; i < url_path.size(); ++i) {
    char c = url_path[i];
    if (c == '%') {
      if (i + 2 >= url_path.size()) return std::nullopt;
      const int hi = hex_value(url_path[i + 1]), lo = hex_value(url_path[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
      if (c == '%') return std::nullopt;  // double encoding: never decode twice, never serve it
    }
    if (c == '\0' || c == '\\') return std::nullopt;
    decoded.push_back(c);
  }
  // Split into segments; reject "..", "." and hidden segments; collapse duplicate slashes.
  std::string out;
  std::size_t start = 0;
  while (start <= decoded.size()) {
    const auto slash = decoded.find('/', start);
    const auto end = slash == std::string::npos ? decoded.size() : slash;
    const std::string_view seg = std::string_view(decoded).substr(start, end - start);
    if (!seg.empty()) {
      if (seg.front() == '.') return std::nullopt;
      if (!out.empty()) out.push_back('/');
      out.append(seg);
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (!decoded.empty() && decoded.back() == '/' && !out.empty()) out.push_back('/');
  return out;
}

std::string_view mime_type_for(std::string_view path) {
  struct Entry {
    std::string_view ext, mime;
  };
  static constexpr Entry kTable[] = {
      {".html", "text/html; charset=utf-8"},     {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},             {".jsonl", "application/x-ndjson"},
      {".wasm", "application/wasm"},             {".onnx", "application/octet-stream"},
      {".wfshard", "application/octet-stream"},  {".svg", "image/svg+xml"},
      {".png", "image/png"},                     {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"}, {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},              {".md", "text/markdown; charset=utf-8"},
  };
  for (const auto& e : kTable) {
    if (ends_with(path, e.ext)) return e.mime;
  }
  return "application/octet-stream";
}

namespace {

std::optional<std::uint64_t> parse_digits(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

}  // namespace

ByteRange parse_range(std::string_view header, std::uint64_t size) {
  constexpr std::string_view kUnit = "bytes=";
  if (header.substr(0, kUnit.size()) != kUnit) return {};
  const std::string_view spec = header.substr(kUnit.size());
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return {};
  const auto first = parse_digits(spec.substr(0, dash));
  const auto last = parse_digits(spec.substr(dash + 1));
  if (!first) {  // "-K": the last K bytes
    if (!last || *last == 0) return last ? ByteRange{ByteRange::kUnsatisfiable} : ByteRange{};
    return {ByteRange::kRange, size - std::min(*last, size), size - 1};
  }
  if (dash + 1 < spec.size() && (!last || *last < *first)) return {};
  if (*first >= size) return {ByteRange::kUnsatisfiable};
  return {ByteRange::kRange, *first, last ? std::min(*last, size - 1) : size - 1};
}

namespace {

// The part of a response that a Range header asked for: 206 with Content-Range, or 416.
void apply_range(HttpResponse& r, const ByteRange& range, std::uint64_t size) {
  if (range.kind == ByteRange::kUnsatisfiable) {
    r.status = 416;
    r.body.clear();
    r.set("Content-Range", "bytes */" + std::to_string(size));
    return;
  }
  r.status = 206;
  r.body = r.body.substr(range.first, range.last - range.first + 1);
  r.set("Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" + std::to_string(size));
}

}  // namespace

namespace {

// The regular file `rel` names under the root (index.html for a directory where the root has one), canonical and
// inside the root: symlinks must not lead out of it either. nullopt: not found.
std::optional<std::filesystem::path> file_in_root(const StaticRoot& root, const std::string& rel) {
  namespace fs = std::filesystem;
  if (root.dir.empty()) return std::nullopt;
  std::error_code ec;
  const fs::path base = fs::canonical(root.dir, ec);
  if (ec) return std::nullopt;
  std::string name = rel;
  if (root.index_html && (name.empty() || name.back() == '/')) name += "index.html";
  fs::path file = base / name;
  if (root.index_html && fs::is_directory(file, ec)) file /= "index.html";
  const fs::path real = fs::canonical(file, ec);
  if (ec || !fs::is_regular_file(real, ec)) return std::nullopt;
  const auto rs = real.string(), bs = base.string();
  if (rs.compare(0, bs.size(), bs) != 0 || (rs.size() > bs.size() && rs[bs.size()] != '/')) return std::nullopt;
  return real;
}

}  // namespace

HttpResponse serve_static(const StaticRoot& root, std::string_view relative, const HttpRequest& req) {
  namespace fs = std::filesystem;
  const auto q = relative.find('?');
  if (q != std::string_view::npos) relative = relative.substr(0, q);
  const auto rel = safe_relative_path(relative);
  if (!rel) return json_error(400, "bad path");
  const auto found = file_in_root(root, *rel);
  if (!found) return json_error(404, "not found");
  const fs::path& real = *found;
  const auto rs = real.string();
  std::error_code ec;
  // A byte range is of the file itself: a precompressed stream cannot be entered midway. (If-Range names the
  // identity representation's ETag; another one gets the whole file.)
  const auto size = fs::file_size(real, ec);
  if (ec) return json_error(404, "not found");
  ByteRange range = parse_range(req.header("range"), size);
  // A precompressed sibling (name.br, name.gz, written at build time) when the client accepts its encoding.
  const Encoding enc = range.kind != ByteRange::kNone ? Encoding{} : choose_encoding(req.header("accept-encoding"), real.string());
  const fs::path chosen = real.string() + std::string(enc.suffix);
  struct stat st {};
  if (::stat(chosen.c_str(), &st) != 0) return json_error(404, "not found");
  // One ETag per representation: a cache must never answer a gzip request with brotli bytes.
  std::ostringstream etag;
  etag << "\"" << std::hex << st.st_size << "-" << st.st_mtime << enc.etag_suffix << "\"";

  HttpResponse r;
  r.set("Content-Type", std::string(mime_type_for(real.string())));
  r.set("ETag", etag.str());
  r.set("Vary", "Accept-Encoding");
  r.set("Accept-Ranges", "bytes");
  if (const auto if_range = req.header("if-range"); !if_range.empty() && if_range != etag.str()) range = {};
  const bool revalidate = ends_with(rs, ".html") || ends_with(rs, "manifest.json") || ends_with(rs, "sw.js");
  r.set("Cache-Control", revalidate ? "no-cache" : root.cache_control);
  if (!enc.name.empty()) r.set("Content-Encoding", std::string(enc.name));
  // The policy hashes a page's inline scripts, so it reads the page itself (never the compressed copy).
  add_security_headers(r, mime_type_for(rs), ends_with(rs, ".html") ? read_file(real).value_or("") : "");
  if (req.header("if-none-match") == etag.str()) {
    r.status = 304;
    return r;
  }
  if (req.method == "HEAD") {
    r.head_only = true;
    r.head_length = static_cast<std::size_t>(st.st_size);
    return r;
  }
  auto body = read_file(chosen);
  if (!body) return json_error(404, "not found");
  r.body = std::move(*body);
  if (range.kind != ByteRange::kNone) apply_range(r, range, size);
  return r;
}

}  // namespace wayfinder::server
