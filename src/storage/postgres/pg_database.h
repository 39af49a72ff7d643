#pragma once
// The PostgreSQL backend of Database (store/transaction.h): for many callboard nodes sharing
// one database (DESIGN §2 "Storage").
//
// A pool of connections serves Write() and Read(): each call borrows one and runs its work in
// one transaction (Read: REPEATABLE READ READ ONLY, one snapshot). Every store call sets
// app.tenant_id for the transaction (SET LOCAL), which the row-level security policies of the
// tenant-owned tables check. A connection lost to the server answers kUnavailable and is
// reconnected on its next use.
//
// Migrate() applies the embedded migrations (src/storage/migrations/postgres) in one
// transaction under an advisory lock, so nodes starting together do not race; when
// options.app_role is set it then creates or updates that login role and grants it what the
// application needs, nothing more. Migrating needs the schema owner; serving should use the
// app role (WarnIfPrivileged).
//
//   auto db = OpenPostgresDatabase({.url = "postgresql://callboard@db/callboard"});
//   if (!db) return db.error();
//
// Thread-safety: the returned Database is safe to use from any thread. No call may be in
// progress when it is destroyed.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "core/status.h"
#include "store/transaction.h"

namespace callboard {

struct PostgresOptions {
  std::string url;  // postgresql://user[:password]@host[:port]/database[?…] or key=value
  int connections = 8;
  std::chrono::seconds connect_timeout{10};
  // Longest wait for a free connection before kUnavailable.
  std::chrono::milliseconds acquire_timeout{30000};
  // Migrate(): the login role the application serves as; empty: no role management.
  std::string app_role;
  std::optional<std::string> app_password;  // set (or changed) when given
};

// Checks the options and connects the first connection (the rest connect on demand).
// kInvalidArgument on bad options, kUnavailable when the server cannot be reached.
Result<std::unique_ptr<Database>> OpenPostgresDatabase(const PostgresOptions& options);

// True for URLs that name a PostgreSQL database (postgresql:// or postgres://).
bool IsPostgresUrl(const std::string& url);

// What is wrong with serving as the role that `options.url` logs in as: "a superuser (or has
// BYPASSRLS)", "the owner of the tables (N tables, e.g. agents)", or empty for an unprivileged
// role (row-level security applies to it).
Result<std::string> PostgresPrivilege(const PostgresOptions& options);

}  // namespace callboard
