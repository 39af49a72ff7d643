#pragma once
// Agent state time is stored per 15-minute bucket (DESIGN §3.3): a state that lasted from
// 09:50 to 10:20 gives 10 minutes to the 09:45 bucket, 15 to 10:00 and 5 to 10:15.
// Thread-safety: pure function.

#include <cstdint>
#include <utility>
#include <vector>

#include "core/clock.h"

namespace callboard {

// The milliseconds of [from, to) that fall in each 15-minute UTC bucket it spans, as
// (bucket start, ms) in increasing bucket order; every ms is > 0 and they sum to to − from.
// Empty when to <= from.
std::vector<std::pair<TimePoint, int64_t>> SplitAcrossBuckets(TimePoint from, TimePoint to);

}  // namespace callboard
