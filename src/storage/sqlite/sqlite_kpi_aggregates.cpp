// SqliteKpiStore: interval aggregates and agent state seconds (0002_telephony.sql) and their
// rollups per UTC hour, day and month (0007_aggregate_rollups.sql) and per local day and month
// of each registered zone (0013_local_rollups.sql), kept equal to the sums of the 15-minute
// rows in the same transaction.
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "storage/common/local_rollups.h"
#include "storage/common/local_zone_store_sql.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_kpi_store.h"
#include "storage/sqlite/sqlite_query.h"

namespace callboard {

namespace {

std::string EncodeHistogram(const WaitHistogram& h) {
  std::string out;
  for (size_t i = 0; i < h.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(h[i]);
  }
  return out;
}

WaitHistogram DecodeHistogram(const std::string& text) {
  WaitHistogram h{};
  size_t i = 0;
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end && i < h.size()) {
    auto [next, ec] = std::from_chars(p, end, h[i]);
    if (ec != std::errc()) break;
    ++i;
    p = next < end && *next == ',' ? next + 1 : next;
  }
  return h;
}

std::string EncodeReasons(const std::map<std::string, int64_t>& reasons) {
  std::string out;
  for (const auto& [reason, ms] : reasons) {
    if (!out.empty()) out += '\n';
    out += reason + "=" + std::to_string(ms);
  }
  return out;
}

std::map<std::string, int64_t> DecodeReasons(const std::string& text) {
  std::map<std::string, int64_t> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(start, nl - start);
    const size_t eq = line.rfind('=');
    if (eq != std::string::npos) out[line.substr(0, eq)] += std::stoll(line.substr(eq + 1));
    start = nl + 1;
  }
  return out;
}

// --- 15-minute rows ---------------------------------------------------------------------

constexpr const char* kAggregateColumns =
    "SELECT queue_id, agent_id, bucket_start, offered, answered, abandoned, short_abandoned,"
    " timed_out, other_unanswered, wait_answered_ms, wait_abandoned_ms, max_wait_ms, talk_ms,"
    " hold_ms, acw_ms, handled, transfers, fcr_yes, fcr_known, csat_sum, csat_n,"
    " wait_answered_hist, wait_abandoned_hist FROM interval_aggregates";

// The counters in column order from `first` on (offered … csat_n).
void ReadCounters(const SqliteStatement& s, int first, IntervalCounters& c) {
  int i = first;
  for (int64_t* field : {&c.offered, &c.answered, &c.abandoned, &c.short_abandoned, &c.timed_out,
                         &c.other_unanswered, &c.wait_answered_ms, &c.wait_abandoned_ms,
                         &c.max_wait_ms, &c.talk_ms, &c.hold_ms, &c.acw_ms, &c.handled,
                         &c.transfers, &c.fcr_yes, &c.fcr_known, &c.csat_sum, &c.csat_n}) {
    *field = s.Int(i++);
  }
}

// Binds the counters offered … csat_n in column order.
void BindCounters(SqliteStatement& s, const IntervalCounters& c) {
  s.Bind(c.offered, c.answered, c.abandoned, c.short_abandoned, c.timed_out, c.other_unanswered,
         c.wait_answered_ms, c.wait_abandoned_ms, c.max_wait_ms, c.talk_ms, c.hold_ms, c.acw_ms,
         c.handled, c.transfers, c.fcr_yes, c.fcr_known, c.csat_sum, c.csat_n);
}

AggregateRow ReadAggregate(const SqliteStatement& s) {
  AggregateRow r;
  r.queue_id = s.Int(0);
  r.agent_id = s.Int(1);
  r.bucket = s.Time(2);
  ReadCounters(s, 3, r.counters);
  r.counters.wait_answered_histogram = DecodeHistogram(s.Text(21));
  r.counters.wait_abandoned_histogram = DecodeHistogram(s.Text(22));
  return r;
}

constexpr const char* kStateColumns =
    "SELECT agent_id, bucket_start, logged_in_ms, available_ms, on_call_ms, acw_ms, paused_ms,"
    " paused_by_reason FROM agent_state_seconds";

