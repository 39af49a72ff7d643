#pragma once
// PgSourceStore: SourceStore over one PostgreSQL connection (schema 0003_sources.sql,
// 0010_ami_sources.sql); the SQL is SourceStoreSql's, shared with SQLite.
// Thread-safety: as its connection.

#include "storage/common/source_store_sql.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_query.h"

namespace callboard {

class PgSourceStore final : public SourceStoreSql<PgConnection, pg::PgQuery> {
 public:
  using SourceStoreSql::SourceStoreSql;
};

}  // namespace callboard
