#pragma once
// Reading rows, written once for both backends: `Conn` is SqliteConnection or PgConnection,
// `Query` their query builder (SqlQuery, pg::PgQuery); both prepare, step and read alike.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "core/page.h"
#include "core/status.h"

namespace callboard {

// page.limit within 1..kMaxPageLimit.
inline int PageLimit(const PageRequest& page) { return std::clamp(page.limit, 1, kMaxPageLimit); }

// Runs `query` for one page of rows keyed by the column `key` (ascending, or descending when
// `descending`; page.after_id means key > after_id, or key < after_id when descending).
// `read` makes a T of the current row; `key_of` gives its key. next_after is set when the
// page is full.
template <typename T, typename Conn, typename Query, typename Read, typename KeyOf>
Result<Page<T>> FetchPage(Conn& conn, Query query, std::string_view key, bool descending,
                          const PageRequest& page, Read read, KeyOf key_of) {
  const int limit = PageLimit(page);
  if (page.after_id) {
    query.Where(std::string(key) + (descending ? " < ?" : " > ?"), *page.after_id);
  }
  query.Append(" ORDER BY " + std::string(key) + (descending ? " DESC" : "") + " LIMIT ?", limit);
  auto stmt = query.Prepare(conn);
  if (!stmt) return stmt.error();
  Page<T> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.items.push_back(read(*stmt));
  }
  if (static_cast<int>(out.items.size()) == limit) out.next_after = key_of(out.items.back());
  return out;
}

// Every row of `query`, each turned into a T by `read`.
template <typename T, typename Conn, typename Query, typename Read>
Result<std::vector<T>> FetchAll(Conn& conn, const Query& query, Read read) {
  auto stmt = query.Prepare(conn);
  if (!stmt) return stmt.error();
  std::vector<T> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read(*stmt));
  }
  return out;
}

}  // namespace callboard
