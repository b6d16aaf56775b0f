#include "sync_service.h"

#include <chrono>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>

#include "episodes.h"
#include "experiment_evaluation.h"
#include "json_log.h"
#include "monitoring.h"
#include "report.h"
#include "retention.h"
#include "storage.h"
#include "wayfinder/encoding.h"
#include "wayfinder/events/event.h"

namespace wayfinder::server {
namespace {

std::string path_of(const std::string& target) {
  const auto q = target.find('?');
  return q == std::string::npos ? target : target.substr(0, q);
}

std::optional<std::string> query_param(const std::string& target, const std::string& name) {
  const auto q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  std::string_view rest = std::string_view(target).substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const auto pair = rest.substr(0, amp);
    const auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) return std::string(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

void add_common_headers(HttpResponse& r, const std::string& path) {
  // ORT-web needs cross-origin isolation (SharedArrayBuffer) for its threaded wasm.
  r.set("Cross-Origin-Opener-Policy", "same-origin");
  r.set("Cross-Origin-Embedder-Policy", "require-corp");
  r.set("Cross-Origin-Resource-Policy", "cross-origin");
  r.set("X-Content-Type-Options", "nosniff");
  if (starts_with(path, "/v1/") && !starts_with(path, "/v1/admin/")) {
    r.set("Access-Control-Allow-Origin", "*");
    r.set("Access-Control-Expose-Headers", "ETag, Retry-After");
  }
}

}  // namespace

std::string find_ort_dist(const std::string& start) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::absolute(start.empty() ? fs::current_path() : fs::path(start), ec);
  for (int i = 0; i < 8 && !p.empty(); ++i) {
    const fs::path cand = p / "node_modules" / "onnxruntime-web" / "dist";
    if (fs::is_directory(cand, ec)) return cand.string();
    if (p == p.parent_path()) break;
    p = p.parent_path();
  }
  return {};
}

SyncService::SyncService(ServerConfig config, std::unique_ptr<KnownProjects> projects)
    : config_(std::move(config)),
      projects_(std::move(projects)),
      client_limiter_(config_.per_client),
      address_limiter_(config_.per_address),
      now_ms_([] { return now_unix_ms(); }),
      read_db_(open_storage(config_.db, config_.synchronous_full)),
      job_db_(open_storage(config_.db, config_.synchronous_full)),
      credentials_(load_credential_key(config_), config_.credential_days, config_.trusted_proxies) {
  web_root_ = {config_.web_dir, "public, max-age=3600", true};
  models_root_ = {config_.models_dir, "public, max-age=86400", false};
  std::string ort = config_.ort_dir;
  if (ort.empty()) ort = find_ort_dist(config_.web_dir.empty() ? "" : config_.web_dir);
  if (ort.empty()) ort = find_ort_dist("");
  if (ort.empty()) {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) ort = find_ort_dist(exe.parent_path().string());
  }
  ort_root_ = {ort, "public, max-age=604800, immutable", false};
  refresh_snapshot();
  writer_ = std::make_unique<FeedbackWriter>(config_.db, config_.synchronous_full);
}

SyncService::~SyncService() { stop_writer(); }

void SyncService::stop_writer() {
  if (writer_) writer_->stop();
}

void SyncService::refresh_snapshot() {
  Snapshot s;
  {
    std::lock_guard l(read_mu_);
    read_db_.ensure_connected();
    s = latest_snapshot(read_db_);
  }
  metrics_.set_gauge("wayfinder_snapshot_version", static_cast<double>(s.version));
  std::lock_guard l(snapshot_mu_);
  snapshot_ = std::move(s);
}

HttpResponse SyncService::handle_sync(const HttpRequest& req) {
  std::promise<HttpResponse> p;
  auto f = p.get_future();
  handle(req, [&p](HttpResponse r) { p.set_value(std::move(r)); });
  return f.get();
}

void SyncService::handle(const HttpRequest& req, Respond respond) {
  const std::string path = path_of(req.target);
  const std::string label = route_label(path);
  auto finish = [this, label, path, respond = std::move(respond)](HttpResponse r) {
    add_common_headers(r, path);
    metrics_.count_request(label, r.status);
    if (r.status >= 500) log_error("request failed", {{"route", label}, {"status", r.status}, {"body", r.body}});
    respond(std::move(r));
  };
  bool deferred = false;
  Respond finish_fn = std::move(finish);  // one owner of the responder (and of what it holds)
  HttpResponse r;
  try {
    r = route(req, path, finish_fn, deferred);
  } catch (const DbError& ex) {
    r = json_error(ex.unavailable() ? 503 : 500, std::string(ex.unavailable() ? "database unavailable (retry later): "
                                                                              : "internal error: ") + ex.what());
    if (ex.unavailable()) r.set("Retry-After", "1");
    deferred = false;
  } catch (const std::exception& ex) {
    r = json_error(500, std::string("internal error: ") + ex.what());
    deferred = false;
  }
  if (deferred) return;
  if (finish_fn) {
    finish_fn(std::move(r));
  } else {  // the responder went to a handler that threw: it can no longer answer this request
    log_error("request dropped", {{"route", label}, {"status", r.status}});
  }
}

