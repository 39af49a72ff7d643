#include "kpi/aggregate_unit.h"

#include <gtest/gtest.h>

#include "core/intervals.h"

namespace callboard {
namespace {

constexpr AggregateUnit kBucket = AggregateUnit::kBucket;
constexpr AggregateUnit kHour = AggregateUnit::kHour;
constexpr AggregateUnit kDay = AggregateUnit::kDay;
constexpr AggregateUnit kMonth = AggregateUnit::kMonth;

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

}  // namespace
}  // namespace callboard
