#include "core/kpi.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/call_record.h"
#include "core/interval_counters.h"

namespace callboard {
namespace {

CallRecord Call(CallOutcome outcome, int64_t wait_ms) {
  CallRecord call;
  call.outcome = outcome;
  call.started_at = FromUnixMillis(1'000'000);
  call.wait_ms = wait_ms;
  call.ended_at = call.started_at + std::chrono::milliseconds(wait_ms);
  if (outcome == CallOutcome::kAnswered) call.answered_at = call.ended_at;
  return call;
}

TEST(WaitHistogram, AWaitOnAnEdgeFallsInThatEdgesBucket) {
  EXPECT_EQ(WaitBucketIndex(0), 0U);
  EXPECT_EQ(WaitBucketIndex(5'000), 0U);
  EXPECT_EQ(WaitBucketIndex(5'001), 1U);
  EXPECT_EQ(WaitBucketIndex(20'000), 3U);
  EXPECT_EQ(WaitBucketIndex(20'001), 4U);
  EXPECT_EQ(WaitBucketIndex(600'000), 13U);
  EXPECT_EQ(WaitBucketIndex(600'001), 14U);
  EXPECT_EQ(WaitBucketIndex(-1), 0U);
}

TEST(WaitHistogram, CountsAtMostAnEdge) {
  WaitHistogram h{};
  for (int64_t ms : {1'000, 5'000, 19'999, 20'000, 20'001, 700'000}) h[WaitBucketIndex(ms)] += 1;
  EXPECT_EQ(CountAtMostEdge(h, *WaitEdgeIndex(5)), 2);
  EXPECT_EQ(CountAtMostEdge(h, *WaitEdgeIndex(20)), 4);
  EXPECT_EQ(CountAtMostEdge(h, *WaitEdgeIndex(600)), 5);
  EXPECT_FALSE(WaitEdgeIndex(7));
  EXPECT_FALSE(WaitEdgeIndex(0));
}

TEST(CountCall, ClassifiesEveryOutcome) {
  const QueueSettings settings;
  IntervalCounters c;
  CountCall(c, Call(CallOutcome::kAnswered, 3'000), settings);
  CountCall(c, Call(CallOutcome::kAbandoned, 4'999), settings);
  CountCall(c, Call(CallOutcome::kAbandoned, 5'000), settings);
  CountCall(c, Call(CallOutcome::kTimeout, 300'000), settings);
  for (CallOutcome o : {CallOutcome::kExitKey, CallOutcome::kExitEmpty, CallOutcome::kVoicemail,
                        CallOutcome::kMissed, CallOutcome::kFailed}) {
    CountCall(c, Call(o, 1'000), settings);
  }
  EXPECT_EQ(c.offered, 9);
  EXPECT_EQ(c.answered, 1);
  EXPECT_EQ(c.handled, 1);
  EXPECT_EQ(c.abandoned, 2);
  EXPECT_EQ(c.short_abandoned, 1);
  EXPECT_EQ(c.timed_out, 1);
  EXPECT_EQ(c.other_unanswered, 5);
  EXPECT_EQ(c.wait_answered_ms, 3'000);
  EXPECT_EQ(c.wait_abandoned_ms, 9'999);
  EXPECT_EQ(c.max_wait_ms, 300'000);
  EXPECT_EQ(c.wait_answered_histogram[0], 1);
  EXPECT_EQ(c.wait_abandoned_histogram[0], 2);
}

TEST(CountCall, AddsTalkHoldAcwOnlyOnceTheTalkHasEnded) {
  const QueueSettings settings;
  CallRecord call = Call(CallOutcome::kAnswered, 2'000);
  call.talk_ms = 60'000;
  call.hold_ms = 5'000;
  call.acw_ms = 10'000;
  call.fcr = true;
  call.ended_at = *call.answered_at + std::chrono::milliseconds(65'000);
  CallRecord talking = call;
  talking.ended_at = *call.answered_at - std::chrono::milliseconds(1);
  IntervalCounters c;
  CountCall(c, call, settings);
  CountCall(c, talking, settings);
  EXPECT_EQ(c.answered, 2);
  EXPECT_EQ(c.handled, 1);
  EXPECT_EQ(c.talk_ms, 60'000);
  EXPECT_EQ(c.hold_ms, 5'000);
  EXPECT_EQ(c.acw_ms, 10'000);
  EXPECT_EQ(c.fcr_known, 1);
  EXPECT_EQ(c.fcr_yes, 1);
}

TEST(IntervalCounters, AddSumsCountersAndKeepsTheLongestWait) {
  const QueueSettings settings;
  IntervalCounters a;
  IntervalCounters b;
  IntervalCounters both;
  CountCall(a, Call(CallOutcome::kAnswered, 40'000), settings);
  CountCall(b, Call(CallOutcome::kAbandoned, 10'000), settings);
  CountCall(b, Call(CallOutcome::kAnswered, 1'000), settings);
  CountCall(both, Call(CallOutcome::kAnswered, 40'000), settings);
  CountCall(both, Call(CallOutcome::kAbandoned, 10'000), settings);
  CountCall(both, Call(CallOutcome::kAnswered, 1'000), settings);
  Add(a, b);
  EXPECT_EQ(a, both);
  EXPECT_EQ(a.max_wait_ms, 40'000);
}

TEST(AgentStateSeconds, AddSumsStatesAndReasons) {
  AgentStateSeconds a{.logged_in_ms = 100, .paused_ms = 30, .paused_by_reason_ms = {{"Lunch", 30}}};
  const AgentStateSeconds b{
      .logged_in_ms = 50, .paused_ms = 20, .paused_by_reason_ms = {{"Lunch", 5}, {"", 15}}};
  Add(a, b);
  EXPECT_EQ(a.logged_in_ms, 150);
  EXPECT_EQ(a.paused_ms, 50);
  EXPECT_EQ(a.paused_by_reason_ms.at("Lunch"), 35);
  EXPECT_EQ(a.paused_by_reason_ms.at(""), 15);
}

TEST(SlFormula, NamesRoundTrip) {
  for (SlFormula f : {SlFormula::kAbandonsCount, SlFormula::kAbandonsIgnored,
                      SlFormula::kLateAbandonsCount, SlFormula::kAbandonsInSlSuccess}) {
    EXPECT_EQ(ParseSlFormula(SlFormulaName(f)), f);
  }
  EXPECT_EQ(SlFormulaName(SlFormula::kAbandonsInSlSuccess), "abandons_in_sl_success");
  EXPECT_FALSE(ParseSlFormula("Abandons_Count"));
}

TEST(QueueSettings, ThresholdMustBeAHistogramEdge) {
  EXPECT_TRUE(ValidateQueueSettings({}).ok());
  const Status bad = ValidateQueueSettings({.sl_threshold_s = 21});
  ASSERT_EQ(bad.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(bad.field_errors().size(), 1U);
  EXPECT_EQ(bad.field_errors()[0].field, "sl_threshold_s");
  EXPECT_EQ(bad.field_errors()[0].code, "not_a_histogram_edge");
}

TEST(QueueSettings, ShortAbandonIsBetweenZeroAndTheThreshold) {
  EXPECT_TRUE(ValidateQueueSettings({.sl_threshold_s = 10, .short_abandon_s = 0}).ok());
  EXPECT_TRUE(ValidateQueueSettings({.sl_threshold_s = 10, .short_abandon_s = 7}).ok());
  EXPECT_TRUE(ValidateQueueSettings({.sl_threshold_s = 10, .short_abandon_s = 10}).ok());
  for (int s : {-1, 11}) {
    const Status bad = ValidateQueueSettings({.sl_threshold_s = 10, .short_abandon_s = s});
    ASSERT_EQ(bad.field_errors().size(), 1U) << s;
    EXPECT_EQ(bad.field_errors()[0].field, "short_abandon_s");
  }
  EXPECT_EQ(
      ValidateQueueSettings({.sl_threshold_s = 7, .short_abandon_s = 9}).field_errors().size(), 2U);
}

TEST(ServiceLevel, ShortAbandonsLeaveTheDenominator) {
  const QueueSettings settings;
  IntervalCounters c;
  for (int i = 0; i < 8; ++i) CountCall(c, Call(CallOutcome::kAnswered, 10'000), settings);
  CountCall(c, Call(CallOutcome::kAbandoned, 2'000), settings);
  CountCall(c, Call(CallOutcome::kAbandoned, 2'000), settings);
  CountCall(c, Call(CallOutcome::kAbandoned, 90'000), settings);
  const Kpis k = ComputeKpis(c, settings);
  // 8 / (11 − 2)
  EXPECT_DOUBLE_EQ(*k.service_level, 8.0 / 9.0);
  // (3 − 2) / (11 − 2)
  EXPECT_DOUBLE_EQ(*k.abandon_rate, 1.0 / 9.0);
}

TEST(ServiceLevel, TheThresholdPicksTheHistogramEdge) {
  IntervalCounters c;
  for (int64_t ms : {4'000, 9'000, 14'000, 29'000}) {
    CountCall(c, Call(CallOutcome::kAnswered, ms), QueueSettings{});
  }
  EXPECT_EQ(ComputeKpis(c, {.sl_threshold_s = 5, .short_abandon_s = 0}).answered_in_sl, 1);
  EXPECT_EQ(ComputeKpis(c, {.sl_threshold_s = 10}).answered_in_sl, 2);
  EXPECT_EQ(ComputeKpis(c, {.sl_threshold_s = 20}).answered_in_sl, 3);
  EXPECT_EQ(ComputeKpis(c, {.sl_threshold_s = 30}).answered_in_sl, 4);
}

TEST(ServiceLevel, TheSelectedFormulaIsOneOfTheVariants) {
  IntervalCounters c;
  CountCall(c, Call(CallOutcome::kAnswered, 1'000), QueueSettings{});
  CountCall(c, Call(CallOutcome::kAnswered, 60'000), QueueSettings{});
  CountCall(c, Call(CallOutcome::kAbandoned, 10'000), QueueSettings{});
  CountCall(c, Call(CallOutcome::kAbandoned, 60'000), QueueSettings{});
  const Kpis a = ComputeKpis(c, {.sl_formula = SlFormula::kAbandonsCount});
  EXPECT_DOUBLE_EQ(*a.service_level, 1.0 / 4.0);
  EXPECT_DOUBLE_EQ(*ComputeKpis(c, {.sl_formula = SlFormula::kAbandonsIgnored}).service_level,
                   1.0 / 2.0);
  EXPECT_DOUBLE_EQ(*ComputeKpis(c, {.sl_formula = SlFormula::kLateAbandonsCount}).service_level,
                   1.0 / 3.0);
  EXPECT_DOUBLE_EQ(*ComputeKpis(c, {.sl_formula = SlFormula::kAbandonsInSlSuccess}).service_level,
                   2.0 / 4.0);
  EXPECT_EQ(a.service_level_variants,
            ComputeKpis(c, {.sl_formula = SlFormula::kAbandonsIgnored}).service_level_variants);
}

TEST(Kpis, ZeroDenominatorsAreEmptyNeverZeroOrNan) {
  const AgentStateSeconds idle;
  const Kpis k = ComputeKpis(IntervalCounters{}, QueueSettings{}, &idle);
  for (const std::optional<double>& v :
       {k.service_level, k.service_level_variants.abandons_count,
        k.service_level_variants.abandons_ignored, k.service_level_variants.late_abandons_count,
        k.service_level_variants.abandons_in_sl_success, k.asa_s, k.avg_abandon_wait_s,
        k.max_wait_s, k.abandon_rate, k.aht_s, k.occupancy, k.utilization, k.calls_per_hour,
        k.fcr_rate}) {
    EXPECT_FALSE(v.has_value());
  }
  ASSERT_TRUE(k.agent_time);
  EXPECT_EQ(k.agent_time->logged_in_s, 0);
}

TEST(Kpis, AgentRatiosNeedAgentTime) {
  IntervalCounters c;
  CountCall(c, Call(CallOutcome::kAnswered, 1'000), QueueSettings{});
  const Kpis without = ComputeKpis(c, QueueSettings{});
  EXPECT_FALSE(without.occupancy);
  EXPECT_FALSE(without.agent_time);
  const AgentStateSeconds agent{
      .logged_in_ms = 1'800'000, .available_ms = 900'000, .on_call_ms = 600'000, .acw_ms = 300'000};
  const Kpis with = ComputeKpis(c, QueueSettings{}, &agent);
  EXPECT_DOUBLE_EQ(*with.occupancy, 900.0 / 1800.0);
  EXPECT_DOUBLE_EQ(*with.utilization, 900.0 / 1800.0);
  EXPECT_DOUBLE_EQ(*with.calls_per_hour, 2.0);
  EXPECT_DOUBLE_EQ(with.agent_time->on_call_s, 600.0);
}

TEST(Kpis, DurationsAreExposedInSeconds) {
  CallRecord call = Call(CallOutcome::kAnswered, 1'500);
  call.talk_ms = 100'250;
  call.hold_ms = 750;
  call.ended_at = *call.answered_at + std::chrono::milliseconds(101'000);
  IntervalCounters c;
  CountCall(c, call, QueueSettings{});
  const Kpis k = ComputeKpis(c, QueueSettings{});
  EXPECT_DOUBLE_EQ(k.wait_answered_s, 1.5);
  EXPECT_DOUBLE_EQ(*k.asa_s, 1.5);
  EXPECT_DOUBLE_EQ(*k.max_wait_s, 1.5);
  EXPECT_DOUBLE_EQ(k.talk_s, 100.25);
  EXPECT_DOUBLE_EQ(*k.aht_s, 101.0);
  EXPECT_FALSE(std::isnan(*k.abandon_rate));
  EXPECT_DOUBLE_EQ(*k.abandon_rate, 0.0);
}

}  // namespace
}  // namespace callboard
