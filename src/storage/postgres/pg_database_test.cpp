// The PostgreSQL backend beyond the store conformance suite: error mapping, placeholders,
// migrations under the advisory lock, roles, a lost connection, pipelined writes.
#include "storage/postgres/pg_database.h"

#include <gtest/gtest.h>

#include <future>
#include <string>
#include <thread>

#include "kpi/kpi_store.h"
#include "org/org_store.h"
#include "storage/postgres/embedded_migrations.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_error.h"
#include "storage/postgres/pg_test_support.h"

namespace callboard {
namespace {

TimePoint At(int minutes) { return FromUnixMillis(1795305600000) + std::chrono::minutes(minutes); }

// The same number makes the same change on both backends (docs/architecture.md): the
// versions are consecutive and each names the same migration.
TEST(PgMigrations, AreOneToOneWithSqlitesMigrations) {
  const auto pg = PostgresMigrations();
  const auto sqlite = SqliteMigrations();
  ASSERT_EQ(pg.size(), sqlite.size());
  for (size_t i = 0; i < pg.size(); ++i) {
    EXPECT_EQ(pg[i].version, static_cast<int>(i) + 1);
    EXPECT_EQ(sqlite[i].version, static_cast<int>(i) + 1);
    EXPECT_EQ(std::string(pg[i].name), std::string(sqlite[i].name)) << "version " << i + 1;
  }
  EXPECT_EQ(std::string(pg[6].name), "aggregate_rollups");
  EXPECT_EQ(std::string(pg[9].name), "ami_sources");
}

TEST(PgError, UniqueViolationNamesTheFieldLikeSqlite) {
  EXPECT_EQ(UniqueFieldFromDetail("sites", "Key (tenant_id, name)=(1, Berlin) already exists."),
            "name");
  EXPECT_EQ(UniqueFieldFromDetail("users", "Key (email)=(a@b.test) already exists."), "email");
  EXPECT_EQ(
      UniqueFieldFromDetail("agent_pbx_ids", "Key (tenant_id, pbx_id)=(1, SIP/1) already exists."),
      "pbx_ids");
  EXPECT_EQ(UniqueFieldFromDetail("team_supervisors",
                                  "Key (tenant_id, team_id, user_id)=(1, 2, 3) already exists."),
            "supervisor_ids");
  EXPECT_EQ(UniqueFieldFromDetail("x", "Key (lower(name))=(a) already exists."), "value");
  EXPECT_EQ(UniqueFieldFromDetail("x", "no key here"), "value");
}

TEST(PgError, UniqueViolationWithoutDetailNamesTheFieldByConstraint) {
  EXPECT_EQ(UniqueFieldFromConstraint("sites", "sites_name"), "name");
  EXPECT_EQ(UniqueFieldFromConstraint("users", "users_email"), "email");
  EXPECT_EQ(UniqueFieldFromConstraint("sessions", "sessions_token_hash"), "token_hash");
  EXPECT_EQ(UniqueFieldFromConstraint("audit_log", "audit_log_tenant_id_seq_key"), "seq");
  EXPECT_EQ(UniqueFieldFromConstraint("agent_pbx_ids", "agent_pbx_ids_pbx"), "pbx_ids");
  EXPECT_EQ(UniqueFieldFromConstraint("agents", "agents_user"), "user_id");
  EXPECT_EQ(UniqueFieldFromConstraint("calls", "calls_pkey"), "value");
  EXPECT_EQ(UniqueFieldFromConstraint("sites", "other_name"), "value");
  const Status hidden = PgErrorStatus("23505", "duplicate key", "", "users", "", "users_email");
  EXPECT_EQ(hidden.message(), "email already in use");
}

TEST(PgError, SqlStatesMapToStatusCodes) {
  const Status unique =
      PgErrorStatus("23505", "duplicate key", "Key (tenant_id, name)=(1, a)", "lobs", "");
  EXPECT_EQ(unique.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(unique.message(), "name already in use");
  const Status fk = PgErrorStatus("23503", "violates foreign key", "", "teams", "");
  EXPECT_EQ(fk.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(fk.field_errors().size(), 1u);
  EXPECT_EQ(fk.field_errors()[0].field, "reference");
  for (const char* state : {"08006", "57P01", "53300", "40001", "40P01", "55P03"}) {
    EXPECT_EQ(PgErrorStatus(state, "m", "", "", "").code(), StatusCode::kUnavailable) << state;
  }
  const Status other = PgErrorStatus("42P01", "relation \"x\" does not exist", "", "", "ctx");
  EXPECT_EQ(other.code(), StatusCode::kInternal);
  EXPECT_EQ(other.message(), "database error: ctx: relation \"x\" does not exist");
}

TEST(PgConnection, PlaceholdersAreNumberedOutsideQuotes) {
  int n = 0;
  EXPECT_EQ(NumberPlaceholders("SELECT ? , '?', \"?\", ?::bigint[]", n),
            "SELECT $1 , '?', \"?\", $2::bigint[]");
  EXPECT_EQ(n, 2);
}

TEST(PgDatabase, RejectsBadOptionsAndUrls) {
  auto bad = OpenPostgresDatabase({.url = "", .connections = 0});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field_errors().size(), 2u);
  EXPECT_TRUE(IsPostgresUrl("postgresql://u@h/db"));
  EXPECT_TRUE(IsPostgresUrl("postgres://u@h/db"));
  EXPECT_FALSE(IsPostgresUrl("/var/lib/callboard"));
  auto unreachable =
      OpenPostgresDatabase({.url = "postgresql://nobody@/nothing?host=/nonexistent-dir&port=1",
                            .connect_timeout = std::chrono::seconds(2)});
  ASSERT_FALSE(unreachable);
  EXPECT_EQ(unreachable.error().code(), StatusCode::kUnavailable);
}

// An empty database owned by the owner role, dropped at the end.
class EmptyDatabase : public testing::Test {
 protected:
  void SetUp() override {
    const PgTestCluster& c = PgTestCluster::Get();
    name_ = "cb_empty_" + std::to_string(getpid()) + "_" + std::to_string(counter_++);
    c.Super("postgres", "CREATE DATABASE " + name_ + " OWNER callboard_owner");
    c.Super(name_, "ALTER SCHEMA public OWNER TO callboard_owner");
  }
  void TearDown() override { PgTestCluster::Get().DropDatabase(name_); }
  static inline int counter_ = 0;
  std::string name_;
};

TEST_F(EmptyDatabase, NodesMigratingTogetherApplyEachMigrationOnce) {
  const PgTestCluster& c = PgTestCluster::Get();
  const int known = static_cast<int>(PostgresMigrations().size());
  auto migrate = [&] {
    auto db = OpenPostgresDatabase({.url = c.OwnerUrl(name_)});
    if (!db) return -1;
    auto n = (*db)->Migrate();
    return n ? *n : -1;
  };
  auto first = std::async(std::launch::async, migrate);
  auto second = std::async(std::launch::async, migrate);
  const int a = first.get();
  const int b = second.get();
  EXPECT_EQ(a + b, known) << a << " + " << b;
  EXPECT_TRUE((a == 0 && b == known) || (a == known && b == 0)) << a << ", " << b;
  EXPECT_EQ(migrate(), 0);  // nothing left
}

TEST_F(EmptyDatabase, TheAppRoleCannotCreateTheSchemaAndSaysWhatToDo) {
  const PgTestCluster& c = PgTestCluster::Get();
  auto db = OpenPostgresDatabase({.url = c.AppUrl(name_)});
  ASSERT_TRUE(db) << db.error().ToString();
  auto applied = (*db)->Migrate();
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(applied.error().message().find("callboard migrate --db"), std::string::npos)
      << applied.error().message();
}

TEST(PgDatabase, AMigratedDatabaseIsCurrentForTheAppRole) {
  auto db = TempPgDatabase::Open();
  ASSERT_NE(db, nullptr);
  auto applied = db->Migrate();
  ASSERT_TRUE(applied) << applied.error().ToString();
  EXPECT_EQ(*applied, 0);
}

TEST(PgDatabase, ALostConnectionIsUnavailableThenReconnects) {
  auto db = TempPgDatabase::Open({.connections = 1});
  ASSERT_NE(db, nullptr);
  const std::string name = static_cast<TempPgDatabase&>(*db).name();
  ASSERT_TRUE(db->Ping().ok());
  PgTestCluster::Get().Super(
      "postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                      name + "' AND usename = 'callboard_app'");
  const Status lost = db->Read([](Transaction& tx) -> Status {
    auto t = tx.Org().ListTenants();
    return t ? Status::Ok() : t.error();
  });
  EXPECT_EQ(lost.code(), StatusCode::kUnavailable) << lost.ToString();
  EXPECT_TRUE(db->Ping().ok());  // the pool reconnected
}

TEST(PgDatabase, AFailedStatementLeavesTheTransactionUsable) {
  auto db = TempPgDatabase::Open();
  ASSERT_NE(db, nullptr);
  int64_t tenant = 0;
  const Status st = db->Write([&](Transaction& tx) -> Status {
    auto t = tx.Org().InsertTenant("Acme", At(0));
    if (!t) return t.error();
    tenant = t->id;
    auto dup = tx.Org().InsertTenant("ACME", At(0));  // names compare case-insensitively
    EXPECT_FALSE(dup);
    if (!dup) {
      EXPECT_EQ(dup.error().code(), StatusCode::kAlreadyExists);
    }
    auto site = tx.Org().InsertSite(
        TenantScope(t->id),
        {.name = "Berlin", .time_zone = "UTC", .created_at = At(0), .updated_at = At(0)});
    return site ? Status::Ok() : site.error();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  const Status read = db->Read([&](Transaction& tx) -> Status {
    auto sites = tx.Org().ListSites(TenantScope(tenant), PageRequest{});
    if (!sites) return sites.error();
    EXPECT_EQ(sites->items.size(), 1u);
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.ToString();
}

TEST(PgDatabase, APipelinedWriteThatFailsFailsTheWholeWrite) {
  auto db = TempPgDatabase::Open();
  ASSERT_NE(db, nullptr);
  int64_t tenant = 0;
  ASSERT_TRUE(db->Write([&](Transaction& tx) -> Status {
                  auto t = tx.Org().InsertTenant("Acme", At(0));
                  if (!t) return t.error();
                  tenant = t->id;
                  return Status::Ok();
                }).ok());
  const TenantScope scope(tenant);
  // A checkpoint of a source that does not exist violates a foreign key: deferred, the
  // failure surfaces at commit and nothing of the transaction stays.
  const Status st = db->Write([&](Transaction& tx) -> Status {
    auto q = tx.Kpi().EnsureQueue(scope, "sales", At(0));
    if (!q) return q.error();
    CB_RETURN_IF_ERROR(tx.Kpi().PutCheckpoint(scope, 999999, {"s", 1, "", At(0)}));
    return tx.Kpi().AddAggregate(scope, {q->id, 0, At(0), IntervalCounters{.offered = 1}});
  });
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  const Status read = db->Read([&](Transaction& tx) -> Status {
    auto queues = tx.Kpi().ListQueues(scope);
    if (!queues) return queues.error();
    EXPECT_TRUE(queues->empty());
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.ToString();
}

TEST(PgDatabase, ConcurrentAggregateAddsNeverLoseAnUpdate) {
  auto db = TempPgDatabase::Open();
  ASSERT_NE(db, nullptr);
  int64_t tenant = 0;
  int64_t queue = 0;
  ASSERT_TRUE(db->Write([&](Transaction& tx) -> Status {
                  auto t = tx.Org().InsertTenant("Acme", At(0));
                  if (!t) return t.error();
                  tenant = t->id;
                  auto q = tx.Kpi().EnsureQueue(TenantScope(tenant), "sales", At(0));
                  if (!q) return q.error();
                  queue = q->id;
                  return Status::Ok();
                }).ok());
  const TenantScope scope(tenant);
  constexpr int kThreads = 4;
  constexpr int kAdds = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAdds; ++i) {
        IntervalCounters c;
        c.offered = 1;
        c.max_wait_ms = t * 1000 + i;
        c.wait_answered_histogram[3] = 2;
        EXPECT_TRUE(db->Write([&](Transaction& tx) {
                        return tx.Kpi().AddAggregate(scope, {queue, 0, At(0), c});
                      }).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  const Status read = db->Read([&](Transaction& tx) -> Status {
    auto rows = tx.Kpi().ReadAggregates(scope, At(0), At(15), false);
    if (!rows) return rows.error();
    EXPECT_EQ(rows->size(), 1u);
    if (rows->size() != 1) return Status::Ok();
    EXPECT_EQ(rows->front().counters.offered, kThreads * kAdds);
    EXPECT_EQ(rows->front().counters.max_wait_ms, (kThreads - 1) * 1000 + kAdds - 1);
    EXPECT_EQ(rows->front().counters.wait_answered_histogram[3], 2 * kThreads * kAdds);
    EXPECT_EQ(rows->front().counters.wait_answered_histogram[2], 0);
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.ToString();
}

}  // namespace
}  // namespace callboard

namespace callboard {
namespace {

TEST(PgDatabase, ScansWalkLongRangesInChunksInOrder) {
  auto db = TempPgDatabase::Open();
  ASSERT_NE(db, nullptr);
  int64_t tenant = 0;
  constexpr int kBuckets = 1600;  // x 3 rows: more than one scan chunk and one pipeline
  constexpr int kCalls = 2500;
  const Status st = db->Write([&](Transaction& tx) -> Status {
    auto t = tx.Org().InsertTenant("Acme", At(0));
    if (!t) return t.error();
    tenant = t->id;
    const TenantScope scope(tenant);
    auto source = tx.Kpi().EnsureSource(scope, "pbx", "calls-json", At(0));
    if (!source) return source.error();
    for (int b = 0; b < kBuckets; ++b) {
      for (int64_t agent = 0; agent < 3; ++agent) {
        IntervalCounters c;
        c.offered = b;
        CB_RETURN_IF_ERROR(tx.Kpi().AddAggregate(scope, {7, agent, At(15 * b), c}));
      }
    }
    for (int i = 0; i < kCalls; ++i) {
      StoredCall call;
      call.source_id = source->id;
      call.call.pbx_call_id = "c" + std::to_string(i);
      call.call.started_at = At(i % 100);
      call.call.ended_at = At(i % 100 + 1);
      auto inserted = tx.Kpi().InsertCall(scope, call);
      if (!inserted) return inserted.error();
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  const TenantScope scope(tenant);
  const Status read = db->Read([&](Transaction& tx) -> Status {
    int totals = 0;
    int64_t last_bucket = -1;
    CB_RETURN_IF_ERROR(tx.Kpi().ScanAggregates(scope,
                                               {{AggregateUnit::kBucket, At(0), At(15 * kBuckets)}},
                                               false, [&](const AggregateRow& r) {
                                                 EXPECT_EQ(r.agent_id, 0);
                                                 EXPECT_GT(ToUnixMillis(r.bucket), last_bucket);
                                                 last_bucket = ToUnixMillis(r.bucket);
                                                 EXPECT_EQ(r.counters.offered, totals);
                                                 ++totals;
                                                 return Status::Ok();
                                               }));
    EXPECT_EQ(totals, kBuckets);
    int agent_rows = 0;
    CB_RETURN_IF_ERROR(tx.Kpi().ScanAggregates(scope,
                                               {{AggregateUnit::kBucket, At(0), At(15 * kBuckets)}},
                                               true, [&](const AggregateRow& r) {
                                                 EXPECT_NE(r.agent_id, 0);
                                                 EXPECT_EQ(r.counters.offered, agent_rows / 2);
                                                 ++agent_rows;
                                                 return Status::Ok();
                                               }));
    EXPECT_EQ(agent_rows, 2 * kBuckets);
    int calls = 0;
    int64_t last_id = 0;
    CB_RETURN_IF_ERROR(tx.Kpi().ScanCalls(scope, At(0), At(100), [&](const StoredCall& c) {
      EXPECT_GT(c.id, last_id);
      last_id = c.id;
      ++calls;
      return Status::Ok();
    }));
    EXPECT_EQ(calls, kCalls);
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.ToString();
}

}  // namespace
}  // namespace callboard