// The API's routes, one row each: the path, its methods ("GET" also answers HEAD), whether it needs the admin
// token, and its handler. Anything else under /v1/ is a 404; every other path is a static file.
const std::vector<SyncService::Route>& SyncService::routes() {
  static const std::vector<Route> kRoutes = {
      {"/healthz", "GET", false, &SyncService::route_healthz},
      {"/metrics", "GET", false, &SyncService::route_metrics},
      {"/v1/feedback", "POST", false, &SyncService::route_feedback},
      {"/v1/clients", "POST", false, &SyncService::route_clients},
      {"/v1/forget", "POST", false, &SyncService::route_forget},
      {"/v1/bandit", "GET", false, &SyncService::route_bandit},
      {"/v1/experiments", "GET", false, &SyncService::route_experiments},
      {"/v1/admin/merge", "POST", true, &SyncService::route_merge},
      {"/v1/admin/evaluate", "POST", true, &SyncService::route_evaluate},
      {"/v1/admin/monitor", "POST", true, &SyncService::route_monitor},
      {"/v1/admin/report", "GET", true, &SyncService::route_report},
  };
  return kRoutes;
}

namespace {

HttpResponse method_not_allowed(std::string_view allow) {
  auto r = json_error(405, "method not allowed");
  r.set("Allow", std::string(allow));
  return r;
}

HttpResponse unauthorised() {
  auto r = json_error(401, "admin endpoints need 'Authorization: Bearer <token>'");
  r.set("WWW-Authenticate", "Bearer");
  return r;
}

HttpResponse cors_preflight() {
  HttpResponse r;
  r.status = 204;
  r.set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  r.set("Access-Control-Allow-Headers", "Content-Type, If-None-Match, Authorization");  // Authorization: Wayfinder …
  r.set("Access-Control-Max-Age", "600");
  return r;
}

bool method_allowed(std::string_view allowed, const std::string& method) {
  return method == allowed || (allowed == "GET" && method == "HEAD");
}

}  // namespace

HttpResponse SyncService::route(const HttpRequest& req, const std::string& path, Respond& respond, bool& deferred) {
  if (req.method == "OPTIONS" && starts_with(path, "/v1/")) return cors_preflight();
  for (const auto& r : routes()) {
    if (path != r.path) continue;
    if (r.admin && !authorised(req)) return unauthorised();
    if (!method_allowed(r.methods, req.method)) return method_not_allowed(r.methods);
    return (this->*r.handle)(req, respond, deferred);
  }
  if (starts_with(path, "/v1/admin/")) return authorised(req) ? json_error(404, "no such admin endpoint") : unauthorised();
  if (starts_with(path, "/v1/")) return json_error(404, "no such endpoint");
  if (req.method != "GET" && req.method != "HEAD") return method_not_allowed("GET, HEAD");
  const std::string raw = req.target;  // undecoded: serve_static decodes exactly once
  if (starts_with(path, "/models/")) return serve_static(models_root_, raw.substr(8), req);
  if (starts_with(path, "/ort/")) return serve_static(ort_root_, raw.substr(5), req);
  return serve_static(web_root_, raw.substr(1), req);
}

HttpResponse SyncService::route_healthz(const HttpRequest&, Respond&, bool&) {
  std::int64_t version;
  {
    std::lock_guard l(snapshot_mu_);
    version = snapshot_.version;
  }
  return json_response(200, nlohmann::json{{"status", "ok"},
                                           {"schemaVersion", kSchemaVersion},
                                           {"snapshotVersion", version},
                                           {"knownProjects", projects_->size()},
                                           {"writerQueue", writer_->queue_depth()}}
                                .dump());
}

HttpResponse SyncService::route_metrics(const HttpRequest&, Respond&, bool&) {
  metrics_.set_gauge("wayfinder_writer_queue_depth", static_cast<double>(writer_->queue_depth()));
  const auto ws = writer_->stats();
  metrics_.set_gauge("wayfinder_writer_commits", static_cast<double>(ws.commits));
  HttpResponse r;
  r.body = metrics_.render();
  r.set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  r.set("Cache-Control", "no-store");
  return r;
}

