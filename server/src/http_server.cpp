// The only translation unit that includes Beast (it compiles slowly): sessions read a request, hand a plain
// HttpRequest to SyncService, and write its HttpResponse back — do_read → on_read → handle → on_write → do_close.
#include "http_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "json_log.h"

namespace wayfinder::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

void fail(beast::error_code ec, const char* what) {
  if (ec == net::error::operation_aborted || ec == http::error::end_of_stream || ec == net::error::eof ||
      ec == beast::error::timeout || ec == net::error::connection_reset || ec == net::error::bad_descriptor) {
    return;
  }
  // Ten lines per ten seconds; the rest are counted and reported by the next line that is written.
  static LogThrottle throttle(10, std::chrono::seconds(10));
  if (auto suppressed = throttle.admit(LogThrottle::Clock::now())) {
    log_warn("connection error", {{"what", what}, {"error", ec.message()}, {"suppressed", *suppressed}});
  }
}

class Session;

// Live sessions, so that shutdown can close the idle ones (keep-alive connections waiting for a request).
struct SessionRegistry {
  std::mutex mu;
  std::map<const Session*, std::weak_ptr<Session>> sessions;
  bool stopping = false;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, SyncService& service, SessionRegistry& registry)
      : stream_(std::move(socket)), service_(service), registry_(registry) {}

  ~Session() {
    std::lock_guard l(registry_.mu);
    registry_.sessions.erase(this);
  }

  void start() {
    {
      std::lock_guard l(registry_.mu);
      registry_.sessions[this] = weak_from_this();
    }
    beast::error_code ec;
    const auto ep = stream_.socket().remote_endpoint(ec);
    remote_ = ec ? "unknown" : ep.address().to_string();
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::do_read, shared_from_this()));
  }

  void request_stop() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->stop_if_idle(); });
  }

 private:
  void stop_if_idle() {
    if (idle_) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.socket().close(ec);
    }
  }

  void do_read() {
    {
      std::lock_guard l(registry_.mu);
      if (registry_.stopping) return do_close();
    }
    parser_.emplace();
    parser_->body_limit(service_.config().max_body_bytes);
    stream_.expires_after(std::chrono::seconds(30));
    idle_ = buffer_.size() == 0;
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    idle_ = false;
    if (ec == http::error::end_of_stream) return do_close();
    if (ec == http::error::body_limit) {
      HttpResponse r = json_error(413, "body is larger than " + std::to_string(service_.config().max_body_bytes) + " bytes");
      service_.metrics().count_rejected("too_large");
      service_.metrics().count_request("/v1/feedback", 413);
      keep_alive_ = false;
      linger_ = true;  // the client is still uploading: drain it after answering, or it sees a reset
      return send(std::move(r));
    }
    if (ec) return fail(ec, "read");
    auto& msg = parser_->get();
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers[name] = std::string(f.value());
    }
    req.body = std::move(msg.body());
    req.remote_address = remote_;
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    // The writer thread may answer later: keep the io_context alive until then.
    auto guard = net::make_work_guard(stream_.get_executor());
    // The session reference moves into the posted handler: the writer thread must not hold the last one, or
    // the session (and its socket) could be destroyed on that thread after the io_context is gone at shutdown.
    service_.handle(req, [self = shared_from_this(), guard = std::move(guard)](HttpResponse r) mutable {
      auto executor = self->stream_.get_executor();
      net::post(executor, [self = std::move(self), r = std::move(r)]() mutable { self->send(std::move(r)); });
      guard.reset();
    });
  }

  void send(HttpResponse r) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), version_);
    res->set(http::field::server, "wayfinder-sync");
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->keep_alive(keep_alive_);
    if (r.head_only) {
      res->content_length(r.head_length);
    } else {
      res->body() = std::move(r.body);
      res->prepare_payload();
    }
    response_ = res;
    stream_.expires_after(std::chrono::seconds(60));
    if (r.head_only) {
      auto sr = std::make_shared<http::response_serializer<http::string_body>>(*res);
      head_serializer_ = sr;
      http::async_write_header(stream_, *sr, beast::bind_front_handler(&Session::on_write, shared_from_this(), !keep_alive_));
    } else {
      http::async_write(stream_, *res, beast::bind_front_handler(&Session::on_write, shared_from_this(), !keep_alive_));
    }
  }

  void on_write(bool close, beast::error_code ec, std::size_t) {
    if (ec) return fail(ec, "write");
    response_.reset();
    head_serializer_.reset();
    if (close) return do_close();
    do_read();
  }

  void do_close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (linger_) {
      stream_.expires_after(std::chrono::seconds(5));
      do_drain();
    }
  }

  // Lingering close: read and discard until the peer finishes sending (or the timeout), then the socket closes.
  void do_drain() {
    drain_.resize(64 * 1024);
    stream_.async_read_some(net::buffer(drain_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec) self->do_drain();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<void> response_;
  std::shared_ptr<void> head_serializer_;
  SyncService& service_;
  SessionRegistry& registry_;
  std::string remote_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool idle_ = false;
  bool linger_ = false;
  std::vector<char> drain_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::endpoint endpoint, SyncService& service, SessionRegistry& registry)
      : ioc_(ioc), acceptor_(net::make_strand(ioc)), service_(service), registry_(registry) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
  }
  int port() const { return acceptor_.local_endpoint().port(); }
  void start() { do_accept(); }
  void stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
    });
  }

 private:
  void do_accept() {
    acceptor_.async_accept(net::make_strand(ioc_), beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
  }
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      fail(ec, "accept");
    } else {
      std::make_shared<Session>(std::move(socket), service_, registry_)->start();
    }
    do_accept();
  }
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  SyncService& service_;
  SessionRegistry& registry_;
};

}  // namespace

int run_http_server(SyncService& service, const std::function<void(int)>& on_listening) {
  const auto& cfg = service.config();
  const int threads = std::max(1, cfg.threads);
  net::io_context ioc{threads};
  SessionRegistry registry;
  const auto address = net::ip::make_address(cfg.host);
  auto listener = std::make_shared<Listener>(ioc, tcp::endpoint{address, static_cast<unsigned short>(cfg.port)},
                                             service, registry);
  // Signals are caught before "listening" is announced: a SIGTERM right after readiness must shut down gracefully.
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code ec, int sig) {
    if (ec) return;
    log_info("shutting down", {{"signal", sig}});
    listener->stop();
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard l(registry.mu);
      registry.stopping = true;
      for (auto& [p, w] : registry.sessions) {
        if (auto s = w.lock()) live.push_back(std::move(s));
      }
    }
    // Busy sessions finish their request (and see `stopping` before reading the next); idle ones close now.
    for (auto& s : live) {
      s->request_stop();
    }
  });
  listener->start();
  if (on_listening) on_listening(listener->port());

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}

}  // namespace wayfinder::server
