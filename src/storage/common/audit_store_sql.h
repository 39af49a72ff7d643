#pragma once
// AuditStoreSql: the AuditStore over one connection, written once for both backends (see
// SourceStoreSql); audit/audit_store.h states the contract. The table itself refuses UPDATE
// and DELETE (0001_foundation.sql of either backend).
//
// List: newest first (descending seq); page.after_id means seq < after_id and next_after is
// the last seq of a full page.
//
// Thread-safety: as its connection; lives inside a transaction.

#include <optional>
#include <string>
#include <vector>

#include "audit/audit_store.h"
#include "storage/common/sql_helpers.h"

namespace callboard {

namespace audit_sql {

inline constexpr const char* kEntryColumns =
    "SELECT id, seq, at, actor_user_id, actor, action, object_type, object_id, before_json,"
    " after_json, request_id, ip, prev_hash, hash FROM audit_log";

inline constexpr auto ReadEntry = [](const auto& s) -> AuditEntry {
  return {.id = s.Int(0),
          .seq = s.Int(1),
          .at = s.Time(2),
          .actor_user_id = s.OptInt(3),
          .actor = s.Text(4),
          .action = s.Text(5),
          .object_type = s.Text(6),
          .object_id = s.OptInt(7),
          .before_json = s.Text(8),
          .after_json = s.Text(9),
          .request_id = s.Text(10),
          .ip = s.Text(11),
          .prev_hash = s.Text(12),
          .hash = s.Text(13)};
};

// The first string after every string starting with `prefix`: "user." -> "user/".
// REQUIRES: prefix is not empty and does not end in '\xff'.
inline std::string PrefixEnd(std::string prefix) {
  prefix.back() = static_cast<char>(prefix.back() + 1);
  return prefix;
}

}  // namespace audit_sql

template <class Conn, class Query>
class AuditStoreSql : public AuditStore {
 public:
  explicit AuditStoreSql(Conn& conn) : conn_(conn) {}

  Result<std::optional<AuditEntry>> LastEntry(TenantScope scope) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    // Writers of one tenant's chain take turns until they commit (PostgreSQL: nodes and
    // connections write in parallel), so LastEntry + Append never race.
    CB_RETURN_IF_ERROR(conn_.LockUntilCommit("callboard.audit", scope.tenant_id()));
    Query q(audit_sql::kEntryColumns);
    q.Where("tenant_id = ?", scope.tenant_id()).Append(" ORDER BY seq DESC LIMIT 1");
    auto stmt = q.Prepare(conn_);
    if (!stmt) return stmt.error();
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return std::optional<AuditEntry>();
    return std::optional<AuditEntry>(audit_sql::ReadEntry(*stmt));
  }

  Result<AuditEntry> Append(TenantScope scope, const AuditEntry& entry) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    auto done = conn_.Execute(
        std::string(
            "INSERT INTO audit_log (tenant_id, seq, at, actor_user_id, actor, action, object_type,"
            " object_id, before_json, after_json, request_id, ip, prev_hash, hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") +
            Conn::kReturningId,
        scope.tenant_id(), entry.seq, entry.at, entry.actor_user_id, entry.actor, entry.action,
        entry.object_type, entry.object_id, entry.before_json, entry.after_json, entry.request_id,
        entry.ip, entry.prev_hash, entry.hash);
    if (!done) return done.error();
    AuditEntry out = entry;
    out.id = conn_.LastInsertId();
    return out;
  }

  Result<Page<AuditEntry>> List(TenantScope scope, const AuditFilter& filter,
                                const PageRequest& page) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    Query q(audit_sql::kEntryColumns);
    q.Where("tenant_id = ?", scope.tenant_id());
    if (filter.actor_user_id) q.Where("actor_user_id = ?", *filter.actor_user_id);
    if (filter.action) {
      const std::string& action = *filter.action;
      if (action.size() > 1 && action.back() == '.') {
        // A prefix as a range, so the (tenant_id, action, seq) index serves it.
        q.Where("action >= ? AND action < ?", action, audit_sql::PrefixEnd(action));
      } else {
        q.Where("action = ?", action);
      }
    }
    if (filter.object_type) q.Where("object_type = ?", *filter.object_type);
    if (filter.object_id) q.Where("object_id = ?", *filter.object_id);
    if (filter.from) q.Where("at >= ?", *filter.from);
    if (filter.to) q.Where("at < ?", *filter.to);
    return FetchPage<AuditEntry>(conn_, std::move(q), "seq", /*descending=*/true, page,
                                 audit_sql::ReadEntry, [](const AuditEntry& e) { return e.seq; });
  }

  Result<std::vector<AuditEntry>> Scan(TenantScope scope, int64_t after_seq, int limit) override {
    CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
    std::vector<AuditEntry> out;
    if (limit <= 0) return out;
    Query q(audit_sql::kEntryColumns);
    q.Where("tenant_id = ?", scope.tenant_id())
        .Where("seq > ?", after_seq)
        .Append(" ORDER BY seq LIMIT ?", limit);
    auto stmt = q.Prepare(conn_);
    if (!stmt) return stmt.error();
    for (;;) {
      auto row = stmt->Step();
      if (!row) return row.error();
      if (!*row) return out;
      out.push_back(audit_sql::ReadEntry(*stmt));
    }
  }

 private:
  Conn& conn_;
};

}  // namespace callboard
