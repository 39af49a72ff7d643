#pragma once
// AuditStore over one PostgreSQL connection (audit/audit_store.h states the contract). The table
// itself refuses UPDATE and DELETE (triggers in 0001_foundation.sql).
//
// List: newest first (descending seq); page.after_id means seq < after_id and next_after is
// the last seq of a full page.
//
// Thread-safety: as its connection; lives inside a PgTransaction.

#include "audit/audit_store.h"

namespace callboard {

class PgConnection;

class PgAuditStore final : public AuditStore {
 public:
  explicit PgAuditStore(PgConnection& conn) : conn_(conn) {}

  Result<std::optional<AuditEntry>> LastEntry(TenantScope scope) override;
  Result<AuditEntry> Append(TenantScope scope, const AuditEntry& entry) override;
  Result<Page<AuditEntry>> List(TenantScope scope, const AuditFilter& filter,
                                const PageRequest& page) override;
  Result<std::vector<AuditEntry>> Scan(TenantScope scope, int64_t after_seq, int limit) override;

 private:
  PgConnection& conn_;
};

}  // namespace callboard
