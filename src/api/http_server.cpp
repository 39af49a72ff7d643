#include "api/http_server.h"

#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <cassert>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <limits>
#include <mutex>
#include <random>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "api/metrics.h"
#include "core/clock.h"
#include "json/plain_json.h"

namespace callboard {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace ssl = net::ssl;
namespace json = boost::json;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

constexpr std::string_view kIngestPrefix = "/api/v1/ingest/";
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";
constexpr std::string_view kHsts = "max-age=31536000; includeSubDomains";
constexpr size_t kReadChunk = 4096;
constexpr size_t kMaxLoggedTarget = 1024;
// How long a closing connection may take to say goodbye (drain / TLS close_notify).
constexpr std::chrono::milliseconds kLingerTimeout{2000};
// After the grace period, how long the io threads get to unwind before they are stopped.
constexpr std::chrono::milliseconds kDrainTimeout{1000};
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return AsciiLower(x) == AsciiLower(y);
         });
}

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
  });
}

std::string NewRequestId() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // The OpenSSL CSPRNG practically never fails; fall back to the OS source if it does.
    std::random_device rd;
    for (unsigned char& b : bytes) b = static_cast<unsigned char>(rd());
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(32);
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0xf];
  }
  return id;
}

// RFC 7230 token characters, for header names a handler supplies.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool IsSafeHeaderValue(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

// Printable ASCII only, bounded: raw targets may hold anything.
std::string LoggableTarget(std::string_view s) {
  std::string out(s.substr(0, kMaxLoggedTarget));
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

std::string ErrorBody(std::string_view code, std::string_view message, std::string_view trace_id) {
  json::object error;
  error["code"] = code;
  error["message"] = message;
  error["trace_id"] = trace_id;
  json::object root;
  root["error"] = std::move(error);
  return json::serialize(root);
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message,
                           std::string_view trace_id) {
  HttpResponse res;
  res.status = status;
  res.body = ErrorBody(code, message, trace_id);
  return res;
}

// Methods become metric labels: unknown ones collapse so that clients cannot mint series.
std::string MethodLabel(http::verb verb) {
  switch (verb) {
    case http::verb::get:
    case http::verb::head:
    case http::verb::post:
    case http::verb::put:
    case http::verb::patch:
    case http::verb::delete_:
    case http::verb::options:
      return std::string(http::to_string(verb));
    default:
      return "OTHER";
  }
}

bool IsMalformedRequestError(const beast::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::bad_method).category()) return false;
  return ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::need_more && ec != http::error::need_buffer &&
         ec != http::error::buffer_overflow;
}

// What one request/response exchange leaves for the access log and the metrics.
struct Exchange {
  SteadyClock::time_point start;
  std::string request_id;
  std::string method;        // as sent (bounded), for the log
  std::string method_label;  // bounded set, for metrics
  std::string path;          // encoded path without the query, for the log
  std::string route;
  std::optional<int64_t> user_id;
  int status = 0;
  uint64_t bytes_out = 0;
};

// The part of a connection the server needs to reach during shutdown.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Both hop onto the session's strand; safe from any thread.
  virtual void CloseIfIdle() = 0;  // no request under way: close now
  virtual void ForceClose() = 0;   // close whatever the state
};

// State shared by the acceptor and every session.
struct ServerCore {
  ServerCore(HttpServerOptions o, HttpServer::Dispatch d, HttpMetrics& m)
      : options(std::move(o)),
        dispatch(std::move(d)),
        metrics(m),
        tls(options.tls_cert_file.has_value()),
        write_timeout(std::max(options.read_timeout, options.idle_timeout)) {}

  void Register(const std::shared_ptr<SessionBase>& session) {
    std::lock_guard lock(mu);
    sessions.emplace(session.get(), session);
  }
  void Unregister(SessionBase* session) {
    std::lock_guard lock(mu);
    sessions.erase(session);
  }
  std::vector<std::shared_ptr<SessionBase>> Sessions() {
    std::vector<std::shared_ptr<SessionBase>> out;
    std::lock_guard lock(mu);
    for (auto& [ptr, weak] : sessions) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }
  void BeginInflight() {
    std::lock_guard lock(mu);
    ++inflight;
  }
  void EndInflight() {
    {
      std::lock_guard lock(mu);
      --inflight;
    }
    inflight_cv.notify_all();
  }
  void WaitForNoInflight(SteadyClock::time_point deadline) {
    std::unique_lock lock(mu);
    inflight_cv.wait_until(lock, deadline, [&] { return inflight == 0; });
  }

