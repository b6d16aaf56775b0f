// The PostgreSQL back end of the storage interface (db.h), over libpq. SQL arrives in the shared subset with `?` /
// `?N` placeholders and is rewritten to `$N` here. Statements are prepared once per connection (cached by text and
// parameter types) and read in single-row mode, so a large result (the merge's episodes) streams instead of being
// held whole; a statement started while another still streams makes the older one buffer its remaining rows.
#include <libpq-fe.h>

#include <cstdlib>
#include <deque>
#include <map>
#include <vector>

#include "db.h"

namespace wayfinder::server {
namespace {

constexpr Oid kInt8 = 20, kText = 25, kFloat8 = 701;

// `?N` → `$N`, `?` → the next number; string literals and quoted names are copied untouched.
std::string to_dollar_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote) {
      out += c;
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"') quote = c;
    if (c != '?') {
      out += c;
      continue;
    }
    std::size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') ++j;
    const int n = j > i + 1 ? std::atoi(std::string(sql.substr(i + 1, j - i - 1)).c_str()) : next + 1;
    next = std::max(next, n);
    out += '$' + std::to_string(n);
    i = j - 1;
  }
  return out;
}

int parameter_count(std::string_view pg_sql) {
  int n = 0;
  for (std::size_t i = 0; i < pg_sql.size(); ++i) {
    if (pg_sql[i] == '$') n = std::max(n, std::atoi(std::string(pg_sql.substr(i + 1, 6)).c_str()));
  }
  return n;
}

struct Result {
  Result() = default;
  explicit Result(PGresult* p) : r(p) {}
  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  std::unique_ptr<PGresult, Clear> r;
};

class PgStatement;

class PgConnection final : public ConnectionImpl {
 public:
  PgConnection(std::string url) : url_(std::move(url)) { connect(); }
  ~PgConnection() override {
    if (conn_) PQfinish(conn_);
  }
  Dialect dialect() const override { return Dialect::postgres; }
  void exec(std::string_view sql) override;
  std::unique_ptr<StatementImpl> prepare(std::string_view sql) override;
  std::int64_t changes() const override { return changes_; }
  void begin() override { exec("BEGIN"); }
  bool healthy() const override { return conn_ && PQstatus(conn_) == CONNECTION_OK; }
  void reconnect() override {
    active_ = nullptr;
    prepared_.clear();
    if (conn_) PQfinish(conn_);
    conn_ = nullptr;
    connect();
  }

  PGconn* handle() { return conn_; }
  // The libpq error, with the connection string masked, as a DbError (unavailable when the connection broke).
  [[noreturn]] void fail(const std::string& what, const std::string& detail = {}) {
    const std::string why = !detail.empty() ? detail : conn_ ? PQerrorMessage(conn_) : "no connection";
    const std::string msg = scrub_secret(what + ": " + why, url_);
    throw DbError(trim(msg), !healthy());
  }
  // Before a new command: a statement still streaming rows buffers the rest (one command at a time per connection).
  void take_turn(PgStatement* next);
  void finished(PgStatement* s) {
    if (active_ == s) active_ = nullptr;
  }
  const std::string& prepared_name(const std::string& sql, const std::vector<Oid>& types);
  void set_changes(std::int64_t n) { changes_ = n; }

 private:
  static std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }
  void connect() {
    conn_ = PQconnectdb(url_.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      const std::string err = PQerrorMessage(conn_);
      PQfinish(conn_);
      conn_ = nullptr;
      throw DbError(trim(scrub_secret("cannot connect to PostgreSQL at " + redact_connection(url_) + ": " + err, url_)),
                    true);
    }
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // "already exists, skipping" etc.
  }

  std::string url_;
  PGconn* conn_ = nullptr;
  PgStatement* active_ = nullptr;
  std::map<std::pair<std::string, std::vector<Oid>>, std::string> prepared_;
  std::int64_t changes_ = 0;
};

class PgStatement final : public StatementImpl {
 public:
  PgStatement(PgConnection& conn, std::string_view sql) : conn_(conn), sql_(to_dollar_placeholders(sql)) {
    const auto n = static_cast<std::size_t>(parameter_count(sql_));
    values_.resize(n);
    types_.assign(n, 0);
    nulls_.assign(n, true);
  }
  ~PgStatement() override { discard(); }
  void bind_int64(int index, std::int64_t v) override { set(index, std::to_string(v), kInt8); }
  void bind_double(int index, double v) override {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    set(index, buf, kFloat8);
  }
  void bind_text(int index, std::string_view v) override { set(index, std::string(v), kText); }
  // A NULL keeps the parameter's last type (NULL fits any type): the prepared statement stays the same whichever
  // optional fields are missing (a never-typed parameter is left for the server to infer from its context).
  void bind_null(int index) override {
    at(index);
    nulls_[static_cast<std::size_t>(index - 1)] = true;
  }
  bool step() override;
  void reset() override {
    discard();
    nulls_.assign(nulls_.size(), true);
  }
  std::int64_t int64(int col) const override {
    const char* v = value(col);
    if (!v) return 0;
    if (v[0] == 't' || v[0] == 'f') return v[0] == 't';  // boolean
    char* end = nullptr;
    const long long n = std::strtoll(v, &end, 10);
    return *end == '.' || *end == 'e' ? static_cast<std::int64_t>(std::strtod(v, nullptr)) : n;
  }
  double real(int col) const override {
    const char* v = value(col);
    return v ? std::strtod(v, nullptr) : 0.0;
  }
  std::string text(int col) const override {
    const char* v = value(col);
    return v ? std::string(v, static_cast<std::size_t>(PQgetlength(row_.r.get(), 0, col))) : std::string();
  }
  bool is_null(int col) const override { return !row_.r || PQgetisnull(row_.r.get(), 0, col); }

