#include "storage/postgres/pg_query.h"

namespace callboard::pg {

Result<PgStatement> PgQuery::Prepare(PgConnection& conn) const {
  auto stmt = conn.Prepare(sql_);
  if (!stmt) return stmt.error();
  for (const PgValue& arg : args_) stmt->Bind(arg);
  return stmt;
}

std::string PgQuery::IdList(const std::vector<int64_t>& ids) { return IdArray(ids); }

std::string IdArray(const std::vector<int64_t>& ids) {
  std::string out = "{";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  out += '}';
  return out;
}

}  // namespace callboard::pg
