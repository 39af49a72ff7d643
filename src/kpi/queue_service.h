#pragma once
// QueueService: the tenant's queues and their KPI settings (DESIGN §3.4). A settings change
// is validated, stored as a new settings version and audited with its before and after
// state, all in one transaction; reports name the version they used.
//
//   QueueSettingsPatch patch{.sl_threshold_s = 30, .sl_formula = SlFormula::kAbandonsIgnored};
//   auto queue = queues.Update(principal, queue_id, patch, audit_ctx);
//
// Queues are structure, not people: every principal allowed to call sees all of the
// tenant's queues. Permission to call at all is checked by the caller (the route table).
// Thread-safety: safe from any thread.

#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/permission.h"
#include "core/kpi.h"
#include "core/status.h"
#include "kpi/kpi_store.h"

namespace callboard {

class Database;

// The settings fields a change sets; absent fields keep their values.
struct QueueSettingsPatch {
  std::optional<int> sl_threshold_s;
  std::optional<int> short_abandon_s;
  std::optional<SlFormula> sl_formula;
  std::optional<std::optional<double>> target_sl;  // inner nullopt clears the target
};

class QueueService {
 public:
  QueueService(Database& db, const Clock& clock, const AuditLog& audit);

  // By id; kNotFound for an id of another tenant or a deleted queue.
  Result<QueueConfig> Get(const Principal& p, int64_t id);
  // Every queue of the tenant, by id.
  Result<std::vector<QueueConfig>> List(const Principal& p);
  // Applies `patch`. kInvalidArgument with a field error per bad field (ValidateQueueSettings,
  // target_sl outside 0..1). A patch that changes nothing stores and audits nothing and keeps
  // the version; otherwise settings_version goes up by one and a "queue.update" entry holds
  // the queue before and after.
  Result<QueueConfig> Update(const Principal& p, int64_t id, const QueueSettingsPatch& patch,
                             const AuditContext& ctx);

 private:
  Database& db_;
  const Clock& clock_;
  const AuditLog& audit_;
};

// {"id","name","sl_threshold_s","short_abandon_s","sl_formula","target_sl","settings_version",
//  "created_at","updated_at"}: the API's form and the audit entries' before/after state.
boost::json::object QueueJson(const QueueConfig& queue);

}  // namespace callboard
