#pragma once
// RateLimiter: a token bucket per key (an IP address, a token id). Bounded: it keeps at
// most `max_keys` buckets and forgets the least recently used one first.
// Thread-safety: all calls are thread-safe.

#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace callboard {

class RateLimiter {
 public:
  // `burst` requests at once, refilled at `per_minute` requests per minute.
  RateLimiter(const Clock& clock, double per_minute, double burst, size_t max_keys = 100000);

  // Takes one token from `key`'s bucket; false when it is empty.
  bool Allow(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    TimePoint refilled;
    std::list<std::string>::iterator lru;
  };

  const Clock& clock_;
  const double per_ms_;
  const double burst_;
  const size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;  // GUARDED_BY(mutex_)
  std::list<std::string> lru_;                       // GUARDED_BY(mutex_), front = newest
};

}  // namespace callboard
