#include "storage/postgres/pg_error.h"

namespace callboard {

namespace {

// Columns whose API field has another name.
struct FieldAlias {
  std::string_view table;
  std::string_view column;
  std::string_view field;
};
constexpr FieldAlias kFieldAliases[] = {
    {"agent_pbx_ids", "pbx_id", "pbx_ids"},
    {"team_supervisors", "user_id", "supervisor_ids"},
    {"user_lobs", "lob_id", "lob_ids"},
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Constraints whose API field the naming convention does not give.
struct ConstraintField {
  std::string_view constraint;
  std::string_view field;
};
constexpr ConstraintField kConstraintFields[] = {
    {"agent_pbx_ids_pbx", "pbx_ids"}, {"agent_pbx_ids_pkey", "pbx_ids"},
    {"agents_user", "user_id"},       {"team_supervisors_pkey", "supervisor_ids"},
    {"user_lobs_pkey", "lob_ids"},
};

}  // namespace

std::string UniqueFieldFromConstraint(std::string_view table, std::string_view constraint) {
  for (const ConstraintField& c : kConstraintFields) {
    if (c.constraint == constraint) return std::string(c.field);
  }
  if (constraint.ends_with("_pkey")) return "value";
  std::string_view rest = constraint;
  if (!table.empty() && rest.starts_with(table) && rest.size() > table.size() &&
      rest[table.size()] == '_') {
    rest.remove_prefix(table.size() + 1);
  } else {
    return "value";
  }
  if (rest.ends_with("_key")) rest.remove_suffix(4);
  if (rest.starts_with("tenant_id_")) rest.remove_prefix(10);
  return rest.empty() ? "value" : std::string(rest);
}

std::string UniqueFieldFromDetail(std::string_view table, std::string_view detail) {
  const size_t open = detail.find("Key (");
  if (open == std::string_view::npos) return "value";
  const size_t close = detail.find(")=", open);
  if (close == std::string_view::npos) return "value";
  std::string_view rest = detail.substr(open + 5, close - open - 5);
  if (rest.find('(') != std::string_view::npos) return "value";  // an expression index
  std::string_view chosen;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    const std::string_view column = Trim(rest.substr(0, comma));
    if (column != "tenant_id") chosen = column;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (chosen.empty()) return "value";
  for (const FieldAlias& alias : kFieldAliases) {
    if (alias.table == table && alias.column == chosen) return std::string(alias.field);
  }
  return std::string(chosen);
}

Status PgErrorStatus(std::string_view sqlstate, std::string_view message, std::string_view detail,
                     std::string_view table, std::string_view context,
                     std::string_view constraint) {
  std::string text(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (!context.empty()) text = std::string(context) + ": " + text;

  if (sqlstate == "23505") {
    std::string field = UniqueFieldFromDetail(table, detail);
    if (field == "value" && !constraint.empty())
      field = UniqueFieldFromConstraint(table, constraint);
    return Status::Exists(field + " already in use");
  }
  if (sqlstate == "23503") {
    return Status::Invalid({{"reference", "not_found", "refers to a row that does not exist"}},
                           "foreign key constraint failed");
  }
  const std::string_view cls = sqlstate.substr(0, 2);
  if (cls == "08" || cls == "53" || cls == "57" || sqlstate == "40001" || sqlstate == "40P01" ||
      sqlstate == "55P03") {
    return Status::Unavailable("database unavailable: " + text);
  }
  return Status::Internal("database error: " + text);
}

}  // namespace callboard
