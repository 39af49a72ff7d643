#include "storage/sqlite/sqlite_error.h"

#include <sqlite3.h>

#include <string>

namespace callboard {

namespace {

// Columns whose API field has another name.
struct FieldAlias {
  std::string_view column;  // table.column
  std::string_view field;
};
constexpr FieldAlias kFieldAliases[] = {
    {"agent_pbx_ids.pbx_id", "pbx_ids"},
    {"team_supervisors.user_id", "supervisor_ids"},
    {"user_lobs.lob_id", "lob_ids"},
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string UniqueFieldFromMessage(std::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos) return "value";
  std::string_view rest = message.substr(colon + 2);
  if (rest.starts_with("index ")) {  // an expression index: "index 'users_email'"
    return "value";
  }
  // "t.tenant_id, t.name": the last column that is not the tenant names the field.
  std::string_view chosen;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view column = Trim(rest.substr(0, comma));
    if (!column.ends_with(".tenant_id")) chosen = column;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (chosen.empty()) return "value";
  for (const FieldAlias& alias : kFieldAliases) {
    if (alias.column == chosen) return std::string(alias.field);
  }
  const size_t dot = chosen.find('.');
  return std::string(dot == std::string_view::npos ? chosen : chosen.substr(dot + 1));
}

Status SqliteError(sqlite3* db, int rc, std::string_view context) {
  const int code = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (!context.empty()) message = std::string(context) + ": " + message;

  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status::Exists(UniqueFieldFromMessage(message) + " already in use");
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Status::Invalid({{"reference", "not_found", "refers to a row that does not exist"}},
                             "foreign key constraint failed");
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
      return Status::Unavailable("database unavailable: " + message);
    default:
      return Status::Internal("database error: " + message);
  }
}

}  // namespace callboard
