#pragma once
// SqliteOrgStore: OrgStore over one SQLite connection; the SQL is OrgStoreSql's, shared with
// PostgreSQL (its header lists what this backend guarantees).
// Thread-safety: as its connection; lives inside a transaction.

#include "storage/common/org_store_sql.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_query.h"

namespace callboard {

class SqliteOrgStore final : public OrgStoreSql<SqliteConnection, SqlQuery> {
 public:
  using OrgStoreSql::OrgStoreSql;
};

}  // namespace callboard
