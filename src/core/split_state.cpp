#include "core/split_state.h"

namespace callboard {

std::vector<std::pair<TimePoint, int64_t>> SplitAcrossBuckets(TimePoint from, TimePoint to) {
  std::vector<std::pair<TimePoint, int64_t>> parts;
  ForEachBucket(from, to, [&](TimePoint bucket, int64_t ms) { parts.emplace_back(bucket, ms); });
  return parts;
}

}  // namespace callboard
