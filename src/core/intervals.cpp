#include "core/intervals.h"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <exception>
#include <string>
#include <utility>

namespace callboard {

namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using Bucket = std::chrono::duration<int64_t, std::ratio<900>>;

constexpr std::array<std::pair<ReportInterval, std::string_view>, 7> kIntervalNames = {{
    {ReportInterval::k15m, "15m"},
    {ReportInterval::k30m, "30m"},
    {ReportInterval::k1h, "1h"},
    {ReportInterval::kDay, "day"},
    {ReportInterval::kWeek, "week"},
    {ReportInterval::kMonth, "month"},
    {ReportInterval::kTotal, "total"},
}};

// The first bucket start at or after `t`.
TimePoint CeilToBucket(TimePoint t) {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::ceil<Bucket>(t));
}

TimePoint FromSys(date::sys_seconds t) { return std::chrono::time_point_cast<milliseconds>(t); }

// The first instant of the current run of UTC offset `info.offset` that holds `info`'s
// period: sys_info periods also end where only the abbreviation or the DST flag changes.
date::sys_seconds OffsetSince(const date::time_zone* zone, const date::sys_info& info,
                              date::sys_seconds not_before) {
  date::sys_seconds begin = info.begin;
  while (begin > not_before) {
    const date::sys_info previous = zone->get_info(begin - seconds(1));
    if (previous.offset != info.offset || previous.begin >= begin) break;
    begin = previous.begin;
  }
  return begin;
}

// 30m and 1h: the latest instant ≤ bucket whose local time is a multiple of `length`,
// but not before the bucket's UTC offset took effect.
TimePoint SubDayStart(TimePoint bucket, minutes length, const date::time_zone* zone) {
  const auto at = std::chrono::time_point_cast<seconds>(bucket);
  const date::sys_info info = zone->get_info(at);
  const seconds local = at.time_since_epoch() + info.offset;
  seconds into = local % length;
  if (into < seconds::zero()) into += length;
  const date::sys_seconds aligned = at - into;
  const date::sys_seconds start = std::max(aligned, OffsetSince(zone, info, aligned));
  return CeilToBucket(FromSys(start));
}

// The local date that opens the day, week or month holding local day `day`.
date::local_days OpeningDay(date::local_days day, ReportInterval interval) {
  if (interval == ReportInterval::kWeek) {
    const date::weekday wd{day};
    return day - date::days{wd.iso_encoding() - 1};
  }
  if (interval == ReportInterval::kMonth) {
    const date::year_month_day ymd{day};
    return date::local_days{ymd.year() / ymd.month() / 1};
  }
  return day;
}

date::local_days NextOpeningDay(date::local_days opening, ReportInterval interval) {
  if (interval == ReportInterval::kWeek) return opening + date::days{7};
  if (interval == ReportInterval::kMonth) {
    const date::year_month_day ymd{opening};
    return date::local_days{(ymd.year() / ymd.month() + date::months{1}) / 1};
  }
  return opening + date::days{1};
}

// The first bucket at or after local midnight of `day` (the transition, when a DST change
// skips that midnight; its first occurrence, when the change repeats it).
TimePoint MidnightBucket(date::local_days day, const date::time_zone* zone) {
  return CeilToBucket(FromSys(zone->to_sys(date::local_seconds{day}, date::choose::earliest)));
}

date::local_days LocalDay(TimePoint t, const date::time_zone* zone) {
  return std::chrono::floor<date::days>(zone->to_local(std::chrono::time_point_cast<seconds>(t)));
}

FieldError TooManyIntervals() {
  return {"interval", "too_many_intervals",
          "the range holds more than " + std::to_string(kMaxReportIntervals) +
              " intervals; choose a longer interval or a shorter range"};
}

}  // namespace

TimePoint BucketStart(TimePoint t) {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::floor<Bucket>(t));
}

std::string_view ReportIntervalName(ReportInterval interval) {
  for (const auto& [value, name] : kIntervalNames) {
    if (value == interval) return name;
  }
  return "total";
}

std::optional<ReportInterval> ParseReportInterval(std::string_view name) {
  for (const auto& [value, interval_name] : kIntervalNames) {
    if (interval_name == name) return value;
  }
  return std::nullopt;
}

Result<const date::time_zone*> LocateTimeZone(std::string_view name) {
  if (!name.empty() && name.size() <= 64) {
    try {
      return date::locate_zone(std::string(name));
    } catch (const std::exception&) {
      // Unknown zone: reported below.
    }
  }
  return Status::Invalid(
      {{"tz", "unknown_time_zone", "not a time zone of the IANA database, e.g. Europe/Berlin"}});
}

TimePoint IntervalStartOf(TimePoint bucket, ReportInterval interval, const date::time_zone* zone) {
  assert(bucket == BucketStart(bucket));
  assert(zone != nullptr);
  switch (interval) {
    case ReportInterval::k15m:
      return bucket;
    case ReportInterval::k30m:
      return SubDayStart(bucket, minutes(30), zone);
    case ReportInterval::k1h:
      return SubDayStart(bucket, minutes(60), zone);
    case ReportInterval::kDay:
    case ReportInterval::kWeek:
    case ReportInterval::kMonth:
      return MidnightBucket(OpeningDay(LocalDay(bucket, zone), interval), zone);
    case ReportInterval::kTotal:
      break;
  }
  return TimePoint::min();
}

Result<std::vector<TimePoint>> IntervalStarts(TimePoint from, TimePoint to, ReportInterval interval,
                                              std::string_view tz) {
  Result<const date::time_zone*> zone = LocateTimeZone(tz);
  if (!zone) return zone.error();
  if (to <= from) return Status::Invalid({{"to", "not_after_from", "must be after from"}});
  const TimePoint first_bucket = BucketStart(from);
  if (interval == ReportInterval::kTotal) return std::vector<TimePoint>{first_bucket};
  // Every interval holds at least one bucket: a cheap bound before walking.
  if (interval == ReportInterval::k15m &&
      (to - first_bucket) / kBucketLength >= static_cast<int64_t>(kMaxReportIntervals)) {
    return Status::Invalid({TooManyIntervals()});
  }

  std::vector<TimePoint> starts;
  TimePoint start = IntervalStartOf(first_bucket, interval, *zone);
  std::optional<date::local_days> opening;
  if (interval == ReportInterval::kDay || interval == ReportInterval::kWeek ||
      interval == ReportInterval::kMonth) {
    opening = OpeningDay(LocalDay(first_bucket, *zone), interval);
  }
  while (start < to) {
    if (starts.size() == kMaxReportIntervals) return Status::Invalid({TooManyIntervals()});
    starts.push_back(start);
    TimePoint next;
    if (opening) {
      opening = NextOpeningDay(*opening, interval);
      next = MidnightBucket(*opening, *zone);
    } else {
      next = start + kBucketLength;
      while (IntervalStartOf(next, interval, *zone) == start) next += kBucketLength;
    }
    assert(next > start);
    start = next;
  }
  return starts;
}

std::size_t IntervalIndexOf(const std::vector<TimePoint>& starts, TimePoint bucket) {
  assert(!starts.empty() && starts.front() <= bucket);
  const auto it = std::upper_bound(starts.begin(), starts.end(), bucket);
  return static_cast<std::size_t>(it - starts.begin()) - 1;
}

}  // namespace callboard
