#pragma once
// StopSignal: a one-shot "stop now" that a source's poll() loop can wait on beside its
// sockets (a pipe that turns readable), so a stop interrupts a wait at once.
//
//   while (!stop.triggered()) { poll({socket, stop.fd()}, timeout); … }
//   stop.WaitFor(backoff);  // sleeps, unless stopped sooner
//
// Thread-safety: Trigger from any thread; the rest from any thread too.

#include <atomic>
#include <chrono>

namespace callboard {

class StopSignal {
 public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  void Trigger();
  bool triggered() const { return triggered_.load(); }
  // Readable once triggered (for poll()).
  int fd() const { return fds_[0]; }
  // Waits up to `timeout`; true when triggered.
  bool WaitFor(std::chrono::milliseconds timeout) const;

 private:
  int fds_[2] = {-1, -1};
  std::atomic<bool> triggered_{false};
};

}  // namespace callboard
