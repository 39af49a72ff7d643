#include "core/intervals.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/split_state.h"

namespace callboard {
namespace {

TimePoint T(const char* text) { return *ParseRfc3339(text); }

std::vector<std::string> Format(const std::vector<TimePoint>& times) {
  std::vector<std::string> out;
  out.reserve(times.size());
  for (TimePoint t : times) out.push_back(FormatRfc3339(t));
  return out;
}

std::vector<std::string> Starts(const char* from, const char* to, ReportInterval interval,
                                const char* tz) {
  Result<std::vector<TimePoint>> starts = IntervalStarts(T(from), T(to), interval, tz);
  EXPECT_TRUE(starts) << starts.error().ToString();
  return starts ? Format(*starts) : std::vector<std::string>{};
}

TEST(BucketStart, FloorsToFifteenMinutesUtc) {
  EXPECT_EQ(BucketStart(T("2026-03-02T09:14:59.999Z")), T("2026-03-02T09:00:00Z"));
  EXPECT_EQ(BucketStart(T("2026-03-02T09:15:00Z")), T("2026-03-02T09:15:00Z"));
  EXPECT_EQ(BucketStart(T("1969-12-31T23:59:59Z")), T("1969-12-31T23:45:00Z"));
}

TEST(ReportInterval, NamesRoundTrip) {
  for (const char* name : {"15m", "30m", "1h", "day", "week", "month", "total"}) {
    const std::optional<ReportInterval> interval = ParseReportInterval(name);
    ASSERT_TRUE(interval) << name;
    EXPECT_EQ(ReportIntervalName(*interval), name);
  }
  EXPECT_FALSE(ParseReportInterval("hour"));
  EXPECT_FALSE(ParseReportInterval(""));
}

TEST(LocateTimeZone, RejectsUnknownZonesWithAFieldError) {
  EXPECT_TRUE(LocateTimeZone("Europe/Berlin"));
  EXPECT_TRUE(LocateTimeZone("UTC"));
  for (const char* bad : {"", "Mars/Olympus_Mons", "../../etc/passwd"}) {
    const Result<const date::time_zone*> zone = LocateTimeZone(bad);
    ASSERT_FALSE(zone) << bad;
    EXPECT_EQ(zone.error().field_errors().at(0).field, "tz");
  }
}

TEST(IntervalStarts, FifteenMinutesAreTheBuckets) {
  EXPECT_EQ(Starts("2026-03-02T09:07:00Z", "2026-03-02T09:45:00Z", ReportInterval::k15m, "UTC"),
            (std::vector<std::string>{"2026-03-02T09:00:00.000Z", "2026-03-02T09:15:00.000Z",
                                      "2026-03-02T09:30:00.000Z"}));
}

TEST(IntervalStarts, ADstDayInNewYorkHas23Or25Hours) {
  EXPECT_EQ(Starts("2026-03-08T05:00:00Z", "2026-03-09T05:00:00Z", ReportInterval::kDay,
                   "America/New_York"),
            (std::vector<std::string>{"2026-03-08T05:00:00.000Z", "2026-03-09T04:00:00.000Z"}));
  EXPECT_EQ(Starts("2026-11-01T04:00:00Z", "2026-11-02T06:00:00Z", ReportInterval::kDay,
                   "America/New_York"),
            (std::vector<std::string>{"2026-11-01T04:00:00.000Z", "2026-11-02T05:00:00.000Z"}));
}

TEST(IntervalStarts, TheRepeatedHourOfAFallBackNightIsTwoRows) {
  const std::vector<std::string> starts = Starts("2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z",
                                                 ReportInterval::k30m, "America/New_York");
  EXPECT_EQ(starts,
            (std::vector<std::string>{"2026-11-01T05:00:00.000Z", "2026-11-01T05:30:00.000Z",
                                      "2026-11-01T06:00:00.000Z", "2026-11-01T06:30:00.000Z"}));
}

TEST(IntervalStarts, HalfHourOffsetsShiftLocalHours) {
  // Asia/Kolkata is UTC+05:30: local hours start at :30 UTC.
  EXPECT_EQ(
      Starts("2026-03-02T00:00:00Z", "2026-03-02T01:00:00Z", ReportInterval::k1h, "Asia/Kolkata"),
      (std::vector<std::string>{"2026-03-01T23:30:00.000Z", "2026-03-02T00:30:00.000Z"}));
}

TEST(IntervalStarts, AThirtyMinuteDstChangeCutsAnHourShort) {
  // Australia/Lord_Howe falls back from +11:00 to +10:30 at 02:00 local on 2026-04-05
  // (15:00Z): 01:00 (14:00Z) to the change is a 60-minute hour, then 01:30–02:00 again
  // (15:00Z–15:30Z) is a 30-minute one, then 02:00 at 15:30Z.
  EXPECT_EQ(Starts("2026-04-04T14:00:00Z", "2026-04-04T16:00:00Z", ReportInterval::k1h,
                   "Australia/Lord_Howe"),
            (std::vector<std::string>{"2026-04-04T14:00:00.000Z", "2026-04-04T15:00:00.000Z",
                                      "2026-04-04T15:30:00.000Z"}));
}

TEST(IntervalStarts, WeeksStartOnMondayAndMonthsOnTheFirst) {
  // 2026-03-04 is a Wednesday.
  EXPECT_EQ(Starts("2026-03-04T12:00:00Z", "2026-03-10T00:00:00Z", ReportInterval::kWeek, "UTC"),
            (std::vector<std::string>{"2026-03-02T00:00:00.000Z", "2026-03-09T00:00:00.000Z"}));
  EXPECT_EQ(Starts("2025-12-31T22:45:00Z", "2026-03-01T00:00:00Z", ReportInterval::kMonth,
                   "Europe/Berlin"),
            (std::vector<std::string>{"2025-11-30T23:00:00.000Z", "2025-12-31T23:00:00.000Z",
                                      "2026-01-31T23:00:00.000Z", "2026-02-28T23:00:00.000Z"}));
}

TEST(IntervalStarts, TotalIsOneRowFromTheFirstBucket) {
  EXPECT_EQ(Starts("2026-03-02T09:07:00Z", "2027-03-02T00:00:00Z", ReportInterval::kTotal,
                   "Europe/Berlin"),
            (std::vector<std::string>{"2026-03-02T09:00:00.000Z"}));
}

TEST(IntervalStarts, RejectsBadRanges) {
  const auto from = T("2026-03-02T00:00:00Z");
  EXPECT_EQ(
      IntervalStarts(from, from, ReportInterval::kDay, "UTC").error().field_errors().at(0).field,
      "to");
  EXPECT_EQ(IntervalStarts(from, from + std::chrono::hours(1), ReportInterval::kDay, "Nowhere")
                .error()
                .field_errors()
                .at(0)
                .field,
            "tz");
  const Result<std::vector<TimePoint>> huge =
      IntervalStarts(from, from + std::chrono::days(3650), ReportInterval::k15m, "UTC");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().field_errors().at(0).code, "too_many_intervals");
  EXPECT_TRUE(IntervalStarts(from, from + std::chrono::days(3650), ReportInterval::kDay, "UTC"));
}

TEST(IntervalStartOf, AgreesWithIntervalStartsForEveryBucket) {
  const auto from = T("2026-10-25T00:00:00Z");
  const auto to = T("2026-11-10T00:00:00Z");
  for (const char* tz : {"America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe"}) {
    const date::time_zone* zone = *LocateTimeZone(tz);
    for (ReportInterval interval :
         {ReportInterval::k15m, ReportInterval::k30m, ReportInterval::k1h, ReportInterval::kDay,
          ReportInterval::kWeek, ReportInterval::kMonth}) {
      const std::vector<TimePoint> starts = *IntervalStarts(from, to, interval, tz);
      for (TimePoint b = from; b < to; b += kBucketLength) {
        ASSERT_EQ(FormatRfc3339(IntervalStartOf(b, interval, zone)),
                  FormatRfc3339(starts[IntervalIndexOf(starts, b)]))
            << tz << " " << ReportIntervalName(interval) << " " << FormatRfc3339(b);
      }
    }
  }
}

TEST(IntervalIndexOf, FindsTheLastStartAtOrBefore) {
  const std::vector<TimePoint> starts = {T("2026-03-02T00:00:00Z"), T("2026-03-03T00:00:00Z")};
  EXPECT_EQ(IntervalIndexOf(starts, T("2026-03-02T00:00:00Z")), 0U);
  EXPECT_EQ(IntervalIndexOf(starts, T("2026-03-02T23:45:00Z")), 0U);
  EXPECT_EQ(IntervalIndexOf(starts, T("2026-03-03T00:00:00Z")), 1U);
  EXPECT_EQ(IntervalIndexOf(starts, T("2026-03-09T00:00:00Z")), 1U);
}

TEST(SplitAcrossBuckets, GivesEachBucketItsPart) {
  const auto parts = SplitAcrossBuckets(T("2026-03-02T09:50:00Z"), T("2026-03-02T10:20:30Z"));
  ASSERT_EQ(parts.size(), 3U);
  EXPECT_EQ(parts[0], std::make_pair(T("2026-03-02T09:45:00Z"), int64_t{10} * 60'000));
  EXPECT_EQ(parts[1], std::make_pair(T("2026-03-02T10:00:00Z"), int64_t{15} * 60'000));
  EXPECT_EQ(parts[2], std::make_pair(T("2026-03-02T10:15:00Z"), int64_t{5} * 60'000 + 30'000));
}

TEST(SplitAcrossBuckets, WithinOneBucketOrEmpty) {
  const auto inside = SplitAcrossBuckets(T("2026-03-02T10:00:00Z"), T("2026-03-02T10:15:00Z"));
  ASSERT_EQ(inside.size(), 1U);
  EXPECT_EQ(inside[0].second, 15 * 60'000);
  EXPECT_TRUE(SplitAcrossBuckets(T("2026-03-02T10:00:00Z"), T("2026-03-02T10:00:00Z")).empty());
  EXPECT_TRUE(SplitAcrossBuckets(T("2026-03-02T10:05:00Z"), T("2026-03-02T10:00:00Z")).empty());
}

}  // namespace
}  // namespace callboard
