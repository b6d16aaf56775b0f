// In-process scheduler: the nightly merge and experiment evaluation at fixed UTC times, monitoring every N minutes.
// Invariant: jobs run one at a time on the scheduler's thread; a failed job is logged and retried next tick.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace wayfinder::server {

class SyncService;

class JobScheduler {
 public:
  explicit JobScheduler(SyncService& service);
  ~JobScheduler();
  void stop();

 private:
  void run();
  SyncService& service_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::string last_merge_day_, last_evaluate_day_;
  std::int64_t last_monitor_ms_ = 0;
  std::thread thread_;
};

}  // namespace wayfinder::server
