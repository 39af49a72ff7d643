#include "storage/postgres/pg_query.h"

namespace callboard::pg {

Result<PgStatement> PgQuery::Prepare(PgConnection& conn) const {
  auto stmt = conn.Prepare(sql_);
  if (!stmt) return stmt.error();
  for (const PgValue& arg : args_) stmt->Bind(arg);
  return stmt;
}

std::string IdArray(const std::vector<int64_t>& ids) {
  std::string out = "{";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  out += '}';
  return out;
}

std::vector<int64_t> SortedUnique(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::vector<std::string> SortedUnique(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

Status CheckReference(PgConnection& conn, std::string_view table, int64_t tenant_id, int64_t id,
                      std::string_view field, std::vector<FieldError>& errors) {
  auto stmt = conn.Prepare("SELECT 1 FROM " + std::string(table) +
                           " WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL");
  if (!stmt) return stmt.error();
  stmt->Bind(tenant_id, id);
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) {
    errors.push_back({std::string(field), "not_found", "no such object: " + std::to_string(id)});
  }
  return Status::Ok();
}

}  // namespace callboard::pg
