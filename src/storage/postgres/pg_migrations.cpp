#include "storage/postgres/pg_migrations.h"

#include <chrono>
#include <string>

#include "storage/postgres/pg_connection.h"

namespace callboard {

namespace {

// Row-level security on every table with a tenant_id column of the current schema.
constexpr const char* kRowSecurity = R"sql(
DO $cb$
DECLARE t record;
BEGIN
  FOR t IN
    SELECT c.relname FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
       AND a.attname = 'tenant_id' AND NOT a.attisdropped
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t.relname);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.relname);
    IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE schemaname = current_schema()
                    AND tablename = t.relname AND policyname = 'tenant_isolation') THEN
      EXECUTE format('CREATE POLICY tenant_isolation ON %I'
                     ' USING (tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::bigint)'
                     ' WITH CHECK (tenant_id = nullif(current_setting(''app.tenant_id'', true), '''')::bigint)',
                     t.relname);
    END IF;
  END LOOP;
END
$cb$)sql";

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<bool> QueryBool(PgConnection& conn, const char* sql) {
  auto stmt = conn.Prepare(sql);
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  return *row && stmt->Int(0) != 0;
}

Status SetUpRole(PgConnection& conn, const PgRoleSetup& roles) {
  const std::string role = conn.QuoteIdentifier(roles.app_role);
  auto exists = conn.Prepare("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = ?");
  if (!exists) return exists.error();
  exists->Bind(roles.app_role);
  auto found = exists->Step();
  if (!found) return found.error();
  if (!*found) {
    CB_RETURN_IF_ERROR(conn.Exec("CREATE ROLE " + role + " LOGIN"));
  } else if (exists->Int(0) != 0) {
    return Status(StatusCode::kFailedPrecondition,
                  "app role " + roles.app_role +
                      " is a superuser or bypasses row-level security; choose another role");
  }
  if (roles.app_password) {
    CB_RETURN_IF_ERROR(
        conn.Exec("ALTER ROLE " + role + " LOGIN PASSWORD " + conn.Quote(*roles.app_password)));
  }
  CB_RETURN_IF_ERROR(
      conn.Exec("DO $cb$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO " + role +
                "', current_database()); EXECUTE format('GRANT USAGE ON SCHEMA %I TO " + role +
                "', current_schema()); END $cb$"));
  return conn.Exec(
      "DO $cb$ BEGIN"
      " EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO " +
      role +
      "', current_schema());"
      " EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO " +
      role +
      "', current_schema());"
      " END $cb$;"
      " REVOKE UPDATE, DELETE, TRUNCATE ON tenants FROM " +
      role +
      ";"
      " REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM " +
      role +
      ";"
      " REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM " +
      role + ";");
}

Result<int> Migrate(PgConnection& conn, std::span<const EmbeddedMigration> migrations,
                    const PgRoleSetup& roles) {
  CB_RETURN_IF_ERROR(conn.Exec("SELECT pg_advisory_xact_lock(hashtext('callboard.migrate'))"));
  auto has_table = QueryBool(conn, "SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (!has_table) return has_table.error();
  int64_t version = 0;
  if (*has_table) {
    auto max = conn.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!max) return max.error();
    auto row = max->Step();
    if (!row) return row.error();
    version = max->Int(0);
  }
  const int64_t known = migrations.empty() ? 0 : migrations.back().version;
  if (version > known) {
    return Status(StatusCode::kFailedPrecondition,
                  "database schema version " + std::to_string(version) +
                      " is newer than this callboard binary knows (" + std::to_string(known) +
                      "); run a newer callboard");
  }
  int applied = 0;
  if (version < known) {
    if (!*has_table) {
      Status created = conn.Exec(
          "CREATE TABLE schema_migrations (version bigint PRIMARY KEY, name text NOT NULL,"
          " applied_at bigint NOT NULL)");
      if (!created.ok()) {
        return Status(StatusCode::kFailedPrecondition,
                      "the database has no callboard schema and this role cannot create it (" +
                          created.message() + "); run `callboard migrate --db <owner URL>` first");
      }
    }
    for (const EmbeddedMigration& m : migrations) {
      if (m.version <= version) continue;
      const std::string label =
          "migration " + std::to_string(m.version) + " (" + std::string(m.name) + ")";
      Status done = conn.Exec(m.sql);
      if (!done.ok()) {
        return Status(
            done.code() == StatusCode::kInternal ? StatusCode::kFailedPrecondition : done.code(),
            label + " failed: " + done.message() +
                " (migrations run as the schema owner: `callboard migrate --db "
                "<owner URL>`)");
      }
      auto recorded =
          conn.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                       m.version, std::string(m.name), NowMillis());
      if (!recorded)
        return Status(recorded.error().code(), label + " failed: " + recorded.error().message());
      ++applied;
    }
  }
  if (applied > 0 || !roles.app_role.empty()) CB_RETURN_IF_ERROR(conn.Exec(kRowSecurity));
  if (!roles.app_role.empty()) CB_RETURN_IF_ERROR(SetUpRole(conn, roles));
  return applied;
}

}  // namespace

Result<int> RunPgMigrations(PgConnection& conn, std::span<const EmbeddedMigration> migrations,
                            const PgRoleSetup& roles) {
  CB_RETURN_IF_ERROR(conn.Exec("BEGIN"));
  conn.BeginTransaction();
  auto applied = Migrate(conn, migrations, roles);
  if (!applied) {
    conn.EndTransaction();
    (void)conn.Exec("ROLLBACK");
    return applied.error();
  }
  CB_RETURN_IF_ERROR(conn.Commit());
  return applied;
}

}  // namespace callboard