// The answer comes later, from the writer thread (group commit): the request is deferred.
HttpResponse SyncService::route_feedback(const HttpRequest& req, Respond& respond, bool& deferred) {
  deferred = true;
  handle_feedback(req, std::move(respond));
  return {};
}

HttpResponse SyncService::route_bandit(const HttpRequest& req, Respond&, bool&) { return handle_bandit(req); }
HttpResponse SyncService::route_experiments(const HttpRequest&, Respond&, bool&) { return handle_experiments(); }

HttpResponse SyncService::route_merge(const HttpRequest& req, Respond&, bool&) {
  const auto day = query_param(req.target, "day").value_or(day_of(now_ms_() - 86400000));
  try {
    day_start_ms(day);
  } catch (const std::invalid_argument& ex) {
    return json_error(400, ex.what(), "day");
  }
  return json_response(200, merge_now(day).dump());
}

HttpResponse SyncService::route_evaluate(const HttpRequest&, Respond&, bool&) {
  return json_response(200, evaluate_now().dump());
}
HttpResponse SyncService::route_monitor(const HttpRequest&, Respond&, bool&) {
  return json_response(200, monitor_now().dump());
}
HttpResponse SyncService::route_report(const HttpRequest&, Respond&, bool&) { return json_response(200, report().dump()); }

// Labels for /metrics: a bounded set (the routes of the table and a few static families), never the raw path.
std::string SyncService::route_label(const std::string& path) {
  for (const auto& r : routes()) {
    if (path == r.path) return std::string(r.path);
  }
  if (starts_with(path, "/v1/")) return "/v1/other";
  if (starts_with(path, "/models/")) return "/models";
  if (starts_with(path, "/ort/")) return "/ort";
  return "/static";
}

bool SyncService::authorised(const HttpRequest& req) const {
  if (config_.admin_token.empty()) return false;
  const std::string h = req.header("authorization");
  if (!starts_with(h, "Bearer ")) return false;
  return constant_time_equal(h.substr(7), config_.admin_token);
}

// Why a feedback request is refused before it reaches the writer: status, metrics reason, error, field, and the
// Retry-After of a rate limit (0: none).
struct SyncService::Refusal {
  int status;
  std::string reason, error, field;
  int retry_after = 0;
};

// Size, rate limits, content type, schema, time window and known projects; fills `batch` when all pass.
std::optional<SyncService::Refusal> SyncService::admit_feedback(const HttpRequest& req, std::int64_t now,
                                                                events::FeedbackBatch& batch) {
  if (req.body.size() > config_.max_body_bytes) {
    return Refusal{413, "too_large", "body is larger than " + std::to_string(config_.max_body_bytes) + " bytes", ""};
  }
  if (const int wait = address_limiter_.acquire(credentials_.address_of(req), now); wait > 0) {
    return Refusal{429, "rate_limited", "too many requests from this address", "", wait};
  }
  const std::string ct = req.header("content-type");
  // text/plain too: navigator.sendBeacon sends strings with it, and it avoids a CORS preflight.
  if (!ct.empty() && ct.find("application/json") == std::string::npos && ct.find("text/plain") == std::string::npos) {
    return Refusal{415, "content_type", "content type must be application/json", ""};
  }
  try {
    batch = events::parse_feedback_batch(req.body);
  } catch (const events::SchemaError& ex) {
    return Refusal{400, "invalid", ex.what(), ex.field()};
  }
  if (const int wait = client_limiter_.acquire(batch.client_id, now); wait > 0) {
    return Refusal{429, "rate_limited", "too many requests from this client", "clientId", wait};
  }
  return check_event_window(batch, now);
}

// Every event inside the accepted time window and about a project of the catalog.
std::optional<SyncService::Refusal> SyncService::check_event_window(const events::FeedbackBatch& batch,
                                                                    std::int64_t now) const {
  const std::int64_t oldest = now - config_.max_event_age_hours * 3600000;
  const std::int64_t newest = now + config_.max_event_future_minutes * 60000;
  if (batch.sent_at_ms < oldest || batch.sent_at_ms > newest) {
    return Refusal{422, "timestamp", "sentAt is outside the accepted time window", "sentAt"};
  }
  for (std::size_t i = 0; i < batch.events.size(); ++i) {
    const auto& e = batch.events[i];
    const std::string at = "events[" + std::to_string(i) + "]";
    if (e.at_ms < oldest || e.at_ms > newest) {
      return Refusal{422, "timestamp", "event time is outside the accepted window", at + ".at"};
    }
    if (!projects_->contains(e.project_id)) {
      return Refusal{422, "unknown_project", "unknown project '" + e.project_id + "'", at + ".projectId"};
    }
  }
  return std::nullopt;
}

