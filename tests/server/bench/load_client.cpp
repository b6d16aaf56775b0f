// Load client for wayfinder-sync (plain sockets, keep-alive HTTP/1.1) and the merge benchmark.
//   wayfinder_sync_load load --port P[,P2,...] [--threads 8] [--requests 400] [--events 100] [--path /v1/feedback]
//                            [--project owner/repo] [--verify-db FILE|postgresql://…]
//     several ports: the client threads are spread over the servers round-robin (N servers on one database);
//     --verify-db: afterwards, count this run's rows in the database and print acknowledged/stored/lost/doubled.
//   wayfinder_sync_load merge-bench --db FILE|postgresql://… [--events 1000000]
//     (a PostgreSQL database must be empty: the bench creates its rows and merges them)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "nightly_merge.h"
#include "storage.h"
#include "wayfinder/time_utc.h"
#include "wayfinder/events/event.h"
#include "wayfinder/hash.h"

using namespace wayfinder::server;

namespace {

std::map<std::string, std::string> parse_flags(int argc, char** argv, int from) {
  std::map<std::string, std::string> m;
  for (int i = from; i + 1 < argc; i += 2) m[argv[i]] = argv[i + 1];
  return m;
}

struct Connection {
  int fd = -1;
  explicit Connection(int port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      std::perror("connect");
      std::exit(1);
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~Connection() { ::close(fd); }
  // Sends one request, reads one response; returns the status.
  int roundtrip(const std::string& req) {
    for (std::size_t off = 0; off < req.size();) {
      const auto n = ::write(fd, req.data() + off, req.size() - off);
      if (n <= 0) return -1;
      off += static_cast<std::size_t>(n);
    }
    std::string buf;
    char tmp[8192];
    std::size_t header_end = std::string::npos, need = 0;
    for (;;) {
      const auto n = ::read(fd, tmp, sizeof tmp);
      if (n <= 0) return -1;
      buf.append(tmp, static_cast<std::size_t>(n));
      if (header_end == std::string::npos) {
        header_end = buf.find("\r\n\r\n");
        if (header_end == std::string::npos) continue;
        std::string lower = buf.substr(0, header_end);
        std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
        const auto cl = lower.find("content-length:");
        need = header_end + 4 + (cl == std::string::npos ? 0 : std::stoul(lower.substr(cl + 15)));
      }
      if (buf.size() >= need) break;
    }
    return std::atoi(buf.c_str() + 9);
  }
};

std::vector<int> parse_ports(const std::string& list) {
  std::vector<int> ports;
  for (std::size_t i = 0; i < list.size();) {
    const auto comma = list.find(',', i);
    ports.push_back(std::stoi(list.substr(i, comma == std::string::npos ? std::string::npos : comma - i)));
    if (comma == std::string::npos) break;
    i = comma + 1;
  }
  return ports;
}

// This run's rows (client ids "load-<tag>-*") against what was acknowledged (200 answers x events per batch).
void verify(const std::string& db_url, const std::string& tag, long long acked_events) {
  Database db(db_url);
  auto st = db.prepare(
      "SELECT count(*), count(DISTINCT client_id || '/' || event_id) FROM user_interactions WHERE client_id LIKE ?");
  st.bind(1, "load-" + tag + "-%");
  st.step();
  const long long stored = st.int64(0), distinct = st.int64(1);
  std::printf("{\"ackedEvents\":%lld,\"storedEvents\":%lld,\"lost\":%lld,\"doubled\":%lld}\n", acked_events, stored,
              std::max(0LL, acked_events - distinct), stored - distinct);
}

int load(std::map<std::string, std::string> f) {
  const std::vector<int> ports = parse_ports(f["--port"]);
  const int threads = f.count("--threads") ? std::stoi(f["--threads"]) : 8;
  const int requests = f.count("--requests") ? std::stoi(f["--requests"]) : 400;
  const int per_batch = f.count("--events") ? std::stoi(f["--events"]) : 100;
  const std::string path = f.count("--path") ? f["--path"] : "/v1/feedback";
  const std::string project = f.count("--project") ? f["--project"] : "01walid/dzlibs";
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(now_unix_ms());
  std::vector<std::vector<double>> lat(static_cast<std::size_t>(threads));
  std::atomic<int> errors{0};
  std::atomic<long long> acked_events{0};
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      Connection c(ports[static_cast<std::size_t>(t) % ports.size()]);
      const std::string at = wayfinder::format_iso8601_utc(now_unix_ms());
      for (int i = 0; i < requests / threads; ++i) {
        std::string req;
        if (path == "/v1/feedback") {
          std::string body = "{\"clientId\":\"load-" + tag + "-" + std::to_string(t) + "\",\"batchId\":\"b" +
                             std::to_string(i) + "\",\"sentAt\":\"" + at + "\",\"events\":[";
          for (int e = 0; e < per_batch; ++e) {
            if (e) body += ",";
            body += "{\"eventId\":\"e" + std::to_string(i) + "-" + std::to_string(e) +
                    "\",\"type\":\"impression\",\"projectId\":\"" + project + "\",\"rankingId\":\"r" +
                    std::to_string(i) + "\",\"position\":" + std::to_string(e % 10) +
                    ",\"arm\":\"rl\",\"propensity\":0.1,\"at\":\"" + at + "\"}";
          }
          body += "]}";
          req = "POST /v1/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body;
        } else {
          req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        }
        const auto s = std::chrono::steady_clock::now();
        const int status = c.roundtrip(req);
        lat[static_cast<std::size_t>(t)].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s).count());
        if (status != 200) ++errors;
        if (status == 200 && path == "/v1/feedback") acked_events += per_batch;
      }
    });
  }
  for (auto& th : pool) th.join();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  const auto pct = [&](double p) { return all.empty() ? 0.0 : all[static_cast<std::size_t>(p * (all.size() - 1))]; };
  const double rps = static_cast<double>(all.size()) / secs;
  std::printf(
      "{\"path\":\"%s\",\"servers\":%zu,\"threads\":%d,\"requests\":%zu,\"errors\":%d,\"seconds\":%.3f,\"requestsPerSecond\":%.1f,"
      "\"eventsPerSecond\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f}\n",
      path.c_str(), ports.size(), threads, all.size(), errors.load(), secs, rps, path == "/v1/feedback" ? rps * per_batch : 0.0,
      pct(0.5), pct(0.99));
  if (f.count("--verify-db")) verify(f["--verify-db"], tag, acked_events.load());
  return errors ? 1 : 0;
}

