#pragma once
// Helpers shared by the PostgreSQL stores (namespace pg, apart from the SQLite ones): a
// WHERE-clause builder for lists with optional filters, keyset pagination and loading of link
// lists (team supervisors, user LOBs, PBX ids).
//
// Thread-safety: as PgConnection (one thread at a time).

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/page.h"
#include "core/status.h"
#include "storage/common/sql_helpers.h"
#include "storage/postgres/pg_connection.h"

namespace callboard::pg {

inline PgValue ToPgValue(int64_t v) { return v; }
inline PgValue ToPgValue(int v) { return static_cast<int64_t>(v); }
inline PgValue ToPgValue(std::string v) { return v; }
inline PgValue ToPgValue(TimePoint v) { return ToUnixMillis(v); }

// A SELECT whose WHERE clause grows one condition at a time, with its parameters.
class PgQuery {
 public:
  explicit PgQuery(std::string select) : sql_(std::move(select)) {}

  // Appends "AND condition" (or "WHERE condition" first); `args` bind its '?'s in order.
  template <typename... Args>
  PgQuery& Where(std::string_view condition, Args... args) {
    sql_ += has_where_ ? " AND " : " WHERE ";
    has_where_ = true;
    sql_ += condition;
    (args_.push_back(ToPgValue(std::move(args))), ...);
    return *this;
  }
  // Appends text without a condition (ORDER BY, LIMIT …) and its parameters.
  template <typename... Args>
  PgQuery& Append(std::string_view text, Args... args) {
    sql_ += text;
    (args_.push_back(ToPgValue(std::move(args))), ...);
    return *this;
  }

  // Prepares the statement and binds every parameter.
  Result<PgStatement> Prepare(PgConnection& conn) const;

  // Dialect pieces of the stores shared with SQLite: `column` among the ids of one bound
  // parameter (IdList's value), and "`text` contains `part`".
  static std::string InIds(std::string_view column) {
    return std::string(column) + " = ANY(?::bigint[])";
  }
  static std::string IdList(const std::vector<int64_t>& ids);
  // The texts of the JSON array bound to its one parameter, in order (column 0).
  static const char* JsonArrayTexts() {
    return "SELECT value FROM json_array_elements_text(?::json) WITH ORDINALITY AS t (value, key)"
           " ORDER BY key";
  }
  static std::string Contains(std::string_view text, std::string_view part) {
    return "strpos(" + std::string(text) + ", " + std::string(part) + ") > 0";
  }

 private:
  std::string sql_;
  bool has_where_ = false;
  std::vector<PgValue> args_;
};

// A PostgreSQL array literal: {1,NULL,3} or {"a","b \"c\""}, one element at a time; with
// `unnest(?::bigint[], ?::text[] …)` one statement writes many rows.
class ArrayLiteral {
 public:
  void Add(int64_t v) { Next() += std::to_string(v); }
  void Add(const std::optional<int64_t>& v) {
    if (v) {
      Add(*v);
    } else {
      Next() += "NULL";
    }
  }
  void Add(std::string_view v) {
    std::string& out = Next();
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  std::string Take() {
    text_ += '}';
    return std::move(text_);
  }

 private:
  std::string& Next() {
    text_ += text_.size() > 1 ? "," : "";
    return text_;
  }
  std::string text_ = "{";
};

// An array literal of ids ("{3,5,8}") for `x = ANY(?::bigint[])`: one statement text for
// any number of ids.
std::string IdArray(const std::vector<int64_t>& ids);

// Runs `sql` with parameters (tenant_id, JSON array of owner ids); each row is (owner id,
// value). Returns the values grouped by owner, in row order.
template <typename V>
Result<std::unordered_map<int64_t, std::vector<V>>> LoadLinks(PgConnection& conn,
                                                              std::string_view sql,
                                                              int64_t tenant_id,
                                                              const std::vector<int64_t>& owners) {
  return LoadLinksOf<V>(conn, sql, tenant_id, owners, IdArray(owners));
}

}  // namespace callboard::pg