  // Reads every remaining row of the running command into memory (another command needs the connection).
  void buffer_rest() {
    while (streaming_) {
      Result r{PQgetResult(conn_.handle())};
      if (!r.r) {
        streaming_ = false;
        break;
      }
      if (PQresultStatus(r.r.get()) == PGRES_SINGLE_TUPLE) buffered_.push_back(std::move(r));
      else if (error_.empty() && PQresultStatus(r.r.get()) == PGRES_FATAL_ERROR) error_ = PQresultErrorMessage(r.r.get());
    }
  }

 private:
  void at(int index) const {
    if (index < 1 || static_cast<std::size_t>(index) > values_.size()) {
      throw DbError("bind: no parameter " + std::to_string(index) + " in '" + sql_.substr(0, 60) + "'");
    }
  }
  void set(int index, std::string v, Oid type) {
    at(index);
    const auto k = static_cast<std::size_t>(index - 1);
    values_[k] = std::move(v);
    nulls_[k] = false;
    types_[k] = type;
  }
  const char* value(int col) const {
    if (!row_.r || PQgetisnull(row_.r.get(), 0, col)) return nullptr;
    return PQgetvalue(row_.r.get(), 0, col);
  }
  void start();
  void discard() {
    if (streaming_) {
      while (Result{PQgetResult(conn_.handle())}.r) {
      }
      streaming_ = false;
    }
    buffered_.clear();
    row_.r.reset();
    started_ = false;
    error_.clear();
    conn_.finished(this);
  }

  PgConnection& conn_;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<Oid> types_;
  std::vector<bool> nulls_;
  bool started_ = false, streaming_ = false;
  std::deque<Result> buffered_;
  std::string error_;
  Result row_;
};

void PgConnection::take_turn(PgStatement* next) {
  if (active_ && active_ != next) active_->buffer_rest();
  active_ = next;
}

const std::string& PgConnection::prepared_name(const std::string& sql, const std::vector<Oid>& types) {
  auto key = std::make_pair(sql, types);
  if (const auto it = prepared_.find(key); it != prepared_.end()) return it->second;
  const std::string name = "wf" + std::to_string(prepared_.size() + 1);
  Result r{PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(types.size()), types.data())};
  if (PQresultStatus(r.r.get()) != PGRES_COMMAND_OK) fail("prepare '" + sql.substr(0, 60) + "'");
  return prepared_.emplace(std::move(key), name).first->second;
}

void PgConnection::exec(std::string_view sql) {
  take_turn(nullptr);
  const std::string s(sql);
  Result r{PQexec(conn_, s.c_str())};
  const auto st = r.r ? PQresultStatus(r.r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail("exec '" + s.substr(0, 60) + "'");
  changes_ = std::atoll(PQcmdTuples(r.r.get()));
}

std::unique_ptr<StatementImpl> PgConnection::prepare(std::string_view sql) {
  if (!healthy()) fail("prepare");
  return std::make_unique<PgStatement>(*this, sql);
}

void PgStatement::start() {
  conn_.take_turn(this);
  if (!conn_.healthy()) conn_.fail("execute");
  const std::string& name = conn_.prepared_name(sql_, types_);
  std::vector<const char*> params(values_.size());
  for (std::size_t k = 0; k < values_.size(); ++k) params[k] = nulls_[k] ? nullptr : values_[k].c_str();
  if (!PQsendQueryPrepared(conn_.handle(), name.c_str(), static_cast<int>(params.size()), params.data(), nullptr,
                           nullptr, 0)) {
    conn_.fail("execute '" + sql_.substr(0, 60) + "'");
  }
  PQsetSingleRowMode(conn_.handle());
  started_ = streaming_ = true;
}

bool PgStatement::step() {
  if (!started_) start();
  row_.r.reset();
  for (;;) {
    Result r;
    if (!buffered_.empty()) {
      r = std::move(buffered_.front());
      buffered_.pop_front();
    } else if (streaming_) {
      r.r.reset(PQgetResult(conn_.handle()));
      if (!r.r) streaming_ = false;
    }
    if (!r.r) break;
    switch (PQresultStatus(r.r.get())) {
      case PGRES_SINGLE_TUPLE: row_ = std::move(r); return true;
      case PGRES_TUPLES_OK: break;
      case PGRES_COMMAND_OK: conn_.set_changes(std::atoll(PQcmdTuples(r.r.get()))); break;
      default:
        if (error_.empty()) error_ = PQresultErrorMessage(r.r.get());
    }
  }
  conn_.finished(this);
  if (!error_.empty()) {
    std::string e = std::move(error_);
    discard();
    conn_.fail("step '" + sql_.substr(0, 60) + "'", e);
  }
  return false;
}

}  // namespace

std::unique_ptr<ConnectionImpl> open_postgres(const std::string& url) { return std::make_unique<PgConnection>(url); }

}  // namespace wayfinder::server