  // Access log line and metrics for one finished exchange.
  void Finish(const Exchange& x, const std::string& remote_ip) {
    auto elapsed = std::chrono::duration<double>(SteadyClock::now() - x.start).count();
    metrics.ObserveRequest(x.route.empty() ? "unmatched" : x.route, x.method_label, x.status,
                           elapsed);
    json::object line;
    line["ts"] = FormatRfc3339(
        std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()));
    line["level"] = "info";
    line["msg"] = "request";
    line["request_id"] = x.request_id;
    line["method"] = x.method;
    if (x.route.empty()) {
      line["route"] = nullptr;
    } else {
      line["route"] = x.route;
    }
    line["path"] = x.path;
    line["status"] = x.status;
    line["duration_ms"] = std::round(elapsed * 1e6) / 1e3;  // microsecond precision
    if (x.user_id) {
      line["user_id"] = *x.user_id;
    } else {
      line["user_id"] = nullptr;
    }
    line["remote_ip"] = remote_ip;
    line["bytes_out"] = x.bytes_out;
    std::string text = PlainJsonText(line);
    if (options.access_log) {
      try {
        options.access_log(text);
      } catch (const std::exception& e) {
        spdlog::error("access log sink failed: {}", e.what());
      }
    } else {
      text += '\n';
      std::fwrite(text.data(), 1, text.size(), stdout);  // one call: lines never interleave
      std::fflush(stdout);
    }
  }

  const HttpServerOptions options;
  const HttpServer::Dispatch dispatch;
  HttpMetrics& metrics;
  const bool tls;
  const std::chrono::milliseconds write_timeout;  // a whole response must leave within this
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;  // GUARDED_BY(mu)
  int inflight =
      0;  // sessions between a request's first byte and its response's last. GUARDED_BY(mu)
  std::condition_variable inflight_cv;
};

// Applies the response headers every Callboard response carries, plus the handler's own.
template <class Body>
void ApplyHeaders(http::response<Body>& m, const HttpResponse& res, const std::string& request_id,
                  bool tls, bool keep_alive, bool bodiless_status) {
  bool has_cache_control = false;
  for (const auto& [name, value] : res.headers) {
    if (!IsToken(name) || !IsSafeHeaderValue(value)) {
      spdlog::warn("dropping invalid response header \"{}\"", LoggableTarget(name));
      continue;
    }
    // Framing and the request id belong to the transport.
    if (EqualsIgnoreCase(name, "content-length") || EqualsIgnoreCase(name, "transfer-encoding") ||
        EqualsIgnoreCase(name, "connection") || EqualsIgnoreCase(name, "x-request-id")) {
      continue;
    }
    if (EqualsIgnoreCase(name, "content-type") && !res.content_type.empty()) continue;
    if (EqualsIgnoreCase(name, "cache-control")) has_cache_control = true;
    m.insert(name, value);
  }
  if (!res.content_type.empty() && !bodiless_status && IsSafeHeaderValue(res.content_type)) {
    m.set(http::field::content_type, res.content_type);
  }
  m.set("X-Request-Id", request_id);
  m.set("X-Content-Type-Options", "nosniff");
  m.set("Content-Security-Policy", kContentSecurityPolicy);
  m.set("X-Frame-Options", "DENY");
  m.set("Referrer-Policy", "no-referrer");
  if (!has_cache_control) m.set(http::field::cache_control, "no-store");
  if (tls) m.set(http::field::strict_transport_security, kHsts);
  m.keep_alive(keep_alive);
}

