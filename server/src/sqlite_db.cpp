// The SQLite back end of the storage interface (db.h): the embedded default, one file in WAL mode.
#include <sqlite3.h>

#include "db.h"

namespace wayfinder::server {
namespace {

// The shared SQL says greatest()/least() (PostgreSQL); SQLite's multi-argument max()/min() are the same functions.
std::string sqlite_dialect(std::string_view sql) {
  std::string s(sql);
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"greatest(", "max("}, {"least(", "min("}}) {
    for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p)) s.replace(p, from.size(), to);
  }
  return s;
}

[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view what) {
  throw DbError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
}

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, std::string_view shared_sql) : db_(db) {
    const std::string sql = sqlite_dialect(shared_sql);
    sqlite3_stmt* s = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &s, nullptr);
    if (rc != SQLITE_OK) throw_error(db, rc, "prepare '" + sql.substr(0, 60) + "'");
    stmt_.reset(s);
  }
  void bind_int64(int index, std::int64_t v) override { check(sqlite3_bind_int64(stmt_.get(), index, v)); }
  void bind_double(int index, double v) override { check(sqlite3_bind_double(stmt_.get(), index, v)); }
  void bind_text(int index, std::string_view v) override {
    check(sqlite3_bind_text(stmt_.get(), index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
  }
  void bind_null(int index) override { check(sqlite3_bind_null(stmt_.get(), index)); }
  bool step() override {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3_reset(stmt_.get());
    throw_error(db_, rc, "step");
  }
  void reset() override {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }
  std::int64_t int64(int col) const override { return sqlite3_column_int64(stmt_.get(), col); }
  double real(int col) const override { return sqlite3_column_double(stmt_.get(), col); }
  std::string text(int col) const override {
    const auto* p = sqlite3_column_text(stmt_.get(), col);
    if (!p) return {};
    return {reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col))};
  }
  bool is_null(int col) const override { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }

 private:
  void check(int rc) const {
    if (rc != SQLITE_OK) throw_error(db_, rc, "bind");
  }
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
  sqlite3* db_ = nullptr;
};

class SqliteConnection final : public ConnectionImpl {
 public:
  SqliteConnection(const std::string& path, bool read_only) {
    sqlite3* d = nullptr;
    const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int rc = sqlite3_open_v2(path.c_str(), &d, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    db_.reset(d);
    if (rc != SQLITE_OK) throw_error(d, rc, "open " + path);
    sqlite3_busy_timeout(d, 30000);
    sqlite3_extended_result_codes(d, 1);
  }
  Dialect dialect() const override { return Dialect::sqlite; }
  void exec(std::string_view sql) override {
    char* err = nullptr;
    const std::string s = sqlite_dialect(sql);
    const int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      throw DbError("exec '" + s.substr(0, 60) + "': " + msg);
    }
  }
  std::unique_ptr<StatementImpl> prepare(std::string_view sql) override {
    return std::make_unique<SqliteStatement>(db_.get(), sql);
  }
  std::int64_t changes() const override { return sqlite3_changes(db_.get()); }
  void begin() override { exec("BEGIN IMMEDIATE"); }
  bool healthy() const override { return true; }
  void reconnect() override {}

 private:
  struct Close {
    void operator()(sqlite3* d) const { sqlite3_close_v2(d); }
  };
  std::unique_ptr<sqlite3, Close> db_;
};

}  // namespace

std::unique_ptr<ConnectionImpl> open_sqlite(const std::string& path, bool read_only) {
  return std::make_unique<SqliteConnection>(path, read_only);
}

}  // namespace wayfinder::server
