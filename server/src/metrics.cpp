#include "metrics.h"

#include <sstream>

namespace wayfinder::server {

void Metrics::count_request(const std::string& route, int status) {
  std::lock_guard l(mu_);
  ++requests_[{route, status}];
}
void Metrics::count_events_accepted(std::uint64_t n, std::uint64_t duplicates) {
  std::lock_guard l(mu_);
  accepted_ += n;
  duplicates_ += duplicates;
}
void Metrics::count_rejected(const std::string& reason, std::uint64_t n) {
  std::lock_guard l(mu_);
  rejected_[reason] += n;
}
void Metrics::observe_batch_latency(double seconds) {
  std::lock_guard l(mu_);
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) ++buckets_[i];
  }
  ++latency_count_;
  latency_sum_ += seconds;
}
void Metrics::set_gauge(const std::string& name, double value) {
  std::lock_guard l(mu_);
  gauges_[name] = value;
}
void Metrics::count(const std::string& name, std::uint64_t n) {
  std::lock_guard l(mu_);
  counters_[name] += n;
}

std::string Metrics::render() const {
  std::lock_guard l(mu_);
  std::ostringstream o;
  o << "# HELP wayfinder_http_requests_total HTTP requests by route and status.\n"
       "# TYPE wayfinder_http_requests_total counter\n";
  for (const auto& [k, v] : requests_) {
    o << "wayfinder_http_requests_total{route=\"" << k.first << "\",status=\"" << k.second << "\"} " << v << "\n";
  }
  o << "# HELP wayfinder_events_accepted_total Events stored durably.\n"
       "# TYPE wayfinder_events_accepted_total counter\nwayfinder_events_accepted_total "
    << accepted_ << "\n";
  o << "# HELP wayfinder_events_duplicate_total Events dropped because their id was already stored.\n"
       "# TYPE wayfinder_events_duplicate_total counter\nwayfinder_events_duplicate_total "
    << duplicates_ << "\n";
  o << "# HELP wayfinder_events_rejected_total Events or requests rejected, by reason.\n"
       "# TYPE wayfinder_events_rejected_total counter\n";
  for (const auto& [k, v] : rejected_) o << "wayfinder_events_rejected_total{reason=\"" << k << "\"} " << v << "\n";
  o << "# HELP wayfinder_feedback_batch_seconds Time from a parsed batch to its commit.\n"
       "# TYPE wayfinder_feedback_batch_seconds histogram\n";
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    o << "wayfinder_feedback_batch_seconds_bucket{le=\"" << kLatencyBuckets[i] << "\"} " << buckets_[i] << "\n";
  }
  o << "wayfinder_feedback_batch_seconds_bucket{le=\"+Inf\"} " << latency_count_ << "\n";
  o << "wayfinder_feedback_batch_seconds_sum " << latency_sum_ << "\n";
  o << "wayfinder_feedback_batch_seconds_count " << latency_count_ << "\n";
  for (const auto& [k, v] : counters_) o << "# TYPE " << k << " counter\n" << k << " " << v << "\n";
  for (const auto& [k, v] : gauges_) o << "# TYPE " << k << " gauge\n" << k << " " << v << "\n";
  return o.str();
}

}  // namespace wayfinder::server
