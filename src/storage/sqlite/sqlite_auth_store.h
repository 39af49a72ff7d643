#pragma once
// AuthStore over one SQLite connection (auth/auth_store.h states the contract).
//
// Details of this backend: e-mail lookups are case-insensitive; credentials are those of live
// (not deleted) users; RevokeSession and RevokeApiToken of an already revoked row succeed
// and keep the first revocation time; RevokeUserSessions succeeds whether or not the user
// has sessions (or still exists), touching only the scope's rows; API token scopes are kept
// in the order given.
//
// Thread-safety: as its connection; lives inside a transaction.
// The SQL is AuthStoreSql's, shared with PostgreSQL.

#include "storage/common/auth_store_sql.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_query.h"

namespace callboard {

class SqliteAuthStore final : public AuthStoreSql<SqliteConnection, SqlQuery> {
 public:
  using AuthStoreSql::AuthStoreSql;
};

}  // namespace callboard
