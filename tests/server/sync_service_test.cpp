#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "server_test_support.h"
#include "static_files.h"
#include "storage.h"

using namespace wayfinder::server;
using namespace wayfinder::server::testing;
using nlohmann::json;

namespace {
std::int64_t count_rows(const std::string& db_path, const std::string& sql) {
  Database db(db_path);
  return db.query_int(sql).value_or(-1);
}
const std::map<std::string, std::string> kJson = {{"content-type", "application/json"}};
}  // namespace

TEST(SyncFeedback, AcceptsABatchAndStoresEveryEventOnce) {
  ServerFixture f;
  json events = json::array({event_json("e1", "impression", "Owner/Repo", kNow - 5000),
                             event_json("e2", "click", "owner/repo", kNow - 4000),
                             event_json("e3", "rating", "owner/repo", kNow - 3000)});
  auto r = f.post("/v1/feedback", batch_json("c1", "b1", events).dump(), kJson);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body), json({{"accepted", 3}, {"duplicates", 0}}));
  EXPECT_EQ(r.header("Cross-Origin-Embedder-Policy"), "require-corp");
  EXPECT_EQ(count_rows(f.config.db, "SELECT count(*) FROM user_interactions"), 3);
  EXPECT_EQ(count_rows(f.config.db, "SELECT count(*) FROM user_feedback WHERE stars = 5"), 1);
  EXPECT_EQ(count_rows(f.config.db, "SELECT count(*) FROM recommendation_results WHERE project_id = 'owner/repo'"), 1);
  EXPECT_EQ(count_rows(f.config.db, "SELECT events FROM user_sessions WHERE client_id = 'c1'"), 3);
  EXPECT_EQ(count_rows(f.config.db, "SELECT count(*) FROM user_ab_assignment WHERE arm = 'rl'"), 1);
}

TEST(SyncFeedback, RepeatedBatchIdReturnsTheSameAnswerAndChangesNothing) {
  ServerFixture f;
  const auto body = batch_json("c1", "b1", json::array({event_json("e1", "impression", "a/b", kNow)})).dump();
  auto first = f.post("/v1/feedback", body);
  auto second = f.post("/v1/feedback", body);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(first.body, second.body);
  EXPECT_EQ(second.header("Idempotent-Replay"), "true");
  EXPECT_EQ(count_rows(f.config.db, "SELECT count(*) FROM user_interactions"), 1);
  EXPECT_EQ(count_rows(f.config.db, "SELECT count(*) FROM feedback_batches"), 1);
  const auto metrics = f.get("/metrics").body;
  EXPECT_NE(metrics.find("\nwayfinder_batches_replayed_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nwayfinder_events_accepted_total 1\n"), std::string::npos) << metrics;
}

TEST(SyncFeedback, RepeatedEventIdsInANewBatchAreDropped) {
  ServerFixture f;
  f.post("/v1/feedback", batch_json("c1", "b1", json::array({event_json("e1", "impression", "a/b", kNow)})).dump());
  auto r = f.post("/v1/feedback", batch_json("c1", "b2", json::array({event_json("e1", "impression", "a/b", kNow),
                                                                        event_json("e2", "click", "a/b", kNow)}))
                                       .dump());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body), json({{"accepted", 1}, {"duplicates", 1}}));
  EXPECT_EQ(count_rows(f.config.db, "SELECT count(*) FROM user_interactions"), 2);
}

