#pragma once
// WsClient: a blocking WebSocket client over a real TCP socket (Boost.Beast), for tests and
// benchmarks. Every wait has a timeout.
//
//   WsClient ws;
//   ASSERT_TRUE(ws.Connect(port, "/api/v1/live/ws", Bearer(token)).ok());
//   std::optional<std::string> first = ws.Next(std::chrono::seconds(2));
//
// Thread-safety: none; one client per thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace callboard {

class WsClient {
 public:
  WsClient();
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects and completes the handshake with `headers` (e.g. Authorization, Cookie,
  // Origin). On a refused upgrade the error message holds the HTTP status ("status 401").
  Status Connect(uint16_t port, const std::string& target,
                 const std::vector<std::pair<std::string, std::string>>& headers = {},
                 std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // SO_RCVBUF for the next Connect (0: the system's); a small one makes a slow consumer.
  void set_receive_buffer(int bytes);
  Status Send(const std::string& text);
  // The next message; empty when none came within `timeout` or the socket closed (closed()
  // tells which, close_code() with what). A binary message is taken as raw DEFLATE and
  // returned inflated (counted by binary_messages()).
  std::optional<std::string> Next(std::chrono::milliseconds timeout);
  int binary_messages() const;
  bool closed() const;
  int close_code() const;
  // Sends a close frame and waits briefly for the server's.
  void Close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callboard
