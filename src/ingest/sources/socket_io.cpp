#include "ingest/sources/socket_io.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ingest/sources/stop_signal.h"

namespace callboard {

namespace {

std::string Errno(int err) { return std::strerror(err); }

std::string Address(const sockaddr* sa) {
  char host[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
    return std::string(host) + ":" + std::to_string(port);
  }
  const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
  inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
  port = ntohs(in6->sin6_port);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

std::string HostPort(const std::string& host, int port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

void SetNonBlocking(int fd) {
  const int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    Reset();
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

void UniqueFd::Reset() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void PrepareStream(int fd) {
  SetNonBlocking(fd);
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  int idle = 60, interval = 20, count = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

Result<UniqueFd> ListenTcp(const std::string& host, int port) {
  const std::string where = HostPort(host.empty() ? "*" : host, port);
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = AF_INET6;
  if (host.empty()) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_any;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in6);
  } else if (auto* in = reinterpret_cast<sockaddr_in*>(&addr);
             inet_pton(AF_INET, host.c_str(), &in->sin_addr) == 1) {
    family = AF_INET;
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in);
  } else if (auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
             inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in6);
  } else {
    return Status::Unavailable("listen on " + where + ": not an IP address");
  }
  UniqueFd fd(socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.valid() && host.empty()) {
    // No IPv6 on this machine: every IPv4 address instead.
    auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    addr = {};
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_ANY);
    in->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof(sockaddr_in);
    family = AF_INET;
    fd = UniqueFd(socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  }
  if (!fd.valid()) return Status::Unavailable("listen on " + where + ": " + Errno(errno));
  int on = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (family == AF_INET6 && host.empty()) {
    int off = 0;
    setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
  }
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(fd.get(), 16) != 0) {
    return Status::Unavailable("listen on " + where + ": " + Errno(errno));
  }
  SetNonBlocking(fd.get());
  return fd;
}

int LocalPort(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return 0;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
}

Result<UniqueFd> AcceptTcp(int listen_fd, std::string& peer) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  UniqueFd fd(accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC));
  if (!fd.valid()) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED)
      return UniqueFd();
    return Status::Unavailable("accept: " + Errno(errno));
  }
  peer = Address(reinterpret_cast<sockaddr*>(&addr));
  PrepareStream(fd.get());
  return fd;
}

Result<UniqueFd> ConnectTcp(const std::string& host, int port, std::chrono::milliseconds timeout,
                            const StopSignal& stop) {
  const std::string where = HostPort(host, port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    return Status::Unavailable("connect to " + where + ": " + gai_strerror(rc));
  }
  std::string last_error = "no address";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd(socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) {
      last_error = Errno(errno);
      continue;
    }
    PrepareStream(fd.get());
    if (connect(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0) {
      freeaddrinfo(found);
      return fd;
    }
    if (errno != EINPROGRESS) {
      last_error = Errno(errno);
      continue;
    }
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        last_error = "timed out";
        break;
      }
      pollfd p[2] = {{fd.get(), POLLOUT, 0}, {stop.fd(), POLLIN, 0}};
      const int n = poll(p, 2, static_cast<int>(left.count()));
      if (stop.triggered()) {
        freeaddrinfo(found);
        return Status(StatusCode::kFailedPrecondition, "stopped");
      }
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) continue;
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) {
        freeaddrinfo(found);
        return fd;
      }
      last_error = Errno(err);
      break;
    }
  }
  freeaddrinfo(found);
  return Status::Unavailable("connect to " + where + ": " + last_error);
}

}  // namespace callboard
