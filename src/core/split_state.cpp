#include "core/split_state.h"

#include <algorithm>

#include "core/intervals.h"

namespace callboard {

std::vector<std::pair<TimePoint, int64_t>> SplitAcrossBuckets(TimePoint from, TimePoint to) {
  std::vector<std::pair<TimePoint, int64_t>> parts;
  if (to <= from) return parts;
  for (TimePoint bucket = BucketStart(from); bucket < to; bucket += kBucketLength) {
    const TimePoint begin = std::max(from, bucket);
    const TimePoint end = std::min(to, bucket + kBucketLength);
    parts.emplace_back(bucket, (end - begin).count());
  }
  return parts;
}

}  // namespace callboard
