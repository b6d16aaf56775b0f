// Process-wide counters, gauges and one latency histogram, rendered in the Prometheus text format.
// Invariant: every series is monotonic except gauges; rendering takes a consistent copy under one lock.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace wayfinder::server {

class Metrics {
 public:
  void count_request(const std::string& route, int status);
  void count_events_accepted(std::uint64_t n, std::uint64_t duplicates);
  void count_rejected(const std::string& reason, std::uint64_t n = 1);
  void observe_batch_latency(double seconds);
  void set_gauge(const std::string& name, double value);  // e.g. wayfinder_snapshot_version
  void count(const std::string& name, std::uint64_t n = 1);  // free-form counters, e.g. wayfinder_alerts_total
  std::string render() const;

  static constexpr std::array<double, 12> kLatencyBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                               0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, std::uint64_t> rejected_;
  std::map<std::string, std::uint64_t> counters_;
  std::map<std::string, double> gauges_;
  std::uint64_t accepted_ = 0, duplicates_ = 0;
  std::array<std::uint64_t, kLatencyBuckets.size()> buckets_{};
  std::uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
};

}  // namespace wayfinder::server
