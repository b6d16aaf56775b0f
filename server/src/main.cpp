// wayfinder-sync: serve (default), or run one operator job (merge | evaluate | report) against --db and exit.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "config.h"
#include "db.h"
#include "episodes.h"
#include "experiment_evaluation.h"
#include "http_server.h"
#include "job_scheduler.h"
#include "json_log.h"
#include "known_projects.h"
#include "nightly_merge.h"
#include "report.h"
#include "storage.h"
#include "sync_service.h"

using namespace wayfinder::server;

namespace {

std::optional<std::string> env_lookup(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

// The crash-injection hook exists only in the test build (wayfinder-sync-test, WAYFINDER_TEST_HOOKS): with
// WAYFINDER_TEST_CRASH_IN_MERGE it aborts inside the merge transaction, after every write and before COMMIT; with
// WAYFINDER_TEST_MERGE_HOLD_FILE it first waits while that file exists (a multi-server test queues another server's
// merge behind this one's lock). The shipped binary has no such hook, whatever the environment says.
std::function<void()> merge_test_hook() {
#ifdef WAYFINDER_TEST_HOOKS
  if (env_lookup("WAYFINDER_TEST_CRASH_IN_MERGE")) {
    return [hold = env_lookup("WAYFINDER_TEST_MERGE_HOLD_FILE").value_or("")] {
      while (!hold.empty() && std::filesystem::exists(hold)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
      std::abort();
    };
  }
#endif
  return {};
}

int run_job(const CommandLine& cl) {
  Database db = open_storage(cl.config.db, true);
  const auto now = now_unix_ms();
  if (cl.command == "merge") {
    const std::string day = cl.day.value_or(day_of(now - 86400000));
    const auto r = run_merge(db, cl.config.merge, day, now, merge_test_hook());
    std::cout << nlohmann::json(r).dump(2) << "\n";
    return 0;
  }
  if (cl.command == "evaluate") {
    Transaction tx(db);
    const auto j = evaluate_experiments(db, now);
    tx.commit();
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  std::cout << build_report(db, now).dump(2) << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CommandLine cl;
  try {
    cl = parse_command_line(std::vector<std::string>(argv + 1, argv + argc), env_lookup);
  } catch (const std::exception& ex) {
    std::cerr << "wayfinder-sync: " << ex.what() << "\n\n" << usage_text();
    return 2;
  }
  if (cl.command == "help") {
    std::cout << usage_text();
    return 0;
  }
  try {
    if (cl.command != "serve") return run_job(cl);
    // Signals are handled by the server's signal_set; block them from SIGPIPE-style kills on closed sockets.
    std::signal(SIGPIPE, SIG_IGN);
    if (cl.config.models_dir.empty()) throw std::invalid_argument("--models DIR is required (project ids, model, shards)");
    auto projects = load_known_projects(cl.config.models_dir);
    log_info("known projects loaded", {{"count", projects->size()}, {"source", projects->source()}});
    SyncService service(cl.config, std::move(projects));
    std::unique_ptr<JobScheduler> scheduler;
    if (cl.config.scheduler) scheduler = std::make_unique<JobScheduler>(service);
    run_http_server(service, [&](int port) {
      log_info("listening", {{"host", cl.config.host}, {"port", port}, {"db", redact_connection(cl.config.db)}, {"backend", is_postgres_url(cl.config.db) ? "postgresql" : "sqlite"}, {"pid", ::getpid()}});
    });
    if (scheduler) scheduler->stop();
    service.stop_writer();
    log_info("stopped");
    return 0;
  } catch (const std::exception& ex) {
    // Whatever failed (connecting, migrating, a job), the message never carries the connection's password.
    log_error("fatal", {{"error", scrub_secret(ex.what(), cl.config.db)}, {"db", redact_connection(cl.config.db)}});
    return 1;
  }
}
