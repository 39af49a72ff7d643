#pragma once
// Local-day and local-month rollups (migration 0013, src/kpi/aggregate_unit.h), written once for
// both backends: which local rows an ingest batch adds to, and how a zone's rows are rebuilt
// from the stored UTC units. A backend supplies the SQL (scans, upserts, deletes) as callables.
//
// Thread-safety: pure functions over the caller's transaction.

#include <date/tz.h>

#include <functional>
#include <map>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include "core/intervals.h"
#include "kpi/kpi_store.h"

namespace callboard {

// A local aggregate row's key within one zone: unit, start (unix ms), queue, agent.
using LocalRollupKey = std::tuple<int64_t, int64_t, int64_t, int64_t>;
// A local agent state row's key within one zone: unit, start (unix ms), agent.
using LocalStateKey = std::tuple<int64_t, int64_t, int64_t>;
using LocalRollupSums = std::map<LocalRollupKey, IntervalCounters>;
using LocalStateSums = std::map<LocalStateKey, AgentStateSeconds>;

// The starts (unix ms) of the local day and local month that hold each bucket, remembered per
// bucket: an ingest batch has many deltas per bucket.
class LocalUnitStarts {
 public:
  explicit LocalUnitStarts(const date::time_zone* zone) : zone_(zone) {}

  // {local day start, local month start} of the bucket at `bucket`.
  const std::pair<int64_t, int64_t>& Of(TimePoint bucket) {
    const int64_t key = ToUnixMillis(bucket);
    auto it = starts_.find(key);
    if (it == starts_.end()) {
      it =
          starts_
              .emplace(key,
                       std::pair{
                           ToUnixMillis(LocalUnitStart(AggregateUnit::kLocalDay, zone_, bucket)),
                           ToUnixMillis(LocalUnitStart(AggregateUnit::kLocalMonth, zone_, bucket))})
              .first;
    }
    return it->second;
  }

