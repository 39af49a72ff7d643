#pragma once
// Applies the embedded schema migrations to a SQLite database.
//
// Each pending migration runs in its own IMMEDIATE transaction together with its
// schema_migrations row, so a failed migration leaves the database at the previous version
// and concurrent runners (two processes starting at once) apply each migration once.
//
// Thread-safety: uses `conn` only; run it on the connection's thread, outside a transaction.

#include <span>

#include "core/status.h"
#include "storage/sqlite/embedded_migrations.h"

namespace callboard {

class SqliteConnection;

// Applies the migrations of `migrations` (ascending, versions 1..n) newer than the
// database's version; returns how many were applied. Fails with kFailedPrecondition when
// the database is newer than the newest of `migrations`.
Result<int> RunMigrations(SqliteConnection& conn, std::span<const EmbeddedMigration> migrations);

}  // namespace callboard