// PostgreSQL: the peak RSS of this connection's server process (same machine), which counts the shared buffers it
// touched, so an upper bound of what the merge itself needed there.
double db_server_peak_mib(Database& db) {
  double mib = -1;
  const auto pid = db.query_int("SELECT pg_backend_pid()").value_or(0);
  if (FILE* st = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, st)) {
      if (std::strncmp(line, "VmHWM:", 6) == 0) mib = std::atof(line + 6) / 1024.0;
    }
    std::fclose(st);
  }
  return mib;
}

int merge_bench(std::map<std::string, std::string> f) {
  const std::string path = f["--db"];
  const long events = f.count("--events") ? std::stol(f["--events"]) : 1000000;
  if (!is_postgres_url(path)) ::unlink(path.c_str());
  Database db = open_storage(path, false);
  if (db.query_int("SELECT count(*) FROM user_interactions").value_or(0) != 0) {
    std::fprintf(stderr, "merge-bench needs an empty database\n");
    return 2;
  }
  const std::int64_t day = 1795824000000LL;  // 2026-11-28T00:00:00Z
  const auto g0 = std::chrono::steady_clock::now();
  {
    Transaction tx(db);
    auto ins = db.prepare(
        "INSERT INTO user_interactions(client_id, event_id, batch_id, type, project_id, ranking_id, position, arm, "
        "propensity, stars, at_ms, received_ms) VALUES (?,?,'b',?,?,?,?,'rl',0.1,?,?,?)");
    long written = 0;
    for (long i = 0; written < events; ++i) {
      const auto h = wayfinder::mix64(static_cast<std::uint64_t>(i));
      const std::string client = "c" + std::to_string(h % 5000);
      const std::string project = "p" + std::to_string((h >> 16) % 13000) + "/r";
      const std::string ranking = "r" + std::to_string(i / 10);
      const std::int64_t at = day + static_cast<std::int64_t>((h >> 32) % 86400000);
      ins.bind(1, client).bind(2, "i" + std::to_string(i)).bind(3, "impression").bind(4, project).bind(5, ranking)
          .bind(6, static_cast<int>(i % 10)).bind_null(7).bind(8, at).bind(9, at).run();
      ++written;
      if ((h >> 8) % 10 == 0 && written < events) {  // 10% clicked, a third of those rated
        ins.bind(1, client).bind(2, "k" + std::to_string(i)).bind(3, "click").bind(4, project).bind(5, ranking)
            .bind(6, static_cast<int>(i % 10)).bind_null(7).bind(8, at + 1000).bind(9, at + 1000).run();
        ++written;
        if ((h >> 40) % 3 == 0 && written < events) {
          ins.bind(1, client).bind(2, "s" + std::to_string(i)).bind(3, "rating").bind(4, project).bind(5, ranking)
              .bind(6, static_cast<int>(i % 10)).bind(7, static_cast<int>(1 + (h >> 50) % 5)).bind(8, at + 5000)
              .bind(9, at + 5000).run();
          ++written;
        }
      }
    }
    tx.commit();
  }
  const double gen = std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  const auto m0 = std::chrono::steady_clock::now();
  const auto r = run_merge(db, MergeConfig{}, "2026-11-28", now_unix_ms());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - m0).count();
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  const double backend_peak_mib = db.postgres() ? db_server_peak_mib(db) : -1;
  std::printf(
      "{\"events\":%ld,\"episodes\":%lld,\"projects\":%lld,\"generateSeconds\":%.2f,\"mergeSeconds\":%.2f,"
      "\"peakRssMiBBeforeMerge\":%.1f,\"peakRssMiB\":%.1f,\"snapshotVersion\":%lld,\"backend\":\"%s\","
      "\"dbServerPeakRssMiB\":%.1f}\n",
      events, static_cast<long long>(r.episodes),
      static_cast<long long>(db.query_int("SELECT count(*) FROM bandit_parameters").value_or(0)), gen, secs,
      before.ru_maxrss / 1024.0, after.ru_maxrss / 1024.0, static_cast<long long>(r.snapshot_version),
      db.postgres() ? "postgresql" : "sqlite", backend_peak_mib);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s load --port P [...] | merge-bench --db FILE [--events N]\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1];
  if (mode == "load") return load(parse_flags(argc, argv, 2));
  if (mode == "merge-bench") return merge_bench(parse_flags(argc, argv, 2));
  std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
  return 2;
}
