// StoreConformance: the local-day and local-month rollups of registered zones (migration 0013,
// src/kpi/aggregate_unit.h) — built from the stored rows when a zone is registered, kept by
// every later write, rebuilt by DeleteAggregates, registered for site zones by the next write
// — and the equality of a report plan that reads them with the plan that reads UTC hours,
// across the 2026 DST changes of America/New_York and in Asia/Kolkata (+05:30).
#include <map>
#include <tuple>

#include "core/intervals.h"
#include "kpi/kpi_store.h"
#include "kpi/report_service.h"
#include "org/org_store.h"
#include "storage/conformance/store_conformance.h"

namespace callboard {

int RollupConformanceLinkAnchor() { return 1; }

namespace {

constexpr AggregateUnit kLocalDay = AggregateUnit::kLocalDay;
constexpr AggregateUnit kLocalMonth = AggregateUnit::kLocalMonth;

TimePoint T(const char* rfc3339) { return ParseRfc3339(rfc3339).value(); }

IntervalCounters Offered(int64_t offered, int64_t max_wait_ms) {
  IntervalCounters c;
  c.offered = offered;
  c.answered = offered;
  c.wait_answered_ms = offered * 1000;
  c.max_wait_ms = max_wait_ms;
  c.wait_answered_histogram[offered % kWaitBuckets] = offered;
  return c;
}

AgentStateSeconds Seconds(int64_t logged_in_ms, const std::string& reason, int64_t paused_ms) {
  AgentStateSeconds s;
  s.logged_in_ms = logged_in_ms;
  s.available_ms = logged_in_ms - paused_ms;
  s.paused_ms = paused_ms;
  s.paused_by_reason_ms[reason] = paused_ms;
  return s;
}

Result<std::vector<AggregateRow>> Rows(Transaction& tx, TenantScope scope, AggregateUnit unit,
                                       const char* zone, TimePoint from, TimePoint to,
                                       bool agent_rows) {
  std::vector<AggregateRow> rows;
  CB_RETURN_IF_ERROR(tx.Kpi().ScanAggregates(scope, {{unit, from, to, zone}}, agent_rows,
                                             [&](const AggregateRow& r) {
                                               rows.push_back(r);
                                               return Status::Ok();
                                             }));
  return rows;
}

// Per report interval: the queue totals, the agent rows and the agent states a plan reads.
struct PlanSums {
  std::vector<IntervalCounters> totals;
  std::vector<IntervalCounters> agents;
  std::vector<AgentStateSeconds> states;
  // Agent rows per (interval, queue, agent): summable ranges are summed per pair.
  std::map<std::tuple<size_t, int64_t, int64_t>, IntervalCounters> per_agent;
  std::map<std::pair<size_t, int64_t>, AgentStateSeconds> agent_states;  // (interval, agent)
  int local_ranges = 0;
};

}  // namespace

TEST_P(StoreConformance, LocalRollupsSumTheBucketsOfEachLocalDayAndMonth) {
  // Buckets around New York's spring-forward day (2026-03-08: 05:00Z to 04:00Z next day).
  const std::vector<AggregateRow> first = {
      {7, 0, T("2026-03-08T04:45:00Z"), Offered(1, 1000)},  // NY 03-07, Kolkata 03-08
      {7, 0, T("2026-03-08T05:00:00Z"), Offered(2, 9000)},  // NY 03-08, Kolkata 03-08
      {7, 5, T("2026-03-08T05:00:00Z"), Offered(2, 9000)},  // the agent's row of it
  };
  const std::vector<AggregateRow> second = {
      {7, 0, T("2026-03-09T03:45:00Z"),
       Offered(4, 30000)},                                  // NY 03-08 (last bucket), Kolkata 03-09
      {7, 0, T("2026-03-09T04:00:00Z"), Offered(8, 2000)},  // NY 03-09, Kolkata 03-09
  };
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Kpi().AddAggregates(a_, first); }).ok());
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().AddAgentStates(
                    a_, std::vector<AgentStateRow>{
                            {5, T("2026-03-08T04:45:00Z"), Seconds(900000, "Lunch", 60000)},
                            {5, T("2026-03-08T05:00:00Z"), Seconds(900000, "Lunch", 30000)},
                            {5, T("2026-03-08T05:15:00Z"), Seconds(900000, "", 10000)}});
              }).ok());
  // New York registered after the first rows (built from them), then kept by the next write.
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().AddRollupZone(a_, "America/New_York");
              }).ok());
  ASSERT_TRUE(
      WriteStatus([&](Transaction& tx) { return tx.Kpi().AddAggregates(a_, second); }).ok());
  auto zones =
      Read<std::vector<std::string>>([&](Transaction& tx) { return tx.Kpi().ListRollupZones(a_); });
  ASSERT_TRUE(zones);
  EXPECT_EQ(*zones, std::vector<std::string>{"America/New_York"});

  const char* ny = "America/New_York";
  auto days = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return Rows(tx, a_, kLocalDay, ny, T("2026-03-01T00:00:00Z"), T("2026-04-01T00:00:00Z"), false);
  });
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 3u);
  EXPECT_EQ((*days)[0].bucket, T("2026-03-07T05:00:00Z"));
  EXPECT_EQ((*days)[0].counters.offered, 1);
  EXPECT_EQ((*days)[1].bucket, T("2026-03-08T05:00:00Z"));  // 23 hours long
  EXPECT_EQ((*days)[1].counters.offered, 6);
  EXPECT_EQ((*days)[1].counters.max_wait_ms, 30000);
  EXPECT_EQ((*days)[1].counters.wait_answered_histogram[2], 2);
  EXPECT_EQ((*days)[1].counters.wait_answered_histogram[4], 4);
  EXPECT_EQ((*days)[2].bucket, T("2026-03-09T04:00:00Z"));
  EXPECT_EQ((*days)[2].counters.offered, 8);
  auto months = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return Rows(tx, a_, kLocalMonth, ny, T("2026-01-01T00:00:00Z"), T("2027-01-01T00:00:00Z"),
                false);
  });
  ASSERT_TRUE(months);
  ASSERT_EQ(months->size(), 1u);
  EXPECT_EQ((*months)[0].bucket, T("2026-03-01T05:00:00Z"));
  EXPECT_EQ((*months)[0].counters.offered, 15);
  EXPECT_EQ((*months)[0].counters.max_wait_ms, 30000);
  auto agent_days = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return Rows(tx, a_, kLocalDay, ny, T("2026-03-01T00:00:00Z"), T("2026-04-01T00:00:00Z"), true);
  });
  ASSERT_TRUE(agent_days);
  ASSERT_EQ(agent_days->size(), 1u);
  EXPECT_EQ((*agent_days)[0].agent_id, 5);
  EXPECT_EQ((*agent_days)[0].counters, Offered(2, 9000));
  AgentStateRow state_day;
  ASSERT_TRUE(ReadStatus([&](Transaction& tx) {
                return tx.Kpi().ScanAgentStates(
                    a_, {{kLocalDay, T("2026-03-08T05:00:00Z"), T("2026-03-09T04:00:00Z"), ny}},
                    [&](const AgentStateRow& r) {
                      state_day = r;
                      return Status::Ok();
                    });
              }).ok());
  EXPECT_EQ(state_day.bucket, T("2026-03-08T05:00:00Z"));
  EXPECT_EQ(state_day.seconds.logged_in_ms, 1800000);
  EXPECT_EQ(state_day.seconds.paused_by_reason_ms,
            (std::map<std::string, int64_t>{{"", 10000}, {"Lunch", 30000}}));
  // Another tenant sees nothing of it.
  auto other = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return Rows(tx, b_, kLocalDay, ny, T("2026-03-01T00:00:00Z"), T("2026-04-01T00:00:00Z"), false);
  });
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->empty());

  // A site in Asia/Kolkata: its zone is registered and built by the next write.
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) -> Status {
                auto site = tx.Org().InsertSite(a_, {.name = "Pune",
                                                     .time_zone = "Asia/Kolkata",
                                                     .created_at = At(0),
                                                     .updated_at = At(0)});
                if (!site) return site.error();
                return tx.Kpi().AddAggregate(a_, {7, 0, T("2026-03-09T18:30:00Z"), Offered(16, 0)});
              }).ok());
  zones =
      Read<std::vector<std::string>>([&](Transaction& tx) { return tx.Kpi().ListRollupZones(a_); });
  ASSERT_TRUE(zones);
  EXPECT_EQ(*zones, (std::vector<std::string>{"America/New_York", "Asia/Kolkata"}));
  auto kolkata = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return Rows(tx, a_, kLocalDay, "Asia/Kolkata", T("2026-03-01T00:00:00Z"),
                T("2026-04-01T00:00:00Z"), false);
  });
  ASSERT_TRUE(kolkata);
  ASSERT_EQ(kolkata->size(), 3u);
  EXPECT_EQ((*kolkata)[0].bucket, T("2026-03-07T18:30:00Z"));
  EXPECT_EQ((*kolkata)[0].counters.offered, 3);
  EXPECT_EQ((*kolkata)[1].bucket, T("2026-03-08T18:30:00Z"));
  EXPECT_EQ((*kolkata)[1].counters.offered, 12);
  EXPECT_EQ((*kolkata)[2].bucket, T("2026-03-09T18:30:00Z"));
  EXPECT_EQ((*kolkata)[2].counters.offered, 16);

  // Deleting the 03:45Z bucket brings New York's 03-08 back to what is left (the maximum
  // falls to 9 s: not a subtraction) and its month with it.
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().DeleteAggregates(a_, T("2026-03-09T03:45:00Z"),
                                                 T("2026-03-09T04:00:00Z"));
              }).ok());
  days = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return Rows(tx, a_, kLocalDay, ny, T("2026-03-08T05:00:00Z"), T("2026-03-09T04:00:00Z"), false);
  });
  ASSERT_TRUE(days);
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ((*days)[0].counters.offered, 2);
  EXPECT_EQ((*days)[0].counters.max_wait_ms, 9000);
  months = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return Rows(tx, a_, kLocalMonth, ny, T("2026-03-01T05:00:00Z"), T("2026-03-01T05:00:01Z"),
                false);
  });
  ASSERT_TRUE(months);
  ASSERT_EQ(months->size(), 1u);
  EXPECT_EQ((*months)[0].counters.offered, 27);
  EXPECT_EQ((*months)[0].counters.max_wait_ms, 9000);
  kolkata = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return Rows(tx, a_, kLocalDay, "Asia/Kolkata", T("2026-03-08T18:30:00Z"),
                T("2026-03-09T18:30:00Z"), false);
  });
  ASSERT_TRUE(kolkata);
  ASSERT_EQ(kolkata->size(), 1u);
  EXPECT_EQ((*kolkata)[0].counters.offered, 8);

  // Bad zones are refused by name; dropping a zone deletes its rows.
  const Status utc =
      WriteStatus([&](Transaction& tx) { return tx.Kpi().AddRollupZone(a_, "UTC"); });
  EXPECT_EQ(utc.code(), StatusCode::kInvalidArgument);
  const Status unknown =
      WriteStatus([&](Transaction& tx) { return tx.Kpi().AddRollupZone(a_, "Mars/Olympus"); });
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.ToString().find("zone"), std::string::npos) << unknown.ToString();
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) { return tx.Kpi().DropRollupZone(a_, ny); }).ok());
  EXPECT_EQ(WriteStatus([&](Transaction& tx) { return tx.Kpi().DropRollupZone(a_, ny); }).code(),
            StatusCode::kNotFound);
  days = Read<std::vector<AggregateRow>>([&](Transaction& tx) {
    return Rows(tx, a_, kLocalDay, ny, T("2026-01-01T00:00:00Z"), T("2027-01-01T00:00:00Z"), false);
  });
  ASSERT_TRUE(days);
  EXPECT_TRUE(days->empty());
}

