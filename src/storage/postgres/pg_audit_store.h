#pragma once
// PgAuditStore: AuditStore over one PostgreSQL connection; the SQL is AuditStoreSql's, shared with
// SQLite.
// Thread-safety: as its connection; lives inside a transaction.

#include "storage/common/audit_store_sql.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_query.h"

namespace callboard {

class PgAuditStore final : public AuditStoreSql<PgConnection, pg::PgQuery> {
 public:
  using AuditStoreSql::AuditStoreSql;
};

}  // namespace callboard