// One connection. Every handler runs on the connection's strand (the socket's executor).
// A WebSocket connection taken over from a Session after the upgrade request was accepted.
template <class Stream>
class WsSession final : public SessionBase,
                        public WebSocketPeer,
                        public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  WsSession(ServerCore& core, Stream&& stream, std::shared_ptr<WebSocketHandler> handler)
      : core_(core),
        ws_(std::move(stream)),
        timer_(ws_.get_executor()),
        handler_(std::move(handler)) {}

  ~WsSession() override { core_.Unregister(this); }

  void Run(http::request<http::string_body> req) {
    core_.Register(this->shared_from_this());
    beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts take over
    if (core_.options.websocket_send_buffer > 0) {
      beast::error_code ignored;
      beast::get_lowest_layer(ws_).socket().set_option(
          net::socket_base::send_buffer_size(core_.options.websocket_send_buffer), ignored);
    }
    auto timeout = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeout.idle_timeout = core_.options.websocket_idle_timeout;
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.read_message_max(core_.options.websocket_message_limit);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "callboard"); }));
    upgrade_ = std::move(req);  // async_accept reads it until it completes
    auto self = this->shared_from_this();
    ws_.async_accept(upgrade_, [self](beast::error_code ec) {
      self->upgrade_ = {};
      if (ec) return self->Closed();
      self->handler_->OnOpen(self);
      self->DoRead();
    });
  }

  void Send(std::shared_ptr<const std::string> text) override { Post({std::move(text), false}); }

  void SendBinary(std::shared_ptr<const std::string> bytes) override {
    Post({std::move(bytes), true});
  }

  void Close(uint16_t code, std::string reason) override {
    net::post(ws_.get_executor(), [self = this->shared_from_this(), code,
                                   reason = std::move(reason)] { self->CloseNow(code, reason); });
  }

  void CloseAfter(std::chrono::milliseconds after, uint16_t code, std::string reason) override {
    net::post(ws_.get_executor(), [self = this->shared_from_this(), after, code,
                                   reason = std::move(reason)]() mutable {
      self->timer_.expires_after(after);
      self->timer_.async_wait([self, code, reason = std::move(reason)](beast::error_code ec) {
        if (!ec) self->CloseNow(code, reason);
      });
    });
  }

  void CancelDeadline() override {
    net::post(ws_.get_executor(), [self = this->shared_from_this()] { self->timer_.cancel(); });
  }

  void CloseIfIdle() override {
    Close(static_cast<uint16_t>(websocket::close_code::going_away), "shutting down");
  }

  void ForceClose() override {
    net::post(ws_.get_executor(), [self = this->shared_from_this()] {
      beast::get_lowest_layer(self->ws_).close();
      self->Closed();
    });
  }

 private:
  void DoRead() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, size_t n) {
      if (ec) return self->Closed();
      if (!self->ws_.got_text()) {
        return self->CloseNow(static_cast<uint16_t>(websocket::close_code::bad_payload),
                              "text messages only");
      }
      std::string text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(n);
      if (self->handler_) self->handler_->OnMessage(text);
      self->DoRead();
    });
  }

  struct Outgoing {
    std::shared_ptr<const std::string> bytes;
    bool binary = false;
  };

  void Post(Outgoing message) {
    net::post(ws_.get_executor(),
              [self = this->shared_from_this(), message = std::move(message)]() mutable {
                self->Enqueue(std::move(message));
              });
  }

  void Enqueue(Outgoing message) {
    if (closed_ || closing_) return;
    if (queue_.size() >= core_.options.websocket_queue_limit) {
      // Too slow: keep the message being written, replace the backlog by a fresh state.
      while (queue_.size() > (writing_ ? 1u : 0u)) queue_.pop_back();
      std::string fresh = handler_ ? handler_->Resync() : std::string();
      if (fresh.empty()) return;
      message = {std::make_shared<const std::string>(std::move(fresh)), false};
    }
    queue_.push_back(std::move(message));
    if (!writing_) DoWrite();
  }

  void DoWrite() {
    writing_ = true;
    ws_.binary(queue_.front().binary);
    ws_.async_write(net::buffer(*queue_.front().bytes),
                    [self = this->shared_from_this()](beast::error_code ec, size_t) {
                      self->writing_ = false;
                      if (!self->queue_.empty()) self->queue_.pop_front();
                      if (ec) return self->Closed();
                      if (!self->queue_.empty() && !self->closing_) self->DoWrite();
                    });
  }

  void CloseNow(uint16_t code, const std::string& reason) {
    if (closed_ || closing_) return;
    closing_ = true;
    timer_.cancel();
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                    [self = this->shared_from_this()](beast::error_code) { self->Closed(); });
  }

  void Closed() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    if (handler_) handler_->OnClose();
    handler_.reset();  // breaks the cycle handler → peer → this
    queue_.clear();
  }

  ServerCore& core_;
  websocket::stream<Stream> ws_;
  http::request<http::string_body> upgrade_;
  net::steady_timer timer_;
  std::shared_ptr<WebSocketHandler> handler_;
  beast::flat_buffer buffer_;
  std::deque<Outgoing> queue_;
  bool writing_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  Session(ServerCore& core, tcp::socket&& socket, std::string remote_ip) requires(!kTls)
      : core_(core), stream_(std::move(socket)), remote_ip_(std::move(remote_ip)) {}
  Session(ServerCore& core, tcp::socket&& socket, ssl::context& ctx,
          std::string remote_ip) requires(kTls)
      : core_(core), stream_(std::move(socket), ctx), remote_ip_(std::move(remote_ip)) {}

  ~Session() override {
    SetInflight(false);
    core_.Unregister(this);
  }

  void Run() {
    core_.Register(this->shared_from_this());
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::OnStart, Self()));
  }

  void CloseIfIdle() override {
    net::post(stream_.get_executor(), [self = Self()] {
      if (self->state_ == State::kIdle || self->state_ == State::kHandshake) self->CloseNow();
    });
  }

  void ForceClose() override {
    net::post(stream_.get_executor(), [self = Self()] {
      if (self->state_ != State::kClosed) self->CloseNow();
    });
  }

 private:
  enum class State { kHandshake, kIdle, kBusy, kClosing, kClosed };

  std::shared_ptr<Session> Self() { return this->shared_from_this(); }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void OnStart() {
    if constexpr (kTls) {
      state_ = State::kHandshake;
      Tcp().expires_after(core_.options.read_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              beast::bind_front_handler(&Session::OnHandshake, Self()));
    } else {
      WaitForRequest(/*fresh_connection=*/true);
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (ec) return CloseNow();
    WaitForRequest(/*fresh_connection=*/true);
  }

  // Between requests: wait for the first byte of the next one under the idle timeout (a new
  // connection gets the read timeout), then the read timeout covers the whole request.
  void WaitForRequest(bool fresh_connection) {
    if (core_.stopping) return CloseNow();
    if (buffer_.size() > 0) return BeginRequest(/*reset_deadline=*/true);  // pipelined
    state_ = State::kIdle;
    Tcp().expires_after(fresh_connection ? core_.options.read_timeout : core_.options.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(kReadChunk),
        beast::bind_front_handler(&Session::OnFirstBytes, Self(), fresh_connection));
  }

  void OnFirstBytes(bool fresh_connection, beast::error_code ec, size_t n) {
    if (ec) return CloseNow();
    buffer_.commit(n);
    BeginRequest(/*reset_deadline=*/!fresh_connection);
  }

  void BeginRequest(bool reset_deadline) {
    state_ = State::kBusy;
    SetInflight(true);
    exchange_ = Exchange{};
    exchange_.start = SteadyClock::now();
    exchange_.method_label = "OTHER";
    if (reset_deadline) Tcp().expires_after(core_.options.read_timeout);
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(
        std::min<size_t>(core_.options.header_limit, std::numeric_limits<uint32_t>::max())));
    // The real limit depends on the target; it is set once the header is in.
    parser_->body_limit(std::max(core_.options.body_limit, core_.options.ingest_body_limit));
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader, Self()));
  }

  void OnHeader(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    auto& req = parser_->get();
    const size_t body_limit = BodyLimit();
    parser_->body_limit(body_limit);
    if (auto length = parser_->content_length(); length && *length > body_limit) {
      return SendBodyTooLarge();
    }
    if (parser_->is_done()) return OnRequest();
    if (req.version() >= 11 && EqualsIgnoreCase(req[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, 11);
      return http::async_write(stream_, *continue_,
                               beast::bind_front_handler(&Session::OnContinueSent, Self()));
    }
    ReadBody();
  }

  void OnContinueSent(beast::error_code ec, size_t) {
    if (ec) return CloseNow();
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnBody, Self()));
  }

  void OnBody(beast::error_code ec, size_t) {
    if (ec) return OnReadError(ec);
    OnRequest();
  }

  // The body limit for the current request's target (parsed before the header completes).
  size_t BodyLimit() const {
    return parser_->get().target().starts_with(kIngestPrefix) ? core_.options.ingest_body_limit
                                                              : core_.options.body_limit;
  }

  // Fills the log fields known once the header is in (or partly in).
  void NoteRequestHeader() {
    const auto& req = parser_->get();
    exchange_.method = LoggableTarget(req.method_string().substr(0, 32));
    exchange_.method_label = MethodLabel(req.method());
    if (exchange_.path.empty()) {
      std::string_view target = req.target();
      exchange_.path = LoggableTarget(target.substr(0, target.find('?')));
    }
    std::string_view id = req["X-Request-Id"];
    exchange_.request_id = IsValidRequestId(id) ? std::string(id) : NewRequestId();
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) return SendBodyTooLarge();
    if (ec == http::error::header_limit) {
      exchange_.request_id = NewRequestId();
      return SendTransportError(ErrorResponse(
          431, "header_too_large",
          "request header exceeds " + std::to_string(core_.options.header_limit) + " bytes",
          exchange_.request_id));
    }
    if (IsMalformedRequestError(ec)) {
      exchange_.request_id = NewRequestId();
      return SendTransportError(ErrorResponse(
          400, "bad_request", "malformed request: " + ec.message(), exchange_.request_id));
    }
    CloseNow();  // timeout, reset, or the client gave up mid-request
  }

  void SendBodyTooLarge() {
    NoteRequestHeader();
    SendTransportError(ErrorResponse(
        413, "payload_too_large", "request body exceeds " + std::to_string(BodyLimit()) + " bytes",
        exchange_.request_id));
  }

  // A response the transport makes itself; the connection closes after it.
  void SendTransportError(HttpResponse res) {
    Tcp().expires_never();
    unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    Write(std::move(res), /*head=*/false, version, /*keep_alive=*/false);
  }

  void OnRequest() {
    Tcp().expires_never();  // Dispatch may take long; the write sets its own deadline
    NoteRequestHeader();
    http::request<http::string_body> req = parser_->release();
    parser_.reset();
    bool head = req.method() == http::verb::head;
    bool keep_alive = req.keep_alive();
    unsigned version = req.version();

    HttpRequest request;
    HttpResponse res;
    const bool upgrade = core_.options.websocket && websocket::is_upgrade(req);
    if (auto problem = Fill(req, request)) {
      res = ErrorResponse(400, "bad_request", *problem, exchange_.request_id);
    } else if (upgrade) {
      WebSocketAccept accept;
      try {
        accept = core_.options.websocket(request);
      } catch (const std::exception& e) {
        spdlog::error("upgrade {} failed: {}", exchange_.request_id, e.what());
        accept.refusal = ErrorResponse(500, "internal", "internal error", exchange_.request_id);
      }
      if (accept.handler && !core_.stopping) {
        exchange_.status = 101;
        exchange_.route = accept.refusal.route;
        exchange_.user_id = accept.refusal.user_id;
        core_.Finish(exchange_, remote_ip_);
        SetInflight(false);
        state_ = State::kClosed;  // the stream now belongs to the WebSocket
        std::make_shared<WsSession<Stream>>(core_, std::move(stream_), std::move(accept.handler))
            ->Run(std::move(req));
        return;
      }
      res = std::move(accept.refusal);
      if (res.status == 200)
        res = ErrorResponse(503, "unavailable", "shutting down", exchange_.request_id);
    } else {
      try {
        res = core_.dispatch(request);
      } catch (const std::exception& e) {
        spdlog::error("request {} failed: {}", exchange_.request_id, e.what());
        res = ErrorResponse(500, "internal", "internal error", exchange_.request_id);
      } catch (...) {
        spdlog::error("request {} failed with a non-standard exception", exchange_.request_id);
        res = ErrorResponse(500, "internal", "internal error", exchange_.request_id);
      }
    }
    exchange_.route = res.route;
    exchange_.user_id = res.user_id;
    if (core_.stopping) keep_alive = false;
    Write(std::move(res), head, version, keep_alive);
  }

  // Turns the Beast request into an HttpRequest; returns why it cannot be, if so.
  std::optional<std::string> Fill(http::request<http::string_body>& req, HttpRequest& out) {
    auto url = boost::urls::parse_origin_form(req.target());
    if (!url) return "invalid request target";
    exchange_.path = LoggableTarget(url->encoded_path());
    out.path = url->encoded_path().decode();
    if (out.path.find('\0') != std::string::npos) return "invalid request path";
    for (const auto& param : url->params(boost::urls::encoding_opts(/*space_as_plus=*/true))) {
      if (param.key.empty() && !param.has_value) continue;  // "a=1&&b=2"
      out.query.emplace_back(param.key, param.value);
    }
    out.method = std::string(req.method_string());
    for (const auto& field : req) {
      out.headers.emplace_back(ToLower(field.name_string()), std::string(field.value()));
    }
    out.body = std::move(req.body());
    out.remote_ip = remote_ip_;
    out.request_id = exchange_.request_id;
    out.tls = kTls;
    return std::nullopt;
  }

  void Write(HttpResponse res, bool head, unsigned version, bool keep_alive) {
    if (res.status < 100 || res.status > 599) {
      spdlog::error("request {}: handler returned status {}", exchange_.request_id, res.status);
      res = ErrorResponse(500, "internal", "internal error", exchange_.request_id);
    }
    const auto status = static_cast<http::status>(res.status);
    const bool bodiless = res.status < 200 || res.status == 204 || res.status == 304;
    // The server's own time for the exchange, from its first bytes until the response is
    // ready to send (W3C Server-Timing: browsers' developer tools and the benchmarks read it).
    char timing[48];
    std::snprintf(
        timing, sizeof timing, "app;dur=%.1f",
        std::chrono::duration<double, std::milli>(SteadyClock::now() - exchange_.start).count());
    res.SetHeader("Server-Timing", timing);
    exchange_.status = res.status;
    exchange_.bytes_out = 0;
    std::optional<http::message_generator> message;

    if (res.file_path && !bodiless) {
      beast::error_code ec;
      http::file_body::value_type file;
      file.open(res.file_path->c_str(), beast::file_mode::scan, ec);
      if (ec) {
        spdlog::warn("request {}: cannot open {}: {}", exchange_.request_id, *res.file_path,
                     ec.message());
        std::string route = std::move(res.route);
        res = ErrorResponse(404, "not_found", "file not found", exchange_.request_id);
        res.route = std::move(route);
        exchange_.status = 404;
      } else if (head) {
        http::response<http::empty_body> m{status, version};
        ApplyHeaders(m, res, exchange_.request_id, kTls, keep_alive, bodiless);
        m.content_length(file.size());
        message.emplace(std::move(m));
      } else {
        exchange_.bytes_out = file.size();
        http::response<http::file_body> m{status, version, std::move(file)};
        ApplyHeaders(m, res, exchange_.request_id, kTls, keep_alive, bodiless);
        m.prepare_payload();
        message.emplace(std::move(m));
      }
    }
    if (!message) {
      if (bodiless) res.body.clear();
      if (head) {
        http::response<http::empty_body> m{static_cast<http::status>(exchange_.status), version};
        ApplyHeaders(m, res, exchange_.request_id, kTls, keep_alive, bodiless);
        if (!bodiless) m.content_length(res.body.size());
        message.emplace(std::move(m));
      } else {
        exchange_.bytes_out = res.body.size();
        http::response<http::string_body> m{static_cast<http::status>(exchange_.status), version,
                                            std::move(res.body)};
        ApplyHeaders(m, res, exchange_.request_id, kTls, keep_alive, bodiless);
        if (!bodiless) m.prepare_payload();
        message.emplace(std::move(m));
      }
    }
    Tcp().expires_after(core_.write_timeout);
    beast::async_write(stream_, std::move(*message),
                       beast::bind_front_handler(&Session::OnWritten, Self(), keep_alive));
  }

  void OnWritten(bool keep_alive, beast::error_code ec, size_t) {
    core_.Finish(exchange_, remote_ip_);
    SetInflight(false);
    if (ec) return CloseNow();
    if (!keep_alive) return CloseGracefully();
    WaitForRequest(/*fresh_connection=*/false);
  }

  // After a final response: tell the peer we are done and give it a moment to read
  // everything before the socket closes (closing with unread input would reset the
  // connection and could destroy the response, e.g. a 413 sent before the body arrived).
  void CloseGracefully() {
    state_ = State::kClosing;
    Tcp().expires_after(kLingerTimeout);
    if constexpr (kTls) {
      stream_.async_shutdown([self = Self()](beast::error_code) { self->CloseNow(); });
    } else {
      beast::error_code ignored;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Drain();
    }
  }

  void Drain() {
    buffer_.clear();
    Tcp().async_read_some(buffer_.prepare(kReadChunk),
                          [self = Self()](beast::error_code ec, size_t) {
                            if (ec) return self->CloseNow();
                            self->Drain();
                          });
  }

  void CloseNow() {
    state_ = State::kClosed;
    SetInflight(false);
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

  void SetInflight(bool inflight) {
    if (inflight == inflight_) return;
    inflight_ = inflight;
    if (inflight) {
      core_.BeginInflight();
    } else {
      core_.EndInflight();
    }
  }

  ServerCore& core_;
  Stream stream_;
  const std::string remote_ip_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;  // "100 Continue" being written
  Exchange exchange_;
  State state_ = State::kHandshake;
  bool inflight_ = false;
};

