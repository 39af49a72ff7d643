// PgKpiStore: automatic first-contact resolution (kpi/auto_fcr.h; calls.fcr_auto of
// migrations/postgres/0012_auto_fcr.sql). Several nodes may decide at once (ingest batches of
// different sources, the sweep of every node): each change locks its rows and re-reads their
// status (READ COMMITTED re-checks a locked row's condition), so a decision is never taken
// twice and a yes turned no is seen as such.
#include <string>
#include <unordered_map>

#include "storage/common/fcr_auto_code.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_kpi_store.h"
#include "storage/postgres/pg_query.h"

namespace callboard {

using namespace pg;  // NOLINT(google-build-using-namespace): the stores' own helpers

namespace {

// Reads (id, fcr_auto, queue_id, agent_id, started_at) rows into changes; column 1 is the
// old status (`to` given) or the new one (`to` empty: the old one was pending).
Result<std::vector<FcrChange>> ReadChanges(PgStatement& stmt, std::optional<FcrAuto> to) {
  std::vector<FcrChange> out;
  for (;;) {
    auto row = stmt.Step();
    if (!row) return row.error();
    if (!*row) return out;
    FcrChange& c = out.emplace_back();
    c.id = stmt.Int(0);
    const FcrAuto status = FcrAutoFromCode(stmt.OptInt(1));
    c.from = to ? status : FcrAuto::kPending;
    c.to = to.value_or(status);
    c.queue_id = stmt.OptInt(2);
    c.agent_id = stmt.OptInt(3);
    c.started_at = stmt.Time(4);
  }
}

// Runs `lookup` with sequential scans off. The calls table grows by a whole import within
// minutes, faster than autovacuum's statistics follow it, and a plan made from statistics of
// a nearly empty table reads the whole table once per call looked up (5 to 9 s per ingest
// batch measured with 33,000 calls stored). Every lookup here has its index
// (calls_inbound_caller_start of migration 0014, calls_fcr_pending, the primary key), which is
// right at any size. The start-time ranges are written `started_at + 0` for the same reason:
// with such statistics the index on (tenant_id, started_at) looks as good as any, and a
// lookup through it reads every call of the range's days for each caller; with the ranges
// hidden from it, equality on (tenant_id, caller) is the index condition.
template <typename Lookup>
auto WithIndexScans(PgConnection& conn, Lookup lookup) -> decltype(lookup()) {
  CB_RETURN_IF_ERROR(conn.SetLocal("enable_seqscan", "off"));
  auto out = lookup();
  CB_RETURN_IF_ERROR(conn.SetLocal("enable_seqscan", "on"));
  return out;
}

}  // namespace

Result<std::vector<FcrCall>> PgKpiStore::ReadInboundCallsOfCallers(
    TenantScope scope, const std::vector<std::string>& callers, TimePoint from, TimePoint to) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  if (callers.empty()) return std::vector<FcrCall>{};
  ArrayLiteral list;
  for (const std::string& c : callers) list.Add(c);
  if (to <= from) return std::vector<FcrCall>{};
  // Caller by caller in the partial index calls_inbound_caller_start (direction = 'inbound'
  // as a literal), a lateral lookup per caller that OFFSET 0 keeps from being flattened: as
  // `caller = ANY(…)`, stale statistics made the planner compare every caller with every
  // inbound row of the tenant (2 to 4 s per batch at 50,000 calls).
  return WithIndexScans(conn_, [&]() -> Result<std::vector<FcrCall>> {
    auto stmt = conn_.Prepare(
        "SELECT c.id, c.pbx_call_id, c.caller, c.started_at, c.fcr_auto"
        " FROM unnest(?::text[]) AS k (caller) CROSS JOIN LATERAL (SELECT * FROM calls"
        " WHERE tenant_id = ? AND direction = 'inbound' AND caller = k.caller"
        " AND started_at + 0 >= ? AND started_at + 0 < ? OFFSET 0) AS c"
        " ORDER BY c.caller, c.started_at, c.id");
    if (!stmt) return stmt.error();
    stmt->Bind(list.Take(), scope.tenant_id(), from, to);
    return ReadFcrCalls(*stmt);
  });
}

