#pragma once
// AggregateUnit: the units in which a KpiStore keeps the interval aggregates and agent state
// seconds (DESIGN §3.3): the 15-minute buckets, rollups of them per UTC hour, UTC day and UTC
// calendar month, and — for each zone the tenant registered (KpiStore::ListRollupZones) —
// per local day and local calendar month of that zone, all maintained in the same transaction
// as the buckets. A rollup row is the exact sum of the bucket rows it covers (max_wait_ms:
// their maximum), so a report may read any mix of units as long as each row it reads lies
// inside one of its intervals.
//
// PlanUnitRanges chooses that mix: it cuts a report's buckets at its interval starts (which
// are local times in the report's zone) and tiles each piece with the largest whole units
// that fit, so that a year's total reads about 12 month rows per queue, not 35,040 buckets.
//
//   auto starts = IntervalStarts(from, to, ReportInterval::kDay, "America/New_York");
//   std::vector<UnitRange> plan = PlanUnitRanges(BucketStart(from), to, *starts);
//   store.ScanAggregates(scope, plan, false, visit);  // row → IntervalIndexOf(*starts, bucket)
//
// Without local units, which units fit depends on the zone only through the interval starts:
// a New York day (05:00Z to 05:00Z, or 23 and 25 hours long on DST days) is read as UTC
// hours; an Asia/Kolkata day (18:30Z to 18:30Z) as two buckets, 23 hours and two buckets; a
// UTC day, week or month as UTC days and months. With the local units of the report's zone
// (`local_zone`), a New York day is one local-day row and a New York month one local-month
// row, DST days included.
//
// A local day of zone Z starts at the first bucket at or after local midnight (as a report's
// day in Z, core/intervals.h); the local-day row starting at S holds the buckets from S up to
// the next local day's start, so it is exactly one report interval of a day report in Z.
//
// Thread-safety: pure functions.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace date {
class time_zone;
}  // namespace date

namespace callboard {

enum class AggregateUnit {
  kBucket = 0,      // the 15-minute bucket (kBucketLength)
  kHour = 1,        // a UTC hour: 4 buckets
  kDay = 2,         // a UTC day: 96 buckets
  kMonth = 3,       // a UTC calendar month
  kLocalDay = 4,    // a day in a zone: from the bucket of local midnight to the next one's
  kLocalMonth = 5,  // a calendar month in a zone, likewise
};

// The units a store keeps besides the buckets, finest first.
inline constexpr std::array<AggregateUnit, 3> kRollupUnits = {
    AggregateUnit::kHour, AggregateUnit::kDay, AggregateUnit::kMonth};

// The units kept per registered zone, finest first.
inline constexpr std::array<AggregateUnit, 2> kLocalRollupUnits = {AggregateUnit::kLocalDay,
                                                                   AggregateUnit::kLocalMonth};

// "15m", "hour", "day", "month", "local day", "local month".
std::string_view AggregateUnitName(AggregateUnit unit);

// True for kLocalDay and kLocalMonth, whose starts depend on a zone.
constexpr bool IsLocalUnit(AggregateUnit unit) {
  return unit == AggregateUnit::kLocalDay || unit == AggregateUnit::kLocalMonth;
}

// The start of the unit that holds `t` (UTC; floor, also before 1970).
// REQUIRES: unit is not a local unit (LocalUnitStart).
TimePoint UnitStart(AggregateUnit unit, TimePoint t);

// The start of the unit after the one that starts at `start`.
// REQUIRES: start == UnitStart(unit, start).
TimePoint NextUnitStart(AggregateUnit unit, TimePoint start);

// The end of the last unit that holds a part of [from, to): `to` itself when it is a unit
// start, else the start of the unit after the one holding it. REQUIRES: from < to.
TimePoint UnitCeil(AggregateUnit unit, TimePoint to);

// The start of the local day or month of `zone` that holds the bucket at `bucket`: the latest
// such start at or before it. REQUIRES: unit is kLocalDay or kLocalMonth; zone != nullptr;
// bucket == BucketStart(bucket).
TimePoint LocalUnitStart(AggregateUnit unit, const date::time_zone* zone, TimePoint bucket);

// The start of the local day or month after the one that starts at `start`.
// REQUIRES: start == LocalUnitStart(unit, zone, start).
TimePoint NextLocalUnitStart(AggregateUnit unit, const date::time_zone* zone, TimePoint start);

// The rows of one unit whose starts lie in [from, to); both are starts of that unit.
struct UnitRange {
  AggregateUnit unit = AggregateUnit::kBucket;
  TimePoint from;
  TimePoint to;
  std::string zone;  // the IANA zone of a local unit; empty for the UTC units
  // Every row of the range counts in one interval of its report (no interval start lies in
  // (from, to)): a store may then visit the sums of the range's rows per (queue, agent)
  // instead of the rows (KpiStore::ScanAggregates). Set by MarkSummable.
  bool summable = false;

  bool operator==(const UnitRange&) const = default;
};

// The unit ranges, in time order and without overlap, that cover exactly the buckets b with
// first <= b < end, such that no unit read crosses an element of `starts` (the report's
// interval starts, IntervalStarts). Each piece between two interval starts is tiled from
// its start with the largest unit that starts there and fits before the piece ends; adjacent
// ranges of the same unit are merged. Empty when end <= first. With a `local_zone` (an IANA
// name whose local rollups the store keeps), its local months and days are candidates too.
// REQUIRES: first is a bucket start; `starts` ascending bucket starts; starts.front() <= first;
// local_zone empty or a known zone.
std::vector<UnitRange> PlanUnitRanges(TimePoint first, TimePoint end,
                                      const std::vector<TimePoint>& starts,
                                      std::string_view local_zone = {});

// Sets `summable` on each range of `plan` that lies within one interval of `starts` (a
// report's IntervalStarts), so that a store may sum its rows: a 1-year total then reads one
// sum per queue and agent for its months instead of their rows.
void MarkSummable(std::vector<UnitRange>& plan, const std::vector<TimePoint>& starts);

}  // namespace callboard
