#pragma once
// AuditLog: records every mutation (and sensitive read) of a tenant as an entry
// hash-chained to the tenant's previous entry, and verifies the chain.
//
//   CB_RETURN_IF_ERROR(audit.Record(tx, scope, ctx,
//       {.action = "user.create", .object_type = "user", .object_id = id, .after_json = j}));
//
// Thread-safety: stateless apart from the clock; safe from any thread. Record must run
// inside a write transaction, which serialises appends of one tenant.

#include <cstdint>
#include <optional>
#include <string>

#include "audit/audit_store.h"
#include "core/clock.h"
#include "core/status.h"
#include "core/tenant_scope.h"

namespace callboard {

class Database;
class Transaction;

// Who did it and from where: taken from the request (or "cli" on the command line).
struct AuditContext {
  std::optional<int64_t> actor_user_id;
  std::string actor = "cli";
  std::string request_id;
  std::string ip;
};

// What was done.
struct AuditRecord {
  std::string action;       // "<object>.<verb>", e.g. "user.update"
  std::string object_type;  // e.g. "user"
  std::optional<int64_t> object_id;
  std::string before_json;  // state before, JSON text; empty for creations
  std::string after_json;   // state after, JSON text; empty for deletions
};

struct AuditVerification {
  int64_t entries_checked = 0;
  bool intact = true;
  std::optional<int64_t> broken_seq;  // first entry whose chain does not hold
  std::string reason;                 // why it is broken
};

class AuditLog {
 public:
  explicit AuditLog(const Clock& clock) : clock_(clock) {}

  Status Record(Transaction& tx, TenantScope scope, const AuditContext& ctx,
                const AuditRecord& record) const;

  // Walks the tenant's chain from the first entry.
  Result<AuditVerification> Verify(Database& db, TenantScope scope) const;

 private:
  const Clock& clock_;
};

// SHA-256 (hex) over the tenant id, the entry's fields and its prev_hash, each
// length-prefixed so that no two different entries serialise alike.
std::string AuditEntryHash(int64_t tenant_id, const AuditEntry& entry);

inline const std::string kAuditGenesisHash(64, '0');

}  // namespace callboard
