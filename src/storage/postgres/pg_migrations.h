#pragma once
// Applies the PostgreSQL schema migrations and the row-level security and grants that go
// with them.
//
// Everything happens in one transaction that first takes a transaction-scoped advisory lock
// (pg_advisory_xact_lock): two nodes starting together apply each migration once, the second
// waits and then finds nothing to do. After any migration, every table of the schema with a
// tenant_id column gets ROW LEVEL SECURITY ENABLE + FORCE and the policy tenant_isolation
// (tenant_id = app.tenant_id), so a table added by a later migration is covered without
// writing its policy. With an app role, the role is created (LOGIN, no other attributes) or
// its password changed, and granted: SELECT on schema_migrations, SELECT/INSERT on tenants
// and audit_log, SELECT/INSERT/UPDATE/DELETE on the other tables, the sequences.
//
// Thread-safety: one call per connection.

#include <optional>
#include <span>
#include <string>

#include "core/status.h"
#include "storage/postgres/embedded_migrations.h"

namespace callboard {

class PgConnection;

struct PgRoleSetup {
  std::string app_role;                     // empty: no role management
  std::optional<std::string> app_password;  // set when given
};

// Returns how many migrations were applied. kFailedPrecondition when the database is newer
// than `migrations`, or when migrations are pending and the connected role may not apply them.
Result<int> RunPgMigrations(PgConnection& conn, std::span<const EmbeddedMigration> migrations,
                            const PgRoleSetup& roles);

}  // namespace callboard
