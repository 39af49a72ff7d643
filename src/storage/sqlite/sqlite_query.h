#pragma once
// Helpers shared by the SQLite stores: a WHERE-clause builder for lists with optional filters,
// keyset pagination and loading of link lists (team supervisors, user LOBs, PBX ids).
//
// Thread-safety: as SqliteConnection (one thread at a time).

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/page.h"
#include "core/status.h"
#include "storage/common/sql_helpers.h"
#include "storage/sqlite/sqlite_connection.h"

namespace callboard {

inline SqlValue ToSqlValue(int64_t v) { return v; }
inline SqlValue ToSqlValue(int v) { return static_cast<int64_t>(v); }
inline SqlValue ToSqlValue(std::string v) { return v; }
inline SqlValue ToSqlValue(TimePoint v) { return ToUnixMillis(v); }

// A SELECT whose WHERE clause grows one condition at a time, with its parameters.
class SqlQuery {
 public:
  explicit SqlQuery(std::string select) : sql_(std::move(select)) {}

  // Appends "AND condition" (or "WHERE condition" first); `args` bind its '?'s in order.
  template <typename... Args>
  SqlQuery& Where(std::string_view condition, Args... args) {
    sql_ += has_where_ ? " AND " : " WHERE ";
    has_where_ = true;
    sql_ += condition;
    (args_.push_back(ToSqlValue(std::move(args))), ...);
    return *this;
  }
  // Appends text without a condition (ORDER BY, LIMIT …) and its parameters.
  template <typename... Args>
  SqlQuery& Append(std::string_view text, Args... args) {
    sql_ += text;
    (args_.push_back(ToSqlValue(std::move(args))), ...);
    return *this;
  }

  // Prepares the statement and binds every parameter.
  Result<SqliteStatement> Prepare(SqliteConnection& conn) const;

  // Dialect pieces of the stores shared with PostgreSQL: `column` among the ids of one bound
  // parameter (IdList's value), and "`text` contains `part`".
  static std::string InIds(std::string_view column) {
    return std::string(column) + " IN (SELECT value FROM json_each(?))";
  }
  static std::string IdList(const std::vector<int64_t>& ids);
  // The texts of the JSON array bound to its one parameter, in order (column 0).
  static const char* JsonArrayTexts() { return "SELECT value FROM json_each(?) ORDER BY key"; }
  static std::string Contains(std::string_view text, std::string_view part) {
    return "instr(" + std::string(text) + ", " + std::string(part) + ") > 0";
  }

 private:
  std::string sql_;
  bool has_where_ = false;
  std::vector<SqlValue> args_;
};

// A JSON array of ids ("[3,5,8]") for `x IN (SELECT value FROM json_each(?))`: one statement
// text for any number of ids.
std::string JsonIdArray(const std::vector<int64_t>& ids);

// Runs `sql` with parameters (tenant_id, JSON array of owner ids); each row is (owner id,
// value). Returns the values grouped by owner, in row order.
template <typename V>
Result<std::unordered_map<int64_t, std::vector<V>>> LoadLinks(SqliteConnection& conn,
                                                              std::string_view sql,
                                                              int64_t tenant_id,
                                                              const std::vector<int64_t>& owners) {
  return LoadLinksOf<V>(conn, sql, tenant_id, owners, JsonIdArray(owners));
}

}  // namespace callboard
