#include "storage/sqlite/migration_runner.h"

#include <chrono>
#include <string>

#include "storage/sqlite/sqlite_connection.h"

namespace callboard {

namespace {

// The version recorded in schema_migrations; 0 for a database without the table.
Result<int64_t> CurrentVersion(SqliteConnection& conn) {
  auto exists = conn.Prepare(
      "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!exists) return exists.error();
  auto found = exists->Step();
  if (!found) return found.error();
  if (!*found) return int64_t{0};

  auto max = conn.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  if (!max) return max.error();
  auto row = max->Step();
  if (!row) return row.error();
  return max->Int(0);
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Applies the migration after the current version, if any. Returns whether one was applied.
Result<bool> ApplyNext(SqliteConnection& conn, std::span<const EmbeddedMigration> migrations) {
  const int64_t known = migrations.empty() ? 0 : migrations.back().version;
  auto version = CurrentVersion(conn);
  if (!version) return version.error();
  if (*version > known) {
    return Status(StatusCode::kFailedPrecondition,
                  "database schema version " + std::to_string(*version) +
                      " is newer than this callboard binary knows (" + std::to_string(known) +
                      "); run a newer callboard or restore a matching backup");
  }
  if (*version == known) return false;

  const EmbeddedMigration& next = migrations[static_cast<size_t>(*version)];
  const std::string label =
      "migration " + std::to_string(next.version) + " (" + std::string(next.name) + ")";
  if (next.version != *version + 1) {
    return Status::Internal(label + " is out of order");
  }
  Status applied = conn.Exec(next.sql);
  if (!applied.ok()) return Status(applied.code(), label + " failed: " + applied.message());
  auto recorded =
      conn.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                   next.version, next.name, NowMillis());
  if (!recorded) {
    return Status(recorded.error().code(), label + " failed: " + recorded.error().message());
  }
  return true;
}

}  // namespace

Result<int> RunMigrations(SqliteConnection& conn, std::span<const EmbeddedMigration> migrations) {
  int applied = 0;
  for (;;) {
    // The version is read inside the transaction: IMMEDIATE takes the write lock first, so
    // another process migrating at the same time is seen and not repeated.
    CB_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
    auto step = ApplyNext(conn, migrations);
    if (!step || !*step) {
      if (conn.InTransaction()) (void)conn.Exec("ROLLBACK");
      if (!step) return step.error();
      return applied;
    }
    Status committed = conn.Exec("COMMIT");
    if (!committed.ok()) {
      if (conn.InTransaction()) (void)conn.Exec("ROLLBACK");
      return committed;
    }
    ++applied;
  }
}

}  // namespace callboard