 private:
  const date::time_zone* zone_;
  std::map<int64_t, std::pair<int64_t, int64_t>> starts_;
};

// Adds each delta into the local day and month rows of `zone` that hold its bucket.
inline void AddLocalRollups(const date::time_zone* zone, std::span<const AggregateRow> deltas,
                            LocalRollupSums& sums) {
  LocalUnitStarts starts(zone);
  for (const AggregateRow& d : deltas) {
    const auto& [day, month] = starts.Of(d.bucket);
    Add(sums[{static_cast<int64_t>(AggregateUnit::kLocalDay), day, d.queue_id, d.agent_id}],
        d.counters);
    Add(sums[{static_cast<int64_t>(AggregateUnit::kLocalMonth), month, d.queue_id, d.agent_id}],
        d.counters);
  }
}

inline void AddLocalStateRollups(const date::time_zone* zone, std::span<const AgentStateRow> deltas,
                                 LocalStateSums& sums) {
  LocalUnitStarts starts(zone);
  for (const AgentStateRow& d : deltas) {
    const auto& [day, month] = starts.Of(d.bucket);
    Add(sums[{static_cast<int64_t>(AggregateUnit::kLocalDay), day, d.agent_id}], d.seconds);
    Add(sums[{static_cast<int64_t>(AggregateUnit::kLocalMonth), month, d.agent_id}], d.seconds);
  }
}

// The SQL a rebuild needs from a backend, all in the caller's transaction and for one tenant
// and zone. Scans read the UTC units (bucket, hour, day, month) as KpiStore::ScanAggregates.
struct LocalRollupBackend {
  std::function<Status(const std::vector<UnitRange>&, bool agent_rows,
                       const std::function<Status(const AggregateRow&)>&)>
      scan_aggregates;
  std::function<Status(const std::vector<UnitRange>&,
                       const std::function<Status(const AgentStateRow&)>&)>
      scan_states;
  // Deletes the zone's local rows (both units) with start in [from, to); states too when asked.
  std::function<Status(TimePoint from, TimePoint to, bool states)> erase;
  std::function<Status(const LocalRollupSums&)> upsert_aggregates;
  std::function<Status(const LocalStateSums&)> upsert_states;
};

// Upper bound on the local months one rebuild walks (a century).
inline constexpr int kMaxRebuildMonths = 1200;

// Brings the local rows of `zone` whose local month overlaps [from, to) back to the sums of
// the stored UTC units: deletes them, then walks local month by local month, reading the
// largest UTC units that lie inside one local day (PlanUnitRanges) and summing them per local
// day and per month. Agent state rows too when `states`. REQUIRES: from < to, bucket starts.
inline Status RebuildLocalRollups(const date::time_zone* zone, TimePoint from, TimePoint to,
                                  bool states, const LocalRollupBackend& backend) {
  constexpr AggregateUnit kDay = AggregateUnit::kLocalDay;
  constexpr AggregateUnit kMonth = AggregateUnit::kLocalMonth;
  TimePoint month = LocalUnitStart(kMonth, zone, BucketStart(from));
  const TimePoint end = NextLocalUnitStart(
      kMonth, zone, LocalUnitStart(kMonth, zone, BucketStart(to - kBucketLength)));
  CB_RETURN_IF_ERROR(backend.erase(month, end, states));
  for (int n = 0; month < end; ++n) {
    if (n == kMaxRebuildMonths) {
      return Status::Invalid({{"range", "too_long",
                               "local rollups are rebuilt for at most " +
                                   std::to_string(kMaxRebuildMonths) + " months at once"}});
    }
    const TimePoint next_month = NextLocalUnitStart(kMonth, zone, month);
    std::vector<TimePoint> days;
    for (TimePoint d = month; d < next_month; d = NextLocalUnitStart(kDay, zone, d)) {
      days.push_back(d);
    }
    const std::vector<UnitRange> plan = PlanUnitRanges(month, next_month, days);
    const int64_t month_ms = ToUnixMillis(month);
    LocalRollupSums sums;
    for (bool agent_rows : {false, true}) {
      CB_RETURN_IF_ERROR(backend.scan_aggregates(plan, agent_rows, [&](const AggregateRow& row) {
        const int64_t day = ToUnixMillis(days[IntervalIndexOf(days, row.bucket)]);
        Add(sums[{static_cast<int64_t>(kDay), day, row.queue_id, row.agent_id}], row.counters);
        Add(sums[{static_cast<int64_t>(kMonth), month_ms, row.queue_id, row.agent_id}],
            row.counters);
        return Status::Ok();
      }));
    }
    CB_RETURN_IF_ERROR(backend.upsert_aggregates(sums));
    if (states) {
      LocalStateSums state_sums;
      CB_RETURN_IF_ERROR(backend.scan_states(plan, [&](const AgentStateRow& row) {
        const int64_t day = ToUnixMillis(days[IntervalIndexOf(days, row.bucket)]);
        Add(state_sums[{static_cast<int64_t>(kDay), day, row.agent_id}], row.seconds);
        Add(state_sums[{static_cast<int64_t>(kMonth), month_ms, row.agent_id}], row.seconds);
        return Status::Ok();
      }));
      CB_RETURN_IF_ERROR(backend.upsert_states(state_sums));
    }
    month = next_month;
  }
  return Status::Ok();
}

// The zone named `name` for local rollups: a known IANA zone other than UTC (whose days are
// the UTC days); kInvalidArgument on field "zone" otherwise.
inline Result<const date::time_zone*> RollupZone(const std::string& name) {
  if (name == "UTC" || name == "Etc/UTC") {
    return Status::Invalid({{"zone", "invalid", "UTC days and months are kept already"}});
  }
  auto zone = LocateTimeZone(name);
  if (!zone) {
    return Status::Invalid(
        {{"zone", "unknown_time_zone",
          "not a time zone of the IANA database: '" + name.substr(0, 64) + "'"}});
  }
  return *zone;
}

}  // namespace callboard
