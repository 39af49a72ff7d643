#pragma once
// HttpClient: a blocking HTTP/1.1 client over a real TCP socket, for tests. It keeps one
// keep-alive connection and reconnects when the server has closed it.
//
//   HttpClient client("127.0.0.1", server.port());
//   ClientResponse res = client.Request("GET", "/healthz");
//   EXPECT_EQ(res.status, 200);
//   EXPECT_EQ(res.Header("x-content-type-options"), "nosniff");
//
// Thread-safety: none; use one client per thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callboard {

struct ClientResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, in order
  std::string body;

  // The first header with this name (compared case-insensitively).
  std::optional<std::string> Header(std::string_view name) const;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port);
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;  // a moved-from client may only be destroyed or assigned
  HttpClient& operator=(HttpClient&&) noexcept;

  // Sends one request (Host and, when there is a body, Content-Length are added) and reads
  // the response. When the reused connection turns out to be closed before any response
  // byte arrives, reconnects once and resends. Throws std::system_error when the server
  // cannot be reached or does not answer within timeout().
  ClientResponse Request(std::string method, std::string target, std::string body = "",
                         std::vector<std::pair<std::string, std::string>> headers = {});

  // True while the connection is open and the server has not closed its end (checked
  // without blocking).
  bool connected() const;

  // Connections opened so far: 1 after any number of requests on one keep-alive connection.
  int connection_count() const;

  // Deadline for each Request (connect + write + read); default 30 s.
  std::chrono::milliseconds timeout() const;
  void set_timeout(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Connects to 127.0.0.1:port, writes `bytes`, then reads until the server closes the
// connection (or resets it) or `timeout` passes, and returns everything read. For tests of
// malformed or oversized requests. Throws std::system_error when the connection fails.
std::string RawExchange(uint16_t port, std::string bytes, std::chrono::milliseconds timeout);

}  // namespace callboard
