#pragma once
// SqliteAuditStore: AuditStore over one SQLite connection; the SQL is AuditStoreSql's, shared with
// PostgreSQL.
// Thread-safety: as its connection; lives inside a transaction.

#include "storage/common/audit_store_sql.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_query.h"

namespace callboard {

class SqliteAuditStore final : public AuditStoreSql<SqliteConnection, SqlQuery> {
 public:
  using AuditStoreSql::AuditStoreSql;
};

}  // namespace callboard
