#pragma once
// Time buckets and report intervals. Aggregates are stored per 15-minute bucket aligned to
// UTC (DESIGN §3.3); a report groups buckets into intervals of its own — 15m, 30m, 1h, day,
// ISO week (Monday), month, or one total — whose boundaries are local times in an IANA zone:
//
//   Result<const date::time_zone*> zone = LocateTimeZone("America/New_York");
//   TimePoint row = IntervalStartOf(BucketStart(call.started_at), ReportInterval::kDay, *zone);
//
// Every interval start is itself a bucket start, so an interval is a whole number of buckets:
// - A day, week or month starts at the first bucket at or after local midnight of its first
//   day. DST days are 23 or 25 hours long (America/New_York 2026-03-08 and 2026-11-01).
// - 30m and 1h intervals are aligned in local time too. In zones with a :30 or :45 offset
//   (Asia/Kolkata, Asia/Kathmandu) a local hour starts at :30 or :15 UTC, still a bucket start.
//   An interval never spans a change of UTC offset: on a fall-back night the repeated local
//   hour is two intervals (01:00 EDT and 01:00 EST); a change of offset that does not fall on
//   an interval boundary (Australia/Lord_Howe's 30-minute DST) cuts that interval short.
//
// Thread-safety: pure functions; the tz database is loaded once, on first use, thread-safely.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace date {
class time_zone;
}  // namespace date

namespace callboard {

inline constexpr std::chrono::minutes kBucketLength{15};

// The start of the 15-minute UTC bucket that holds `t` (floor; also before 1970).
TimePoint BucketStart(TimePoint t);

enum class ReportInterval { k15m, k30m, k1h, kDay, kWeek, kMonth, kTotal };

// "15m", "30m", "1h", "day", "week", "month", "total".
std::string_view ReportIntervalName(ReportInterval interval);
std::optional<ReportInterval> ParseReportInterval(std::string_view name);

// The zone named `name` (e.g. "Europe/Berlin", "UTC"), or kInvalidArgument with a field
// error on "tz". The pointer stays valid for the life of the process.
Result<const date::time_zone*> LocateTimeZone(std::string_view name);

// The start of the report interval that holds the bucket starting at `bucket`, in `zone`.
// For kTotal, which has no boundaries, returns TimePoint::min(): the one interval that holds
// every bucket (IntervalStarts gives it the start of the report).
// REQUIRES: bucket == BucketStart(bucket); zone != nullptr.
TimePoint IntervalStartOf(TimePoint bucket, ReportInterval interval, const date::time_zone* zone);

// Upper bound on the number of intervals IntervalStarts returns (four years of 15m rows).
inline constexpr std::size_t kMaxReportIntervals = std::size_t{4} * 366 * 96;

// The starts, in increasing order, of the report intervals that cover [from, to) in the zone
// named `tz`: first the interval that holds BucketStart(from) (it may begin before `from`),
// then each next one that begins before `to`. kTotal gives {BucketStart(from)}.
// kInvalidArgument (field errors) when `tz` is unknown, `to` is not after `from`, or there
// would be more than kMaxReportIntervals intervals.
Result<std::vector<TimePoint>> IntervalStarts(TimePoint from, TimePoint to, ReportInterval interval,
                                              std::string_view tz);

// The index of the interval in `starts` (as IntervalStarts returns them) that holds the bucket
// at `bucket`: the last start ≤ bucket. Works for every ReportInterval, kTotal included.
// REQUIRES: !starts.empty() and starts.front() <= bucket.
std::size_t IntervalIndexOf(const std::vector<TimePoint>& starts, TimePoint bucket);

}  // namespace callboard
