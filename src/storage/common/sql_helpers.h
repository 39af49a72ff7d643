#pragma once
// Store helpers written once for both backends: `Conn` is SqliteConnection or PgConnection,
// `Query` their query builder (SqlQuery, pg::PgQuery); both prepare, bind, step and read alike.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
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

// The single row `query` selects, read by `read`, or kNotFound naming `what`.
template <typename T, typename Conn, typename Query, typename Read>
Result<T> FetchOne(Conn& conn, const Query& query, Read read, const char* what) {
  auto stmt = query.Prepare(conn);
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return Status::NotFound(std::string(what) + " not found");
  return read(*stmt);
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

// Sorted, without repeats.
template <typename T>
std::vector<T> SortedUnique(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// Runs `sql` with parameters (tenant_id, `owners` as the backend's one-value id list, e.g.
// JsonIdArray or pg::IdArray); each row is (owner id, value). Returns the values grouped by
// owner, in row order. Nothing is run for no owners.
template <typename V, typename Conn>
Result<std::unordered_map<int64_t, std::vector<V>>> LoadLinksOf(Conn& conn, std::string_view sql,
                                                                int64_t tenant_id,
                                                                const std::vector<int64_t>& owners,
                                                                const std::string& owner_list) {
  std::unordered_map<int64_t, std::vector<V>> out;
  if (owners.empty()) return out;
  auto stmt = conn.Prepare(sql);
  if (!stmt) return stmt.error();
  stmt->Bind(tenant_id, owner_list);
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    if constexpr (std::is_same_v<V, std::string>) {
      out[stmt->Int(0)].push_back(stmt->Text(1));
    } else {
      out[stmt->Int(0)].push_back(stmt->Int(1));
    }
  }
  return out;
}

// Checks that `id` names a live (not deleted) row of `table` in the tenant; otherwise adds a
// field error for `field` to `errors`. `table` is a constant of the caller, never input.
template <typename Conn>
Status CheckReference(Conn& conn, std::string_view table, int64_t tenant_id, int64_t id,
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

}  // namespace callboard
