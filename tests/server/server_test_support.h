// Shared fixtures for the server's Beast-free tests: a temp directory with a tiny catalog, web root and database.
// Invariant: every fixture owns its directory and removes it.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sync_service.h"
#include "wayfinder/time_utc.h"
#include "wayfinder/events/event.h"

namespace wayfinder::server::testing {

inline std::filesystem::path make_temp_dir(const std::string& tag) {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path() /
             ("wf-server-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The database a test runs against: a SQLite file in `dir`, or — when WAYFINDER_TEST_POSTGRES holds a connection
// string (scripts/test.sh sets it inside a throwaway `pg_virtualenv` cluster) — a fresh schema of that PostgreSQL
// database, reached through the connection string's search_path. The schemas are dropped when the process exits.
// Drops the schemas test_db created, after the last test (a GoogleTest environment: before static destruction).
class PostgresSchemas : public ::testing::Environment {
 public:
  static PostgresSchemas& instance() {
    static PostgresSchemas* self = static_cast<PostgresSchemas*>(::testing::AddGlobalTestEnvironment(new PostgresSchemas));
    return *self;
  }
  std::vector<std::string> names;
  void TearDown() override {
    const char* pg = std::getenv("WAYFINDER_TEST_POSTGRES");
    if (!pg || names.empty()) return;
    Database db(pg);
    for (const auto& n : names) db.exec("DROP SCHEMA IF EXISTS " + n + " CASCADE");
    names.clear();
  }
};

inline std::string test_db(const std::filesystem::path& dir, const std::string& name) {
  const char* pg = std::getenv("WAYFINDER_TEST_POSTGRES");
  if (!pg || !*pg) return (dir / (name + ".sqlite")).string();
  auto& schemas = PostgresSchemas::instance();
  const std::string schema = "wft_" + std::to_string(::getpid()) + "_" + std::to_string(schemas.names.size());
  Database(pg).exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema);
  schemas.names.push_back(schema);
  const std::string base = pg;
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema;
}

inline bool testing_postgres() {
  const char* pg = std::getenv("WAYFINDER_TEST_POSTGRES");
  return pg && *pg;
}

// Takes migration 6 (client credentials, storage.cpp) back out of a database, for the tests that build an older
// schema from today's one and reopen it: the migrations after the version they set run again.
inline void undo_credentials_migration(Database& db) {
  db.exec("DROP TABLE client_credentials; DROP TABLE credential_issuance; DROP TABLE uncounted_clients; "
          "DROP TABLE merge_prefix_days");
  db.exec("ALTER TABLE user_interactions DROP COLUMN credentialed");
  db.exec("ALTER TABLE user_interactions DROP COLUMN prefix_hash");
}

// Fixed "now" for deterministic time windows: 2026-11-28T17:00:00Z.
inline constexpr std::int64_t kNow = 1795885200000LL;

struct ServerFixture {
  std::filesystem::path dir = make_temp_dir("svc");
  ServerConfig config;
  std::unique_ptr<SyncService> service;

  explicit ServerFixture(std::function<void(ServerConfig&)> tweak = {}) {
    std::filesystem::create_directories(dir / "models");
    std::filesystem::create_directories(dir / "web" / "sub");
    std::ofstream(dir / "models" / "catalog.jsonl") << "{\"id\":\"owner/repo\"}\n{\"id\":\"a/b\"}\n{\"id\":\"c/d\"}\n";
    std::ofstream(dir / "models" / "model.onnx") << "ONNX";
    std::ofstream(dir / "web" / "index.html") << "<h1>hi</h1>";
    std::ofstream(dir / "web" / "app.js") << "console.log(1)";
    std::ofstream(dir / "web" / "app.js.gz") << "GZIPPED";
    std::ofstream(dir / "web" / "app.js.br") << "BROTLI!";
    std::ofstream(dir / "web" / "old.js") << "fresh";
    std::ofstream(dir / "web" / "old.js.gz") << "stale gzip";
    std::ofstream(dir / "web" / "sub" / "x.css") << "body{}";
    std::ofstream(dir / "secret.txt") << "secret";
    std::filesystem::create_directories(dir / "ort");
    std::ofstream(dir / "ort" / "ort-wasm-simd-threaded.wasm") << "WASM";
    config.db = test_db(dir, "test");
    config.web_dir = (dir / "web").string();
    config.models_dir = (dir / "models").string();
    config.ort_dir = (dir / "ort").string();
    config.admin_token = "s3cret";
    config.synchronous_full = false;  // unit tests: durability is covered by the kill -9 integration test
    config.credential_key_file = (dir / "credential-key").string();  // SQLite and PostgreSQL alike
    // The suites written before credentials post untagged feedback and check what the merge makes of it; they run
    // with the rule of that time. The credential suites (credentials_test.cpp) set it back to true.
    config.require_credentials = false;
    if (tweak) tweak(config);
    start();
  }
  void start() {
    service = std::make_unique<SyncService>(config, load_known_projects(config.models_dir));
    service->set_clock([] { return kNow; });
  }
  ~ServerFixture() {
    service.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  HttpResponse get(const std::string& target, std::map<std::string, std::string> headers = {}) {
    HttpRequest r;
    r.method = "GET";
    r.target = target;
    r.headers = std::move(headers);
    r.remote_address = "127.0.0.1";
    return service->handle_sync(r);
  }
  HttpResponse post(const std::string& target, const std::string& body, std::map<std::string, std::string> headers = {},
                    const std::string& address = "127.0.0.1") {
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.body = body;
    r.headers = std::move(headers);
    r.remote_address = address;
    return service->handle_sync(r);
  }
};

inline nlohmann::json event_json(const std::string& id, const std::string& type, const std::string& project,
                                 std::int64_t at_ms, const std::string& ranking = "r1", int position = 0,
                                 const std::string& arm = "rl") {
  nlohmann::json e = {{"eventId", id},   {"type", type}, {"projectId", project}, {"rankingId", ranking},
                      {"arm", arm},      {"at", wayfinder::format_iso8601_utc(at_ms)}};
  if (type == "impression") {
    e["position"] = position;
    e["propensity"] = 0.5;
  }
  if (type == "rating") e["stars"] = 5;
  if (type == "dwell") e["seconds"] = 30;
  return e;
}

inline nlohmann::json batch_json(const std::string& client, const std::string& batch, nlohmann::json events,
                                 std::int64_t sent_ms = kNow) {
  return {{"clientId", client}, {"batchId", batch}, {"sessionId", "s1"},
          {"sentAt", wayfinder::format_iso8601_utc(sent_ms)}, {"events", std::move(events)}};
}

}  // namespace wayfinder::server::testing
