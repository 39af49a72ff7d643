#pragma once
// Maps SQLite result codes to Status (the only place that does):
//   UNIQUE / PRIMARY KEY constraint -> kAlreadyExists "<field> already in use"
//   FOREIGN KEY constraint          -> kInvalidArgument with a field error
//   BUSY, LOCKED, IOERR, FULL, CANTOPEN, PROTOCOL -> kUnavailable
//   anything else                   -> kInternal with SQLite's message
//
// Thread-safety: reads the error state of `db`, so call it on the thread using `db`, right
// after the failing call.

#include <string_view>

#include "core/status.h"

struct sqlite3;

namespace callboard {

// `rc` is the (possibly primary) result code of the failing call; `db` may be null (then
// only `rc` is used). `context` prefixes the message, e.g. "open /data/callboard.db".
Status SqliteError(sqlite3* db, int rc, std::string_view context = {});

// The API field a UNIQUE constraint message names, e.g. "UNIQUE constraint failed:
// sites.tenant_id, sites.name" -> "name"; "agent_pbx_ids.pbx_id" -> "pbx_ids". Exposed for
// tests.
std::string UniqueFieldFromMessage(std::string_view message);

}  // namespace callboard
