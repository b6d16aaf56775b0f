#include "config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace wayfinder::server {
namespace {

struct Option {
  const char* flag;  // --port
  const char* env;   // WAYFINDER_PORT
  const char* key;   // config-file key
  std::function<void(ServerConfig&, const std::string&)> set;
};

long long to_int(const std::string& name, const std::string& v, long long lo, long long hi) {
  std::size_t used = 0;
  long long x = 0;
  try {
    x = std::stoll(v, &used);
  } catch (...) {
    used = 0;
  }
  if (used != v.size() || v.empty() || x < lo || x > hi) {
    throw std::invalid_argument(name + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                "], got '" + v + "'");
  }
  return x;
}

double to_double(const std::string& name, const std::string& v, double lo, double hi) {
  std::size_t used = 0;
  double x = 0;
  try {
    x = std::stod(v, &used);
  } catch (...) {
    used = 0;
  }
  if (used != v.size() || v.empty() || !(x >= lo && x <= hi)) {
    throw std::invalid_argument(name + " must be a number in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                                "], got '" + v + "'");
  }
  return x;
}

bool to_bool(const std::string& name, const std::string& v) {
  if (v == "1" || v == "true" || v == "on" || v == "yes") return true;
  if (v == "0" || v == "false" || v == "off" || v == "no") return false;
  throw std::invalid_argument(name + " must be true or false, got '" + v + "'");
}

// "a, b,c" → {"a", "b", "c"} (empty items dropped).
std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  std::string item;
  for (const char ch : v + ",") {
    if (ch == ',') {
      if (!item.empty()) out.push_back(item);
      item.clear();
    } else if (ch != ' ') {
      item += ch;
    }
  }
  return out;
}

// The client-credential and spam-defence options (docs/SERVER.md "Client credentials", "Background jobs").
std::vector<Option> spam_options() {
  return {
      {"--prefix-daily-cap", "WAYFINDER_PREFIX_DAILY_CAP", "prefixDailyCap",
       [](ServerConfig& c, const std::string& v) { c.merge.daily_cap_per_prefix = to_double("prefixDailyCap", v, 0, 1e9); }},
      {"--robust-aggregation", "WAYFINDER_ROBUST_AGGREGATION", "robustAggregation",
       [](ServerConfig& c, const std::string& v) { c.merge.robust_winsor = to_double("robustAggregation", v, 0, 1e6); }},
      {"--credential-key", "WAYFINDER_CREDENTIAL_KEY", "credentialKey",
       [](ServerConfig& c, const std::string& v) { c.credential_key = v; }},
      {"--credential-key-file", "WAYFINDER_CREDENTIAL_KEY_FILE", "credentialKeyFile",
       [](ServerConfig& c, const std::string& v) { c.credential_key_file = v; }},
      {"--credential-days", "WAYFINDER_CREDENTIAL_DAYS", "credentialDays",
       [](ServerConfig& c, const std::string& v) { c.credential_days = static_cast<int>(to_int("credentialDays", v, 1, 3660)); }},
      {"--clients-per-prefix", "WAYFINDER_CLIENTS_PER_PREFIX", "clientsPerPrefixPerDay",
       [](ServerConfig& c, const std::string& v) {
         c.clients_per_prefix_per_day = static_cast<int>(to_int("clientsPerPrefixPerDay", v, 0, 1000000));
       }},
      {"--require-credentials", "WAYFINDER_REQUIRE_CREDENTIALS", "requireCredentials",
       [](ServerConfig& c, const std::string& v) { c.require_credentials = to_bool("requireCredentials", v); }},
      {"--trusted-proxies", "WAYFINDER_TRUSTED_PROXIES", "trustedProxies",
       [](ServerConfig& c, const std::string& v) { c.trusted_proxies = split_list(v); }},
  };
}

