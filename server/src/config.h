// The server's configuration: defaults, then a JSON --config file, then WAYFINDER_* variables, then flags.
// Invariant: a returned ServerConfig passed validate(); later sources override earlier ones field by field.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rate_limiter.h"

namespace wayfinder::server {

struct MergeConfig {
  double half_life_days = 14.0;       // community evidence halves every this many days (drift)
  double daily_cap_per_client = 1.0;  // max success (and failure) one client adds to one project per day
  double episode_join_days = 7.0;     // a rating/click may join its impression up to this long after it
  double daily_cap_per_prefix = 5.0;  // max success (and failure) one address prefix adds to one project per day; 0: off
  double robust_winsor = 0.0;  // robust aggregation: a prefix adds at most max(1, this × the median prefix); 0: off
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string db = "wayfinder.sqlite";
  std::string web_dir;
  std::string models_dir;
  std::string ort_dir;  // onnxruntime-web's dist; found near the repo when empty
  std::string admin_token;
  std::string config_file;
  int threads = 2;
  std::size_t max_body_bytes = 1 << 20;
  std::int64_t max_event_age_hours = 24 * 7;   // older events are refused (422)
  std::int64_t max_event_future_minutes = 10;  // clock skew allowance
  TokenBucketConfig per_client{5.0, 30.0};
  TokenBucketConfig per_address{50.0, 200.0};
  bool synchronous_full = true;  // fsync each group commit
  bool scheduler = true;
  std::string merge_at = "02:00";     // UTC, daily
  std::string evaluate_at = "03:00";  // UTC, daily
  int monitor_interval_minutes = 60;
  int retention_days = 0;  // raw interactions of merged days older than this are deleted daily; 0 keeps them all
  MergeConfig merge;
  // Client credentials (server/src/client_credentials.h, docs/SERVER.md "Client credentials").
  std::string credential_key;       // hex, >= 32 digits; else read from credential_key_file
  std::string credential_key_file;  // default for SQLite: "<db>.credential-key" (created, mode 0600, on first run)
  int credential_days = 30;         // lifetime of an issued credential
  int clients_per_prefix_per_day = 5;  // new client credentials one /24 (IPv4) or /64 (IPv6) may get per 24 h
  bool require_credentials = true;  // false: untagged feedback counts too (the rule before credentials)
  std::vector<std::string> trusted_proxies;  // peers whose X-Forwarded-For is believed
};

struct CommandLine {
  std::string command = "serve";  // serve | merge | evaluate | report | help
  ServerConfig config;
  std::optional<std::string> day;  // merge --day YYYY-MM-DD
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Throws std::invalid_argument naming the flag / variable / config key.
CommandLine parse_command_line(const std::vector<std::string>& args, const EnvLookup& env);
std::string usage_text();
// Minutes after midnight for "HH:MM"; throws std::invalid_argument.
int parse_time_of_day(const std::string& hhmm);

}  // namespace wayfinder::server
