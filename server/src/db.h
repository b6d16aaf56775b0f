// The storage interface: one connection, prepared statements, transactions — over SQLite (embedded default) or
// PostgreSQL (libpq, chosen by a postgresql:// connection string). Every caller writes one SQL text with `?` / `?N`
// placeholders in the common subset of both dialects; the few differences (placeholders, DDL types, locks) are
// handled here and in storage.cpp. Invariant: every native handle is owned by exactly one object and closed once;
// a connection string is never shown unmasked (redact_connection).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wayfinder::server {

enum class Dialect { sqlite, postgres };

// `unavailable`: the database could not be reached or the connection broke (a retry later may succeed → 503).
class DbError : public std::runtime_error {
 public:
  explicit DbError(const std::string& what, bool unavailable = false)
      : std::runtime_error(what), unavailable_(unavailable) {}
  bool unavailable() const { return unavailable_; }

 private:
  bool unavailable_;
};

// True for "postgresql://…" / "postgres://…" (and libpq key=value strings with host= or dbname=).
bool is_postgres_url(std::string_view db);
// The connection string with any password replaced by "***" (URL userinfo, ?password=, key/value password=).
std::string redact_connection(std::string_view db);
// `message` with every occurrence of the password in `db` replaced by "***" (for errors that may echo it).
std::string scrub_secret(std::string message, std::string_view db);

class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind_int64(int index, std::int64_t v) = 0;
  virtual void bind_double(int index, double v) = 0;
  virtual void bind_text(int index, std::string_view v) = 0;
  virtual void bind_null(int index) = 0;
  virtual bool step() = 0;
  virtual void reset() = 0;
  virtual std::int64_t int64(int col) const = 0;
  virtual double real(int col) const = 0;
  virtual std::string text(int col) const = 0;
  virtual bool is_null(int col) const = 0;
};

class ConnectionImpl {
 public:
  virtual ~ConnectionImpl() = default;
  virtual Dialect dialect() const = 0;
  virtual void exec(std::string_view sql) = 0;
  virtual std::unique_ptr<StatementImpl> prepare(std::string_view sql) = 0;
  virtual std::int64_t changes() const = 0;  // rows changed by the last INSERT/UPDATE/DELETE
  virtual void begin() = 0;                  // a write transaction (SQLite: BEGIN IMMEDIATE)
  virtual bool healthy() const = 0;
  virtual void reconnect() = 0;              // after a broken connection; throws DbError(unavailable) if it fails
};

class Statement {
 public:
  Statement() = default;
  explicit Statement(std::unique_ptr<StatementImpl> impl) : impl_(std::move(impl)) {}

  Statement& bind(int index, std::int64_t v) { return impl_->bind_int64(index, v), *this; }
  Statement& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  Statement& bind(int index, double v) { return impl_->bind_double(index, v), *this; }
  Statement& bind(int index, std::string_view v) { return impl_->bind_text(index, v), *this; }
  Statement& bind(int index, const char* v) { return bind(index, std::string_view(v)); }
  Statement& bind(int index, const std::string& v) { return bind(index, std::string_view(v)); }
  Statement& bind_null(int index) { return impl_->bind_null(index), *this; }
  template <class T>
  Statement& bind(int index, const std::optional<T>& v) {
    return v ? bind(index, *v) : bind_null(index);
  }

  bool step() { return impl_->step(); }  // true while a row is available
  void run() {                             // step to completion, then reset
    while (step()) {
    }
    reset();
  }
  void reset() { impl_->reset(); }

  std::int64_t int64(int col) const { return impl_->int64(col); }
  double real(int col) const { return impl_->real(col); }
  std::string text(int col) const { return impl_->text(col); }
  bool is_null(int col) const { return impl_->is_null(col); }

 private:
  std::unique_ptr<StatementImpl> impl_;
};

class Database {
 public:
  Database() = default;
  // A SQLite file path, or a PostgreSQL connection string (is_postgres_url). Throws DbError.
  explicit Database(const std::string& db, bool read_only = false);
  Dialect dialect() const { return impl_->dialect(); }
  bool postgres() const { return dialect() == Dialect::postgres; }
  void exec(std::string_view sql) { impl_->exec(sql); }
  Statement prepare(std::string_view sql) { return Statement(impl_->prepare(sql)); }
  std::int64_t changes() const { return impl_->changes(); }
  std::optional<std::int64_t> query_int(std::string_view sql);
  void begin() { impl_->begin(); }
  // Reconnects a broken connection (PostgreSQL restart); a no-op when healthy. Throws DbError(unavailable).
  void ensure_connected() {
    if (!impl_->healthy()) impl_->reconnect();
  }

 private:
  std::unique_ptr<ConnectionImpl> impl_;
};

// BEGIN (IMMEDIATE on SQLite) ... COMMIT; rolls back when destroyed uncommitted.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

// Cluster-wide mutual exclusion of one named job (merge, monitoring, evaluation) for as long as it lives:
// a PostgreSQL session advisory lock (released by the server when the holder's connection dies, so another server
// can take the job over); on SQLite a no-op (one file, BEGIN IMMEDIATE serialises the writers).
class JobLock {
 public:
  JobLock(Database& db, std::string_view job);
  ~JobLock();
  JobLock(const JobLock&) = delete;
  JobLock& operator=(const JobLock&) = delete;

 private:
  Database& db_;
  std::int64_t key_ = 0;
  bool held_ = false;
};

std::unique_ptr<ConnectionImpl> open_sqlite(const std::string& path, bool read_only);
std::unique_ptr<ConnectionImpl> open_postgres(const std::string& url);

}  // namespace wayfinder::server
