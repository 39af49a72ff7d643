// Migration 0007 on PostgreSQL builds the hour, day and month rollups of a database that has
// 15-minute rows only: they must be row for row what PgKpiStore maintains when the same rows
// are added through AddAggregates / AddAgentStates. The migration runs as the table owner,
// whom FORCE ROW LEVEL SECURITY on the 15-minute tables would otherwise show no row at all.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/intervals.h"
#include "kpi/kpi_store.h"
#include "org/org_store.h"
#include "storage/postgres/embedded_migrations.h"
#include "storage/postgres/pg_test_support.h"

namespace callboard {
namespace {

// A small deterministic generator (the test must not depend on the library's PRNGs).
class Lcg {
 public:
  int64_t Next(int64_t below) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<int64_t>((state_ >> 33) % static_cast<uint64_t>(below));
  }

 private:
  uint64_t state_ = 7;
};

IntervalCounters RandomCounters(Lcg& r) {
  IntervalCounters c;
  c.answered = r.Next(9);
  c.abandoned = r.Next(4);
  c.short_abandoned = r.Next(c.abandoned + 1);
  c.timed_out = r.Next(2);
  c.offered = c.answered + c.abandoned + c.timed_out;
  c.wait_answered_ms = r.Next(900000);
  c.wait_abandoned_ms = r.Next(300000);
  c.max_wait_ms = r.Next(1200000);
  c.talk_ms = r.Next(4000000);
  c.hold_ms = r.Next(60000);
  c.acw_ms = r.Next(90000);
  c.handled = c.answered;
  c.transfers = r.Next(2);
  c.fcr_known = r.Next(3);
  c.fcr_yes = r.Next(c.fcr_known + 1);
  c.csat_n = r.Next(3);
  c.csat_sum = c.csat_n * (1 + r.Next(5));
  for (int64_t& n : c.wait_answered_histogram) n = r.Next(3);
  for (int64_t& n : c.wait_abandoned_histogram) n = r.Next(2);
  return c;
}

AgentStateSeconds RandomSeconds(Lcg& r) {
  AgentStateSeconds s;
  s.available_ms = r.Next(300000);
  s.on_call_ms = r.Next(500000);
  for (const char* reason : {"Lunch", "", "Break=2"}) {
    if (r.Next(3) == 0) s.paused_by_reason_ms[reason] = 1 + r.Next(100000);
  }
  for (const auto& [reason, ms] : s.paused_by_reason_ms) s.paused_ms += ms;
  s.logged_in_ms = s.available_ms + s.on_call_ms + s.paused_ms;
  return s;
}

int64_t Count(PgConnection& conn, const std::string& sql) {
  auto stmt = conn.Prepare(sql);
  EXPECT_TRUE(stmt) << sql << ": " << stmt.error().ToString();
  if (!stmt) return -1;
  auto row = stmt->Step();
  EXPECT_TRUE(row && *row) << sql;
  return row && *row ? stmt->Int(0) : -1;
}

TEST(PgRollupMigration, BuildsTheSameRollupsTheStoreMaintains) {
  std::unique_ptr<Database> opened = TempPgDatabase::Open();
  ASSERT_NE(opened, nullptr);
  auto* db = static_cast<TempPgDatabase*>(opened.get());
  // The store's own rollups (written as the app role), from buckets over two tenants, five
  // months, two queues, queue totals and two agents, some rows added twice.
  Lcg r;
  const TimePoint start = FromUnixMillis(1769731200000);  // 2026-01-30T00:00Z
  for (const char* tenant_name : {"acme", "globex"}) {
    const Status written = db->Write([&](Transaction& tx) -> Status {
      auto tenant = tx.Org().InsertTenant(tenant_name, start);
      if (!tenant) return tenant.error();
      const TenantScope scope(tenant->id);
      std::vector<AggregateRow> rows;
      std::vector<AgentStateRow> states;
      for (int k = 0; k < 300; ++k) {
        const TimePoint bucket = start + k * 31 * kBucketLength;  // to 2026-05-7
        for (int64_t queue : {1, 2}) {
          for (int64_t agent : {0, 3, 4}) {
            if (r.Next(4) == 0) continue;
            rows.push_back({queue, agent, bucket, RandomCounters(r)});
          }
        }
        for (int64_t agent : {3, 4}) states.push_back({agent, bucket, RandomSeconds(r)});
      }
      CB_RETURN_IF_ERROR(tx.Kpi().AddAggregates(scope, rows));
      CB_RETURN_IF_ERROR(tx.Kpi().AddAgentStates(scope, states));
      for (size_t i = 0; i < rows.size(); i += 7) {
        CB_RETURN_IF_ERROR(tx.Kpi().AddAggregate(scope, rows[i]));
      }
      for (size_t i = 0; i < states.size(); i += 5) {
        CB_RETURN_IF_ERROR(tx.Kpi().AddAgentState(scope, states[i]));
      }
      return Status::Ok();
    });
    ASSERT_TRUE(written.ok()) << written.ToString();
  }

  const PgTestCluster& cluster = PgTestCluster::Get();
  auto super = PgConnection::Open(cluster.SuperUrl(db->name()), std::chrono::seconds(10));
  ASSERT_TRUE(super) << super.error().ToString();
  PgConnection& s = **super;
  const std::vector<std::string> tables = {"aggregate_rollups", "agent_state_rollups",
                                           "agent_pause_rollups"};
  // Keep what the store wrote, then go back to the 15-minute rows alone and migrate again
  // as the owner.
  for (const std::string& t : tables) {
    ASSERT_TRUE(s.Exec("CREATE TABLE expected_" + t + " AS SELECT * FROM " + t).ok()) << t;
  }
  ASSERT_TRUE(
      s.Exec("DROP TABLE aggregate_rollups, agent_state_rollups, agent_pause_rollups").ok());
  const auto migrations = PostgresMigrations();
  ASSERT_GE(migrations.size(), 7u);
  ASSERT_EQ(std::string(migrations[6].name), "aggregate_rollups");
  auto owner = PgConnection::Open(cluster.OwnerUrl(db->name()), std::chrono::seconds(10));
  ASSERT_TRUE(owner) << owner.error().ToString();
  ASSERT_TRUE((*owner)->Exec("BEGIN").ok());
  const Status migrated = (*owner)->Exec(migrations[6].sql);
  ASSERT_TRUE(migrated.ok()) << migrated.ToString();
  ASSERT_TRUE((*owner)->Exec("COMMIT").ok());

  for (const std::string& t : tables) {
    const int64_t rows = Count(s, "SELECT count(*) FROM " + t);
    EXPECT_GT(rows, 100) << t;
    EXPECT_EQ(rows, Count(s, "SELECT count(*) FROM expected_" + t)) << t;
    EXPECT_EQ(Count(s, "SELECT count(*) FROM (SELECT * FROM " + t +
                           " EXCEPT SELECT * FROM expected_" + t + ") AS d"),
              0)
        << t;
    EXPECT_EQ(Count(s, "SELECT count(*) FROM (SELECT * FROM expected_" + t +
                           " EXCEPT SELECT * FROM " + t + ") AS d"),
              0)
        << t;
  }
  // Every unit is there: hours, days and the five calendar months, January to May (per
  // tenant, queue and agent row).
  EXPECT_EQ(Count(s, "SELECT count(DISTINCT bucket_start) FROM aggregate_rollups WHERE unit = 3"),
            5);
  EXPECT_EQ(Count(s, "SELECT min(bucket_start) FROM aggregate_rollups WHERE unit = 3"),
            int64_t{1767225600000});  // 2026-01-01T00:00Z
  EXPECT_GT(Count(s, "SELECT count(*) FROM agent_pause_rollups WHERE reason = ''"), 0);
  EXPECT_GT(Count(s, "SELECT count(*) FROM agent_pause_rollups WHERE reason = 'Break=2'"), 0);
  // The 15-minute tables force row-level security again after the migration.
  EXPECT_EQ(Count(s,
                  "SELECT count(*) FROM pg_class WHERE relname IN ('interval_aggregates',"
                  " 'agent_state_seconds') AND relforcerowsecurity"),
            2);
}

}  // namespace
}  // namespace callboard
