#include "kpi/reaggregate.h"

#include <map>
#include <tuple>

#include "core/intervals.h"
#include "kpi/auto_fcr.h"
#include "kpi/kpi_store.h"
#include "store/transaction.h"

namespace callboard {

Result<ReaggregateSummary> Reaggregate(Database& db, TenantScope scope, TimePoint from,
                                       TimePoint to) {
  if (to <= from) return Status::Invalid({{"to", "invalid", "must be after from"}});
  ReaggregateSummary summary;
  summary.from = BucketStart(from);
  summary.to = BucketStart(to) == to ? to : BucketStart(to) + kBucketLength;
  CB_RETURN_IF_ERROR(db.Write([&](Transaction& tx) -> Status {
    KpiStore& store = tx.Kpi();
    auto queues = store.ListQueues(scope);
    if (!queues) return queues.error();
    std::map<int64_t, QueueSettings> settings;
    for (const QueueConfig& q : *queues) settings[q.id] = q.settings;
    std::map<std::tuple<int64_t, int64_t, TimePoint>, IntervalCounters> sums;
    summary.calls = 0;
    CB_RETURN_IF_ERROR(
        store.ScanCalls(scope, summary.from, summary.to, [&](const StoredCall& c) -> Status {
          if (!c.queue_id) return Status::Ok();
          const QueueSettings& s = settings[*c.queue_id];
          const TimePoint bucket = BucketStart(c.call.started_at);
          const std::optional<bool> fcr = EffectiveFcr(c);
          CountCall(sums[{*c.queue_id, 0, bucket}], c.call, s, fcr);
          if (c.agent_id) {
            CountCall(sums[{*c.queue_id, *c.agent_id, bucket}], c.call, s, fcr);
          }
          ++summary.calls;
          return Status::Ok();
        }));
    CB_RETURN_IF_ERROR(store.DeleteAggregates(scope, summary.from, summary.to));
    std::vector<AggregateRow> rows;
    rows.reserve(sums.size());
    for (const auto& [key, counters] : sums) {
      const auto& [queue_id, agent_id, bucket] = key;
      rows.push_back({queue_id, agent_id, bucket, counters});
    }
    return store.AddAggregates(scope, rows);
  }));
  return summary;
}

}  // namespace callboard
