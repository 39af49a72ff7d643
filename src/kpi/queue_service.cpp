#include "kpi/queue_service.h"

#include <boost/json.hpp>
#include <cmath>

#include "store/transaction.h"

namespace callboard {

QueueService::QueueService(Database& db, const Clock& clock, const AuditLog& audit)
    : db_(db), clock_(clock), audit_(audit) {}

Result<QueueConfig> QueueService::Get(const Principal& p, int64_t id) {
  std::optional<QueueConfig> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto q = tx.Kpi().GetQueue(p.tenant(), id);
    if (!q) return q.error();
    out = std::move(*q);
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<std::vector<QueueConfig>> QueueService::List(const Principal& p) {
  std::vector<QueueConfig> out;
  CB_RETURN_IF_ERROR(db_.Read([&](Transaction& tx) -> Status {
    auto q = tx.Kpi().ListQueues(p.tenant());
    if (!q) return q.error();
    out = std::move(*q);
    return Status::Ok();
  }));
  return out;
}

Result<QueueConfig> QueueService::Update(const Principal& p, int64_t id,
                                         const QueueSettingsPatch& patch, const AuditContext& ctx) {
  const TenantScope scope = p.tenant();
  std::optional<QueueConfig> out;
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    auto before = tx.Kpi().GetQueue(scope, id);
    if (!before) return before.error();
    QueueConfig next = *before;
    if (patch.sl_threshold_s) next.settings.sl_threshold_s = *patch.sl_threshold_s;
    if (patch.short_abandon_s) next.settings.short_abandon_s = *patch.short_abandon_s;
    if (patch.sl_formula) next.settings.sl_formula = *patch.sl_formula;
    if (patch.target_sl) next.target_sl = *patch.target_sl;
    Status valid = ValidateQueueSettings(next.settings);
    std::vector<FieldError> errors = valid.field_errors();
    if (next.target_sl && !(*next.target_sl >= 0 && *next.target_sl <= 1)) {
      errors.push_back({"target_sl", "out_of_range", "must be between 0 and 1, or null"});
    }
    if (!errors.empty()) return Status::Invalid(std::move(errors), "invalid queue settings");
    if (next.settings == before->settings && next.target_sl == before->target_sl) {
      out = std::move(*before);
      return Status::Ok();
    }
    CB_RETURN_IF_ERROR(tx.Kpi().UpdateQueue(scope, next, clock_.Now()));
    auto after = tx.Kpi().GetQueue(scope, id);
    if (!after) return after.error();
    out = *after;
    return audit_.Record(tx, scope, ctx,
                         {.action = "queue.update",
                          .object_type = "queue",
                          .object_id = id,
                          .before_json = boost::json::serialize(QueueJson(*before)),
                          .after_json = boost::json::serialize(QueueJson(*after))});
  }));
  return std::move(*out);
}

boost::json::object QueueJson(const QueueConfig& q) {
  boost::json::value target = nullptr;
  if (q.target_sl) target = std::round(*q.target_sl * 1e6) / 1e6;
  return {{"id", q.id},
          {"name", q.name},
          {"sl_threshold_s", q.settings.sl_threshold_s},
          {"short_abandon_s", q.settings.short_abandon_s},
          {"sl_formula", SlFormulaName(q.settings.sl_formula)},
          {"target_sl", std::move(target)},
          {"settings_version", q.settings_version},
          {"created_at", FormatRfc3339(q.created_at)},
          {"updated_at", FormatRfc3339(q.updated_at)}};
}

}  // namespace callboard
