#pragma once
// PgLiveStore: LiveStore over one PostgreSQL connection (schema 0009_live.sql); the SQL is
// LiveStoreSql's, shared with SQLite.
// Thread-safety: as its connection.

#include "storage/common/live_store_sql.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_query.h"

namespace callboard {

class PgLiveStore final : public LiveStoreSql<PgConnection, pg::PgQuery> {
 public:
  using LiveStoreSql::LiveStoreSql;
};

}  // namespace callboard
