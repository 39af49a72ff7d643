#pragma once
// SqliteSourceStore: SourceStore over one SQLite connection (schema 0003_sources.sql,
// 0010_ami_sources.sql); the SQL is SourceStoreSql's, shared with PostgreSQL.
// Thread-safety: as its connection.

#include "storage/common/source_store_sql.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_query.h"

namespace callboard {

class SqliteSourceStore final : public SourceStoreSql<SqliteConnection, SqlQuery> {
 public:
  using SourceStoreSql::SourceStoreSql;
};

}  // namespace callboard
