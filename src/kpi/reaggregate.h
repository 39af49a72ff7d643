#pragma once
// Rebuilds the interval aggregates of a range from the stored calls (DESIGN §3.3), e.g.
// after a queue's short_abandon_s changed: one transaction deletes the range's aggregates
// and counts every call that entered a queue in it again, with the queue's current
// settings and the call's effective fcr (given, else its decided automatic status,
// kpi/auto_fcr.h). The hour, day and month rollups that overlap the range are rebuilt with
// them (KpiStore::DeleteAggregates, AddAggregates). Agent state seconds are not touched.

#include "core/clock.h"
#include "core/status.h"
#include "core/tenant_scope.h"

namespace callboard {

class Database;

struct ReaggregateSummary {
  TimePoint from;  // first bucket rebuilt
  TimePoint to;    // end of the last bucket rebuilt
  int64_t calls = 0;
};

// The range is widened to whole 15-minute buckets.
Result<ReaggregateSummary> Reaggregate(Database& db, TenantScope scope, TimePoint from,
                                       TimePoint to);

}  // namespace callboard
