// Reports read the hour, day and month rollups (and the local days and months of the report's
// zone, when kept) where they fit inside their intervals and the 15-minute rows elsewhere
// (src/kpi/aggregate_unit.h). Over simulated Asterisk traffic across
// both DST changes of 2026 in America/New_York, every queue and agent report — in New York,
// Asia/Kolkata (+05:30) and UTC, by every interval, over aligned and unaligned ranges — must
// equal the same report summed from the 15-minute rows alone, counter for counter and KPI for
// KPI; also after a reaggregation whose range starts and ends inside hours.

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "app/app.h"
#include "core/intervals.h"
#include "ingest/importer.h"
#include "ingest/simulator.h"
#include "kpi/kpi_store.h"
#include "kpi/reaggregate.h"
#include "kpi/report_service.h"
#include "org/org_service.h"
#include "store/transaction.h"
#include "test/support/test_server.h"

namespace callboard {
namespace {

TimePoint T(const char* rfc3339) { return ParseRfc3339(rfc3339).value(); }

// The report as the 15-minute rows alone give it: the same rows, in the same order, as
// ReportService returns (queues by name, agents with activity by name, then interval).
std::vector<ReportRow> FromBuckets(Database& db, TenantScope tenant, const ReportRequest& request,
                                   bool agents) {
  auto starts = IntervalStarts(request.from, request.to, request.interval, request.tz);
  EXPECT_TRUE(starts);
  if (!starts) return {};
  struct Sums {
    std::vector<IntervalCounters> counters;
    std::vector<AgentStateSeconds> states;
    bool active = false;
  };
  std::map<std::pair<std::string, int64_t>, Sums> sums;  // by name and id
  std::map<int64_t, std::string> names;
  std::map<int64_t, QueueSettings> settings;
  QueueSettings agent_settings;
  auto sums_of = [&](int64_t id) -> Sums& {
    Sums& s = sums[{names[id], id}];
    s.counters.resize(starts->size());
    s.states.resize(starts->size());
    return s;
  };
  const Status read = db.Read([&](Transaction& tx) -> Status {
    auto queues = tx.Kpi().ListQueues(tenant);
    if (!queues) return queues.error();
    for (const QueueConfig& q : *queues) {
      if (request.queue_ids &&
          std::count(request.queue_ids->begin(), request.queue_ids->end(), q.id) == 0) {
        continue;
      }
      settings[q.id] = q.settings;
      if (!agents) {
        names[q.id] = q.name;
        sums_of(q.id).active = true;  // every selected queue has rows, active or not
      }
    }
    if (agents && settings.size() == 1) agent_settings = settings.begin()->second;
    if (agents) {
      auto page = tx.Org().ListAgents(tenant, OrgFilter{}, PageRequest{.limit = kMaxPageLimit});
      if (!page) return page.error();
      for (const Agent& a : page->items) names[a.id] = a.name;
    }
    auto rows = tx.Kpi().ReadAggregates(tenant, BucketStart(request.from), request.to, agents);
    if (!rows) return rows.error();
    for (const AggregateRow& row : *rows) {
      if (!settings.contains(row.queue_id)) continue;
      Sums& s = sums_of(agents ? row.agent_id : row.queue_id);
      Add(s.counters[IntervalIndexOf(*starts, row.bucket)], row.counters);
      s.active = true;
    }
    if (!agents) return Status::Ok();
    auto states = tx.Kpi().ReadAgentStates(tenant, BucketStart(request.from), request.to);
    if (!states) return states.error();
    for (const AgentStateRow& row : *states) {
      Sums& s = sums_of(row.agent_id);
      Add(s.states[IntervalIndexOf(*starts, row.bucket)], row.seconds);
      s.active = true;
    }
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.ToString();
  std::vector<ReportRow> out;
  for (const auto& [key, s] : sums) {
    if (!s.active) continue;
    const auto& [name, id] = key;
    for (size_t i = 0; i < starts->size(); ++i) {
      out.push_back({agents ? 0 : id, agents ? id : 0, name, (*starts)[i],
                     agents ? ComputeKpis(s.counters[i], agent_settings, &s.states[i])
                            : ComputeKpis(s.counters[i], settings[id])});
    }
  }
  return out;
}

// Every field of two KPI sets is exactly equal (one failure per differing field).
void ExpectSameKpis(const Kpis& a, const Kpis& b, const std::string& where) {
#define CB_SAME(field) EXPECT_EQ(a.field, b.field) << where << " " #field
  CB_SAME(offered);
  CB_SAME(answered);
  CB_SAME(abandoned);
  CB_SAME(short_abandoned);
  CB_SAME(timed_out);
  CB_SAME(other_unanswered);
  CB_SAME(answered_in_sl);
  CB_SAME(abandoned_in_sl);
  CB_SAME(handled);
  CB_SAME(transfers);
  CB_SAME(fcr_yes);
  CB_SAME(fcr_known);
  CB_SAME(csat_sum);
  CB_SAME(csat_n);
  CB_SAME(wait_answered_s);
  CB_SAME(wait_abandoned_s);
  CB_SAME(talk_s);
  CB_SAME(hold_s);
  CB_SAME(acw_s);
  CB_SAME(service_level);
  CB_SAME(service_level_variants);
  CB_SAME(asa_s);
  CB_SAME(avg_abandon_wait_s);
  CB_SAME(max_wait_s);
  CB_SAME(abandon_rate);
  CB_SAME(aht_s);
  CB_SAME(occupancy);
  CB_SAME(utilization);
  CB_SAME(calls_per_hour);
  CB_SAME(fcr_rate);
  CB_SAME(agent_time.has_value());
  if (a.agent_time && b.agent_time) {
    CB_SAME(agent_time->logged_in_s);
    CB_SAME(agent_time->available_s);
    CB_SAME(agent_time->on_call_s);
    CB_SAME(agent_time->acw_s);
    CB_SAME(agent_time->paused_s);
    CB_SAME(agent_time->paused_by_reason_s);
  }
#undef CB_SAME
}

class ReportRollups : public ::testing::Test {
 protected:
  void SetUp() override {
    tenant_ = server_.CreateTenant("acme");
    // New York's local days and months are kept from the start (written with every batch);
    // Asia/Kolkata's are built from the stored rows after the imports. Reports in those zones
    // read them, UTC reports the UTC units.
    AddRollupZone("America/New_York");
    // Spring: 2026-03-08 has 23 hours in New York, and all of March is inside the run.
    Import("spring", T("2026-02-26T00:00:00Z"), 24 * 36);
    // Fall: 2026-11-01 has 25 hours in New York.
    Import("fall", T("2026-10-29T00:00:00Z"), 24 * 6);
    AddRollupZone("Asia/Kolkata");
  }

  void AddRollupZone(const std::string& zone) {
    const Status added = server_.app().db().Write(
        [&](Transaction& tx) { return tx.Kpi().AddRollupZone(TenantScope(tenant_), zone); });
    ASSERT_TRUE(added.ok()) << added.ToString();
  }

  void Import(const std::string& source, TimePoint start, double hours) {
    SimulationOptions sim;
    sim.format = SourceFormat::kAsteriskQueueLog;
    sim.queues = 2;
    sim.agents = 6;
    sim.hours = hours;
    sim.calls_per_hour = 12;
    sim.seed = 11;
    sim.start = start;
    sim.time_zone = "America/New_York";
    std::stringstream log;
    ASSERT_TRUE(WriteSimulation(sim, log).ok());
    ImportOptions options;
    options.format = SourceFormat::kAsteriskQueueLog;
    options.source_name = source;
    auto s = server_.app().importer().Import(TenantScope(tenant_), options, log, source);
    ASSERT_TRUE(s) << s.error().ToString();
    ASSERT_GT(s->calls, 1000);
  }

  // The report both ways; true when every row matched.
  void ExpectSameBothWays(const ReportRequest& request, bool agents) {
    const std::string where = std::string(agents ? "agents " : "queues ") + request.tz + " " +
                              std::string(ReportIntervalName(request.interval)) + " " +
                              FormatRfc3339(request.from) + " .. " + FormatRfc3339(request.to);
    ReportService& reports = server_.app().reports();
    const Principal p = OperatorPrincipal(tenant_);
    auto report = agents ? reports.Agents(p, request) : reports.Queues(p, request);
    ASSERT_TRUE(report) << where << ": " << report.error().ToString();
    const std::vector<ReportRow> expected =
        FromBuckets(server_.app().db(), TenantScope(tenant_), request, agents);
    ASSERT_EQ(report->rows.size(), expected.size()) << where;
    ASSERT_FALSE(expected.empty()) << where;
    for (size_t i = 0; i < expected.size(); ++i) {
      const ReportRow& got = report->rows[i];
      const ReportRow& want = expected[i];
      const std::string row = where + " row " + std::to_string(i) + " (" + want.name + " " +
                              FormatRfc3339(want.interval_start) + ")";
      ASSERT_EQ(got.queue_id, want.queue_id) << row;
      ASSERT_EQ(got.agent_id, want.agent_id) << row;
      ASSERT_EQ(got.name, want.name) << row;
      ASSERT_EQ(got.interval_start, want.interval_start) << row;
      ExpectSameKpis(got.kpis, want.kpis, row);
      offered_seen_ += got.kpis.offered;
    }
  }

  // [local midnight of from_day, local midnight of to_day) in `tz`.
  static ReportRequest Days(const char* tz, const char* from_day, const char* to_day,
                            ReportInterval interval) {
    ReportRequest r;
    r.tz = tz;
    r.from = ParseReportTime(from_day, tz, "from").value();
    r.to = ParseReportTime(to_day, tz, "to").value();
    r.interval = interval;
    return r;
  }

  TestServer server_;
  int64_t tenant_ = 0;
  int64_t offered_seen_ = 0;  // proves the comparisons were over real traffic
};

constexpr ReportInterval kEveryInterval[] = {
    ReportInterval::k15m,  ReportInterval::k30m,   ReportInterval::k1h,   ReportInterval::kDay,
    ReportInterval::kWeek, ReportInterval::kMonth, ReportInterval::kTotal};
constexpr const char* kZones[] = {"America/New_York", "Asia/Kolkata", "UTC"};

TEST_F(ReportRollups, EveryZoneAndIntervalMatchesTheFifteenMinuteRowsAcrossDstChanges) {
  for (const char* tz : kZones) {
    for (ReportInterval interval : kEveryInterval) {
      for (bool agents : {false, true}) {
        // Spring forward, and every day of March.
        ExpectSameBothWays(Days(tz, "2026-02-25", "2026-04-03", interval), agents);
        // Fall back.
        ExpectSameBothWays(Days(tz, "2026-10-30", "2026-11-03", interval), agents);
        // Bounds inside buckets and hours, around the spring change.
        ReportRequest odd;
        odd.tz = tz;
        odd.from = T("2026-03-07T22:37:00Z");
        odd.to = T("2026-03-09T05:05:00Z");
        odd.interval = interval;
        ExpectSameBothWays(odd, agents);
        // The whole year, both runs (15-minute rows over a year only for the totals).
        if (interval >= ReportInterval::kDay) {
          ExpectSameBothWays(Days(tz, "2026-01-01", "2027-01-01", interval), agents);
        }
      }
    }
  }
  EXPECT_GT(offered_seen_, 100000);
}

TEST_F(ReportRollups, OneQueueSelectedMatchesToo) {
  int64_t first_queue = 0;
  ASSERT_TRUE(server_.app()
                  .db()
                  .Read([&](Transaction& tx) -> Status {
                    auto queues = tx.Kpi().ListQueues(TenantScope(tenant_));
                    if (!queues) return queues.error();
                    first_queue = queues->front().id;
                    return Status::Ok();
                  })
                  .ok());
  for (const char* tz : kZones) {
    for (bool agents : {false, true}) {
      ReportRequest r = Days(tz, "2026-03-01", "2026-04-01", ReportInterval::kWeek);
      r.queue_ids = std::vector<int64_t>{first_queue};
      ExpectSameBothWays(r, agents);
    }
  }
}

TEST_F(ReportRollups, AReaggregatedRangeInsideHoursKeepsTheRollupsExact) {
  auto totals = [&] {
    auto r = server_.app().reports().Queues(
        OperatorPrincipal(tenant_),
        Days("UTC", "2026-01-01", "2027-01-01", ReportInterval::kTotal));
    EXPECT_TRUE(r);
    int64_t short_abandoned = 0;
    int64_t offered = 0;
    for (const ReportRow& row : r ? r->rows : std::vector<ReportRow>{}) {
      short_abandoned += row.kpis.short_abandoned;
      offered += row.kpis.offered;
    }
    return std::pair(short_abandoned, offered);
  };
  const auto before = totals();
  ASSERT_GT(before.first, 0);
  // Short abandons off, then a range from 10:15 on one day to 13:45 on another is rebuilt.
  ASSERT_TRUE(server_.app()
                  .db()
                  .Write([&](Transaction& tx) -> Status {
                    auto queues = tx.Kpi().ListQueues(TenantScope(tenant_));
                    if (!queues) return queues.error();
                    for (QueueConfig q : *queues) {
                      q.settings.short_abandon_s = 0;
                      CB_RETURN_IF_ERROR(
                          tx.Kpi().UpdateQueue(TenantScope(tenant_), q, server_.clock().Now()));
                    }
                    return Status::Ok();
                  })
                  .ok());
  auto rebuilt = Reaggregate(server_.app().db(), TenantScope(tenant_), T("2026-03-10T10:15:00Z"),
                             T("2026-03-20T13:45:00Z"));
  ASSERT_TRUE(rebuilt) << rebuilt.error().ToString();
  EXPECT_GT(rebuilt->calls, 1000);
  const auto after = totals();
  EXPECT_EQ(after.second, before.second);  // the same calls
  EXPECT_LT(after.first, before.first);    // fewer short abandons: the rebuilt part has none
  EXPECT_GT(after.first, 0);               // outside it they stay
  for (const char* tz : kZones) {
    for (ReportInterval interval : {ReportInterval::k1h, ReportInterval::kDay,
                                    ReportInterval::kMonth, ReportInterval::kTotal}) {
      for (bool agents : {false, true}) {
        ExpectSameBothWays(Days(tz, "2026-03-01", "2026-04-01", interval), agents);
      }
    }
  }
}

}  // namespace
}  // namespace callboard
