#include "api/rate_limiter.h"

#include <algorithm>

namespace callboard {

RateLimiter::RateLimiter(const Clock& clock, double per_minute, double burst, size_t max_keys)
    : clock_(clock), per_ms_(per_minute / 60000.0), burst_(burst), max_keys_(max_keys) {}

bool RateLimiter::Allow(const std::string& key) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      buckets_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    it = buckets_.emplace(key, Bucket{burst_, now, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  Bucket& b = it->second;
  const double elapsed = static_cast<double>((now - b.refilled).count());
  b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * per_ms_);
  b.refilled = now;
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

}  // namespace callboard