TEST(SyncFeedback, ValidationErrorsAreJsonWithTheFieldAndStoreNothing) {
  ServerFixture f;
  auto bad = batch_json("c1", "b1", json::array({event_json("e1", "impression", "a/b", kNow),
                                                   event_json("e2", "rating", "a/b", kNow)}));
  bad["events"][1]["stars"] = 6;
  auto r = f.post("/v1/feedback", bad.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body)["field"], "events[1].stars");
  EXPECT_EQ(r.header("Content-Type"), "application/json");

  auto unknown = batch_json("c1", "b2", json::array({event_json("e1", "click", "nobody/nothing", kNow)}));
  r = f.post("/v1/feedback", unknown.dump());
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(json::parse(r.body)["field"], "events[0].projectId");

  auto old = batch_json("c1", "b3", json::array({event_json("e1", "click", "a/b", kNow - 8LL * 86400000)}));
  r = f.post("/v1/feedback", old.dump());
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(json::parse(r.body)["field"], "events[0].at");

  auto future = batch_json("c1", "b4", json::array({event_json("e1", "click", "a/b", kNow + 3600000)}));
  r = f.post("/v1/feedback", future.dump());
  EXPECT_EQ(r.status, 422);

  r = f.post("/v1/feedback", "{not json", kJson);
  EXPECT_EQ(r.status, 400);
  r = f.post("/v1/feedback", "{}", {{"content-type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 415);
  r = f.get("/v1/feedback");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "POST");
  EXPECT_EQ(count_rows(f.config.db, "SELECT count(*) FROM user_interactions"), 0);
}

TEST(SyncFeedback, BodiesOverOneMebibyteGet413) {
  ServerFixture f;
  auto r = f.post("/v1/feedback", std::string((1 << 20) + 1, ' '));
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(json::parse(r.body).contains("error"));
}

TEST(SyncFeedback, TokenBucketPerClientAnswers429WithRetryAfter) {
  ServerFixture f([](ServerConfig& c) {
    c.per_client = {1.0, 3.0};
    c.per_address = {1000.0, 1000.0};
  });
  int ok = 0, limited = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = f.post("/v1/feedback",
                    batch_json("c1", "b" + std::to_string(i),
                               json::array({event_json("e" + std::to_string(i), "click", "a/b", kNow)}))
                        .dump());
    if (r.status == 200) ++ok;
    if (r.status == 429) {
      ++limited;
      EXPECT_EQ(r.header("Retry-After"), "1");
      EXPECT_EQ(json::parse(r.body)["field"], "clientId");
    }
  }
  EXPECT_EQ(ok, 3);
  EXPECT_EQ(limited, 3);
  // Another client is not affected.
  EXPECT_EQ(f.post("/v1/feedback", batch_json("c2", "x", json::array({event_json("e", "click", "a/b", kNow)})).dump())
                .status,
            200);
}

TEST(SyncFeedback, TokenBucketPerAddressAnswers429) {
  ServerFixture f([](ServerConfig& c) { c.per_address = {0.5, 2.0}; });
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    statuses.push_back(f.post("/v1/feedback",
                              batch_json("c" + std::to_string(i), "b", json::array({event_json("e", "click", "a/b", kNow)}))
                                  .dump(),
                              {}, "10.0.0.1")
                           .status);
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 429}));
  EXPECT_EQ(f.post("/v1/feedback", batch_json("z", "b", json::array({event_json("e", "click", "a/b", kNow)})).dump(), {},
                   "10.0.0.2")
                .status,
            200);
}

TEST(SyncFeedback, ConcurrentSubmittersAreAllCommitted) {
  ServerFixture f([](ServerConfig& c) {
    c.per_client = {0, 1};
    c.per_address = {0, 1};
  });
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int b = 0; b < 10; ++b) {
        json ev = json::array();
        for (int e = 0; e < 20; ++e) {
          ev.push_back(event_json("e" + std::to_string(b) + "-" + std::to_string(e), "impression", "c/d", kNow));
        }
        if (f.post("/v1/feedback", batch_json("c" + std::to_string(t), "b" + std::to_string(b), ev).dump()).status == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 80);
  EXPECT_EQ(count_rows(f.config.db, "SELECT count(*) FROM user_interactions"), 8 * 10 * 20);
}

TEST(SyncBandit, ServesTheSnapshotWithETagAnd304) {
  ServerFixture f;
  auto r = f.get("/v1/bandit");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body)["version"], 0);
  const auto etag = r.header("ETag");
  EXPECT_EQ(f.get("/v1/bandit", {{"if-none-match", etag}}).status, 304);
  f.post("/v1/feedback", batch_json("c1", "b1", json::array({event_json("e1", "impression", "a/b", kNow - 1000),
                                                               event_json("e2", "click", "a/b", kNow - 500)}))
                             .dump());
  auto m = f.post("/v1/admin/merge?day=2026-11-28", "", {{"authorization", "Bearer s3cret"}});
  ASSERT_EQ(m.status, 200) << m.body;
  auto r2 = f.get("/v1/bandit", {{"if-none-match", etag}});
  ASSERT_EQ(r2.status, 200);
  const auto snap = json::parse(r2.body);
  EXPECT_EQ(snap["version"], 1);
  EXPECT_GT(snap["counts"]["a/b"]["alpha"].get<double>(), 0.0);
  EXPECT_EQ(snap["counts"]["a/b"]["impressions"], 1);
  EXPECT_NE(r2.header("ETag"), etag);
}

