#include "sqlite_db.h"

namespace wayfinder::server {
namespace {
[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view what) {
  throw SqliteError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)), rc);
}
}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  sqlite3_stmt* s = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &s, nullptr);
  if (rc != SQLITE_OK) throw_error(db, rc, "prepare '" + std::string(sql.substr(0, 60)) + "'");
  stmt_.reset(s);
}

Statement& Statement::bind(int index, std::int64_t v) {
  if (const int rc = sqlite3_bind_int64(stmt_.get(), index, v); rc != SQLITE_OK) throw_error(db_, rc, "bind");
  return *this;
}
Statement& Statement::bind(int index, double v) {
  if (const int rc = sqlite3_bind_double(stmt_.get(), index, v); rc != SQLITE_OK) throw_error(db_, rc, "bind");
  return *this;
}
Statement& Statement::bind(int index, std::string_view v) {
  if (const int rc = sqlite3_bind_text(stmt_.get(), index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
      rc != SQLITE_OK) {
    throw_error(db_, rc, "bind");
  }
  return *this;
}
Statement& Statement::bind_null(int index) {
  if (const int rc = sqlite3_bind_null(stmt_.get(), index); rc != SQLITE_OK) throw_error(db_, rc, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_.get());
  throw_error(db_, rc, "step");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_.get(), col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)));
}

Database::Database(const std::string& path, bool read_only) {
  sqlite3* d = nullptr;
  const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const int rc = sqlite3_open_v2(path.c_str(), &d, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(d);
  if (rc != SQLITE_OK) throw_error(d, rc, "open " + path);
  sqlite3_busy_timeout(d, 30000);
  sqlite3_extended_result_codes(d, 1);
}

void Database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string s(sql);
  const int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw SqliteError("exec '" + s.substr(0, 60) + "': " + msg, rc);
  }
}

std::optional<std::int64_t> Database::query_int(std::string_view sql) {
  auto st = prepare(sql);
  if (!st.step() || st.is_null(0)) return std::nullopt;
  return st.int64(0);
}

Transaction::Transaction(Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
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

}  // namespace wayfinder::server
