#pragma once
// SqliteLiveStore: LiveStore over one SQLite connection (schema 0009_live.sql); the SQL is
// LiveStoreSql's, shared with PostgreSQL.
// Thread-safety: as its connection.

#include "storage/common/live_store_sql.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_query.h"

namespace callboard {

class SqliteLiveStore final : public LiveStoreSql<SqliteConnection, SqlQuery> {
 public:
  using LiveStoreSql::LiveStoreSql;
};

}  // namespace callboard
