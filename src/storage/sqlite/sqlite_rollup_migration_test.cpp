// Migration 0007 builds the hour, day and month rollups of a database that has 15-minute
// rows only: they must be row for row what the store maintains when the same rows are added
// through KpiStore::AddAggregates / AddAgentStates.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "core/intervals.h"
#include "kpi/kpi_store.h"
#include "org/org_store.h"
#include "storage/sqlite/embedded_migrations.h"
#include "storage/sqlite/migration_runner.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_database.h"
#include "storage/sqlite/sqlite_test_support.h"

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
  uint64_t state_ = 42;
};

IntervalCounters RandomCounters(Lcg& r) {
  IntervalCounters c;
  c.answered = r.Next(9);
  c.abandoned = r.Next(4);
  c.short_abandoned = r.Next(c.abandoned + 1);
  c.timed_out = r.Next(2);
  c.other_unanswered = r.Next(2);
  c.offered = c.answered + c.abandoned + c.timed_out + c.other_unanswered;
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
  s.acw_ms = r.Next(60000);
  for (const char* reason : {"Lunch", "", "Break2"}) {
    if (r.Next(3) == 0) s.paused_by_reason_ms[reason] = 1 + r.Next(100000);
  }
  for (const auto& [reason, ms] : s.paused_by_reason_ms) s.paused_ms += ms;
  s.logged_in_ms = s.available_ms + s.on_call_ms + s.acw_ms + s.paused_ms;
  return s;
}

TEST(SqliteRollupMigration, BuildsTheSameRollupsTheStoreMaintains) {
  TempDir dir;
  const auto store_path = dir.path() / "store.db";
  const auto migrated_path = dir.path() / "migrated.db";
  // The store's own rollups, from buckets spread over two tenants, five months, two queues,
  // queue totals and two agents (several deltas per bucket).
  {
    auto db = OpenSqliteDatabase({.path = store_path});
    ASSERT_TRUE(db) << db.error().ToString();
    ASSERT_TRUE((*db)->Migrate());
    Lcg r;
    const TimePoint start = FromUnixMillis(1769731200000);  // 2026-01-30T00:00Z
    for (const char* tenant_name : {"acme", "globex"}) {
      const Status written = (*db)->Write([&](Transaction& tx) -> Status {
        auto tenant = tx.Org().InsertTenant(tenant_name, start);
        if (!tenant) return tenant.error();
        const TenantScope scope(tenant->id);
        std::vector<AggregateRow> rows;
        std::vector<AgentStateRow> states;
        for (int k = 0; k < 400; ++k) {
          const TimePoint bucket = start + k * 23 * kBucketLength;  // to 2026-05-05
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
        // And once more in small calls, so rows are added into existing ones.
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
  }
  // A database at migration 6 with the same 15-minute rows, then migrated on.
  auto conn = SqliteConnection::Open(migrated_path, SqliteConnection::Mode::kWriter,
                                     std::chrono::milliseconds(5000));
  ASSERT_TRUE(conn) << conn.error().ToString();
  SqliteConnection& c = **conn;
  const auto migrations = SqliteMigrations();
  ASSERT_GE(migrations.size(), 7u);
  ASSERT_EQ(std::string(migrations[6].name), "aggregate_rollups");
  ASSERT_TRUE(RunMigrations(c, migrations.first(6)));
  const std::string attach = "ATTACH DATABASE '" + store_path.string() + "' AS store";
  ASSERT_TRUE(c.Exec(attach.c_str()).ok());
  ASSERT_TRUE(c.Exec("INSERT INTO interval_aggregates SELECT * FROM store.interval_aggregates;"
                     "INSERT INTO agent_state_seconds SELECT * FROM store.agent_state_seconds;"
                     "DETACH DATABASE store")
                  .ok());
  auto applied = RunMigrations(c, migrations);
  ASSERT_TRUE(applied) << applied.error().ToString();
  EXPECT_EQ(*applied, static_cast<int>(migrations.size()) - 6);

  ASSERT_TRUE(c.Exec(attach.c_str()).ok());
  auto count = [&](const std::string& sql) -> int64_t {
    auto stmt = c.Prepare(sql);
    EXPECT_TRUE(stmt) << sql;
    if (!stmt) return -1;
    auto row = stmt->Step();
    EXPECT_TRUE(row && *row) << sql;
    return row && *row ? stmt->Int(0) : -1;
  };
  for (const char* table : {"aggregate_rollups", "agent_state_rollups", "agent_pause_rollups"}) {
    const std::string t = table;
    const int64_t rows = count("SELECT count(*) FROM " + t);
    EXPECT_GT(rows, 100) << t;
    EXPECT_EQ(rows, count("SELECT count(*) FROM store." + t)) << t;
    EXPECT_EQ(count("SELECT count(*) FROM (SELECT * FROM " + t + " EXCEPT SELECT * FROM store." +
                    t + ")"),
              0)
        << t;
    EXPECT_EQ(count("SELECT count(*) FROM (SELECT * FROM store." + t + " EXCEPT SELECT * FROM " +
                    t + ")"),
              0)
        << t;
  }
  // Every unit is there: hours, days and the five calendar months, January to May.
  EXPECT_EQ(count("SELECT count(DISTINCT bucket_start) FROM aggregate_rollups WHERE unit = 3"), 5);
  EXPECT_EQ(count("SELECT count(*) FROM agent_pause_rollups WHERE reason = ''") > 0, true);
  ASSERT_TRUE(c.Exec("DETACH DATABASE store").ok());
}

}  // namespace
}  // namespace callboard
