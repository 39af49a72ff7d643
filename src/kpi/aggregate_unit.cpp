#include "kpi/aggregate_unit.h"

#include <date/tz.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <string>
#include <tuple>
#include <utility>

#include "core/intervals.h"

namespace callboard {

namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Bucket = std::chrono::duration<int64_t, std::ratio<900>>;

template <typename Duration>
TimePoint Floor(TimePoint t) {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::floor<Duration>(t));
}

TimePoint MonthStart(TimePoint t) {
  const std::chrono::year_month_day ymd{std::chrono::floor<days>(t)};
  return TimePoint(std::chrono::sys_days{ymd.year() / ymd.month() / 1});
}

// The local date that opens the local day or month holding local date `day`, and the next.
date::local_days Opening(AggregateUnit unit, date::local_days day) {
  if (unit == AggregateUnit::kLocalMonth) {
    const date::year_month_day ymd{day};
    return date::local_days{ymd.year() / ymd.month() / 1};
  }
  return day;
}

date::local_days NextOpening(AggregateUnit unit, date::local_days opening) {
  if (unit == AggregateUnit::kLocalMonth) {
    const date::year_month_day ymd{opening};
    return date::local_days{(ymd.year() / ymd.month() + date::months{1}) / 1};
  }
  return opening + date::days{1};
}

date::local_days PreviousOpening(AggregateUnit unit, date::local_days opening) {
  if (unit == AggregateUnit::kLocalMonth) {
    const date::year_month_day ymd{opening};
    return date::local_days{(ymd.year() / ymd.month() - date::months{1}) / 1};
  }
  return opening - date::days{1};
}

// The first bucket at or after local midnight of `day`: the same rule as a report's day,
// week and month starts (core/intervals.cpp), so that a local unit is one report interval.
TimePoint MidnightBucket(date::local_days day, const date::time_zone* zone) {
  const date::sys_seconds midnight = zone->to_sys(date::local_seconds{day}, date::choose::earliest);
  return std::chrono::time_point_cast<milliseconds>(std::chrono::ceil<Bucket>(midnight));
}

// The local unit that holds the bucket at `bucket`: its start and the next unit's start.
// Local midnight maps to the bucket of its first occurrence, so a fall-back night at midnight
// shows a local time of the day before after a day's start; the loops step to the latest
// start at or before `bucket` (at most one step each way in the tz database's zones).
std::pair<TimePoint, TimePoint> LocalUnitBounds(AggregateUnit unit, const date::time_zone* zone,
                                                TimePoint bucket) {
  assert(IsLocalUnit(unit) && zone != nullptr);
  const auto local = zone->to_local(std::chrono::time_point_cast<seconds>(bucket));
  date::local_days opening = Opening(unit, std::chrono::floor<date::days>(local));
  TimePoint start = MidnightBucket(opening, zone);
  for (int i = 0; i < 4 && start > bucket; ++i) {
    opening = PreviousOpening(unit, opening);
    start = MidnightBucket(opening, zone);
  }
  date::local_days next_opening = NextOpening(unit, opening);
  TimePoint next = MidnightBucket(next_opening, zone);
  for (int i = 0; i < 4 && next <= bucket; ++i) {
    opening = next_opening;
    start = next;
    next_opening = NextOpening(unit, opening);
    next = MidnightBucket(next_opening, zone);
  }
  return {start, next};
}

// Appends [from, to) of `unit`, merged into the last range when it continues it.
void Append(std::vector<UnitRange>& plan, AggregateUnit unit, TimePoint from, TimePoint to,
            const std::string& zone) {
  if (!plan.empty() && plan.back().unit == unit && plan.back().to == from) {
    plan.back().to = to;
  } else {
    plan.push_back({unit, from, to, IsLocalUnit(unit) ? zone : std::string()});
  }
}

// Tiles [from, to), a piece that lies inside one report interval; with the local units of
// `zone` (its name `zone_name`) when zone is not null.
void Tile(std::vector<UnitRange>& plan, TimePoint from, TimePoint to, const date::time_zone* zone,
          const std::string& zone_name) {
  constexpr std::array<AggregateUnit, 5> kLargestFirst = {
      AggregateUnit::kMonth, AggregateUnit::kLocalMonth, AggregateUnit::kDay,
      AggregateUnit::kLocalDay, AggregateUnit::kHour};
  TimePoint t = from;
  while (t < to) {
    AggregateUnit chosen = AggregateUnit::kBucket;
    TimePoint next{};
    for (AggregateUnit unit : kLargestFirst) {
      TimePoint start;
      TimePoint end;
      if (IsLocalUnit(unit)) {
        // No local day is shorter than 22 hours: skip the zone arithmetic for short pieces.
        if (zone == nullptr || to - t < hours(22)) continue;
        std::tie(start, end) = LocalUnitBounds(unit, zone, t);
      } else {
        start = UnitStart(unit, t);
        if (start == t) end = NextUnitStart(unit, t);
      }
      if (start != t) continue;
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
    Append(plan, chosen, t, next, zone_name);
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
    case AggregateUnit::kLocalDay:
      return "local day";
    case AggregateUnit::kLocalMonth:
      return "local month";
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
    case AggregateUnit::kLocalDay:
    case AggregateUnit::kLocalMonth:
      break;
  }
  assert(false && "a local unit needs its zone (LocalUnitStart)");
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
    case AggregateUnit::kLocalDay:
    case AggregateUnit::kLocalMonth:
      break;
  }
  assert(false && "a local unit needs its zone (NextLocalUnitStart)");
  return start + kBucketLength;
}

TimePoint UnitCeil(AggregateUnit unit, TimePoint to) {
  const TimePoint start = UnitStart(unit, to);
  return start == to ? to : NextUnitStart(unit, start);
}

TimePoint LocalUnitStart(AggregateUnit unit, const date::time_zone* zone, TimePoint bucket) {
  assert(bucket == BucketStart(bucket));
  return LocalUnitBounds(unit, zone, bucket).first;
}

TimePoint NextLocalUnitStart(AggregateUnit unit, const date::time_zone* zone, TimePoint start) {
  [[maybe_unused]] const auto [found, next] = LocalUnitBounds(unit, zone, start);
  assert(found == start);
  return next;
}

std::vector<UnitRange> PlanUnitRanges(TimePoint first, TimePoint end,
                                      const std::vector<TimePoint>& starts,
                                      std::string_view local_zone) {
  assert(first == BucketStart(first));
  assert(!starts.empty() && starts.front() <= first);
  std::vector<UnitRange> plan;
  if (end <= first) return plan;
  const date::time_zone* zone = nullptr;
  const std::string zone_name(local_zone);
  if (!local_zone.empty()) {
    Result<const date::time_zone*> located = LocateTimeZone(local_zone);
    assert(located);
    if (located) zone = *located;
  }
  end = UnitCeil(AggregateUnit::kBucket, end);
  // The pieces: [first, next interval start), …, [last interval start, end).
  auto next = std::upper_bound(starts.begin(), starts.end(), first);
  TimePoint from = first;
  while (from < end) {
    const TimePoint to = next != starts.end() && *next < end ? *next : end;
    Tile(plan, from, to, zone, zone_name);
    from = to;
    if (next != starts.end()) ++next;
  }
  return plan;
}

void MarkSummable(std::vector<UnitRange>& plan, const std::vector<TimePoint>& starts) {
  for (UnitRange& range : plan) {
    range.summable = IntervalIndexOf(starts, range.from) ==
                     IntervalIndexOf(starts, range.to - std::chrono::milliseconds(1));
  }
}

}  // namespace callboard
