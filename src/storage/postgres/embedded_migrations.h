#pragma once
// The PostgreSQL schema migrations compiled into the binary. The table is generated at build
// time from src/storage/migrations/postgres/NNNN_name.sql by cmake/embed_migrations.cmake; its
// row type is the SQLite backend's, shared by both tables.
//
// Thread-safety: immutable static data.

#include <span>

#include "storage/sqlite/embedded_migrations.h"

namespace callboard {

// All migrations, ascending by version.
std::span<const EmbeddedMigration> PostgresMigrations();

}  // namespace callboard
