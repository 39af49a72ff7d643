#pragma once
// CallLog: the stored calls (DESIGN §3.2) as a principal may see them. Scope by role:
// an agent sees the calls its linked agent answered (none when no agent is linked to the
// user); a supervisor or QA the calls of the agents in its visible teams (OrgService::
// VisibleTeams); a manager, an administrator or a "read" API token every call of the tenant.
// A call outside the scope answers kNotFound, like a call that does not exist.
//
//   auto page = calls.List(principal, CallFilter{.queue_id = 3}, PageRequest{.limit = 50});
//
// Permission to call at all is checked by the caller (the route table and handler).
// Thread-safety: safe from any thread.

#include <optional>
#include <vector>

#include "audit/audit_log.h"
#include "auth/permission.h"
#include "core/page.h"
#include "core/status.h"
#include "kpi/kpi_store.h"

namespace callboard {

class Database;
class OrgService;
class Transaction;

class CallLog {
 public:
  CallLog(Database& db, OrgService& org, const AuditLog& audit);

  // Newest first. `filter.agent_ids` narrows the scope further; it never widens it.
  Result<Page<StoredCall>> List(const Principal& p, CallFilter filter, const PageRequest& page);
  Result<StoredCall> Get(const Principal& p, int64_t id);
  // Every call of the filter in `p`'s scope, newest first, for an export: at most `max_rows`
  // (kInvalidArgument naming "filters" when more match — nothing is exported then). Audited
  // as calls.export with `description` (the filters as given) and the number of calls.
  Result<std::vector<StoredCall>> Export(const Principal& p, CallFilter filter, size_t max_rows,
                                         const std::string& description, const AuditContext& ctx);

  // The agents whose calls (and live state) `p` sees: nullopt for every agent of the tenant.
  Result<std::optional<std::vector<int64_t>>> VisibleAgents(Transaction& tx, const Principal& p);

 private:
  // Narrows `filter.agent_ids` to the agents `p` sees (never widens it).
  Status NarrowToScope(Transaction& tx, const Principal& p, CallFilter& filter);

  Database& db_;
  OrgService& org_;
  const AuditLog& audit_;
};

}  // namespace callboard
