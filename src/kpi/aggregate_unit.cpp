#include "kpi/aggregate_unit.h"

#include <algorithm>
#include <cassert>
#include <chrono>

#include "core/intervals.h"

namespace callboard {

namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;

template <typename Duration>
TimePoint Floor(TimePoint t) {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::floor<Duration>(t));
}

TimePoint MonthStart(TimePoint t) {
  const std::chrono::year_month_day ymd{std::chrono::floor<days>(t)};
  return TimePoint(std::chrono::sys_days{ymd.year() / ymd.month() / 1});
}

// Appends [from, to) of `unit`, merged into the last range when it continues it.
void Append(std::vector<UnitRange>& plan, AggregateUnit unit, TimePoint from, TimePoint to) {
  if (!plan.empty() && plan.back().unit == unit && plan.back().to == from) {
    plan.back().to = to;
  } else {
    plan.push_back({unit, from, to});
  }
}

// Tiles [from, to), a piece that lies inside one report interval.
void Tile(std::vector<UnitRange>& plan, TimePoint from, TimePoint to) {
  constexpr std::array<AggregateUnit, 3> kLargestFirst = {
      AggregateUnit::kMonth, AggregateUnit::kDay, AggregateUnit::kHour};
  TimePoint t = from;
  while (t < to) {
    AggregateUnit chosen = AggregateUnit::kBucket;
    TimePoint next{};
    for (AggregateUnit unit : kLargestFirst) {
      if (UnitStart(unit, t) != t) continue;
      const TimePoint end = NextUnitStart(unit, t);
      if (end <= to) {
        chosen = unit;
        next = end;
        break;
      }
    }
    // Buckets only until the next hour starts: from there an hour may fit again.
    if (chosen == AggregateUnit::kBucket) {
      next = std::min(to, NextUnitStart(AggregateUnit::kHour, UnitStart(AggregateUnit::kHour, t)));
    }
    Append(plan, chosen, t, next);
    t = next;
  }
}

}  // namespace

std::string_view AggregateUnitName(AggregateUnit unit) {
  switch (unit) {
    case AggregateUnit::kBucket:
      return "15m";
    case AggregateUnit::kHour:
      return "hour";
    case AggregateUnit::kDay:
      return "day";
    case AggregateUnit::kMonth:
      return "month";
  }
  return "15m";
}

TimePoint UnitStart(AggregateUnit unit, TimePoint t) {
  switch (unit) {
    case AggregateUnit::kBucket:
      return BucketStart(t);
    case AggregateUnit::kHour:
      return Floor<hours>(t);
    case AggregateUnit::kDay:
      return Floor<days>(t);
    case AggregateUnit::kMonth:
      return MonthStart(t);
  }
  return BucketStart(t);
}

TimePoint NextUnitStart(AggregateUnit unit, TimePoint start) {
  assert(UnitStart(unit, start) == start);
  switch (unit) {
    case AggregateUnit::kBucket:
      return start + kBucketLength;
    case AggregateUnit::kHour:
      return start + hours(1);
    case AggregateUnit::kDay:
      return start + days(1);
    case AggregateUnit::kMonth: {
      const std::chrono::year_month_day ymd{std::chrono::floor<days>(start)};
      const std::chrono::year_month next = ymd.year() / ymd.month() + std::chrono::months(1);
      return TimePoint(std::chrono::sys_days{next / 1});
    }
  }
  return start + kBucketLength;
}

TimePoint UnitCeil(AggregateUnit unit, TimePoint to) {
  const TimePoint start = UnitStart(unit, to);
  return start == to ? to : NextUnitStart(unit, start);
}

std::vector<UnitRange> PlanUnitRanges(TimePoint first, TimePoint end,
                                      const std::vector<TimePoint>& starts) {
  assert(first == BucketStart(first));
  assert(!starts.empty() && starts.front() <= first);
  std::vector<UnitRange> plan;
  if (end <= first) return plan;
  end = UnitCeil(AggregateUnit::kBucket, end);
  // The pieces: [first, next interval start), …, [last interval start, end).
  auto next = std::upper_bound(starts.begin(), starts.end(), first);
  TimePoint from = first;
  while (from < end) {
    const TimePoint to = next != starts.end() && *next < end ? *next : end;
    Tile(plan, from, to);
    from = to;
    if (next != starts.end()) ++next;
  }
  return plan;
}

}  // namespace callboard
