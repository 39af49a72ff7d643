#pragma once
// Clock: the one source of "now". Production code takes a Clock& so tests can inject time.
// Thread-safety: all implementations are safe to call from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace callboard {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
};

// A clock that moves only when told to. For tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : ms_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(std::chrono::milliseconds(ms_.load())); }
  void Advance(std::chrono::milliseconds d) { ms_ += d.count(); }
  void Set(TimePoint t) { ms_ = t.time_since_epoch().count(); }

 private:
  std::atomic<int64_t> ms_;
};

inline int64_t ToUnixMillis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint FromUnixMillis(int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

// RFC 3339 in UTC with millisecond precision, e.g. "2026-11-22T10:21:33.000Z".
std::string FormatRfc3339(TimePoint t);
// Parses RFC 3339 ("Z" or "+hh:mm" offset, optional fraction). Empty on malformed input.
std::optional<TimePoint> ParseRfc3339(std::string_view text);

}  // namespace callboard