namespace {
// A batch stored (uncounted) whose credential failed: the 401 naming the problem, with the stored answer's counts
// and "stored": true, so the client knows its events are kept and only the credential needs renewing.
HttpResponse stored_but_refused(const identity::CredentialCheck& check, const std::string& stored_answer) {
  auto r = credential_refusal(check);
  auto body = nlohmann::json::parse(r.body);
  body.update(nlohmann::json::parse(stored_answer));
  body["stored"] = true;
  r.body = body.dump();
  return r;
}
}  // namespace

identity::CredentialCheck SyncService::check_credential(const HttpRequest& req, std::string_view client_id,
                                                        const std::string& body_credential) const {
  const std::string presented = ClientCredentials::presented(req, body_credential);
  if (presented.empty()) {
    identity::CredentialCheck none;
    none.message = "credential: none presented (send 'Authorization: Wayfinder <credential>')";
    return none;
  }
  return credentials_.check(client_id, presented, now_ms_());
}

void SyncService::handle_feedback(const HttpRequest& req, Respond respond) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t now = now_ms_();
  events::FeedbackBatch batch;
  if (const auto refused = admit_feedback(req, now, batch)) {
    metrics_.count_rejected(refused->reason);
    auto r = json_error(refused->status, refused->error, refused->field);
    if (refused->retry_after > 0) r.set("Retry-After", std::to_string(refused->retry_after));
    return respond(std::move(r));
  }
  const std::size_t n = batch.events.size();
  // The credential decides whether the rows may reach the community counts; a bad one is answered 401 AFTER the
  // batch is stored (uncounted), so that nothing a client sent is lost.
  std::optional<identity::CredentialCheck> refused_credential;
  IngestTags tags{!config_.require_credentials, credentials_.prefix_hash_of(req)};
  if (const auto presented = ClientCredentials::presented(req, batch.credential); !presented.empty()) {
    const auto check = credentials_.check(batch.client_id, presented, now);
    tags.credentialed = check.status == identity::CredentialStatus::valid;
    if (!tags.credentialed) refused_credential = check;
  }
  if (!tags.credentialed) metrics_.count("wayfinder_batches_uncredentialed_total");
  writer_->submit(std::move(batch), now, [this, respond = std::move(respond), t0, n, refused_credential](WriteResult w) {
    if (!w.ok) {
      metrics_.count_rejected("storage_error", n);
      auto r = json_error(503, "could not store the batch (retry later): " + w.error);
      r.set("Retry-After", "1");
      return respond(std::move(r));
    }
    if (w.replayed) {
      metrics_.count("wayfinder_batches_replayed_total");  // a client resent an acknowledged batch (retry, beacon)
    } else {
      metrics_.count_events_accepted(static_cast<std::uint64_t>(w.accepted), static_cast<std::uint64_t>(w.duplicates));
    }
    metrics_.observe_batch_latency(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    auto r = json_response(200, w.response);
    if (refused_credential) r = stored_but_refused(*refused_credential, w.response);
    if (w.replayed) r.set("Idempotent-Replay", "true");
    respond(std::move(r));
  }, std::move(tags));
}

// Another server (or `wayfinder-sync merge`) may have published a newer snapshot: look at most once a second.
void SyncService::poll_snapshot() {
  const auto now = std::chrono::steady_clock::now();
  std::int64_t have;
  {
    std::lock_guard l(snapshot_mu_);
    if (now - last_snapshot_poll_ < std::chrono::seconds(1)) return;
    last_snapshot_poll_ = now;
    have = snapshot_.version;
  }
  try {
    std::int64_t newest;
    {
      std::lock_guard l(read_mu_);
      read_db_.ensure_connected();
      newest = read_db_.query_int("SELECT coalesce(max(version), 0) FROM bandit_snapshots").value_or(0);
    }
    if (newest != have) refresh_snapshot();
  } catch (const std::exception& ex) {  // the database is away: keep serving the snapshot we have
    log_warn("snapshot poll failed", {{"error", ex.what()}});
  }
}

