#include "job_scheduler.h"

#include "config.h"
#include "episodes.h"
#include "json_log.h"
#include "storage.h"
#include "sync_service.h"

namespace wayfinder::server {

JobScheduler::JobScheduler(SyncService& service) : service_(service) {
  last_monitor_ms_ = now_unix_ms();
  thread_ = std::thread([this] { run(); });
}

JobScheduler::~JobScheduler() { stop(); }

void JobScheduler::stop() {
  {
    std::lock_guard l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JobScheduler::run() {
  const auto& cfg = service_.config();
  const int merge_minute = parse_time_of_day(cfg.merge_at);
  const int evaluate_minute = parse_time_of_day(cfg.evaluate_at);
  for (;;) {
    {
      std::unique_lock l(mu_);
      if (cv_.wait_for(l, std::chrono::seconds(5), [&] { return stopping_; })) return;
    }
    const std::int64_t now = now_unix_ms();
    const std::string today = day_of(now);
    const int minute_of_day = static_cast<int>(now % 86400000 / 60000);
    try {
      // Merges yesterday once the configured time has passed today (merging a day twice is a no-op anyway).
      if (minute_of_day >= merge_minute && last_merge_day_ != today) {
        service_.merge_now(day_of(now - 86400000));
        service_.retain_now(today);  // after the merge: only merged days are deleted
        last_merge_day_ = today;
      }
      if (minute_of_day >= evaluate_minute && last_evaluate_day_ != today) {
        service_.evaluate_now(today);
        last_evaluate_day_ = today;
      }
      if (now - last_monitor_ms_ >= static_cast<std::int64_t>(cfg.monitor_interval_minutes) * 60000) {
        const std::int64_t interval_ms = static_cast<std::int64_t>(cfg.monitor_interval_minutes) * 60000;
        service_.monitor_now(std::to_string(now / interval_ms));
        last_monitor_ms_ = now;
      }
    } catch (const std::exception& ex) {
      log_error("scheduled job failed", {{"error", ex.what()}});
    }
  }
}

}  // namespace wayfinder::server