std::string RemoteIp(const tcp::endpoint& ep) {
  auto address = ep.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, Dispatch dispatch, HttpMetrics& metrics)
      : core_(std::move(options), std::move(dispatch), metrics),
        accept_strand_(net::make_strand(ioc_)),
        acceptor_(accept_strand_),
        accept_retry_(accept_strand_) {}

  ~Impl() { Shutdown(std::chrono::seconds(10)); }

  Status Start() {
    const HttpServerOptions& o = core_.options;
    {
      std::lock_guard lock(state_mu_);
      if (started_ || done_) return {StatusCode::kFailedPrecondition, "server already started"};
    }
    if (o.tls_cert_file.has_value() != o.tls_key_file.has_value()) {
      return {StatusCode::kInvalidArgument, "TLS needs both a certificate and a key file"};
    }
    if (core_.tls) CB_RETURN_IF_ERROR(LoadTls());

    beast::error_code ec;
    auto address = net::ip::make_address(o.address, ec);
    if (ec) return {StatusCode::kInvalidArgument, "invalid listen address '" + o.address + "'"};
    tcp::endpoint endpoint(address, o.port);
    std::string where = o.address + ":" + std::to_string(o.port);
    if (acceptor_.open(endpoint.protocol(), ec); ec) {
      return {StatusCode::kUnavailable, "cannot open socket for " + where + ": " + ec.message()};
    }
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (acceptor_.bind(endpoint, ec); ec) {
      acceptor_.close(ec);
      return {StatusCode::kUnavailable, "cannot bind " + where + ": " + ec.message()};
    }
    if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) {
      acceptor_.close(ec);
      return {StatusCode::kUnavailable, "cannot listen on " + where + ": " + ec.message()};
    }
    port_ = acceptor_.local_endpoint(ec).port();

    int threads = o.threads > 0
                      ? o.threads
                      : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    work_.emplace(net::make_work_guard(ioc_));
    net::post(accept_strand_, [this] { DoAccept(); });
    {
      std::lock_guard lock(state_mu_);
      started_ = true;
      running_threads_ = threads;
    }
    threads_.reserve(threads);
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { RunIoThread(); });
    return Status::Ok();
  }

  uint16_t port() const { return port_; }

  void Shutdown(std::chrono::milliseconds grace) {
    std::lock_guard serial(shutdown_mu_);
    {
      std::lock_guard lock(state_mu_);
      if (done_) return;
      if (!started_) {
        done_ = true;
        state_cv_.notify_all();
        return;
      }
    }
    assert(std::none_of(
               threads_.begin(), threads_.end(),
               [](const std::thread& t) { return t.get_id() == std::this_thread::get_id(); }) &&
           "Shutdown must not be called from inside Dispatch");
    const auto deadline = SteadyClock::now() + grace;
    core_.stopping = true;

    // 1. Refuse new connections.
    auto closed = std::make_shared<std::promise<void>>();
    auto acceptor_closed = closed->get_future();
    net::post(accept_strand_, [this, closed] {
      beast::error_code ignored;
      acceptor_.close(ignored);
      accept_retry_.cancel();
      closed->set_value();
    });
    acceptor_closed.wait_until(deadline);

    // 2. Close idle connections; 3. let requests under way finish within the grace period.
    for (auto& session : core_.Sessions()) session->CloseIfIdle();
    core_.WaitForNoInflight(deadline);

    // 4. Close the rest and let the io threads run out of work.
    for (auto& session : core_.Sessions()) session->ForceClose();
    work_.reset();
    {
      std::unique_lock lock(state_mu_);
      state_cv_.wait_for(lock, kDrainTimeout, [&] { return running_threads_ == 0; });
    }
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    beast::error_code ignored;
    acceptor_.close(ignored);  // no io thread left, so no race with the accept strand

    {
      std::lock_guard lock(state_mu_);
      done_ = true;
    }
    state_cv_.notify_all();
  }

  void Wait() {
    std::unique_lock lock(state_mu_);
    state_cv_.wait(lock, [&] { return done_; });
  }

 private:
  Status LoadTls() {
    const HttpServerOptions& o = core_.options;
    ssl_ctx_.emplace(ssl::context::tls_server);
    beast::error_code ec;
    ssl_ctx_->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                              ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                              ssl::context::no_tlsv1_1 | ssl::context::single_dh_use,
                          ec);
    SSL_CTX_set_min_proto_version(ssl_ctx_->native_handle(), TLS1_2_VERSION);
    if (ssl_ctx_->use_certificate_chain_file(*o.tls_cert_file, ec); ec) {
      return {StatusCode::kInvalidArgument,
              "cannot load TLS certificate " + *o.tls_cert_file + ": " + ec.message()};
    }
    if (ssl_ctx_->use_private_key_file(*o.tls_key_file, ssl::context::pem, ec); ec) {
      return {StatusCode::kInvalidArgument,
              "cannot load TLS key " + *o.tls_key_file + ": " + ec.message()};
    }
    if (SSL_CTX_check_private_key(ssl_ctx_->native_handle()) != 1) {
      return {StatusCode::kInvalidArgument,
              "TLS key " + *o.tls_key_file + " does not match certificate " + *o.tls_cert_file};
    }
    return Status::Ok();
  }

  void DoAccept() {
    acceptor_.async_accept(
        net::make_strand(ioc_),
        [this](beast::error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open() || core_.stopping || ec == net::error::operation_aborted) return;
    if (ec) {
      // EMFILE and friends leave the connection queued: retrying at once would spin.
      if (ec != net::error::connection_aborted) {
        auto now = SteadyClock::now();
        if (now - last_accept_warning_ > std::chrono::seconds(1)) {
          spdlog::warn("accept failed: {}", ec.message());
          last_accept_warning_ = now;
        }
      }
      accept_retry_.expires_after(kAcceptRetryDelay);
      accept_retry_.async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && acceptor_.is_open() && !core_.stopping) DoAccept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    beast::error_code ep_ec;
    tcp::endpoint peer = socket.remote_endpoint(ep_ec);
    if (!ep_ec) {  // else the peer is already gone
      if (core_.tls) {
        std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(core_, std::move(socket),
                                                                        *ssl_ctx_, RemoteIp(peer))
            ->Run();
      } else {
        std::make_shared<Session<beast::tcp_stream>>(core_, std::move(socket), RemoteIp(peer))
            ->Run();
      }
    }
    DoAccept();
  }

  void RunIoThread() {
    for (;;) {
      try {
        ioc_.run();
        break;
      } catch (const std::exception& e) {
        spdlog::error("uncaught exception on an io thread: {}", e.what());
      }
    }
    {
      std::lock_guard lock(state_mu_);
      --running_threads_;
    }
    state_cv_.notify_all();
  }

  // Declaration order matters: sessions left in the io_context unregister from core_ when
  // ioc_ is destroyed, so core_ (and the TLS context) must outlive ioc_.
  ServerCore core_;
  std::optional<ssl::context> ssl_ctx_;
  net::io_context ioc_;
  net::strand<net::io_context::executor_type> accept_strand_;
  tcp::acceptor acceptor_;                       // used on accept_strand_ only while io threads run
  net::steady_timer accept_retry_;               // on accept_strand_
  SteadyClock::time_point last_accept_warning_;  // on accept_strand_
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::atomic<uint16_t> port_{0};

  std::mutex shutdown_mu_;  // one Shutdown at a time; later callers find done_ set
  std::mutex state_mu_;
  std::condition_variable state_cv_;
  bool started_ = false;     // GUARDED_BY(state_mu_)
  bool done_ = false;        // shutdown complete. GUARDED_BY(state_mu_)
  int running_threads_ = 0;  // GUARDED_BY(state_mu_)
};

HttpServer::HttpServer(HttpServerOptions options, Dispatch dispatch, HttpMetrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(dispatch), metrics)) {}

HttpServer::~HttpServer() = default;

Status HttpServer::Start() { return impl_->Start(); }

uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::Shutdown(std::chrono::milliseconds grace) { impl_->Shutdown(grace); }

void HttpServer::Wait() { impl_->Wait(); }

}  // namespace callboard
