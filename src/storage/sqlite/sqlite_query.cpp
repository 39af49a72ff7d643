#include "storage/sqlite/sqlite_query.h"

namespace callboard {

Result<SqliteStatement> SqlQuery::Prepare(SqliteConnection& conn) const {
  auto stmt = conn.Prepare(sql_);
  if (!stmt) return stmt.error();
  for (const SqlValue& arg : args_) stmt->Bind(arg);
  return stmt;
}

std::string SqlQuery::IdList(const std::vector<int64_t>& ids) { return JsonIdArray(ids); }

std::string JsonIdArray(const std::vector<int64_t>& ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(ids[i]);
  }
  out += ']';
  return out;
}

}  // namespace callboard