Result<std::vector<FcrChange>> PgKpiStore::MarkFcrRepeated(TenantScope scope,
                                                           const std::vector<int64_t>& ids) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  if (ids.empty()) return std::vector<FcrChange>{};
  return WithIndexScans(conn_, [&]() -> Result<std::vector<FcrChange>> {
    // Locked in id order, so two batches marking the same calls wait rather than deadlock;
    // then changed by primary key (no join a planner could turn into a scan per call).
    std::unordered_map<int64_t, FcrAuto> before;
    std::vector<int64_t> locked;
    {
      auto lock = conn_.Prepare(
          "SELECT id, fcr_auto FROM calls WHERE tenant_id = ? AND id = ANY(?::bigint[])"
          " AND fcr_auto IN (-1, 1) ORDER BY id FOR UPDATE");
      if (!lock) return lock.error();
      lock->Bind(scope.tenant_id(), IdArray(ids));
      for (;;) {
        auto row = lock->Step();
        if (!row) return row.error();
        if (!*row) break;
        locked.push_back(lock->Int(0));
        before[lock->Int(0)] = FcrAutoFromCode(lock->OptInt(1));
      }
    }
    if (locked.empty()) return std::vector<FcrChange>{};
    auto stmt = conn_.Prepare(
        "UPDATE calls SET fcr_auto = 0 WHERE tenant_id = ? AND id = ANY(?::bigint[])"
        " RETURNING id, fcr_auto, queue_id, agent_id, started_at");
    if (!stmt) return stmt.error();
    stmt->Bind(scope.tenant_id(), IdArray(locked));
    auto changes = ReadChanges(*stmt, FcrAuto::kNo);
    if (!changes) return changes.error();
    for (FcrChange& c : *changes) c.from = before.at(c.id);
    return changes;
  });
}

Result<std::vector<FcrChange>> PgKpiStore::DecideFcrPending(TenantScope scope, TimePoint cutoff,
                                                            std::chrono::milliseconds window) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return WithIndexScans(conn_, [&]() -> Result<std::vector<FcrChange>> {
    // fcr_auto = -1 as a literal: the partial index calls_fcr_pending serves it. A call
    // another transaction holds is skipped: that one decides it. Then each is decided by
    // primary key (no join a planner could turn into a scan per call).
    std::vector<int64_t> pending;
    {
      auto lock = conn_.Prepare(
          "SELECT id FROM calls WHERE tenant_id = ? AND fcr_auto = -1 AND started_at <= ?"
          " ORDER BY started_at, id LIMIT ? FOR UPDATE SKIP LOCKED");
      if (!lock) return lock.error();
      lock->Bind(scope.tenant_id(), cutoff, static_cast<int64_t>(kFcrDecideLimit));
      for (;;) {
        auto row = lock->Step();
        if (!row) return row.error();
        if (!*row) break;
        pending.push_back(lock->Int(0));
      }
    }
    // Joined by primary key to the locked ids, without `fcr_auto = -1` (the rows are locked
    // pending): with that condition, an import's stale statistics made the planner look up
    // each id by scanning the partial index of every pending call.
    auto stmt = conn_.Prepare(
        "UPDATE calls c SET fcr_auto = CASE WHEN EXISTS (SELECT 1 FROM calls r"
        " WHERE r.tenant_id = c.tenant_id AND r.direction = 'inbound' AND r.caller = c.caller"
        " AND r.started_at + 0 > c.started_at AND r.started_at + 0 < c.started_at + ?::bigint"
        " AND r.pbx_call_id <> c.pbx_call_id) THEN 0 ELSE 1 END"
        " FROM unnest(?::bigint[]) AS p (id) WHERE c.tenant_id = ? AND c.id = p.id"
        " RETURNING c.id, c.fcr_auto, c.queue_id, c.agent_id, c.started_at");
    if (!stmt) return stmt.error();
    stmt->Bind(static_cast<int64_t>(window.count()), IdArray(pending), scope.tenant_id());
    return ReadChanges(*stmt, std::nullopt);
  });
}

Result<std::optional<TimePoint>> PgKpiStore::NewestCallStart(TenantScope scope) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto stmt = conn_.Prepare(
      "SELECT started_at FROM calls WHERE tenant_id = ? ORDER BY started_at DESC LIMIT 1");
  if (!stmt) return stmt.error();
  stmt->Bind(scope.tenant_id());
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<TimePoint>();
  return stmt->OptTime(0);
}

}  // namespace callboard