const std::vector<Option>& options() {
  static const std::vector<Option> kOptions = [] {
    std::vector<Option> o = {
        {"--host", "WAYFINDER_HOST", "host", [](ServerConfig& c, const std::string& v) { c.host = v; }},
        {"--port", "WAYFINDER_PORT", "port",
         [](ServerConfig& c, const std::string& v) { c.port = static_cast<int>(to_int("port", v, 0, 65535)); }},
        {"--db", "WAYFINDER_DB", "db", [](ServerConfig& c, const std::string& v) { c.db = v; }},
        {"--web", "WAYFINDER_WEB", "web", [](ServerConfig& c, const std::string& v) { c.web_dir = v; }},
        {"--models", "WAYFINDER_MODELS", "models", [](ServerConfig& c, const std::string& v) { c.models_dir = v; }},
        {"--ort", "WAYFINDER_ORT", "ort", [](ServerConfig& c, const std::string& v) { c.ort_dir = v; }},
        {"--admin-token", "WAYFINDER_ADMIN_TOKEN", "adminToken",
         [](ServerConfig& c, const std::string& v) { c.admin_token = v; }},
        {"--threads", "WAYFINDER_THREADS", "threads",
         [](ServerConfig& c, const std::string& v) { c.threads = static_cast<int>(to_int("threads", v, 1, 64)); }},
        {"--max-event-age-hours", "WAYFINDER_MAX_EVENT_AGE_HOURS", "maxEventAgeHours",
         [](ServerConfig& c, const std::string& v) { c.max_event_age_hours = to_int("maxEventAgeHours", v, 1, 24 * 366); }},
        {"--client-rate", "WAYFINDER_CLIENT_RATE", "clientRate",
         [](ServerConfig& c, const std::string& v) { c.per_client.rate_per_second = to_double("clientRate", v, 0, 1e9); }},
        {"--client-burst", "WAYFINDER_CLIENT_BURST", "clientBurst",
         [](ServerConfig& c, const std::string& v) { c.per_client.burst = to_double("clientBurst", v, 1, 1e9); }},
        {"--address-rate", "WAYFINDER_ADDRESS_RATE", "addressRate",
         [](ServerConfig& c, const std::string& v) { c.per_address.rate_per_second = to_double("addressRate", v, 0, 1e9); }},
        {"--address-burst", "WAYFINDER_ADDRESS_BURST", "addressBurst",
         [](ServerConfig& c, const std::string& v) { c.per_address.burst = to_double("addressBurst", v, 1, 1e9); }},
        {"--synchronous-full", "WAYFINDER_SYNCHRONOUS_FULL", "synchronousFull",
         [](ServerConfig& c, const std::string& v) { c.synchronous_full = to_bool("synchronousFull", v); }},
        {"--scheduler", "WAYFINDER_SCHEDULER", "scheduler",
         [](ServerConfig& c, const std::string& v) { c.scheduler = to_bool("scheduler", v); }},
        {"--merge-at", "WAYFINDER_MERGE_AT", "mergeAt",
         [](ServerConfig& c, const std::string& v) {
           parse_time_of_day(v);
           c.merge_at = v;
         }},
        {"--evaluate-at", "WAYFINDER_EVALUATE_AT", "evaluateAt",
         [](ServerConfig& c, const std::string& v) {
           parse_time_of_day(v);
           c.evaluate_at = v;
         }},
        {"--monitor-minutes", "WAYFINDER_MONITOR_MINUTES", "monitorMinutes",
         [](ServerConfig& c, const std::string& v) {
           c.monitor_interval_minutes = static_cast<int>(to_int("monitorMinutes", v, 1, 24 * 60));
         }},
        {"--retention-days", "WAYFINDER_RETENTION_DAYS", "retentionDays",
         [](ServerConfig& c, const std::string& v) { c.retention_days = static_cast<int>(to_int("retentionDays", v, 0, 36600)); }},
        {"--half-life-days", "WAYFINDER_HALF_LIFE_DAYS", "halfLifeDays",
         [](ServerConfig& c, const std::string& v) { c.merge.half_life_days = to_double("halfLifeDays", v, 0.01, 1e6); }},
        {"--daily-cap", "WAYFINDER_DAILY_CAP", "dailyCapPerClient",
         [](ServerConfig& c, const std::string& v) { c.merge.daily_cap_per_client = to_double("dailyCapPerClient", v, 0, 1e6); }},
    };
    for (auto& x : spam_options()) o.push_back(std::move(x));
    return o;
  }();
  return kOptions;
}

// A config value as a flag would spell it; an array of strings (trustedProxies) becomes "a,b".
std::string json_scalar(const nlohmann::json& v) {
  if (!v.is_array()) return v.is_string() ? v.get<std::string>() : v.dump();
  std::string out;
  for (const auto& item : v) out += (out.empty() ? "" : ",") + json_scalar(item);
  return out;
}

}  // namespace

