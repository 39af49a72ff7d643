#pragma once
// HttpServer: the HTTP/1.1 transport. It accepts connections (plain or TLS), reads requests
// within size and time limits, hands each one to a Dispatch function and writes the response
// with the headers every Callboard response carries (X-Request-Id, security headers, HSTS
// under TLS). It also writes the access log and records request metrics. What a request
// means is the dispatcher's business (router, auth, handlers).
//
//   HttpMetrics metrics;
//   HttpServer server({.port = 0}, [](HttpRequest& req) { return Route(req); }, metrics);
//   if (Status s = server.Start(); !s.ok()) Die(s);
//   …
//   server.Shutdown();  // e.g. from a signal-watching thread
//
// Thread-safety: Start, port, Shutdown and Wait may be called from any thread, but not from
// inside Dispatch. Dispatch runs concurrently on the io threads and must be thread-safe.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_message.h"
#include "api/websocket.h"
#include "core/status.h"

namespace callboard {

class HttpMetrics;

struct HttpServerOptions {
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal to bind
  uint16_t port = 8080;               // 0 = ephemeral; see HttpServer::port()
  int threads = 0;                    // io threads; 0 = one per core
  size_t body_limit = 10 * 1024 * 1024;
  size_t ingest_body_limit = 64 * 1024 * 1024;    // for targets starting with "/api/v1/ingest/"
  size_t header_limit = 16 * 1024;                // request line + header fields
  std::chrono::milliseconds read_timeout{30000};  // a whole request must arrive within this
  std::chrono::milliseconds idle_timeout{60000};  // keep-alive connection idle between requests
  // Both or neither (PEM files). When set, the server speaks only TLS (1.2 or newer).
  std::optional<std::string> tls_cert_file;
  std::optional<std::string> tls_key_file;
  // Receives one JSON line (no newline) per request; default writes the line to stdout.
  // Called concurrently from the io threads.
  std::function<void(std::string_view)> access_log;
  // Decides WebSocket upgrade requests; without it they are ordinary requests.
  WebSocketUpgrade websocket;
  size_t websocket_message_limit = 64 * 1024;               // largest message a client may send
  size_t websocket_queue_limit = 256;                       // queued messages before a resync
  std::chrono::milliseconds websocket_idle_timeout{30000};  // no pong to our pings
  int websocket_send_buffer = 0;  // SO_SNDBUF of WebSockets; 0: the system's (tests shrink it)
};

class HttpServer {
 public:
  // Called on an io thread for every well-formed request; may block (it holds that thread).
  // The request's request_id is already set. Exceptions become a 500 error response.
  using Dispatch = std::function<HttpResponse(HttpRequest&)>;

  // REQUIRES: `metrics` outlives this server.
  HttpServer(HttpServerOptions options, Dispatch dispatch, HttpMetrics& metrics);
  // Shuts down (with the default grace) when still running.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the io threads. Returns a clear error when the address cannot
  // be bound or the TLS files cannot be loaded. REQUIRES: called at most once.
  Status Start();

  // The bound port; meaningful after a successful Start (resolves port 0).
  uint16_t port() const;

  // Graceful stop: stops accepting (new connections are refused), closes idle keep-alive
  // connections, lets in-flight requests finish — their responses carry Connection: close —
  // for up to `grace`, then closes whatever is left and joins the io threads. A Dispatch call
  // still running after `grace` delays the return until it finishes. Idempotent; concurrent
  // callers all return once the shutdown has completed.
  void Shutdown(std::chrono::milliseconds grace = std::chrono::seconds(10));

  // Blocks until a Shutdown has completed.
  void Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callboard
