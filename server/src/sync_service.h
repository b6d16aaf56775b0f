// The sync server's request handling without any networking: parsed HttpRequest in, HttpResponse out (through a
// callback, because feedback answers only after its group commit). Invariant: a 200 to POST /v1/feedback is sent
// only after the batch's transaction committed; every error is JSON {"error","field"}.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "client_credentials.h"
#include "config.h"
#include "feedback_writer.h"
#include "http_types.h"
#include "known_projects.h"
#include "metrics.h"
#include "nightly_merge.h"
#include "rate_limiter.h"
#include "db.h"
#include "static_files.h"

namespace wayfinder::server {

class SyncService {
 public:
  using Respond = std::function<void(HttpResponse)>;
  SyncService(ServerConfig config, std::unique_ptr<KnownProjects> projects);
  ~SyncService();

  // May call `respond` synchronously or later from the writer thread; exactly once.
  void handle(const HttpRequest& req, Respond respond);
  // The same, waiting for the answer (tests and simple callers).
  HttpResponse handle_sync(const HttpRequest& req);

  nlohmann::json merge_now(const std::string& day);  // serialised with the other jobs
  // With a period (scheduled runs: the day / the monitoring interval), the job runs at most once per period across
  // every server on the database; without one (admin "now"), it always runs.
  nlohmann::json evaluate_now(const std::optional<std::string>& period = std::nullopt);
  nlohmann::json monitor_now(const std::optional<std::string>& period = std::nullopt);
  nlohmann::json retain_now(const std::optional<std::string>& period = std::nullopt);  // retention (daily)
  nlohmann::json report();

  // The one check of a request's client credential for `client_id` (docs/SERVER.md, "Client credentials"): the
  // "Authorization: Wayfinder <credential>" header, else `body_credential`. Nothing presented → malformed, with a
  // message saying so. Answer a non-valid result with credential_refusal(check) (401 naming the problem).
  identity::CredentialCheck check_credential(const HttpRequest& req, std::string_view client_id,
                                             const std::string& body_credential = "") const;

  void stop_writer();  // drains every queued batch (answers them), then stops; for shutdown
  Metrics& metrics() { return metrics_; }
  const ServerConfig& config() const { return config_; }
  // Clock used for timestamp windows and rate limits; tests replace it.
  void set_clock(std::function<std::int64_t()> now_ms) { now_ms_ = std::move(now_ms); }

 private:
  // The route table (sync_service.cpp): path, methods, admin or not, handler.
  using RouteHandler = HttpResponse (SyncService::*)(const HttpRequest&, Respond&, bool& deferred);
  struct Route {
    std::string_view path;
    std::string_view methods;
    bool admin;
    RouteHandler handle;
  };
  static const std::vector<Route>& routes();
  static std::string route_label(const std::string& path);
  HttpResponse route(const HttpRequest& req, const std::string& path, Respond& respond, bool& deferred);
  HttpResponse route_healthz(const HttpRequest& req, Respond& respond, bool& deferred);
  HttpResponse route_metrics(const HttpRequest& req, Respond& respond, bool& deferred);
  HttpResponse route_feedback(const HttpRequest& req, Respond& respond, bool& deferred);
  HttpResponse route_bandit(const HttpRequest& req, Respond& respond, bool& deferred);
  HttpResponse route_experiments(const HttpRequest& req, Respond& respond, bool& deferred);
  HttpResponse route_merge(const HttpRequest& req, Respond& respond, bool& deferred);
  HttpResponse route_evaluate(const HttpRequest& req, Respond& respond, bool& deferred);
  HttpResponse route_monitor(const HttpRequest& req, Respond& respond, bool& deferred);
  HttpResponse route_report(const HttpRequest& req, Respond& respond, bool& deferred);
  HttpResponse route_clients(const HttpRequest& req, Respond& respond, bool& deferred);  // sync_clients.cpp
  HttpResponse route_forget(const HttpRequest& req, Respond& respond, bool& deferred);   // sync_forget.cpp
  HttpResponse renew_client(const std::string& client_id, const std::string& credential, std::int64_t now);
  HttpResponse issue_new_client(const HttpRequest& req, std::string client_id, std::int64_t now);
  struct Refusal;
  std::optional<Refusal> admit_feedback(const HttpRequest& req, std::int64_t now, events::FeedbackBatch& batch);
  std::optional<Refusal> check_event_window(const events::FeedbackBatch& batch, std::int64_t now) const;
  void handle_feedback(const HttpRequest& req, Respond respond);
  HttpResponse handle_bandit(const HttpRequest& req);
  HttpResponse handle_experiments();
  bool authorised(const HttpRequest& req) const;
  void refresh_snapshot();
  void poll_snapshot();

  ServerConfig config_;
  std::unique_ptr<KnownProjects> projects_;
  Metrics metrics_;
  RateLimiter client_limiter_;
  RateLimiter address_limiter_;
  std::function<std::int64_t()> now_ms_;
  std::mutex read_mu_;
  Database read_db_;
  std::mutex job_mu_;
  Database job_db_;
  ClientCredentials credentials_;  // after the databases: an unreachable database is reported before a missing key
  std::mutex snapshot_mu_;
  Snapshot snapshot_;
  std::chrono::steady_clock::time_point last_snapshot_poll_{};
  StaticRoot web_root_, models_root_, ort_root_;
  std::unique_ptr<FeedbackWriter> writer_;
};

// onnxruntime-web's dist folder near `start` (walks up looking for node_modules/onnxruntime-web/dist); "" if none.
std::string find_ort_dist(const std::string& start);

}  // namespace wayfinder::server
