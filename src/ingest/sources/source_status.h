#pragma once
// SourceStatus: how a running source is doing, as the API shows it; SourceStatusCell: the
// one place a source's worker writes it and readers copy it from.
// Thread-safety: SourceStatus is a value; SourceStatusCell is safe from any thread.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace callboard {

enum class SourceState {
  kStarting,   // opening the file or socket
  kConnected,  // a TCP peer is connected (either mode)
  kListening,  // listening for 3CX to connect
  kFollowing,  // file tail: following the file
  kWaiting,    // file missing, or backing off before the next attempt
  kError,      // the last attempt failed (last_error says why); retried with backoff
  kStopped,    // not running (disabled, or the server is stopping)
};

// Names: starting, connected, listening, following, waiting, error, stopped.
std::string_view SourceStateName(SourceState state);

struct SourceStatus {
  SourceState state = SourceState::kStopped;
  std::optional<TimePoint> since;          // when `state` was entered
  std::optional<TimePoint> last_event_at;  // when the last line arrived (wall time)
  std::optional<TimePoint> newest_event;   // newest event time in the data (for lag)
  std::string last_error;
  std::optional<TimePoint> last_error_at;
  std::string detail;   // the file being read, the peer address …
  int64_t lines = 0;    // non-blank lines received since start
  int64_t calls = 0;    // calls newly stored
  int64_t rejects = 0;  // lines rejected
  int64_t duplicates = 0;
  int64_t restarts = 0;  // attempts after a failure
};

class SourceStatusCell {
 public:
  SourceStatus Get() const {
    std::lock_guard lock(mutex_);
    return status_;
  }
  void Update(const std::function<void(SourceStatus&)>& change) {
    std::lock_guard lock(mutex_);
    change(status_);
  }

 private:
  mutable std::mutex mutex_;
  SourceStatus status_;  // GUARDED_BY(mutex_)
};

}  // namespace callboard