AgentStateRow ReadState(const SqliteStatement& s) {
  AgentStateRow r;
  r.agent_id = s.Int(0);
  r.bucket = s.Time(1);
  r.seconds.logged_in_ms = s.Int(2);
  r.seconds.available_ms = s.Int(3);
  r.seconds.on_call_ms = s.Int(4);
  r.seconds.acw_ms = s.Int(5);
  r.seconds.paused_ms = s.Int(6);
  r.seconds.paused_by_reason_ms = DecodeReasons(s.Text(7));
  return r;
}

// Adds `delta` into its 15-minute row: read, add, then update in place or insert.
Status AddToBucket(SqliteConnection& conn, int64_t tenant, const AggregateRow& delta) {
  static const std::string kSelect =
      std::string(kAggregateColumns) +
      " WHERE tenant_id = ? AND bucket_start = ? AND queue_id = ? AND agent_id = ?";
  IntervalCounters c = delta.counters;
  bool found = false;
  {
    auto stmt = conn.Prepare(kSelect);
    if (!stmt) return stmt.error();
    stmt->Bind(tenant, delta.bucket, delta.queue_id, delta.agent_id);
    auto row = stmt->Step();
    if (!row) return row.error();
    if (*row) {
      found = true;
      Add(c, ReadAggregate(*stmt).counters);
    }
  }
  auto stmt = conn.Prepare(
      found ? "UPDATE interval_aggregates SET offered = ?, answered = ?, abandoned = ?,"
              " short_abandoned = ?, timed_out = ?, other_unanswered = ?, wait_answered_ms = ?,"
              " wait_abandoned_ms = ?, max_wait_ms = ?, talk_ms = ?, hold_ms = ?, acw_ms = ?,"
              " handled = ?, transfers = ?, fcr_yes = ?, fcr_known = ?, csat_sum = ?, csat_n = ?,"
              " wait_answered_hist = ?, wait_abandoned_hist = ? WHERE tenant_id = ? AND"
              " bucket_start = ? AND queue_id = ? AND agent_id = ?"
            : "INSERT INTO interval_aggregates (offered, answered, abandoned, short_abandoned,"
              " timed_out, other_unanswered, wait_answered_ms, wait_abandoned_ms, max_wait_ms,"
              " talk_ms, hold_ms, acw_ms, handled, transfers, fcr_yes, fcr_known, csat_sum,"
              " csat_n, wait_answered_hist, wait_abandoned_hist, tenant_id, bucket_start,"
              " queue_id, agent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
              " ?, ?, ?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  BindCounters(*stmt, c);
  stmt->Bind(EncodeHistogram(c.wait_answered_histogram),
             EncodeHistogram(c.wait_abandoned_histogram), tenant, delta.bucket, delta.queue_id,
             delta.agent_id);
  return stmt->Run();
}

Status AddToStateBucket(SqliteConnection& conn, int64_t tenant, const AgentStateRow& delta) {
  static const std::string kSelect =
      std::string(kStateColumns) + " WHERE tenant_id = ? AND bucket_start = ? AND agent_id = ?";
  AgentStateSeconds s = delta.seconds;
  bool found = false;
  {
    auto stmt = conn.Prepare(kSelect);
    if (!stmt) return stmt.error();
    stmt->Bind(tenant, delta.bucket, delta.agent_id);
    auto row = stmt->Step();
    if (!row) return row.error();
    if (*row) {
      found = true;
      Add(s, ReadState(*stmt).seconds);
    }
  }
  auto stmt = conn.Prepare(
      found ? "UPDATE agent_state_seconds SET logged_in_ms = ?, available_ms = ?, on_call_ms = ?,"
              " acw_ms = ?, paused_ms = ?, paused_by_reason = ? WHERE tenant_id = ? AND"
              " bucket_start = ? AND agent_id = ?"
            : "INSERT INTO agent_state_seconds (logged_in_ms, available_ms, on_call_ms, acw_ms,"
              " paused_ms, paused_by_reason, tenant_id, bucket_start, agent_id)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  stmt->Bind(s.logged_in_ms, s.available_ms, s.on_call_ms, s.acw_ms, s.paused_ms,
             EncodeReasons(s.paused_by_reason_ms), tenant, delta.bucket, delta.agent_id);
  return stmt->Run();
}

// --- rollups ------------------------------------------------------------------------------

constexpr const char* kCounterNames[] = {
    "offered",          "answered",          "abandoned",
    "short_abandoned",  "timed_out",         "other_unanswered",
    "wait_answered_ms", "wait_abandoned_ms", "max_wait_ms",
    "talk_ms",          "hold_ms",           "acw_ms",
    "handled",          "transfers",         "fcr_yes",
    "fcr_known",        "csat_sum",          "csat_n"};

// offered … csat_n, wait_answered_h0 … h14, wait_abandoned_h0 … h14: the rollup columns
// after the key.
std::vector<std::string> RollupCounterColumns() {
  std::vector<std::string> out(std::begin(kCounterNames), std::end(kCounterNames));
  for (const char* histogram : {"wait_answered_h", "wait_abandoned_h"}) {
    for (size_t i = 0; i < kWaitBuckets; ++i) out.push_back(histogram + std::to_string(i));
  }
  return out;
}

std::string Joined(const std::vector<std::string>& names, const std::string& separator) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : separator) + n;
  return out;
}

