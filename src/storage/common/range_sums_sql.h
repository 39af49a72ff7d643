#pragma once
// The sums of a summable range of rollups (UnitRange::summable, KpiStore::ScanAggregates and
// ScanAgentStates), written once for both backends as templates on the connection type: the
// database adds up the range's rows per queue and agent (GROUP BY), so that one row per pair
// travels instead of every day or month row of the range. Each sum is visited with the
// earliest start of its rows, which lies in the range's one report interval.
//
// Thread-safety: as the connection (one transaction, one thread).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "kpi/aggregate_unit.h"
#include "kpi/kpi_store.h"

namespace callboard {

// The sums per (queue, agent) of a range of aggregate_rollups (with `local`: of one zone's
// local_aggregate_rollups), read as rollup rows: queue_id, agent_id, MIN(bucket_start), then
// SUM of each of `columns` (max_wait_ms: MAX). Parameters: tenant, [zone,] unit, agent_row,
// from, to.
inline std::string SummedRollupSql(const std::vector<std::string>& columns, bool local) {
  std::string out = "SELECT queue_id, agent_id, MIN(bucket_start)";
  for (const std::string& c : columns) {
    out += (c == "max_wait_ms" ? ", MAX(" : ", SUM(") + c + ")";
  }
  return out +
         (local ? " FROM local_aggregate_rollups WHERE tenant_id = ? AND zone = ? AND"
                : " FROM aggregate_rollups WHERE tenant_id = ? AND") +
         " unit = ? AND agent_row = ? AND bucket_start >= ? AND bucket_start < ?"
         " GROUP BY queue_id, agent_id";
}

// Visits the sums per (queue, agent) of `range` (rollups, not 15-minute rows): `columns` are
// the backend's rollup counter columns and `read` its rollup row reader.
template <typename Conn, typename Read>
Status ScanRollupSums(Conn& conn, const std::vector<std::string>& columns, int64_t tenant,
                      const UnitRange& range, bool agent_rows, Read read,
                      const std::function<Status(const AggregateRow&)>& visit) {
  auto stmt = conn.Prepare(SummedRollupSql(columns, IsLocalUnit(range.unit)));
  if (!stmt) return stmt.error();
  stmt->Bind(tenant);
  if (IsLocalUnit(range.unit)) stmt->Bind(range.zone);
  stmt->Bind(static_cast<int64_t>(range.unit), int64_t{agent_rows}, range.from, range.to);
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return Status::Ok();
    CB_RETURN_IF_ERROR(visit(read(*stmt)));
  }
}

// Visits the sums per agent of `range` of agent_state_rollups and agent_pause_rollups (with a
// local unit: their local twins of range.zone), pause reasons summed per reason.
template <typename Conn>
Status ScanStateRollupSums(Conn& conn, int64_t tenant, const UnitRange& range,
                           const std::function<Status(const AgentStateRow&)>& visit) {
  const bool local = IsLocalUnit(range.unit);
  const std::string where = std::string(local ? "_rollups WHERE tenant_id = ? AND zone = ? AND"
                                              : "_rollups WHERE tenant_id = ? AND") +
                            " unit = ? AND bucket_start >= ? AND bucket_start < ?";
  const std::string prefix = local ? " FROM local_agent_" : " FROM agent_";
  const auto bind = [&](auto& stmt) {
    stmt.Bind(tenant);
    if (local) stmt.Bind(range.zone);
    stmt.Bind(static_cast<int64_t>(range.unit), range.from, range.to);
  };
  std::map<int64_t, std::map<std::string, int64_t>> reasons;
  {
    auto stmt = conn.Prepare("SELECT agent_id, reason, SUM(paused_ms)" + prefix + "pause" + where +
                             " GROUP BY agent_id, reason");
    if (!stmt) return stmt.error();
    bind(*stmt);
    for (;;) {
      auto row = stmt->Step();
      if (!row) return row.error();
      if (!*row) break;
      reasons[stmt->Int(0)][stmt->Text(1)] = stmt->Int(2);
    }
  }
  auto stmt = conn.Prepare(
      "SELECT agent_id, MIN(bucket_start), SUM(logged_in_ms), SUM(available_ms),"
      " SUM(on_call_ms), SUM(acw_ms), SUM(paused_ms)" +
      prefix + "state" + where + " GROUP BY agent_id");
  if (!stmt) return stmt.error();
  bind(*stmt);
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return Status::Ok();
    AgentStateRow r;
    r.agent_id = stmt->Int(0);
    r.bucket = stmt->Time(1);
    r.seconds.logged_in_ms = stmt->Int(2);
    r.seconds.available_ms = stmt->Int(3);
    r.seconds.on_call_ms = stmt->Int(4);
    r.seconds.acw_ms = stmt->Int(5);
    r.seconds.paused_ms = stmt->Int(6);
    if (auto it = reasons.find(r.agent_id); it != reasons.end()) {
      r.seconds.paused_by_reason_ms = std::move(it->second);
    }
    CB_RETURN_IF_ERROR(visit(r));
  }
}

}  // namespace callboard
