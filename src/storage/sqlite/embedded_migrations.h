#pragma once
// The SQLite schema migrations compiled into the binary. The table is generated at build time
// from src/storage/migrations/sqlite/NNNN_name.sql by cmake/embed_migrations.cmake.
//
// Thread-safety: immutable static data.

#include <span>

namespace callboard {

struct EmbeddedMigration {
  int version;       // 1, 2, 3 … in order, without gaps
  const char* name;  // file name without number and extension, e.g. "foundation"
  const char* sql;   // one or more statements
};

// All migrations, ascending by version.
std::span<const EmbeddedMigration> SqliteMigrations();

}  // namespace callboard
