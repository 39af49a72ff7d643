// SqliteKpiStore: automatic first-contact resolution (kpi/auto_fcr.h; calls.fcr_auto of
// migrations/sqlite/0012_auto_fcr.sql). SQLite has one writer, so a status read and then
// changed in one transaction cannot have changed in between.
#include <cstdio>
#include <string>

#include "storage/common/fcr_auto_code.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_kpi_store.h"
#include "storage/sqlite/sqlite_query.h"

namespace callboard {

namespace {

// A JSON array of texts for `x IN (SELECT value FROM json_each(?))`.
std::string JsonTextArray(const std::vector<std::string>& texts) {
  std::string out = "[";
  for (const std::string& t : texts) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (unsigned char ch : t) {
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += static_cast<char>(ch);
      } else if (ch < 0x20) {
        char esc[8];
        std::snprintf(esc, sizeof esc, "\\u%04x", ch);
        out += esc;
      } else {
        out += static_cast<char>(ch);
      }
    }
    out += '"';
  }
  return out + "]";
}

// Reads (id, old fcr_auto, queue_id, agent_id, started_at) rows into changes to `to`.
Result<std::vector<FcrChange>> ReadChanges(SqliteStatement& stmt, std::optional<FcrAuto> to) {
  std::vector<FcrChange> out;
  for (;;) {
    auto row = stmt.Step();
    if (!row) return row.error();
    if (!*row) return out;
    FcrChange& c = out.emplace_back();
    c.id = stmt.Int(0);
    c.from = FcrAutoFromCode(stmt.OptInt(1));
    c.to = to.value_or(c.from);
    c.queue_id = stmt.OptInt(2);
    c.agent_id = stmt.OptInt(3);
    c.started_at = stmt.Time(4);
  }
}

}  // namespace

Result<std::vector<FcrCall>> SqliteKpiStore::ReadInboundCallsOfCallers(
    TenantScope scope, const std::vector<std::string>& callers, TimePoint from, TimePoint to) {
  if (callers.empty()) return std::vector<FcrCall>{};
  if (to <= from) return std::vector<FcrCall>{};
  // direction = 'inbound' as a literal and the days by the index's expression: the partial
  // index calls_inbound_caller serves it, day by day and caller by caller.
  auto stmt = conn_.Prepare(
      "SELECT id, pbx_call_id, caller, started_at, fcr_auto FROM calls"
      " WHERE tenant_id = ? AND direction = 'inbound'"
      " AND started_at / 86400000 IN (SELECT value FROM json_each(?))"
      " AND caller IN (SELECT value FROM json_each(?)) AND started_at >= ? AND started_at < ?"
      " ORDER BY caller, started_at, id");
  if (!stmt) return stmt.error();
  stmt->Bind(scope.tenant_id(), JsonIdArray(StartDays(from, to)), JsonTextArray(callers), from, to);
  return ReadFcrCalls(*stmt);
}

Result<std::vector<FcrChange>> SqliteKpiStore::MarkFcrRepeated(TenantScope scope,
                                                               const std::vector<int64_t>& ids) {
  if (ids.empty()) return std::vector<FcrChange>{};
  // The ids drive the join (CROSS JOIN keeps json_each outside): a lookup by rowid each,
  // where a condition on tenant_id alone would have the planner scan the tenant's calls.
  auto stmt = conn_.Prepare(
      "SELECT c.id, c.fcr_auto, c.queue_id, c.agent_id, c.started_at FROM json_each(?) AS j"
      " CROSS JOIN calls AS c ON c.id = j.value WHERE c.tenant_id = ? AND c.fcr_auto IN (-1, 1)"
      " ORDER BY c.id");
  if (!stmt) return stmt.error();
  stmt->Bind(JsonIdArray(ids), scope.tenant_id());
  auto changes = ReadChanges(*stmt, FcrAuto::kNo);
  if (!changes) return changes.error();
  if (changes->empty()) return changes;
  std::vector<int64_t> changed;
  changed.reserve(changes->size());
  for (const FcrChange& c : *changes) changed.push_back(c.id);
  auto done =
      conn_.Execute("UPDATE calls SET fcr_auto = 0 WHERE id IN (SELECT value FROM json_each(?))",
                    JsonIdArray(changed));
  if (!done) return done.error();
  return changes;
}

Result<std::vector<FcrChange>> SqliteKpiStore::DecideFcrPending(TenantScope scope, TimePoint cutoff,
                                                                std::chrono::milliseconds window) {
  // fcr_auto = -1 as a literal: the partial index calls_fcr_pending serves it. RETURNING gives
  // the new status; the old one is pending.
  auto stmt = conn_.Prepare(
      "UPDATE calls SET fcr_auto = CASE WHEN EXISTS (SELECT 1 FROM calls r"
      " WHERE r.tenant_id = calls.tenant_id AND r.direction = 'inbound' AND " +
      WindowDaysIn("r.started_at", "calls.started_at", window) +
      " AND r.caller = calls.caller AND r.started_at > calls.started_at"
      " AND r.started_at < calls.started_at + ? AND r.pbx_call_id <> calls.pbx_call_id)"
      " THEN 0 ELSE 1 END"
      " WHERE id IN (SELECT id FROM calls WHERE tenant_id = ? AND fcr_auto = -1"
      " AND started_at <= ? ORDER BY started_at, id LIMIT ?)"
      " RETURNING id, fcr_auto, queue_id, agent_id, started_at");
  if (!stmt) return stmt.error();
  stmt->Bind(static_cast<int64_t>(window.count()), scope.tenant_id(), cutoff,
             static_cast<int64_t>(kFcrDecideLimit));
  auto changes = ReadChanges(*stmt, std::nullopt);
  if (!changes) return changes.error();
  for (FcrChange& c : *changes) {
    c.to = c.from;
    c.from = FcrAuto::kPending;
  }
  return changes;
}

Result<std::optional<TimePoint>> SqliteKpiStore::NewestCallStart(TenantScope scope) {
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