// The rows of one unit of aggregate_rollups or, with `local`, of one zone's unit of
// local_aggregate_rollups (the zone is bound after the tenant).
std::string RollupSelectSqlFor(bool local) {
  return "SELECT queue_id, agent_id, bucket_start, " + Joined(RollupCounterColumns(), ", ") +
         (local ? " FROM local_aggregate_rollups WHERE tenant_id = ? AND zone = ? AND"
                : " FROM aggregate_rollups WHERE tenant_id = ? AND") +
         " unit = ? AND agent_row = ? AND bucket_start >= ? AND bucket_start < ?"
         " ORDER BY bucket_start";
}

const std::string& RollupSelectSql(bool local) {
  static const std::string sql[2] = {RollupSelectSqlFor(false), RollupSelectSqlFor(true)};
  return sql[local];
}

// Adds the excluded row into an existing one: counters and histograms add, max_wait_ms
// takes the larger. With `local`, into local_aggregate_rollups (the zone after the tenant).
std::string RollupUpsertSqlFor(bool local) {
  const std::vector<std::string> columns = RollupCounterColumns();
  std::string updates;
  for (const std::string& c : columns) {
    if (!updates.empty()) updates += ", ";
    updates += c == "max_wait_ms" ? c + " = max(" + c + ", excluded." + c + ")"
                                  : c + " = " + c + " + excluded." + c;
  }
  std::string marks;
  for (size_t i = 0; i < columns.size() + (local ? 7 : 6); ++i) marks += i ? ", ?" : "?";
  const std::string key = local
                              ? "tenant_id, zone, unit, agent_row, bucket_start, queue_id, agent_id"
                              : "tenant_id, unit, agent_row, bucket_start, queue_id, agent_id";
  return std::string("INSERT INTO ") + (local ? "local_aggregate_rollups" : "aggregate_rollups") +
         " (" + key + ", " + Joined(columns, ", ") + ") VALUES (" + marks + ") ON CONFLICT (" +
         key + ") DO UPDATE SET " + updates;
}

const std::string& RollupUpsertSql(bool local) {
  static const std::string sql[2] = {RollupUpsertSqlFor(false), RollupUpsertSqlFor(true)};
  return sql[local];
}

AggregateRow ReadRollup(const SqliteStatement& s) {
  AggregateRow r;
  r.queue_id = s.Int(0);
  r.agent_id = s.Int(1);
  r.bucket = s.Time(2);
  ReadCounters(s, 3, r.counters);
  int i = 3 + static_cast<int>(std::size(kCounterNames));
  for (int64_t& n : r.counters.wait_answered_histogram) n = s.Int(i++);
  for (int64_t& n : r.counters.wait_abandoned_histogram) n = s.Int(i++);
  return r;
}

int64_t UnitCode(AggregateUnit unit) { return static_cast<int64_t>(unit); }

// A rollup row's key: unit, start (ms), queue, agent.
using RollupKey = LocalRollupKey;

