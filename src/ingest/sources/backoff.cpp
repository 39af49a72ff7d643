#include "ingest/sources/backoff.h"

#include <algorithm>

namespace callboard {

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds max)
    : initial_(initial), max_(std::max(initial, max)), random_(std::random_device{}()) {}

std::chrono::milliseconds Backoff::Next() {
  double base = static_cast<double>(initial_.count());
  for (int i = 0; i < attempt_ && base < static_cast<double>(max_.count()); ++i) base *= 2;
  base = std::min(base, static_cast<double>(max_.count()));
  ++attempt_;
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  const double delay = std::min(base * jitter(random_), static_cast<double>(max_.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(delay));
}

}  // namespace callboard