TEST(SyncAdmin, RequiresTheBearerToken) {
  ServerFixture f;
  EXPECT_EQ(f.post("/v1/admin/merge", "").status, 401);
  EXPECT_EQ(f.post("/v1/admin/merge", "", {{"authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(f.get("/v1/admin/report").status, 401);
  EXPECT_EQ(f.get("/v1/admin/report", {{"authorization", "Bearer s3cret"}}).status, 200);
  EXPECT_EQ(f.post("/v1/admin/evaluate", "", {{"authorization", "Bearer s3cret"}}).status, 200);
  EXPECT_EQ(f.post("/v1/admin/merge?day=2026-13-01", "", {{"authorization", "Bearer s3cret"}}).status, 400);
}

TEST(SyncAdmin, NoTokenConfiguredMeansNoAdmin) {
  ServerFixture f([](ServerConfig& c) { c.admin_token.clear(); });
  EXPECT_EQ(f.post("/v1/admin/merge", "", {{"authorization", "Bearer "}}).status, 401);
}

TEST(SyncEndpoints, ExperimentsHealthzAndMetrics) {
  ServerFixture f;
  auto e = f.get("/v1/experiments");
  ASSERT_EQ(e.status, 200);
  EXPECT_EQ(json::parse(e.body)["experiments"][0]["arms"], json({"rl", "similarity"}));
  auto h = f.get("/healthz");
  EXPECT_EQ(json::parse(h.body)["status"], "ok");
  EXPECT_EQ(json::parse(h.body)["schemaVersion"], kSchemaVersion);
  f.post("/v1/feedback", "{}");
  auto m = f.get("/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("wayfinder_events_rejected_total{reason=\"invalid\"} 1"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("wayfinder_feedback_batch_seconds_bucket"), std::string::npos);
  EXPECT_NE(m.body.find("wayfinder_snapshot_version 0"), std::string::npos);
  EXPECT_EQ(f.get("/v1/nothing").status, 404);
}

TEST(SyncStatic, ServesFilesWithMimeCacheGzipAndConditionalGet) {
  ServerFixture f;
  auto index = f.get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<h1>hi</h1>");
  EXPECT_EQ(index.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.header("Cache-Control"), "no-cache");
  auto js = f.get("/app.js");
  EXPECT_EQ(js.body, "console.log(1)");
  EXPECT_EQ(js.header("Content-Type"), "text/javascript; charset=utf-8");
  auto gz = f.get("/app.js", {{"accept-encoding", "gzip"}});
  EXPECT_EQ(gz.body, "GZIPPED");
  EXPECT_EQ(gz.header("Content-Encoding"), "gzip");
  EXPECT_EQ(f.get("/app.js", {{"if-none-match", js.header("ETag")}}).status, 304);
  EXPECT_EQ(f.get("/models/model.onnx").body, "ONNX");
  EXPECT_EQ(f.get("/models/model.onnx").header("Cache-Control"), "public, max-age=86400");
  auto wasm = f.get("/ort/ort-wasm-simd-threaded.wasm");
  EXPECT_EQ(wasm.header("Content-Type"), "application/wasm");
  EXPECT_EQ(wasm.header("Cross-Origin-Opener-Policy"), "same-origin");
  EXPECT_EQ(f.get("/missing.js").status, 404);
  HttpRequest head;
  head.method = "HEAD";
  head.target = "/models/model.onnx";
  auto h = f.service->handle_sync(head);
  EXPECT_TRUE(h.head_only);
  EXPECT_EQ(h.head_length, 4u);
}

TEST(SyncStatic, NegotiatesBrotliGzipOrIdentityWithOneEtagPerEncoding) {
  ServerFixture f;
  auto br = f.get("/app.js", {{"accept-encoding", "gzip, deflate, br"}});
  EXPECT_EQ(br.body, "BROTLI!");
  EXPECT_EQ(br.header("Content-Encoding"), "br");
  EXPECT_EQ(br.header("Vary"), "Accept-Encoding");
  auto gz = f.get("/app.js", {{"accept-encoding", "br;q=0, gzip"}});
  EXPECT_EQ(gz.body, "GZIPPED");
  EXPECT_EQ(gz.header("Content-Encoding"), "gzip");
  auto id = f.get("/app.js", {{"accept-encoding", "identity"}});
  EXPECT_EQ(id.body, "console.log(1)");
  EXPECT_EQ(id.header("Content-Encoding"), "");
  EXPECT_EQ(id.header("Vary"), "Accept-Encoding");
  EXPECT_EQ(f.get("/app.js", {{"accept-encoding", "*"}}).body, "BROTLI!");
  EXPECT_EQ(f.get("/app.js", {{"accept-encoding", "*;q=0"}}).body, "console.log(1)");
  // Three representations, three ETags; a conditional GET only matches its own encoding's tag.
  EXPECT_NE(br.header("ETag"), gz.header("ETag"));
  EXPECT_NE(gz.header("ETag"), id.header("ETag"));
  EXPECT_EQ(f.get("/app.js", {{"accept-encoding", "br"}, {"if-none-match", br.header("ETag")}}).status, 304);
  EXPECT_EQ(f.get("/app.js", {{"accept-encoding", "gzip"}, {"if-none-match", br.header("ETag")}}).status, 200);
  // HEAD reports the length of the body that GET would send in that encoding.
  HttpRequest head;
  head.method = "HEAD";
  head.target = "/app.js";
  head.headers["accept-encoding"] = "br";
  EXPECT_EQ(f.service->handle_sync(head).head_length, std::string("BROTLI!").size());
  // A precompressed file older than its source is stale: the source is sent instead.
  namespace fs = std::filesystem;
  fs::last_write_time(f.dir / "web" / "old.js.gz", fs::last_write_time(f.dir / "web" / "old.js") - std::chrono::hours(1));
  auto old = f.get("/old.js", {{"accept-encoding", "gzip"}});
  EXPECT_EQ(old.body, "fresh");
  EXPECT_EQ(old.header("Content-Encoding"), "");
}

TEST(SyncStatic, ServesOneByteRangeOfTheFileItself) {
  ServerFixture f;
  // The rest of a download that broke off: bytes of the file itself, whatever encodings the client accepts.
  auto part = f.get("/app.js", {{"accept-encoding", "gzip, br"}, {"range", "bytes=8-"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, "log(1)");
  EXPECT_EQ(part.header("Content-Encoding"), "");
  EXPECT_EQ(part.header("Content-Range"), "bytes 8-13/14");
  EXPECT_EQ(f.get("/app.js", {{"range", "bytes=0-6"}}).body, "console");
  EXPECT_EQ(f.get("/app.js", {{"range", "bytes=-3"}}).body, "(1)");
  EXPECT_EQ(f.get("/app.js", {{"range", "bytes=10-99"}}).header("Content-Range"), "bytes 10-13/14");
  auto past = f.get("/app.js", {{"range", "bytes=14-"}});
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.header("Content-Range"), "bytes */14");
  EXPECT_EQ(past.body, "");
  // Several ranges, another unit or a malformed range: the whole file, negotiated as usual.
  for (const char* h : {"bytes=1-2,4-5", "items=0-1", "bytes=5-2", "bytes=x-", "bytes=-", "bytes=1-y"}) {
    auto whole = f.get("/app.js", {{"accept-encoding", "br"}, {"range", h}});
    EXPECT_EQ(whole.status, 200) << h;
    EXPECT_EQ(whole.body, "BROTLI!") << h;
  }
  // If-Range: the identity representation's ETag gets the range, any other the whole file.
  auto id = f.get("/app.js");
  EXPECT_EQ(id.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(f.get("/app.js", {{"range", "bytes=8-"}, {"if-range", id.header("ETag")}}).status, 206);
  auto changed = f.get("/app.js", {{"range", "bytes=8-"}, {"if-range", "\"0-0\""}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.body, "console.log(1)");
}

TEST(AcceptEncoding, QualityValues) {
  EXPECT_EQ(accepted_quality("gzip, br", "br"), 1.0);
  EXPECT_EQ(accepted_quality("gzip;q=0.5, br;q=0", "br"), 0.0);
  EXPECT_EQ(accepted_quality("gzip;q=0.5, br;q=0", "gzip"), 0.5);
  EXPECT_EQ(accepted_quality("", "gzip"), 0.0);
  EXPECT_EQ(accepted_quality(" GZIP ", "gzip"), 1.0);
  EXPECT_EQ(accepted_quality("*;q=0.3", "br"), 0.3);
  EXPECT_EQ(accepted_quality("br;q=0, *", "br"), 0.0);
}

TEST(SyncStatic, RefusesPathTraversalInEveryEncoding) {
  ServerFixture f;
  for (const char* target : {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/%252e%252e/secret.txt",
                             "/sub/../../secret.txt", "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/.%2e/secret.txt",
                             "/models/../secret.txt", "/models/%2e%2e/secret.txt", "/ort/..%5csecret.txt",
                             "/sub%2f..%2f..%2fsecret.txt", "/%00", "/.hidden", "/%"}) {
    auto r = f.get(target);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " -> " << r.status;
    EXPECT_EQ(r.body.find("secret"), std::string::npos) << target;
  }
  EXPECT_EQ(f.get("/sub/x.css").status, 200);
  EXPECT_EQ(f.get("/sub%2fx.css").status, 200);  // an encoded slash inside the root is harmless
}

TEST(SafeRelativePath, DecodesOnceAndRejectsDotSegments) {
  EXPECT_EQ(safe_relative_path("a/b.js"), "a/b.js");
  EXPECT_EQ(safe_relative_path("a//b.js"), "a/b.js");
  EXPECT_EQ(safe_relative_path("a%20b"), "a b");
  EXPECT_FALSE(safe_relative_path("a/../b"));
  EXPECT_FALSE(safe_relative_path("%2e%2e/b"));
  EXPECT_FALSE(safe_relative_path("%252e%252e/b"));
  EXPECT_FALSE(safe_relative_path("a\\..\\b"));
  EXPECT_FALSE(safe_relative_path("%zz"));
}

TEST(Storage, MigratesToTheCurrentVersionOnceAndKeepsData) {
  auto dir = make_temp_dir("mig");
  const auto path = test_db(dir, "m");
  {
    auto db = open_storage(path, false);
    EXPECT_EQ(schema_version(db), kSchemaVersion);
    db.exec("INSERT INTO alerts(at_ms, kind, severity, message) VALUES (1, 'k', 'warning', 'm')");
    if (!db.postgres()) {
      auto mode = db.prepare("PRAGMA journal_mode");
      ASSERT_TRUE(mode.step());
      EXPECT_EQ(mode.text(0), "wal");
    }
  }
  {
    auto db = open_storage(path, false);
    EXPECT_EQ(schema_version(db), kSchemaVersion);
    EXPECT_EQ(db.query_int("SELECT count(*) FROM alerts"), 1);
    EXPECT_EQ(db.query_int("SELECT count(*) FROM rl_ab_test"), 1);
    db.exec("UPDATE schema_version SET version = 99");
  }
  try {
    open_storage(path, false);
    ADD_FAILURE() << "a newer schema must be refused";
  } catch (const std::runtime_error& ex) {
    EXPECT_THAT(ex.what(), ::testing::HasSubstr("schema version 99 is newer than this server"));
  }
  {
    // A database whose version says 0 but whose tables exist: the failing step is named, nothing else changes.
    Database db(path);
    db.exec("UPDATE schema_version SET version = 0");
  }
  try {
    open_storage(path, false);
    ADD_FAILURE() << "re-running migration 1 over its own tables must fail";
  } catch (const DbError& ex) {
    EXPECT_THAT(ex.what(), ::testing::HasSubstr("from schema version 0 to 1 failed"));
  }
  EXPECT_EQ(Database(path).query_int("SELECT version FROM schema_version"), 0);
  std::filesystem::remove_all(dir);
}

TEST(ScheduledJobs, TwoServersOnOneDatabaseRunEachPeriodOnce) {
  ServerFixture a;
  SyncService b(a.config, load_known_projects(a.config.models_dir));  // a second server on the same database
  b.set_clock([] { return kNow; });
  const auto first = a.service->monitor_now(std::string("p-1"));
  const auto second = b.monitor_now(std::string("p-1"));
  EXPECT_FALSE(first.contains("skipped")) << first.dump();
  EXPECT_TRUE(second.value("skipped", false)) << second.dump();
  EXPECT_FALSE(b.monitor_now(std::string("p-2")).contains("skipped"));  // the next period runs again
  EXPECT_TRUE(b.evaluate_now(std::string("2026-11-28")).is_array());
  EXPECT_TRUE(a.service->evaluate_now(std::string("2026-11-28")).value("skipped", false));
  EXPECT_EQ(count_rows(a.config.db, "SELECT count(*) FROM experiment_evaluations"), 1);
  EXPECT_EQ(count_rows(a.config.db, "SELECT count(*) FROM job_runs"), 3);
  // Admin "now" runs carry no period and always run.
  a.service->evaluate_now();
  EXPECT_EQ(count_rows(a.config.db, "SELECT count(*) FROM experiment_evaluations"), 2);
}