// Upserts into aggregate_rollups, or into the local rows of `zone` when it is not null.
Status UpsertRollups(SqliteConnection& conn, int64_t tenant,
                     const std::map<RollupKey, IntervalCounters>& rollups,
                     const std::string* zone = nullptr) {
  for (const auto& [key, c] : rollups) {
    const auto& [unit, start, queue_id, agent_id] = key;
    auto stmt = conn.Prepare(RollupUpsertSql(zone != nullptr));
    if (!stmt) return stmt.error();
    stmt->Bind(tenant);
    if (zone) stmt->Bind(*zone);
    stmt->Bind(unit, agent_id != 0, start, queue_id, agent_id);
    BindCounters(*stmt, c);
    for (int64_t n : c.wait_answered_histogram) stmt->Bind(n);
    for (int64_t n : c.wait_abandoned_histogram) stmt->Bind(n);
    CB_RETURN_IF_ERROR(stmt->Run());
  }
  return Status::Ok();
}

// A state rollup row's key: unit, start (ms), agent.
using StateKey = LocalStateKey;

// Upserts into agent_state_rollups and agent_pause_rollups, or into their local twins for
// `zone` when it is not null.
Status UpsertStateRollups(SqliteConnection& conn, int64_t tenant,
                          const std::map<StateKey, AgentStateSeconds>& rollups,
                          const std::string* zone = nullptr) {
  static const std::string kStates[2] = {
      "INSERT INTO agent_state_rollups (tenant_id, unit, bucket_start, agent_id, logged_in_ms,"
      " available_ms, on_call_ms, acw_ms, paused_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (tenant_id, unit, bucket_start, agent_id) DO UPDATE SET"
      " logged_in_ms = logged_in_ms + excluded.logged_in_ms,"
      " available_ms = available_ms + excluded.available_ms,"
      " on_call_ms = on_call_ms + excluded.on_call_ms, acw_ms = acw_ms + excluded.acw_ms,"
      " paused_ms = paused_ms + excluded.paused_ms",
      "INSERT INTO local_agent_state_rollups (tenant_id, zone, unit, bucket_start, agent_id,"
      " logged_in_ms, available_ms, on_call_ms, acw_ms, paused_ms)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT (tenant_id, zone, unit, bucket_start, agent_id) DO UPDATE SET"
      " logged_in_ms = logged_in_ms + excluded.logged_in_ms,"
      " available_ms = available_ms + excluded.available_ms,"
      " on_call_ms = on_call_ms + excluded.on_call_ms, acw_ms = acw_ms + excluded.acw_ms,"
      " paused_ms = paused_ms + excluded.paused_ms"};
  static const std::string kPauses[2] = {
      "INSERT INTO agent_pause_rollups (tenant_id, unit, bucket_start, agent_id, reason,"
      " paused_ms) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, unit, bucket_start,"
      " agent_id, reason) DO UPDATE SET paused_ms = paused_ms + excluded.paused_ms",
      "INSERT INTO local_agent_pause_rollups (tenant_id, zone, unit, bucket_start, agent_id,"
      " reason, paused_ms) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, zone, unit,"
      " bucket_start, agent_id, reason) DO UPDATE SET paused_ms = paused_ms + excluded.paused_ms"};
  const bool local = zone != nullptr;
  for (const auto& [key, s] : rollups) {
    const auto& [unit, start, agent_id] = key;
    auto stmt = conn.Prepare(kStates[local]);
    if (!stmt) return stmt.error();
    stmt->Bind(tenant);
    if (zone) stmt->Bind(*zone);
    stmt->Bind(unit, start, agent_id, s.logged_in_ms, s.available_ms, s.on_call_ms, s.acw_ms,
               s.paused_ms);
    CB_RETURN_IF_ERROR(stmt->Run());
    for (const auto& [reason, ms] : s.paused_by_reason_ms) {
      auto pause = conn.Prepare(kPauses[local]);
      if (!pause) return pause.error();
      pause->Bind(tenant);
      if (zone) pause->Bind(*zone);
      pause->Bind(unit, start, agent_id, reason, ms);
      CB_RETURN_IF_ERROR(pause->Run());
    }
  }
  return Status::Ok();
}

