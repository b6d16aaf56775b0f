#include "db.h"

#include <regex>

namespace wayfinder::server {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// The URL's userinfo password span [begin, end) ("postgresql://user:PASSWORD@host"), if any.
std::optional<std::pair<std::size_t, std::size_t>> url_password(std::string_view db) {
  const auto scheme = db.find("://");
  if (scheme == std::string_view::npos) return std::nullopt;
  const std::size_t start = scheme + 3;
  const auto query = db.find('?', start);
  const auto at = db.substr(0, query).rfind('@');
  if (at == std::string_view::npos || at < start) return std::nullopt;
  const auto colon = db.find(':', start);
  if (colon == std::string_view::npos || colon > at) return std::nullopt;
  return std::make_pair(colon + 1, at);
}

const std::regex& password_param() {
  // ?password=x&…, password=x in a key/value string, password='quoted value'.
  static const std::regex re(R"((^|[?&\s])(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s]*))", std::regex::icase);
  return re;
}

std::int64_t job_key(std::string_view job) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a, stable across builds and servers
  for (const char c : std::string("wayfinder:") + std::string(job)) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return static_cast<std::int64_t>(h >> 1);
}

}  // namespace

bool is_postgres_url(std::string_view db) {
  return starts_with(db, "postgresql://") || starts_with(db, "postgres://");
}

std::string redact_connection(std::string_view db) {
  std::string out(db);
  if (const auto span = url_password(out); span && span->second > span->first) {
    out.replace(span->first, span->second - span->first, "***");
  }
  return std::regex_replace(out, password_param(), "$1$2***");
}

std::string scrub_secret(std::string message, std::string_view db) {
  std::vector<std::string> secrets = {std::string(db)};
  if (const auto span = url_password(db)) secrets.emplace_back(db.substr(span->first, span->second - span->first));
  const std::string s(db);
  for (std::sregex_iterator it(s.begin(), s.end(), password_param()), end; it != end; ++it) {
    std::string v = (*it)[3];
    if (v.size() >= 2 && v.front() == '\'') v = v.substr(1, v.size() - 2);
    secrets.push_back(v);
  }
  const std::string masked = redact_connection(db);
  for (const auto& secret : secrets) {
    if (secret.size() < 1) continue;
    const std::string with = secret == s ? masked : "***";
    for (auto p = message.find(secret); p != std::string::npos; p = message.find(secret, p + with.size())) {
      message.replace(p, secret.size(), with);
    }
  }
  return message;
}

Database::Database(const std::string& db, bool read_only)
    : impl_(is_postgres_url(db) ? open_postgres(db) : open_sqlite(db, read_only)) {}

std::optional<std::int64_t> Database::query_int(std::string_view sql) {
  auto st = prepare(sql);
  if (!st.step() || st.is_null(0)) return std::nullopt;
  const auto v = st.int64(0);
  st.reset();
  return v;
}

Transaction::Transaction(Database& db) : db_(db) { db_.begin(); }
Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
    }
  }
}
void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

JobLock::JobLock(Database& db, std::string_view job) : db_(db), key_(job_key(job)) {
  if (!db_.postgres()) return;
  db_.prepare("SELECT pg_advisory_lock(?)").bind(1, key_).run();
  held_ = true;
}

JobLock::~JobLock() {
  if (!held_) return;
  try {
    db_.prepare("SELECT pg_advisory_unlock(?)").bind(1, key_).run();
  } catch (...) {  // a broken connection released it already
  }
}

}  // namespace wayfinder::server