HttpResponse SyncService::handle_bandit(const HttpRequest& req) {
  poll_snapshot();
  Snapshot s;
  {
    std::lock_guard l(snapshot_mu_);
    s = snapshot_;
  }
  const std::string etag = "\"bandit-v" + std::to_string(s.version) + "\"";
  HttpResponse r;
  r.set("ETag", etag);
  r.set("Cache-Control", "no-cache");
  r.set("Content-Type", "application/json");
  const std::string inm = req.header("if-none-match");
  if (!inm.empty() && (inm == etag || inm == "W/" + etag || inm == "*")) {
    r.status = 304;
    return r;
  }
  r.body = std::move(s.body);
  return r;
}

HttpResponse SyncService::handle_experiments() {
  nlohmann::json out = {{"experiments", nlohmann::json::array()}};
  std::lock_guard l(read_mu_);
  read_db_.ensure_connected();
  auto st = read_db_.prepare("SELECT experiment_id, name, arms, status, config FROM rl_ab_test ORDER BY experiment_id");
  while (st.step()) {
    out["experiments"].push_back({{"id", st.text(0)},
                                  {"name", st.text(1)},
                                  {"arms", nlohmann::json::parse(st.text(2))},
                                  {"status", st.text(3)},
                                  {"config", nlohmann::json::parse(st.text(4))}});
  }
  auto r = json_response(200, out.dump());
  r.set("Cache-Control", "no-cache");
  return r;
}

nlohmann::json SyncService::merge_now(const std::string& day) {
  MergeResult result;
  {
    std::lock_guard l(job_mu_);
    job_db_.ensure_connected();
    result = run_merge(job_db_, config_.merge, day, now_ms_());
  }
  nlohmann::json j = result;
  log_info("merge", j);
  metrics_.set_gauge("wayfinder_merge_duration_seconds", result.seconds);
  metrics_.count("wayfinder_merges_total");
  refresh_snapshot();
  return j;
}

namespace {
// Scheduled runs claim (job, period) in the job's own transaction: of N servers one inserts the row and runs the
// job; the others find it (PostgreSQL makes a concurrent insert of the same key wait for the first transaction,
// so a server that dies mid-job rolls its claim back and the next claimant runs it).
bool claim_period(Database& db, const std::string& job, const std::optional<std::string>& period, std::int64_t now) {
  if (!period) return true;
  db.prepare("INSERT INTO job_runs(job, period, started_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
      .bind(1, job).bind(2, *period).bind(3, now).run();
  return db.changes() == 1;
}
}  // namespace

nlohmann::json SyncService::evaluate_now(const std::optional<std::string>& period) {
  std::lock_guard l(job_mu_);
  job_db_.ensure_connected();
  JobLock lock(job_db_, "evaluate");
  Transaction tx(job_db_);
  if (!claim_period(job_db_, "evaluate", period, now_ms_())) return {{"skipped", true}, {"period", *period}};
  auto j = evaluate_experiments(job_db_, now_ms_());
  tx.commit();
  log_info("experiments evaluated", {{"experiments", j.size()}});
  return j;
}

nlohmann::json SyncService::monitor_now(const std::optional<std::string>& period) {
  MonitoringResult m;
  {
    std::lock_guard l(job_mu_);
    job_db_.ensure_connected();
    JobLock lock(job_db_, "monitor");
    Transaction tx(job_db_);
    if (!claim_period(job_db_, "monitor", period, now_ms_())) return {{"skipped", true}, {"period", *period}};
    m = run_monitoring(job_db_, now_ms_());
    tx.commit();
  }
  for (const auto& a : m.alerts) {
    log_warn("alert", {{"kind", a.kind}, {"severity", a.severity}, {"message", a.message}, {"value", a.value},
                       {"baseline", a.baseline}});
    metrics_.count("wayfinder_alerts_total");
  }
  metrics_.set_gauge("wayfinder_last_hour_ctr", m.ctr);
  metrics_.set_gauge("wayfinder_last_hour_events", static_cast<double>(m.events));
  return m;
}

nlohmann::json SyncService::retain_now(const std::optional<std::string>& period) {
  if (config_.retention_days <= 0) return {{"skipped", true}, {"reason", "retention is off"}};
  std::lock_guard l(job_mu_);
  job_db_.ensure_connected();
  if (period) {
    Transaction tx(job_db_);
    if (!claim_period(job_db_, "retention", period, now_ms_())) return {{"skipped", true}, {"period", *period}};
    tx.commit();  // claimed before the run: a run that dies leaves the rows for the next day's run
  }
  const nlohmann::json j = apply_retention(job_db_, config_, now_ms_());
  log_info("retention", j);
  return j;
}

nlohmann::json SyncService::report() {
  std::lock_guard l(read_mu_);
  read_db_.ensure_connected();
  return build_report(read_db_, now_ms_());
}

}  // namespace wayfinder::server