// Calls `visit` with each row of `stmt`, read by `read`.
template <typename T, typename Read>
Status EachRow(SqliteStatement& stmt, Read read, const std::function<Status(const T&)>& visit) {
  for (;;) {
    auto row = stmt.Step();
    if (!row) return row.error();
    if (!*row) return Status::Ok();
    CB_RETURN_IF_ERROR(visit(read(stmt)));
  }
}

Status ScanRange(SqliteConnection& conn, int64_t tenant, const UnitRange& range, bool agent_rows,
                 const std::function<Status(const AggregateRow&)>& visit) {
  if (range.unit == AggregateUnit::kBucket) {
    static const std::string kTotals = std::string(kAggregateColumns) +
                                       " WHERE tenant_id = ? AND agent_id = 0 AND"
                                       " bucket_start >= ? AND bucket_start < ? ORDER BY"
                                       " bucket_start";
    static const std::string kAgents = std::string(kAggregateColumns) +
                                       " WHERE tenant_id = ? AND agent_id != 0 AND"
                                       " bucket_start >= ? AND bucket_start < ? ORDER BY"
                                       " bucket_start";
    auto stmt = conn.Prepare(agent_rows ? kAgents : kTotals);
    if (!stmt) return stmt.error();
    stmt->Bind(tenant, range.from, range.to);
    return EachRow<AggregateRow>(*stmt, ReadAggregate, visit);
  }
  const bool local = IsLocalUnit(range.unit);
  auto stmt = conn.Prepare(RollupSelectSql(local));
  if (!stmt) return stmt.error();
  stmt->Bind(tenant);
  if (local) stmt->Bind(range.zone);
  stmt->Bind(UnitCode(range.unit), agent_rows, range.from, range.to);
  return EachRow<AggregateRow>(*stmt, ReadRollup, visit);
}

Status ScanStateRange(SqliteConnection& conn, int64_t tenant, const UnitRange& range,
                      const std::function<Status(const AgentStateRow&)>& visit) {
  if (range.unit == AggregateUnit::kBucket) {
    static const std::string kSql =
        std::string(kStateColumns) +
        " WHERE tenant_id = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start";
    auto stmt = conn.Prepare(kSql);
    if (!stmt) return stmt.error();
    stmt->Bind(tenant, range.from, range.to);
    return EachRow<AgentStateRow>(*stmt, ReadState, visit);
  }
  // The pause reasons in the 15-minute rows' text form, so that ReadState reads both.
  static const std::string kSql[2] = {
      "SELECT s.agent_id, s.bucket_start, s.logged_in_ms, s.available_ms, s.on_call_ms,"
      " s.acw_ms, s.paused_ms, (SELECT group_concat(p.reason || '=' || p.paused_ms, char(10))"
      " FROM agent_pause_rollups p WHERE p.tenant_id = s.tenant_id AND p.unit = s.unit AND"
      " p.bucket_start = s.bucket_start AND p.agent_id = s.agent_id)"
      " FROM agent_state_rollups s WHERE s.tenant_id = ? AND s.unit = ? AND"
      " s.bucket_start >= ? AND s.bucket_start < ? ORDER BY s.bucket_start",
      "SELECT s.agent_id, s.bucket_start, s.logged_in_ms, s.available_ms, s.on_call_ms,"
      " s.acw_ms, s.paused_ms, (SELECT group_concat(p.reason || '=' || p.paused_ms, char(10))"
      " FROM local_agent_pause_rollups p WHERE p.tenant_id = s.tenant_id AND p.zone = s.zone"
      " AND p.unit = s.unit AND p.bucket_start = s.bucket_start AND p.agent_id = s.agent_id)"
      " FROM local_agent_state_rollups s WHERE s.tenant_id = ? AND s.zone = ? AND s.unit = ?"
      " AND s.bucket_start >= ? AND s.bucket_start < ? ORDER BY s.bucket_start"};
  const bool local = IsLocalUnit(range.unit);
  auto stmt = conn.Prepare(kSql[local]);
  if (!stmt) return stmt.error();
  stmt->Bind(tenant);
  if (local) stmt->Bind(range.zone);
  stmt->Bind(UnitCode(range.unit), range.from, range.to);
  return EachRow<AgentStateRow>(*stmt, ReadState, visit);
}

