// Row-level security on PostgreSQL, checked by direct SQL as the app role: with app.tenant_id
// set to tenant A, no row of tenant B is visible in any tenant-owned table. The tables are
// enumerated from the catalog (every table with a tenant_id column), so a table added by a
// later migration is covered, and the test fails when one lacks ENABLE + FORCE RLS.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "audit/audit_store.h"
#include "auth/auth_store.h"
#include "ingest/sources/source_store.h"
#include "kpi/kpi_store.h"
#include "live/live_store.h"
#include "org/org_store.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_test_support.h"

namespace callboard {
namespace {

TimePoint At(int minutes) { return FromUnixMillis(1795305600000) + std::chrono::minutes(minutes); }

// Fills every table of the 0001–0010 schema with rows of `scope`, through the stores (the
// aggregate and agent state rows fill their hour, day and month rollups too, and those of a
// registered zone).
Status Populate(Transaction& tx, TenantScope scope, const std::string& tag) {
  OrgStore& org = tx.Org();
  auto site = org.InsertSite(
      scope, {.name = "Site " + tag, .time_zone = "UTC", .created_at = At(0), .updated_at = At(0)});
  if (!site) return site.error();
  auto lob = org.InsertLob(
      scope, {.name = "Lob " + tag, .description = "", .created_at = At(0), .updated_at = At(0)});
  if (!lob) return lob.error();
  auto team = org.InsertTeam(scope, {.name = "Team " + tag,
                                     .site_id = site->id,
                                     .lob_id = lob->id,
                                     .supervisor_ids = {},
                                     .created_at = At(0),
                                     .updated_at = At(0)});
  if (!team) return team.error();
  User u;
  u.email = "boss@" + tag + ".example";
  u.name = "Boss " + tag;
  u.role = Role::kSupervisor;
  u.team_id = team->id;
  u.lob_ids = {lob->id};
  u.created_at = u.updated_at = At(0);
  auto user = org.InsertUser(scope, u);
  if (!user) return user.error();
  Team t = *team;
  t.supervisor_ids = {user->id};
  t.updated_at = At(1);
  CB_RETURN_IF_ERROR(org.UpdateTeam(scope, t));
  Agent a;
  a.name = "Agent " + tag;
  a.user_id = user->id;
  a.team_id = team->id;
  a.pbx_ids = {"SIP/" + tag};
  a.created_at = a.updated_at = At(0);
  auto agent = org.InsertAgent(scope, a);
  if (!agent) return agent.error();

  AuthStore& auth = tx.Auth();
  CB_RETURN_IF_ERROR(auth.SetPasswordHash(scope, user->id, "hash-1-" + tag, At(1)));
  CB_RETURN_IF_ERROR(auth.SetPasswordHash(scope, user->id, "hash-2-" + tag, At(2)));
  auto session = auth.InsertSession(scope, {.tenant_id = scope.tenant_id(),
                                            .user_id = user->id,
                                            .token_hash = "session-" + tag,
                                            .csrf_hash = "csrf",
                                            .created_at = At(0),
                                            .expires_at = At(600)});
  if (!session) return session.error();
  ApiToken token;
  token.tenant_id = scope.tenant_id();
  token.name = "feed";
  token.token_hash = "token-" + tag;
  token.scopes = {"ingest"};
  token.created_at = At(0);
  auto api_token = auth.InsertApiToken(scope, token);
  if (!api_token) return api_token.error();

  AuditEntry e;
  e.seq = 1;
  e.at = At(0);
  e.actor = "cli";
  e.action = "user.create";
  e.prev_hash = std::string(64, '0');
  e.hash = std::string(64, '1');
  auto entry = tx.Audit().Append(scope, e);
  if (!entry) return entry.error();

  KpiStore& kpi = tx.Kpi();
  auto queue = kpi.EnsureQueue(scope, "sales", At(0));
  if (!queue) return queue.error();
  auto source = kpi.EnsureSource(scope, "pbx", "asterisk-queue-log", At(0));
  if (!source) return source.error();
  CB_RETURN_IF_ERROR(kpi.PutCheckpoint(scope, source->id, {"stream", 10, "", At(1)}));
  StoredCall call;
  call.source_id = source->id;
  call.queue_id = queue->id;
  call.agent_id = agent->id;
  call.call.pbx_call_id = "call-" + tag;
  call.call.queue = "sales";
  call.call.started_at = At(0);
  call.call.ended_at = At(3);
  auto inserted = kpi.InsertCall(scope, call);
  if (!inserted) return inserted.error();
  AggregateRow agg;
  agg.queue_id = queue->id;
  agg.bucket = At(0);
  agg.counters.offered = 1;
  CB_RETURN_IF_ERROR(kpi.AddAggregate(scope, agg));
  AgentStateRow state;
  state.agent_id = agent->id;
  state.bucket = At(0);
  state.seconds.paused_ms = 1000;
  state.seconds.paused_by_reason_ms["lunch"] = 1000;
  CB_RETURN_IF_ERROR(kpi.AddAgentState(scope, state));
  CB_RETURN_IF_ERROR(kpi.AddRollupZone(scope, "America/New_York"));  // local rollups (0013)
  CB_RETURN_IF_ERROR(
      kpi.InsertReject(scope, {0, source->id, "stream", 3, "garbage", "unparsable", At(1)}));
  CB_RETURN_IF_ERROR(kpi.InsertDiagnostic(
      scope, {0, source->id, "stream", "no_terminal_event", "call-" + tag, 4, "open", At(1)}));
  SourceConfig config;
  config.id = source->id;
  config.name = "pbx";
  config.kind = SourceKind::kAsteriskAmi;
  config.host = "pbx." + tag + ".example";
  config.port = 5038;
  config.username = "callboard";
  config.secret = "secret-" + tag;
  config.channel_template = "SIP/{ext}";
  config.created_at = config.updated_at = At(1);
  CB_RETURN_IF_ERROR(tx.Sources().InsertSourceConfig(scope, config));

  LiveStore& live = tx.Live();
  PauseReason reason;
  reason.name = "Lunch";
  reason.created_at = reason.updated_at = At(0);
  CB_RETURN_IF_ERROR(live.InsertPauseReason(scope, reason));
  CB_RETURN_IF_ERROR(
      live.InsertStateInterval(scope, {0, agent->id, AgentState::kPaused, "Lunch", At(0), At(5),
                                       StateOrigin::kAgent, "user:" + std::to_string(user->id)}));
  CB_RETURN_IF_ERROR(live.PutCurrentState(
      scope, {agent->id, AgentState::kAvailable, "", At(5), StateOrigin::kPbx}));
  CB_RETURN_IF_ERROR(
      live.PutAlertRule(scope, {AlertKind::kLongWait, true, 120, "critical"}, At(0)));
  Alert alert;
  alert.kind = AlertKind::kLongWait;
  alert.severity = "critical";
  alert.subject_type = "queue";
  alert.subject_id = queue->id;
  alert.subject_name = "sales";
  alert.detail = "caller waiting 130 s";
  alert.started_at = At(2);
  return live.InsertAlert(scope, alert);
}

// The tables of the 0001–0010 schema that Populate() fills.
const std::set<std::string> kPopulated = {"sites",
                                          "lobs",
                                          "teams",
                                          "users",
                                          "team_supervisors",
                                          "user_lobs",
                                          "agents",
                                          "agent_pbx_ids",
                                          "password_history",
                                          "sessions",
                                          "api_tokens",
                                          "audit_log",
                                          "queues",
                                          "ingest_sources",
                                          "ingest_checkpoints",
                                          "calls",
                                          "interval_aggregates",
                                          "agent_state_seconds",
                                          "aggregate_rollups",
                                          "agent_state_rollups",
                                          "agent_pause_rollups",
                                          "rollup_zones",
                                          "local_aggregate_rollups",
                                          "local_agent_state_rollups",
                                          "local_agent_pause_rollups",
                                          "ingest_rejects",
                                          "ingest_diagnostics",
                                          "source_configs",
                                          "pause_reasons",
                                          "agent_state_log",
                                          "agent_live_states",
                                          "alert_rules",
                                          "alerts"};

int64_t Count(PgConnection& conn, const std::string& sql) {
  auto stmt = conn.Prepare(sql);
  EXPECT_TRUE(stmt) << sql << ": " << stmt.error().ToString();
  if (!stmt) return -1;
  auto row = stmt->Step();
  EXPECT_TRUE(row && *row) << sql;
  if (!row || !*row) return -1;
  return stmt->Int(0);
}

class PgRowSecurity : public testing::Test {
 protected:
  void SetUp() override {
    auto db = TempPgDatabase::Open();
    ASSERT_NE(db, nullptr);
    db_.reset(static_cast<TempPgDatabase*>(db.release()));
    Status st = db_->Write([&](Transaction& tx) -> Status {
      auto a = tx.Org().InsertTenant("Acme", At(0));
      if (!a) return a.error();
      auto b = tx.Org().InsertTenant("Globex", At(0));
      if (!b) return b.error();
      a_ = a->id;
      b_ = b->id;
      CB_RETURN_IF_ERROR(Populate(tx, TenantScope(a_), "acme"));
      return Populate(tx, TenantScope(b_), "globex");
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    const PgTestCluster& cluster = PgTestCluster::Get();
    auto super = PgConnection::Open(cluster.SuperUrl(db_->name()), std::chrono::seconds(10));
    ASSERT_TRUE(super) << super.error().ToString();
    super_ = std::move(*super);
    auto app = PgConnection::Open(cluster.AppUrl(db_->name()), std::chrono::seconds(10));
    ASSERT_TRUE(app) << app.error().ToString();
    app_ = std::move(*app);
  }

  // Tenant-owned tables from the catalog, with their RLS flags.
  struct Table {
    std::string name;
    bool enabled = false;
    bool forced = false;
  };
  std::vector<Table> TenantTables() {
    std::vector<Table> out;
    auto stmt = super_->Prepare(
        "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
        " AND a.attname = 'tenant_id' AND NOT a.attisdropped ORDER BY c.relname");
    EXPECT_TRUE(stmt);
    if (!stmt) return out;
    for (;;) {
      auto row = stmt->Step();
      EXPECT_TRUE(row);
      if (!row || !*row) break;
      out.push_back({stmt->Text(0), stmt->Bool(1), stmt->Bool(2)});
    }
    return out;
  }

  std::unique_ptr<TempPgDatabase> db_;
  std::unique_ptr<PgConnection> super_;
  std::unique_ptr<PgConnection> app_;
  int64_t a_ = 0;
  int64_t b_ = 0;
};

TEST_F(PgRowSecurity, EveryTenantTableForcesRowLevelSecurity) {
  const std::vector<Table> tables = TenantTables();
  std::set<std::string> names;
  for (const Table& t : tables) {
    names.insert(t.name);
    EXPECT_TRUE(t.enabled) << t.name << " lacks ENABLE ROW LEVEL SECURITY";
    EXPECT_TRUE(t.forced) << t.name << " lacks FORCE ROW LEVEL SECURITY";
  }
  for (const std::string& t : kPopulated) EXPECT_TRUE(names.count(t)) << t << " not found";
}

TEST_F(PgRowSecurity, TenantASeesNoRowOfTenantB) {
  const std::vector<Table> tables = TenantTables();
  ASSERT_GE(tables.size(), kPopulated.size());
  ASSERT_TRUE(app_->Exec("BEGIN").ok());
  ASSERT_TRUE(app_->UseTenant(a_).ok());
  for (const Table& t : tables) {
    const std::string b_rows =
        "SELECT count(*) FROM " + t.name + " WHERE tenant_id = " + std::to_string(b_);
    const std::string a_rows =
        "SELECT count(*) FROM " + t.name + " WHERE tenant_id = " + std::to_string(a_);
    const int64_t b_stored = Count(*super_, b_rows);
    const int64_t a_stored = Count(*super_, a_rows);
    if (kPopulated.count(t.name)) {
      EXPECT_GT(b_stored, 0) << t.name << ": no row of tenant B stored, the check proves nothing";
    }
    EXPECT_EQ(Count(*app_, b_rows), 0) << t.name << " shows tenant B's rows to tenant A";
    EXPECT_EQ(Count(*app_, "SELECT count(*) FROM " + t.name), a_stored)
        << t.name << ": tenant A should see exactly its own rows";
  }
  ASSERT_TRUE(app_->Exec("ROLLBACK").ok());
}

TEST_F(PgRowSecurity, WithoutATenantNothingIsVisible) {
  ASSERT_TRUE(app_->Exec("BEGIN").ok());
  for (const Table& t : TenantTables()) {
    EXPECT_EQ(Count(*app_, "SELECT count(*) FROM " + t.name), 0) << t.name;
  }
  ASSERT_TRUE(app_->Exec("ROLLBACK").ok());
}

TEST_F(PgRowSecurity, RowsOfAnotherTenantCannotBeWrittenOrChanged) {
  ASSERT_TRUE(app_->Exec("BEGIN").ok());
  ASSERT_TRUE(app_->UseTenant(a_).ok());
  const Status insert =
      app_->Exec("INSERT INTO sites (tenant_id, name, time_zone, created_at, updated_at) VALUES (" +
                 std::to_string(b_) + ", 'Sneaky', 'UTC', 0, 0)");
  EXPECT_FALSE(insert.ok());
  EXPECT_NE(insert.message().find("row-level security"), std::string::npos) << insert.message();
  ASSERT_TRUE(app_->Exec("ROLLBACK").ok());

  ASSERT_TRUE(app_->Exec("BEGIN").ok());
  ASSERT_TRUE(app_->UseTenant(a_).ok());
  auto changed = app_->Execute("UPDATE users SET name = 'Hijacked' WHERE tenant_id = ?", b_);
  ASSERT_TRUE(changed);
  EXPECT_EQ(*changed, 0);
  ASSERT_TRUE(app_->Exec("ROLLBACK").ok());
  EXPECT_EQ(Count(*super_, "SELECT count(*) FROM users WHERE name = 'Hijacked'"), 0);
}

TEST_F(PgRowSecurity, AuditLogIsInsertAndSelectOnlyForTheAppRole) {
  ASSERT_TRUE(app_->Exec("BEGIN").ok());
  ASSERT_TRUE(app_->UseTenant(a_).ok());
  const Status update = app_->Exec("UPDATE audit_log SET actor = 'forged'");
  EXPECT_FALSE(update.ok());
  EXPECT_NE(update.message().find("permission denied"), std::string::npos) << update.message();
  ASSERT_TRUE(app_->Exec("ROLLBACK").ok());
  ASSERT_TRUE(app_->Exec("BEGIN").ok());
  const Status remove = app_->Exec("DELETE FROM audit_log");
  EXPECT_NE(remove.message().find("permission denied"), std::string::npos) << remove.message();
  ASSERT_TRUE(app_->Exec("ROLLBACK").ok());
  // Even the superuser cannot change an entry: the trigger refuses.
  const Status forged = super_->Exec("UPDATE audit_log SET actor = 'forged'");
  EXPECT_NE(forged.message().find("append-only"), std::string::npos) << forged.message();
}

TEST_F(PgRowSecurity, ACredentialLookupSeesOnlyTheRowItNames) {
  ASSERT_TRUE(app_->Exec("BEGIN").ok());
  ASSERT_TRUE(app_->SetLocal("app.lookup_token_hash", "session-globex").ok());
  EXPECT_EQ(Count(*app_, "SELECT count(*) FROM sessions"), 1);
  EXPECT_EQ(Count(*app_, "SELECT count(*) FROM sessions WHERE token_hash = 'session-acme'"), 0);
  EXPECT_EQ(Count(*app_, "SELECT count(*) FROM api_tokens"), 0);
  EXPECT_EQ(Count(*app_, "SELECT count(*) FROM users"), 0);
  ASSERT_TRUE(app_->SetLocal("app.lookup_email", "BOSS@globex.example").ok());
  EXPECT_EQ(Count(*app_, "SELECT count(*) FROM users"), 1);
  ASSERT_TRUE(app_->Exec("ROLLBACK").ok());
}

TEST_F(PgRowSecurity, TheAppRoleIsNeitherSuperuserNorOwner) {
  const PgTestCluster& cluster = PgTestCluster::Get();
  auto app = PostgresPrivilege({.url = cluster.AppUrl(db_->name())});
  ASSERT_TRUE(app) << app.error().ToString();
  EXPECT_EQ(*app, "");
  auto owner = PostgresPrivilege({.url = cluster.OwnerUrl(db_->name())});
  ASSERT_TRUE(owner) << owner.error().ToString();
  EXPECT_NE(owner->find("the owner of the tables ("), std::string::npos) << *owner;
  EXPECT_NE(owner->find(" tables, e.g. agent_live_states)"), std::string::npos) << *owner;
  auto super = PostgresPrivilege({.url = cluster.SuperUrl(db_->name())});
  ASSERT_TRUE(super) << super.error().ToString();
  EXPECT_EQ(*super, "a superuser (or has BYPASSRLS)");
}

}  // namespace
}  // namespace callboard