TEST_P(StoreConformance, PlansWithLocalUnitsSumToTheSameAsPlansWithUtcHours) {
  // Two queues, queue totals and two agents, every bucket of two runs across New York's DST
  // changes (2026-03-08 has 23 hours, 2026-11-01 has 25), with counters, maxima and pauses
  // that differ from bucket to bucket.
  std::vector<AggregateRow> deltas;
  std::vector<AgentStateRow> states;
  int64_t n = 0;
  for (const auto& [from, to] : {std::pair{T("2026-02-26T00:00:00Z"), T("2026-03-12T00:00:00Z")},
                                 std::pair{T("2026-10-29T00:00:00Z"), T("2026-11-04T00:00:00Z")}}) {
    for (TimePoint b = from; b < to; b += kBucketLength, ++n) {
      for (int64_t queue : {1, 2}) {
        const int64_t agent = 10 + (n + queue) % 2;
        IntervalCounters c = Offered(1 + (n * queue) % 5, (n * 7919) % 120000);
        c.abandoned = n % 3;
        c.wait_abandoned_histogram[n % kWaitBuckets] = c.abandoned;
        c.csat_sum = n % 5;
        c.csat_n = 1;
        deltas.push_back({queue, 0, b, c});
        deltas.push_back({queue, agent, b, c});
      }
      states.push_back({10 + n % 2, b, Seconds(900000, n % 4 ? "Lunch" : "Break", (n * 13) % 900)});
    }
  }
  // The first run before New York is registered (built), the second after (kept by writes);
  // Asia/Kolkata registered at the end (built from both).
  const size_t half = deltas.size() / 2;
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) -> Status {
                CB_RETURN_IF_ERROR(
                    tx.Kpi().AddAggregates(a_, std::span<const AggregateRow>(deltas).first(half)));
                return tx.Kpi().AddAgentStates(
                    a_, std::span<const AgentStateRow>(states).first(states.size() / 2));
              }).ok());
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().AddRollupZone(a_, "America/New_York");
              }).ok());
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) -> Status {
                CB_RETURN_IF_ERROR(tx.Kpi().AddAggregates(
                    a_, std::span<const AggregateRow>(deltas).subspan(half)));
                return tx.Kpi().AddAgentStates(
                    a_, std::span<const AgentStateRow>(states).subspan(states.size() / 2));
              }).ok());
  ASSERT_TRUE(WriteStatus([&](Transaction& tx) {
                return tx.Kpi().AddRollupZone(a_, "Asia/Kolkata");
              }).ok());

  const auto sums = [&](const std::vector<TimePoint>& starts, TimePoint from, TimePoint to,
                        std::string_view zone, bool summed = false) {
    PlanSums out;
    out.totals.resize(starts.size());
    out.agents.resize(starts.size());
    out.states.resize(starts.size());
    std::vector<UnitRange> plan = PlanUnitRanges(BucketStart(from), to, starts, zone);
    if (summed) MarkSummable(plan, starts);
    for (const UnitRange& r : plan) {
      out.local_ranges += r.unit == kLocalDay || r.unit == kLocalMonth;
    }
    const Status read = ReadStatus([&](Transaction& tx) -> Status {
      for (bool agent_rows : {false, true}) {
        CB_RETURN_IF_ERROR(
            tx.Kpi().ScanAggregates(a_, plan, agent_rows, [&](const AggregateRow& row) {
              const size_t i = IntervalIndexOf(starts, row.bucket);
              Add((agent_rows ? out.agents : out.totals)[i], row.counters);
              if (agent_rows) Add(out.per_agent[{i, row.queue_id, row.agent_id}], row.counters);
              return Status::Ok();
            }));
      }
      return tx.Kpi().ScanAgentStates(a_, plan, [&](const AgentStateRow& row) {
        const size_t i = IntervalIndexOf(starts, row.bucket);
        Add(out.states[i], row.seconds);
        Add(out.agent_states[{i, row.agent_id}], row.seconds);
        return Status::Ok();
      });
    });
    EXPECT_TRUE(read.ok()) << read.ToString();
    return out;
  };
  int64_t offered_seen = 0;
  int compared_with_local = 0;
  for (const char* tz : {"America/New_York", "Asia/Kolkata"}) {
    for (ReportInterval interval : {ReportInterval::kDay, ReportInterval::kWeek,
                                    ReportInterval::kMonth, ReportInterval::kTotal}) {
      for (const auto& [from, to] :
           {std::pair{ParseReportTime("2026-02-26", tz, "from").value(),
                      ParseReportTime("2026-03-12", tz, "to").value()},
            std::pair{ParseReportTime("2026-10-30", tz, "from").value(),
                      ParseReportTime("2026-11-03", tz, "to").value()},
            std::pair{T("2026-03-06T22:37:00Z"), T("2026-03-10T07:05:00Z")},
            std::pair{ParseReportTime("2026-01-01", tz, "from").value(),
                      ParseReportTime("2027-01-01", tz, "to").value()}}) {
        const std::string where = std::string(tz) + " " +
                                  std::string(ReportIntervalName(interval)) + " " +
                                  FormatRfc3339(from) + " .. " + FormatRfc3339(to);
        auto starts = IntervalStarts(from, to, interval, tz);
        ASSERT_TRUE(starts) << where;
        const PlanSums hours = sums(*starts, from, to, {});
        const PlanSums local = sums(*starts, from, to, tz);
        // As a report reads: the ranges within one interval summed by the store.
        const PlanSums hours_summed = sums(*starts, from, to, {}, true);
        const PlanSums local_summed = sums(*starts, from, to, tz, true);
        EXPECT_EQ(hours.local_ranges, 0) << where;
        EXPECT_EQ(hours_summed.per_agent, hours.per_agent) << where;
        EXPECT_EQ(local_summed.per_agent, hours.per_agent) << where;
        EXPECT_EQ(local.per_agent, hours.per_agent) << where;
        EXPECT_EQ(hours_summed.agent_states, hours.agent_states) << where;
        EXPECT_EQ(local_summed.agent_states, hours.agent_states) << where;
        compared_with_local += local.local_ranges > 0;
        ASSERT_EQ(local.totals.size(), hours.totals.size());
        for (size_t i = 0; i < hours.totals.size(); ++i) {
          const std::string at = where + " interval " + FormatRfc3339((*starts)[i]);
          EXPECT_EQ(local.totals[i], hours.totals[i]) << at;
          EXPECT_EQ(local_summed.totals[i], hours.totals[i]) << at;
          EXPECT_EQ(hours_summed.totals[i], hours.totals[i]) << at;
          EXPECT_EQ(local.agents[i], hours.agents[i]) << at;
          EXPECT_EQ(local.states[i], hours.states[i]) << at;
          offered_seen += hours.totals[i].offered;
        }
      }
    }
  }
  // Every day, week and month plan above reads local units (the year's total in New York
  // reads local months); the comparisons were over real rows.
  EXPECT_GE(compared_with_local, 20);
  EXPECT_GT(offered_seen, 10000);
}

}  // namespace callboard