// --- local rollups ----------------------------------------------------------------------

// The SQL of a local rollup rebuild for `zone` (storage/common/local_rollups.h).
LocalRollupBackend LocalBackend(SqliteConnection& conn, int64_t tenant, const std::string& zone) {
  return LocalRollupSql(conn, tenant, zone, ScanRange, ScanStateRange, UpsertRollups,
                        UpsertStateRollups);
}

// Deletes every local row of `zone`, builds them again over the months that hold stored UTC
// rollups, and registers the zone.
Status BuildZone(SqliteConnection& conn, int64_t tenant, const std::string& name,
                 const date::time_zone* zone) {
  return BuildRollupZone(conn, tenant, name, zone, LocalBackend(conn, tenant, name));
}

// The zones whose local rows a write must keep: the registered ones, after registering (and
// building) the zones of the tenant's sites that are not yet.
Result<std::vector<std::pair<std::string, const date::time_zone*>>> MaintainedZones(
    SqliteConnection& conn, int64_t tenant) {
  auto registered = RegisteredRollupZones(conn, tenant);
  if (!registered) return registered.error();
  auto missing = UnregisteredSiteZones(conn, tenant, *registered);
  if (!missing) return missing.error();
  for (const std::string& name : *missing) {
    CB_RETURN_IF_ERROR(BuildZone(conn, tenant, name, RollupZone(name).value()));
    registered->push_back(name);
  }
  return ZonesOfNames(*registered);
}

}  // namespace

Status SqliteKpiStore::AddAggregates(TenantScope scope, std::span<const AggregateRow> deltas) {
  const int64_t tenant = scope.tenant_id();
  // First: a zone registered now is built from the rows stored before this batch.
  auto zones = MaintainedZones(conn_, tenant);
  if (!zones) return zones.error();
  std::map<RollupKey, IntervalCounters> rollups;
  for (const AggregateRow& delta : deltas) {
    CB_RETURN_IF_ERROR(AddToBucket(conn_, tenant, delta));
    for (AggregateUnit unit : kRollupUnits) {
      Add(rollups[{UnitCode(unit), ToUnixMillis(UnitStart(unit, delta.bucket)), delta.queue_id,
                   delta.agent_id}],
          delta.counters);
    }
  }
  CB_RETURN_IF_ERROR(UpsertRollups(conn_, tenant, rollups));
  for (const auto& [name, zone] : *zones) {
    LocalRollupSums local;
    AddLocalRollups(zone, deltas, local);
    CB_RETURN_IF_ERROR(UpsertRollups(conn_, tenant, local, &name));
  }
  return Status::Ok();
}

Status SqliteKpiStore::AddAgentStates(TenantScope scope, std::span<const AgentStateRow> deltas) {
  const int64_t tenant = scope.tenant_id();
  // First: a zone registered now is built from the rows stored before this batch.
  auto zones = MaintainedZones(conn_, tenant);
  if (!zones) return zones.error();
  std::map<StateKey, AgentStateSeconds> rollups;
  for (const AgentStateRow& delta : deltas) {
    CB_RETURN_IF_ERROR(AddToStateBucket(conn_, tenant, delta));
    for (AggregateUnit unit : kRollupUnits) {
      Add(rollups[{UnitCode(unit), ToUnixMillis(UnitStart(unit, delta.bucket)), delta.agent_id}],
          delta.seconds);
    }
  }
  CB_RETURN_IF_ERROR(UpsertStateRollups(conn_, tenant, rollups));
  for (const auto& [name, zone] : *zones) {
    LocalStateSums local;
    AddLocalStateRollups(zone, deltas, local);
    CB_RETURN_IF_ERROR(UpsertStateRollups(conn_, tenant, local, &name));
  }
  return Status::Ok();
}

Result<std::vector<AggregateRow>> SqliteKpiStore::ReadAggregates(TenantScope scope, TimePoint from,
                                                                 TimePoint to, bool agent_rows) {
  std::vector<AggregateRow> out;
  CB_RETURN_IF_ERROR(ScanRange(conn_, scope.tenant_id(), {AggregateUnit::kBucket, from, to},
                               agent_rows, [&](const AggregateRow& row) {
                                 out.push_back(row);
                                 return Status::Ok();
                               }));
  return out;
}

