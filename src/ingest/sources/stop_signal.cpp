#include "ingest/sources/stop_signal.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace callboard {

StopSignal::StopSignal() {
  if (pipe2(fds_, O_NONBLOCK | O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
}

StopSignal::~StopSignal() {
  close(fds_[0]);
  close(fds_[1]);
}

void StopSignal::Trigger() {
  if (triggered_.exchange(true)) return;
  const char byte = 1;
  while (write(fds_[1], &byte, 1) < 0 && errno == EINTR) {
  }
}

bool StopSignal::WaitFor(std::chrono::milliseconds timeout) const {
  if (triggered()) return true;
  pollfd p{fds_[0], POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return triggered();
    const int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0 || triggered()) return triggered();
    if (n < 0 && errno != EINTR) return triggered();
  }
}

}  // namespace callboard
