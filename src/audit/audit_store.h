#pragma once
// AuditStore: the append-only audit log, owned by the audit domain. There is no call
// that changes or removes an entry. Entries of one tenant form a hash chain by `seq`.
//
// Thread-safety: used only through a Transaction (store/transaction.h). Appends are
// serialised by the write transaction, so LastEntry + Append inside one transaction
// never race.

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/page.h"
#include "core/status.h"
#include "core/tenant_scope.h"

namespace callboard {

struct AuditEntry {
  int64_t id = 0;
  int64_t seq = 0;  // 1, 2, 3 … per tenant
  TimePoint at;
  std::optional<int64_t> actor_user_id;  // empty for the command line or an API token
  std::string actor;                     // "user:12", "token:3", "cli"
  std::string action;                    // e.g. "user.create", "auth.login_failed"
  std::string object_type;               // e.g. "user"
  std::optional<int64_t> object_id;
  std::string before_json;  // JSON text or empty
  std::string after_json;   // JSON text or empty
  std::string request_id;
  std::string ip;
  std::string prev_hash;  // hex; 64 zeros for seq 1
  std::string hash;       // hex SHA-256 over prev_hash and the fields above
};

struct AuditFilter {
  std::optional<int64_t> actor_user_id;
  std::optional<std::string> action;  // exact, or a prefix ending in '.' ("user.")
  std::optional<std::string> object_type;
  std::optional<int64_t> object_id;
  std::optional<TimePoint> from;  // at >= from
  std::optional<TimePoint> to;    // at < to
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  virtual Result<std::optional<AuditEntry>> LastEntry(TenantScope scope) = 0;
  // Stores the entry as given (seq, hashes computed by the caller); returns it with id.
  virtual Result<AuditEntry> Append(TenantScope scope, const AuditEntry& entry) = 0;
  // Newest first when `descending`; keyset on seq via page.after_id (seq, not id).
  virtual Result<Page<AuditEntry>> List(TenantScope scope, const AuditFilter& filter,
                                        const PageRequest& page) = 0;
  // Entries in ascending seq with seq > after_seq, at most `limit`. For chain verification.
  virtual Result<std::vector<AuditEntry>> Scan(TenantScope scope, int64_t after_seq, int limit) = 0;
};

}  // namespace callboard