Result<std::vector<AgentStateRow>> SqliteKpiStore::ReadAgentStates(TenantScope scope,
                                                                   TimePoint from, TimePoint to) {
  std::vector<AgentStateRow> out;
  CB_RETURN_IF_ERROR(ScanStateRange(conn_, scope.tenant_id(), {AggregateUnit::kBucket, from, to},
                                    [&](const AgentStateRow& row) {
                                      out.push_back(row);
                                      return Status::Ok();
                                    }));
  return out;
}

Status SqliteKpiStore::ScanAggregates(TenantScope scope, const std::vector<UnitRange>& ranges,
                                      bool agent_rows,
                                      const std::function<Status(const AggregateRow&)>& visit) {
  for (const UnitRange& range : ranges) {
    CB_RETURN_IF_ERROR(ScanRange(conn_, scope.tenant_id(), range, agent_rows, visit));
  }
  return Status::Ok();
}

Status SqliteKpiStore::ScanAgentStates(TenantScope scope, const std::vector<UnitRange>& ranges,
                                       const std::function<Status(const AgentStateRow&)>& visit) {
  for (const UnitRange& range : ranges) {
    CB_RETURN_IF_ERROR(ScanStateRange(conn_, scope.tenant_id(), range, visit));
  }
  return Status::Ok();
}

Status SqliteKpiStore::DeleteAggregates(TenantScope scope, TimePoint from, TimePoint to) {
  const int64_t tenant = scope.tenant_id();
  auto done = conn_.Execute(
      "DELETE FROM interval_aggregates WHERE tenant_id = ? AND bucket_start >= ? AND"
      " bucket_start < ?",
      tenant, from, to);
  if (!done) return done.error();
  if (to <= from) return Status::Ok();
  // Each rollup unit that overlaps the range is summed again from the unit below it, which
  // is already rebuilt: hours from the 15-minute rows, days from hours, months from days.
  AggregateUnit finer = AggregateUnit::kBucket;
  for (AggregateUnit unit : kRollupUnits) {
    const TimePoint a = UnitStart(unit, from);
    const TimePoint b = UnitCeil(unit, to);
    auto deleted = conn_.Execute(
        "DELETE FROM aggregate_rollups WHERE tenant_id = ? AND unit = ? AND agent_row IN (0, 1)"
        " AND bucket_start >= ? AND bucket_start < ?",
        tenant, UnitCode(unit), a, b);
    if (!deleted) return deleted.error();
    std::map<RollupKey, IntervalCounters> sums;
    for (bool agent_rows : {false, true}) {
      CB_RETURN_IF_ERROR(
          ScanRange(conn_, tenant, {finer, a, b}, agent_rows, [&](const AggregateRow& row) {
            Add(sums[{UnitCode(unit), ToUnixMillis(UnitStart(unit, row.bucket)), row.queue_id,
                      row.agent_id}],
                row.counters);
            return Status::Ok();
          }));
    }
    CB_RETURN_IF_ERROR(UpsertRollups(conn_, tenant, sums));
    finer = unit;
  }
  // The local months that overlap the range, from the rebuilt UTC units.
  auto zones = RegisteredRollupZones(conn_, tenant);
  if (!zones) return zones.error();
  for (const std::string& name : *zones) {
    auto zone = RollupZone(name);
    if (!zone) return zone.error();
    CB_RETURN_IF_ERROR(
        RebuildLocalRollups(*zone, from, to, false, LocalBackend(conn_, tenant, name)));
  }
  return Status::Ok();
}

Result<std::vector<std::string>> SqliteKpiStore::ListRollupZones(TenantScope scope) {
  return RegisteredRollupZones(conn_, scope.tenant_id());
}

Status SqliteKpiStore::AddRollupZone(TenantScope scope, const std::string& name) {
  auto zone = RollupZone(name);
  if (!zone) return zone.error();
  return BuildZone(conn_, scope.tenant_id(), name, *zone);
}

Status SqliteKpiStore::DropRollupZone(TenantScope scope, const std::string& name) {
  return DropRollupZoneRows(conn_, scope.tenant_id(), name);
}

}  // namespace callboard
