#pragma once
// PgOrgStore: OrgStore over one PostgreSQL connection; the SQL is OrgStoreSql's, shared with
// SQLite (its header lists what this backend guarantees).
// Thread-safety: as its connection; lives inside a transaction.

#include "storage/common/org_store_sql.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_query.h"

namespace callboard {

class PgOrgStore final : public OrgStoreSql<PgConnection, pg::PgQuery> {
 public:
  using OrgStoreSql::OrgStoreSql;
};

}  // namespace callboard