int parse_time_of_day(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') throw std::invalid_argument("time of day must be HH:MM, got '" + s + "'");
  const auto h = to_int("hour", s.substr(0, 2), 0, 23), m = to_int("minute", s.substr(3, 2), 0, 59);
  return static_cast<int>(h * 60 + m);
}

std::string usage_text() {
  std::string u =
      "wayfinder-sync: the Wayfinder sync server (feedback ingest, community bandit counts, static app).\n\n"
      "usage: wayfinder-sync [serve] [options]\n"
      "       wayfinder-sync merge --db FILE [--day YYYY-MM-DD]   run the nightly merge now (default: yesterday UTC)\n"
      "       wayfinder-sync evaluate --db FILE                    evaluate experiments now\n"
      "       wayfinder-sync report --db FILE                      print the dashboard report (JSON)\n\n"
      "options (environment variable in brackets; a JSON --config FILE may set the same keys):\n";
  for (const auto& o : options()) {
    u += "  " + std::string(o.flag) + " VALUE";
    u.append(std::max<int>(1, 26 - static_cast<int>(std::string(o.flag).size())), ' ');
    u += "[" + std::string(o.env) + "]  config key \"" + o.key + "\"\n";
  }
  u += "  --config FILE                   [WAYFINDER_CONFIG]\n  --help\n";
  return u;
}

namespace {

const Option& option_named(const std::string& name, const std::string& as_written) {
  for (const auto& o : options()) {
    if (name == o.flag) return o;
  }
  throw std::invalid_argument("unknown option '" + as_written + "' (see --help)");
}

// The JSON config file: every key must be an option's config key.
void apply_config_file(ServerConfig& c, const std::string& file) {
  c.config_file = file;
  std::ifstream in(file);
  if (!in) throw std::invalid_argument("cannot read config file " + file);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::invalid_argument(file + " is not a JSON object");
  for (const auto& [key, v] : j.items()) {
    const Option* found = nullptr;
    for (const auto& o : options()) {
      if (key == o.key) found = &o;
    }
    if (!found) throw std::invalid_argument(file + ": unknown key '" + key + "'");
    found->set(c, json_scalar(v));
  }
}

// The flags after the command: --help ends the parse; --config and --day are kept apart; the rest are options,
// collected so that the config file and the environment can be applied beneath them.
struct Flags {
  std::vector<std::pair<const Option*, std::string>> options;
  std::optional<std::string> config_file;
  bool help = false;
};

Flags read_flags(const std::vector<std::string>& args, std::size_t i, CommandLine& cl) {
  Flags f;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string name = a, value;
    bool has_value = false;
    if (const auto eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_value = true;
    }
    if (name == "--help" || name == "-h") return f.help = true, f;
    auto take_value = [&]() {
      if (has_value) return value;
      if (i + 1 >= args.size()) throw std::invalid_argument(name + " needs a value");
      return args[++i];
    };
    if (name == "--config") {
      f.config_file = take_value();
    } else if (name == "--day") {
      cl.day = take_value();
    } else {
      const Option& o = option_named(name, a);
      f.options.emplace_back(&o, take_value());
    }
  }
  return f;
}

}  // namespace

CommandLine parse_command_line(const std::vector<std::string>& args, const EnvLookup& env) {
  CommandLine cl;
  std::size_t i = 0;
  if (!args.empty() && args[0].rfind("--", 0) != 0) {
    cl.command = args[0];
    if (cl.command != "serve" && cl.command != "merge" && cl.command != "evaluate" && cl.command != "report" &&
        cl.command != "help") {
      throw std::invalid_argument("unknown command '" + cl.command + "' (serve, merge, evaluate, report)");
    }
    i = 1;
  }
  const Flags flags = read_flags(args, i, cl);
  if (flags.help) {
    cl.command = "help";
    return cl;
  }
  // Lowest to highest precedence: config file, environment, flags.
  const auto config_file = flags.config_file ? flags.config_file : env("WAYFINDER_CONFIG");
  if (config_file) apply_config_file(cl.config, *config_file);
  for (const auto& o : options()) {
    if (const auto v = env(o.env)) o.set(cl.config, *v);
  }
  for (const auto& [o, v] : flags.options) o->set(cl.config, v);
  return cl;
}

}  // namespace wayfinder::server
