#include "kpi/aggregate_unit.h"

#include <gtest/gtest.h>

#include "core/intervals.h"

namespace callboard {
namespace {

constexpr AggregateUnit kBucket = AggregateUnit::kBucket;
constexpr AggregateUnit kHour = AggregateUnit::kHour;
constexpr AggregateUnit kDay = AggregateUnit::kDay;
constexpr AggregateUnit kMonth = AggregateUnit::kMonth;
constexpr AggregateUnit kLocalDay = AggregateUnit::kLocalDay;
constexpr AggregateUnit kLocalMonth = AggregateUnit::kLocalMonth;

TimePoint T(const char* rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t) << rfc3339;
  return t.value_or(TimePoint{});
}

// The plan for a report from `from` to `to` in `tz` by `interval`.
std::vector<UnitRange> PlanFor(const char* from, const char* to, const char* tz,
                               ReportInterval interval) {
  auto starts = IntervalStarts(T(from), T(to), interval, tz);
  EXPECT_TRUE(starts);
  if (!starts) return {};
  return PlanUnitRanges(BucketStart(T(from)), T(to), *starts);
}

// The same with the local units of `tz` available.
std::vector<UnitRange> LocalPlanFor(const char* from, const char* to, const char* tz,
                                    ReportInterval interval) {
  auto starts = IntervalStarts(T(from), T(to), interval, tz);
  EXPECT_TRUE(starts);
  if (!starts) return {};
  return PlanUnitRanges(BucketStart(T(from)), T(to), *starts, tz);
}

const date::time_zone* Zone(const char* name) { return LocateTimeZone(name).value(); }

TEST(AggregateUnit, UnitsAreUtcHoursDaysAndCalendarMonths) {
  EXPECT_EQ(UnitStart(kBucket, T("2026-02-15T10:20:30Z")), T("2026-02-15T10:15:00Z"));
  EXPECT_EQ(UnitStart(kHour, T("2026-02-15T10:20:30Z")), T("2026-02-15T10:00:00Z"));
  EXPECT_EQ(UnitStart(kDay, T("2026-02-15T10:20:30Z")), T("2026-02-15T00:00:00Z"));
  EXPECT_EQ(UnitStart(kMonth, T("2026-02-15T10:20:30Z")), T("2026-02-01T00:00:00Z"));
  EXPECT_EQ(NextUnitStart(kMonth, T("2026-02-01T00:00:00Z")), T("2026-03-01T00:00:00Z"));
  EXPECT_EQ(NextUnitStart(kMonth, T("2026-12-01T00:00:00Z")), T("2027-01-01T00:00:00Z"));
  EXPECT_EQ(NextUnitStart(kDay, T("2026-02-28T00:00:00Z")), T("2026-03-01T00:00:00Z"));
  EXPECT_EQ(NextUnitStart(kHour, T("2026-02-28T23:00:00Z")), T("2026-03-01T00:00:00Z"));
  // Before 1970 too (floor, not truncation).
  EXPECT_EQ(UnitStart(kHour, T("1969-12-31T23:30:00Z")), T("1969-12-31T23:00:00Z"));
  EXPECT_EQ(UnitStart(kMonth, T("1969-12-31T23:30:00Z")), T("1969-12-01T00:00:00Z"));
  EXPECT_EQ(UnitCeil(kHour, T("2026-02-15T10:00:00Z")), T("2026-02-15T10:00:00Z"));
  EXPECT_EQ(UnitCeil(kHour, T("2026-02-15T10:00:01Z")), T("2026-02-15T11:00:00Z"));
  EXPECT_EQ(AggregateUnitName(kMonth), "month");
}

TEST(AggregateUnit, AUtcYearTotalIsTwelveMonths) {
  EXPECT_EQ(
      PlanFor("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "UTC", ReportInterval::kTotal),
      (std::vector<UnitRange>{{kMonth, T("2026-01-01T00:00:00Z"), T("2027-01-01T00:00:00Z")}}));
}

TEST(AggregateUnit, ATotalUsesTheLargestUnitsThatFitFromBothEnds) {
  EXPECT_EQ(PlanFor("2026-01-30T22:15:00Z", "2026-03-02T01:30:00Z", "UTC", ReportInterval::kTotal),
            (std::vector<UnitRange>{
                {kBucket, T("2026-01-30T22:15:00Z"), T("2026-01-30T23:00:00Z")},
                {kHour, T("2026-01-30T23:00:00Z"), T("2026-01-31T00:00:00Z")},
                {kDay, T("2026-01-31T00:00:00Z"), T("2026-02-01T00:00:00Z")},
                {kMonth, T("2026-02-01T00:00:00Z"), T("2026-03-01T00:00:00Z")},
                {kDay, T("2026-03-01T00:00:00Z"), T("2026-03-02T00:00:00Z")},
                {kHour, T("2026-03-02T00:00:00Z"), T("2026-03-02T01:00:00Z")},
                {kBucket, T("2026-03-02T01:00:00Z"), T("2026-03-02T01:30:00Z")},
            }));
}

TEST(AggregateUnit, BoundsInsideBucketsCoverTheBucketsTheReportCounts) {
  // Buckets 10:00, 10:15, 10:30 and 10:45 start in [10:07, 10:50): exactly the hour.
  EXPECT_EQ(
      PlanFor("2026-03-02T10:07:00Z", "2026-03-02T10:50:00Z", "UTC", ReportInterval::kTotal),
      (std::vector<UnitRange>{{kHour, T("2026-03-02T10:00:00Z"), T("2026-03-02T11:00:00Z")}}));
}

TEST(AggregateUnit, NewYorkDaysAcrossTheFallBackAreReadAsUtcHours) {
  // 2026-10-31 starts at 04:00Z (EDT); 2026-11-01 has 25 hours and 2026-11-02 starts at
  // 05:00Z (EST). No UTC day lies inside a New York day.
  EXPECT_EQ(
      PlanFor("2026-10-31T04:00:00Z", "2026-11-02T05:00:00Z", "America/New_York",
              ReportInterval::kDay),
      (std::vector<UnitRange>{{kHour, T("2026-10-31T04:00:00Z"), T("2026-11-02T05:00:00Z")}}));
  // The total over the same range may use the UTC day in the middle.
  EXPECT_EQ(PlanFor("2026-10-31T04:00:00Z", "2026-11-02T05:00:00Z", "America/New_York",
                    ReportInterval::kTotal),
            (std::vector<UnitRange>{
                {kHour, T("2026-10-31T04:00:00Z"), T("2026-11-01T00:00:00Z")},
                {kDay, T("2026-11-01T00:00:00Z"), T("2026-11-02T00:00:00Z")},
                {kHour, T("2026-11-02T00:00:00Z"), T("2026-11-02T05:00:00Z")},
            }));
}

TEST(AggregateUnit, KolkataDaysStartAtHalfPastAndUseBucketsAroundTheHours) {
  // Local midnight in Asia/Kolkata (+05:30) is 18:30Z.
  EXPECT_EQ(
      PlanFor("2026-11-01T18:30:00Z", "2026-11-03T18:30:00Z", "Asia/Kolkata", ReportInterval::kDay),
      (std::vector<UnitRange>{
          {kBucket, T("2026-11-01T18:30:00Z"), T("2026-11-01T19:00:00Z")},
          {kHour, T("2026-11-01T19:00:00Z"), T("2026-11-02T18:00:00Z")},
          {kBucket, T("2026-11-02T18:00:00Z"), T("2026-11-02T19:00:00Z")},
          {kHour, T("2026-11-02T19:00:00Z"), T("2026-11-03T18:00:00Z")},
          {kBucket, T("2026-11-03T18:00:00Z"), T("2026-11-03T18:30:00Z")},
      }));
  EXPECT_EQ(PlanFor("2026-11-01T18:30:00Z", "2026-11-03T18:30:00Z", "Asia/Kolkata",
                    ReportInterval::kTotal),
            (std::vector<UnitRange>{
                {kBucket, T("2026-11-01T18:30:00Z"), T("2026-11-01T19:00:00Z")},
                {kHour, T("2026-11-01T19:00:00Z"), T("2026-11-02T00:00:00Z")},
                {kDay, T("2026-11-02T00:00:00Z"), T("2026-11-03T00:00:00Z")},
                {kHour, T("2026-11-03T00:00:00Z"), T("2026-11-03T18:00:00Z")},
                {kBucket, T("2026-11-03T18:00:00Z"), T("2026-11-03T18:30:00Z")},
            }));
}

TEST(AggregateUnit, FifteenMinuteIntervalsReadBucketsOnly) {
  EXPECT_EQ(
      PlanFor("2026-03-02T10:00:00Z", "2026-03-02T12:00:00Z", "UTC", ReportInterval::k15m),
      (std::vector<UnitRange>{{kBucket, T("2026-03-02T10:00:00Z"), T("2026-03-02T12:00:00Z")}}));
}

TEST(AggregateUnit, UtcMonthsOfAYearAreMonthRows) {
  const std::vector<UnitRange> plan =
      PlanFor("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "UTC", ReportInterval::kMonth);
  EXPECT_EQ(
      plan,
      (std::vector<UnitRange>{{kMonth, T("2026-01-01T00:00:00Z"), T("2027-01-01T00:00:00Z")}}));
  // ISO weeks: days (a week never holds a whole calendar month).
  EXPECT_EQ(PlanFor("2026-03-02T00:00:00Z", "2026-03-16T00:00:00Z", "UTC", ReportInterval::kWeek),
            (std::vector<UnitRange>{{kDay, T("2026-03-02T00:00:00Z"), T("2026-03-16T00:00:00Z")}}));
}

TEST(AggregateUnit, EveryPlanTilesTheBucketsWithoutGapsOrOverlap) {
  for (const char* tz :
       {"UTC", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe"}) {
    for (ReportInterval interval :
         {ReportInterval::k15m, ReportInterval::k30m, ReportInterval::k1h, ReportInterval::kDay,
          ReportInterval::kWeek, ReportInterval::kMonth, ReportInterval::kTotal}) {
      const TimePoint from = T("2026-02-27T13:07:00Z");
      const TimePoint to = T("2026-04-09T02:52:00Z");
      auto starts = IntervalStarts(from, to, interval, tz);
      ASSERT_TRUE(starts);
      const std::vector<UnitRange> plan = PlanUnitRanges(BucketStart(from), to, *starts);
      ASSERT_FALSE(plan.empty());
      EXPECT_EQ(plan.front().from, BucketStart(from)) << tz;
      EXPECT_EQ(plan.back().to, T("2026-04-09T03:00:00Z")) << tz;
      for (size_t i = 0; i < plan.size(); ++i) {
        const UnitRange& r = plan[i];
        if (i > 0) {
          EXPECT_EQ(plan[i - 1].to, r.from) << tz;
        }
        ASSERT_LT(r.from, r.to);
        // Every unit lies inside one report interval.
        for (TimePoint u = r.from; u < r.to; u = NextUnitStart(r.unit, u)) {
          ASSERT_EQ(UnitStart(r.unit, u), u);
          const TimePoint last = NextUnitStart(r.unit, u) - kBucketLength;
          EXPECT_EQ(IntervalIndexOf(*starts, u), IntervalIndexOf(*starts, last))
              << tz << " " << ReportIntervalName(interval) << " " << FormatRfc3339(u) << " "
              << AggregateUnitName(r.unit);
        }
      }
    }
  }
}

TEST(AggregateUnit, LocalDaysStartAtTheBucketOfLocalMidnightAndLast23To25Hours) {
  const date::time_zone* ny = Zone("America/New_York");
  EXPECT_EQ(LocalUnitStart(kLocalDay, ny, T("2026-03-08T12:00:00Z")), T("2026-03-08T05:00:00Z"));
  EXPECT_EQ(LocalUnitStart(kLocalDay, ny, T("2026-03-08T04:45:00Z")), T("2026-03-07T05:00:00Z"));
  // Spring forward: 23 hours; fall back: 25 hours.
  EXPECT_EQ(NextLocalUnitStart(kLocalDay, ny, T("2026-03-08T05:00:00Z")),
            T("2026-03-09T04:00:00Z"));
  EXPECT_EQ(NextLocalUnitStart(kLocalDay, ny, T("2026-11-01T04:00:00Z")),
            T("2026-11-02T05:00:00Z"));
  EXPECT_EQ(LocalUnitStart(kLocalDay, ny, T("2026-11-02T04:45:00Z")), T("2026-11-01T04:00:00Z"));
  EXPECT_EQ(LocalUnitStart(kLocalMonth, ny, T("2026-03-31T12:00:00Z")), T("2026-03-01T05:00:00Z"));
  EXPECT_EQ(NextLocalUnitStart(kLocalMonth, ny, T("2026-03-01T05:00:00Z")),
            T("2026-04-01T04:00:00Z"));
  // Asia/Kolkata (+05:30): days from 18:30Z.
  const date::time_zone* kolkata = Zone("Asia/Kolkata");
  EXPECT_EQ(LocalUnitStart(kLocalDay, kolkata, T("2026-11-02T18:15:00Z")),
            T("2026-11-01T18:30:00Z"));
  EXPECT_EQ(LocalUnitStart(kLocalDay, kolkata, T("2026-11-02T18:30:00Z")),
            T("2026-11-02T18:30:00Z"));
  EXPECT_EQ(LocalUnitStart(kLocalMonth, kolkata, T("2026-12-31T18:15:00Z")),
            T("2026-11-30T18:30:00Z"));
  // Asia/Beirut changes at midnight: 2026-03-29 begins at the spring transition (22:00Z, local
  // 01:00); on 2026-10-25 00:00 EEST becomes 23:00 EET, so the 24th has 25 hours.
  const date::time_zone* beirut = Zone("Asia/Beirut");
  EXPECT_EQ(LocalUnitStart(kLocalDay, beirut, T("2026-03-28T22:00:00Z")),
            T("2026-03-28T22:00:00Z"));
  EXPECT_EQ(LocalUnitStart(kLocalDay, beirut, T("2026-03-28T21:45:00Z")),
            T("2026-03-27T22:00:00Z"));
  EXPECT_EQ(LocalUnitStart(kLocalDay, beirut, T("2026-10-24T21:30:00Z")),
            T("2026-10-23T21:00:00Z"));
  EXPECT_EQ(NextLocalUnitStart(kLocalDay, beirut, T("2026-10-23T21:00:00Z")),
            T("2026-10-24T22:00:00Z"));
  EXPECT_EQ(AggregateUnitName(kLocalDay), "local day");
}

TEST(AggregateUnit, NewYorkDaysAreLocalDayRowsWhenTheZoneHasThem) {
  // A month by day: one range of local days, DST change included.
  EXPECT_EQ(LocalPlanFor("2026-03-01T05:00:00Z", "2026-03-31T04:00:00Z", "America/New_York",
                         ReportInterval::kDay),
            (std::vector<UnitRange>{{kLocalDay, T("2026-03-01T05:00:00Z"),
                                     T("2026-03-31T04:00:00Z"), "America/New_York"}}));
  // A year's total: twelve local months.
  EXPECT_EQ(LocalPlanFor("2026-01-01T05:00:00Z", "2027-01-01T05:00:00Z", "America/New_York",
                         ReportInterval::kTotal),
            (std::vector<UnitRange>{{kLocalMonth, T("2026-01-01T05:00:00Z"),
                                     T("2027-01-01T05:00:00Z"), "America/New_York"}}));
  // Unaligned bounds: hours and buckets up to the first local day, local days, then hours.
  EXPECT_EQ(
      LocalPlanFor("2026-03-06T22:37:00Z", "2026-03-09T07:05:00Z", "America/New_York",
                   ReportInterval::kDay),
      (std::vector<UnitRange>{
          {kBucket, T("2026-03-06T22:30:00Z"), T("2026-03-06T23:00:00Z")},
          {kHour, T("2026-03-06T23:00:00Z"), T("2026-03-07T05:00:00Z")},
          {kLocalDay, T("2026-03-07T05:00:00Z"), T("2026-03-09T04:00:00Z"), "America/New_York"},
          {kHour, T("2026-03-09T04:00:00Z"), T("2026-03-09T07:00:00Z")},
          {kBucket, T("2026-03-09T07:00:00Z"), T("2026-03-09T07:15:00Z")},
      }));
  // Without the zone's rollups the plan is the UTC one.
  EXPECT_EQ(
      PlanFor("2026-03-01T05:00:00Z", "2026-03-31T04:00:00Z", "America/New_York",
              ReportInterval::kDay),
      (std::vector<UnitRange>{{kHour, T("2026-03-01T05:00:00Z"), T("2026-03-31T04:00:00Z")}}));
}

TEST(AggregateUnit, KolkataMonthsByDayAreLocalDaysAndAWeekIsSevenOfThem) {
  EXPECT_EQ(LocalPlanFor("2026-10-31T18:30:00Z", "2026-11-30T18:30:00Z", "Asia/Kolkata",
                         ReportInterval::kDay),
            (std::vector<UnitRange>{{kLocalDay, T("2026-10-31T18:30:00Z"),
                                     T("2026-11-30T18:30:00Z"), "Asia/Kolkata"}}));
  EXPECT_EQ(LocalPlanFor("2026-11-01T18:30:00Z", "2026-11-15T18:30:00Z", "Asia/Kolkata",
                         ReportInterval::kWeek),
            (std::vector<UnitRange>{{kLocalDay, T("2026-11-01T18:30:00Z"),
                                     T("2026-11-15T18:30:00Z"), "Asia/Kolkata"}}));
  EXPECT_EQ(LocalPlanFor("2026-10-31T18:30:00Z", "2026-12-31T18:30:00Z", "Asia/Kolkata",
                         ReportInterval::kMonth),
            (std::vector<UnitRange>{{kLocalMonth, T("2026-10-31T18:30:00Z"),
                                     T("2026-12-31T18:30:00Z"), "Asia/Kolkata"}}));
}

TEST(AggregateUnit, EveryLocalPlanTilesTheBucketsWithLocalUnitsInsideOneInterval) {
  for (const char* tz : {"America/New_York", "Asia/Kolkata", "Asia/Kathmandu",
                         "Australia/Lord_Howe", "Asia/Beirut", "Europe/London"}) {
    const date::time_zone* zone = Zone(tz);
    for (ReportInterval interval :
         {ReportInterval::k1h, ReportInterval::kDay, ReportInterval::kWeek, ReportInterval::kMonth,
          ReportInterval::kTotal}) {
      const TimePoint from = T("2026-02-27T13:07:00Z");
      const TimePoint to = T("2026-11-09T02:52:00Z");
      auto starts = IntervalStarts(from, to, interval, tz);
      ASSERT_TRUE(starts);
      const std::vector<UnitRange> plan = PlanUnitRanges(BucketStart(from), to, *starts, tz);
      ASSERT_FALSE(plan.empty());
      EXPECT_EQ(plan.front().from, BucketStart(from)) << tz;
      EXPECT_EQ(plan.back().to, T("2026-11-09T03:00:00Z")) << tz;
      bool local_seen = false;
      for (size_t i = 0; i < plan.size(); ++i) {
        const UnitRange& r = plan[i];
        if (i > 0) {
          EXPECT_EQ(plan[i - 1].to, r.from) << tz;
        }
        ASSERT_LT(r.from, r.to);
        const bool local = r.unit == kLocalDay || r.unit == kLocalMonth;
        local_seen = local_seen || local;
        EXPECT_EQ(r.zone, local ? tz : "") << tz;
        auto next = [&](TimePoint u) {
          return local ? NextLocalUnitStart(r.unit, zone, u) : NextUnitStart(r.unit, u);
        };
        for (TimePoint u = r.from; u < r.to; u = next(u)) {
          ASSERT_EQ(local ? LocalUnitStart(r.unit, zone, u) : UnitStart(r.unit, u), u);
          const TimePoint last = next(u) - kBucketLength;
          EXPECT_EQ(IntervalIndexOf(*starts, u), IntervalIndexOf(*starts, last))
              << tz << " " << ReportIntervalName(interval) << " " << FormatRfc3339(u) << " "
              << AggregateUnitName(r.unit);
          if (local && interval == ReportInterval::kDay) {
            EXPECT_EQ(u, (*starts)[IntervalIndexOf(*starts, u)]) << tz << " " << FormatRfc3339(u);
          }
        }
      }
      // Reports by day, week and month read local units (a total may, a local hour never).
      if (interval != ReportInterval::kTotal) {
        EXPECT_EQ(local_seen, interval != ReportInterval::k1h)
            << tz << " " << ReportIntervalName(interval);
      }
    }
  }
}

}  // namespace
}  // namespace callboard
