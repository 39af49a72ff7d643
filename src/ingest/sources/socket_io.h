#pragma once
// Plain POSIX TCP for the 3CX feeds: listening and connecting sockets (non-blocking, with
// TCP keepalive so a dead peer on a quiet feed is noticed), each wait bounded by a timeout
// and interrupted by a StopSignal. Errors are kUnavailable naming the address.
// Thread-safety: functions are thread-safe; a UniqueFd belongs to one thread.

#include <chrono>
#include <string>
#include <utility>

#include "core/status.h"

namespace callboard {

class StopSignal;

// Owns a file descriptor; closes it when destroyed.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset();

 private:
  int fd_ = -1;
};

// Listens on host:port ("" = every IPv4 and IPv6 address); port 0 picks a free port.
Result<UniqueFd> ListenTcp(const std::string& host, int port);
// The local port a socket is bound to.
int LocalPort(int fd);
// Accepts one pending connection (non-blocking); an invalid UniqueFd when none is pending.
// `peer` receives "address:port".
Result<UniqueFd> AcceptTcp(int listen_fd, std::string& peer);
// Connects to host:port (every address the name resolves to, in turn) within `timeout`.
// kUnavailable on failure; kFailedPrecondition when `stop` was triggered meanwhile.
Result<UniqueFd> ConnectTcp(const std::string& host, int port, std::chrono::milliseconds timeout,
                            const StopSignal& stop);
// Sets O_NONBLOCK and TCP keepalive (idle 60 s, then 3 probes 20 s apart).
void PrepareStream(int fd);

}  // namespace callboard
