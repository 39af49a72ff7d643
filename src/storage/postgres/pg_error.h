#pragma once
// Maps PostgreSQL errors to Status codes, like sqlite_error.h does for SQLite:
//   unique violation (23505)        -> kAlreadyExists "<field> already in use"
//   foreign key violation (23503)   -> kInvalidArgument, field "reference"
//   lost connection, class 08, 57P0x, 53xxx, serialization failure, deadlock, lock timeout
//                                   -> kUnavailable (HTTP 503: retry later)
//   anything else                   -> kInternal
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "core/status.h"

namespace callboard {

// The API field named by a unique violation's detail ("Key (tenant_id, name)=(1, x) already
// exists.") on `table`: the last key column that is not tenant_id, with link tables' columns
// renamed to their API field; "value" when it cannot be told.
std::string UniqueFieldFromDetail(std::string_view table, std::string_view detail);

// The API field named by a unique violation of constraint (or unique index) `constraint` on
// `table`: the server hides the key in the detail of tables with row-level security, so the
// name tells: "sites_name" -> "name", "audit_log_tenant_id_seq_key" -> "seq", link tables'
// keys -> their API field ("agent_pbx_ids_pbx" -> "pbx_ids").
std::string UniqueFieldFromConstraint(std::string_view table, std::string_view constraint);

// The Status for SQLSTATE `sqlstate` with the server's message, detail, table and constraint.
Status PgErrorStatus(std::string_view sqlstate, std::string_view message, std::string_view detail,
                     std::string_view table, std::string_view context,
                     std::string_view constraint = {});

}  // namespace callboard
