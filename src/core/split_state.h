#pragma once
// Agent state time is stored per 15-minute bucket (DESIGN §3.3): a state that lasted from
// 09:50 to 10:20 gives 10 minutes to the 09:45 bucket, 15 to 10:00 and 5 to 10:15.
// Thread-safety: pure function.

#include <cstdint>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/intervals.h"

namespace callboard {

// Calls add(bucket start, ms) for each 15-minute UTC bucket [from, to) spans, in increasing
// bucket order, with the milliseconds of it in that bucket (> 0; they sum to to − from).
// Nothing when to <= from. SplitAcrossBuckets without building a list.
template <typename Add>
void ForEachBucket(TimePoint from, TimePoint to, Add&& add) {
  for (TimePoint bucket = BucketStart(from); bucket < to; bucket += kBucketLength) {
    const TimePoint begin = from > bucket ? from : bucket;
    const TimePoint end = to < bucket + kBucketLength ? to : bucket + kBucketLength;
    add(bucket, (end - begin).count());
  }
}

// The milliseconds of [from, to) that fall in each 15-minute UTC bucket it spans, as
// (bucket start, ms) in increasing bucket order; every ms is > 0 and they sum to to − from.
// Empty when to <= from.
std::vector<std::pair<TimePoint, int64_t>> SplitAcrossBuckets(TimePoint from, TimePoint to);

}  // namespace callboard
