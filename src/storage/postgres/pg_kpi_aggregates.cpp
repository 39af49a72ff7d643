// PgKpiStore: interval aggregates and agent state seconds (0002_telephony.sql) and their
// rollups per UTC hour, day and month (0007_aggregate_rollups.sql) and per local day and month
// of each registered zone (0013_local_rollups.sql), kept equal to the sums of the 15-minute
// rows in the same transaction. Every write is a multi-row upsert that adds in
// SQL (INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE), so that nodes adding to the same
// rows at once never lose an update, and goes out in pipeline mode (PgConnection::DeferBound):
// a batch costs a few statements and one round trip.
#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "storage/common/local_rollups.h"
#include "storage/common/local_zone_store_sql.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_kpi_store.h"
#include "storage/postgres/pg_query.h"

namespace callboard {

using namespace pg;  // NOLINT(google-build-using-namespace): the stores' own helpers

namespace {

// Rows per round trip of the Scan* calls.
constexpr int kScanChunk = 2000;

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

template <typename T, typename Read>
Result<std::vector<T>> All(PgConnection& conn, const PgQuery& q, Read read) {
  auto stmt = q.Prepare(conn);
  if (!stmt) return stmt.error();
  std::vector<T> out;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(read(*stmt));
  }
  return out;
}

// Calls `visit` with each row of `query(after)`, read by `read`, in chunks of kScanChunk rows
// (keyset: `query` selects the rows after the last one of the previous chunk, or from the
// start when empty), so that a long range is never held at once.
template <typename T, typename Query, typename Read>
Status Each(PgConnection& conn, Query query, Read read,
            const std::function<Status(const T&)>& visit) {
  std::optional<T> after;
  for (;;) {
    auto rows = All<T>(conn, query(after), read);
    if (!rows) return rows.error();
    for (const T& row : *rows) CB_RETURN_IF_ERROR(visit(row));
    if (static_cast<int>(rows->size()) < kScanChunk) return Status::Ok();
    after = rows->back();
  }
}

// --- 15-minute rows ---------------------------------------------------------------------

constexpr const char* kAggregateColumns =
    "SELECT queue_id, agent_id, bucket_start, offered, answered, abandoned, short_abandoned,"
    " timed_out, other_unanswered, wait_answered_ms, wait_abandoned_ms, max_wait_ms, talk_ms,"
    " hold_ms, acw_ms, handled, transfers, fcr_yes, fcr_known, csat_sum, csat_n,"
    " array_to_string(wait_answered_hist, ','), array_to_string(wait_abandoned_hist, ',')"
    " FROM interval_aggregates";

// The counters in column order from `first` on (offered … csat_n).
void ReadCounters(const PgStatement& s, int first, IntervalCounters& c) {
  int i = first;
  for (int64_t* field : {&c.offered, &c.answered, &c.abandoned, &c.short_abandoned, &c.timed_out,
                         &c.other_unanswered, &c.wait_answered_ms, &c.wait_abandoned_ms,
                         &c.max_wait_ms, &c.talk_ms, &c.hold_ms, &c.acw_ms, &c.handled,
                         &c.transfers, &c.fcr_yes, &c.fcr_known, &c.csat_sum, &c.csat_n}) {
    *field = s.Int(i++);
  }
}

AggregateRow ReadAggregate(const PgStatement& s) {
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
    " (SELECT coalesce(string_agg(key || '=' || value, E'\\n' ORDER BY key), '')"
    "  FROM jsonb_each_text(paused_by_reason))"
    " FROM agent_state_seconds";

AgentStateRow ReadState(const PgStatement& s) {
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

// --- writes: multi-row upserts ------------------------------------------------------------
//
// Each write sends up to kUpsertChunk rows as one INSERT … SELECT FROM unnest(one array per
// column) ON CONFLICT DO UPDATE that adds into the stored row (max_wait_ms: the larger). The
// rows of one statement have distinct keys (merged first) and go in key order, so that
// writers on several nodes lock shared rows in the same order.

constexpr size_t kUpsertChunk = 1000;

constexpr const char* kCounterNames[] = {
    "offered",          "answered",          "abandoned",
    "short_abandoned",  "timed_out",         "other_unanswered",
    "wait_answered_ms", "wait_abandoned_ms", "max_wait_ms",
    "talk_ms",          "hold_ms",           "acw_ms",
    "handled",          "transfers",         "fcr_yes",
    "fcr_known",        "csat_sum",          "csat_n"};
constexpr size_t kCounters = std::size(kCounterNames);

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

// "?::bigint[], ?::bigint[], …" (`n` of them).
std::string BigintArrays(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?::bigint[]" : "?::bigint[]";
  return out;
}

// "c = t.c + excluded.c, …" for `columns`; max_wait_ms takes the larger.
std::string AddingUpdates(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) {
    if (!out.empty()) out += ", ";
    out += c == "max_wait_ms" ? c + " = greatest(t." + c + ", excluded." + c + ")"
                              : c + " = t." + c + " + excluded." + c;
  }
  return out;
}

void AddCounters(std::vector<ArrayLiteral>& columns, size_t first, const IntervalCounters& c) {
  size_t i = first;
  for (int64_t v :
       {c.offered, c.answered, c.abandoned, c.short_abandoned, c.timed_out, c.other_unanswered,
        c.wait_answered_ms, c.wait_abandoned_ms, c.max_wait_ms, c.talk_ms, c.hold_ms, c.acw_ms,
        c.handled, c.transfers, c.fcr_yes, c.fcr_known, c.csat_sum, c.csat_n}) {
    columns[i++].Add(v);
  }
}

// Sends `rows` in statements of at most kUpsertChunk rows: `sql` binds the tenant, then one
// array per column, which `add(row, columns)` extends by one row.
// With a `zone`, it is bound after the tenant (the local rollup tables).
template <typename Rows, typename AddRow>
Status DeferChunks(PgConnection& conn, const std::string& sql, int64_t tenant, size_t n_columns,
                   const Rows& rows, AddRow add, const std::string* zone = nullptr) {
  auto it = rows.begin();
  while (it != rows.end()) {
    std::vector<ArrayLiteral> columns(n_columns);
    for (size_t n = 0; n < kUpsertChunk && it != rows.end(); ++n, ++it) add(*it, columns);
    auto stmt = conn.Prepare(sql);
    if (!stmt) return stmt.error();
    stmt->Bind(tenant);
    if (zone) stmt->Bind(*zone);
    for (ArrayLiteral& c : columns) stmt->Bind(c.Take());
    CB_RETURN_IF_ERROR(conn.DeferBound(*stmt));
  }
  return Status::Ok();
}

// A 15-minute row's key: start (ms), queue, agent (the table's key order).
using BucketKey = std::tuple<int64_t, int64_t, int64_t>;

// 15-minute rows: key, counters, and the histograms as "{1,2,…}" text cast per row.
Status UpsertBuckets(PgConnection& conn, int64_t tenant,
                     const std::map<BucketKey, IntervalCounters>& rows) {
  static const std::string sql = [] {
    const std::vector<std::string> counters(std::begin(kCounterNames), std::end(kCounterNames));
    std::string aliases;
    for (size_t i = 0; i < kCounters; ++i) aliases += ", c" + std::to_string(i);
    return "INSERT INTO interval_aggregates AS t (tenant_id, bucket_start, queue_id, agent_id, " +
           Joined(counters, ", ") + ", wait_answered_hist, wait_abandoned_hist) SELECT ?, b, q, a" +
           aliases + ", ha::bigint[], hb::bigint[] FROM unnest(" + BigintArrays(3 + kCounters) +
           ", ?::text[], ?::text[]) AS d (b, q, a" + aliases +
           ", ha, hb) ON CONFLICT (tenant_id, bucket_start, queue_id, agent_id) DO UPDATE SET " +
           AddingUpdates(counters) +
           ", wait_answered_hist = ARRAY(SELECT x + y FROM unnest(t.wait_answered_hist,"
           " excluded.wait_answered_hist) WITH ORDINALITY AS h (x, y, n) ORDER BY n),"
           " wait_abandoned_hist = ARRAY(SELECT x + y FROM unnest(t.wait_abandoned_hist,"
           " excluded.wait_abandoned_hist) WITH ORDINALITY AS h (x, y, n) ORDER BY n)";
  }();
  return DeferChunks(
      conn, sql, tenant, 3 + kCounters + 2, rows,
      [](const auto& row, std::vector<ArrayLiteral>& columns) {
        const auto& [bucket, queue_id, agent_id] = row.first;
        const IntervalCounters& c = row.second;
        columns[0].Add(bucket);
        columns[1].Add(queue_id);
        columns[2].Add(agent_id);
        AddCounters(columns, 3, c);
        columns[3 + kCounters].Add("{" + EncodeHistogram(c.wait_answered_histogram) + "}");
        columns[4 + kCounters].Add("{" + EncodeHistogram(c.wait_abandoned_histogram) + "}");
      });
}

// An agent's 15-minute state row's key: start (ms), agent.
using StateBucketKey = std::tuple<int64_t, int64_t>;

// Pause reasons travel as "reason=ms" lines and are kept as a jsonb object, merged by key.
Status UpsertStateBuckets(PgConnection& conn, int64_t tenant,
                          const std::map<StateBucketKey, AgentStateSeconds>& rows) {
  static const std::string sql =
      "INSERT INTO agent_state_seconds AS t (tenant_id, bucket_start, agent_id, logged_in_ms,"
      " available_ms, on_call_ms, acw_ms, paused_ms, paused_by_reason)"
      " SELECT ?, b, a, l, v, o, w, p, (SELECT coalesce(jsonb_object_agg("
      "   regexp_replace(x, '=[^=]*$', ''), substring(x from '[^=]*$')::bigint), '{}'::jsonb)"
      "   FROM regexp_split_to_table(r, E'\\n') AS x WHERE x <> '')"
      " FROM unnest(" +
      BigintArrays(7) +
      ", ?::text[]) AS d (b, a, l, v, o, w, p, r)"
      " ON CONFLICT (tenant_id, bucket_start, agent_id) DO UPDATE SET"
      " logged_in_ms = t.logged_in_ms + excluded.logged_in_ms,"
      " available_ms = t.available_ms + excluded.available_ms,"
      " on_call_ms = t.on_call_ms + excluded.on_call_ms, acw_ms = t.acw_ms + excluded.acw_ms,"
      " paused_ms = t.paused_ms + excluded.paused_ms,"
      " paused_by_reason = (SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb) FROM"
      "   (SELECT key, sum(value::bigint) AS total FROM (SELECT * FROM"
      "   jsonb_each_text(t.paused_by_reason) UNION ALL SELECT * FROM"
      "   jsonb_each_text(excluded.paused_by_reason)) AS r GROUP BY key) AS m)";
  return DeferChunks(conn, sql, tenant, 8, rows,
                     [](const auto& row, std::vector<ArrayLiteral>& columns) {
                       const auto& [bucket, agent_id] = row.first;
                       const AgentStateSeconds& s = row.second;
                       size_t i = 0;
                       for (int64_t v : {bucket, agent_id, s.logged_in_ms, s.available_ms,
                                         s.on_call_ms, s.acw_ms, s.paused_ms}) {
                         columns[i++].Add(v);
                       }
                       columns[7].Add(EncodeReasons(s.paused_by_reason_ms));
                     });
}

// The rollup columns of aggregate_rollups or, with `local`, of local_aggregate_rollups.
const std::string& RollupColumnsSql(bool local) {
  static const std::string sql[2] = {
      "SELECT queue_id, agent_id, bucket_start, " + Joined(RollupCounterColumns(), ", ") +
          " FROM aggregate_rollups",
      "SELECT queue_id, agent_id, bucket_start, " + Joined(RollupCounterColumns(), ", ") +
          " FROM local_aggregate_rollups"};
  return sql[local];
}

AggregateRow ReadRollup(const PgStatement& s) {
  AggregateRow r;
  r.queue_id = s.Int(0);
  r.agent_id = s.Int(1);
  r.bucket = s.Time(2);
  ReadCounters(s, 3, r.counters);
  int i = 3 + static_cast<int>(kCounters);
  for (int64_t& n : r.counters.wait_answered_histogram) n = s.Int(i++);
  for (int64_t& n : r.counters.wait_abandoned_histogram) n = s.Int(i++);
  return r;
}

int64_t UnitCode(AggregateUnit unit) { return static_cast<int64_t>(unit); }

// A rollup row's key: unit, start (ms), queue, agent.
using RollupKey = std::tuple<int64_t, int64_t, int64_t, int64_t>;

// Into aggregate_rollups, or into the local rows of `zone` when it is not null.
Status UpsertRollups(PgConnection& conn, int64_t tenant,
                     const std::map<RollupKey, IntervalCounters>& rollups,
                     const std::string* zone = nullptr) {
  static const auto sql_for = [](bool local) {
    const std::vector<std::string> columns = RollupCounterColumns();
    std::string aliases;
    for (size_t i = 0; i < columns.size(); ++i) aliases += ", c" + std::to_string(i);
    const std::string key =
        local ? "tenant_id, zone, unit, agent_row, bucket_start, queue_id, agent_id"
              : "tenant_id, unit, agent_row, bucket_start, queue_id, agent_id";
    return std::string("INSERT INTO ") + (local ? "local_aggregate_rollups" : "aggregate_rollups") +
           " AS t (" + key + ", " + Joined(columns, ", ") + ") SELECT ?, " + (local ? "?, " : "") +
           "u, (a <> 0)::int, b, q, a" + aliases + " FROM unnest(" +
           BigintArrays(4 + columns.size()) + ") AS d (u, b, q, a" + aliases + ") ON CONFLICT (" +
           key + ") DO UPDATE SET " + AddingUpdates(columns);
  };
  static const std::string sql[2] = {sql_for(false), sql_for(true)};
  return DeferChunks(
      conn, sql[zone != nullptr], tenant, 4 + kCounters + 2 * kWaitBuckets, rollups,
      [](const auto& row, std::vector<ArrayLiteral>& columns) {
        const auto& [unit, start, queue_id, agent_id] = row.first;
        const IntervalCounters& c = row.second;
        columns[0].Add(unit);
        columns[1].Add(start);
        columns[2].Add(queue_id);
        columns[3].Add(agent_id);
        AddCounters(columns, 4, c);
        size_t i = 4 + kCounters;
        for (int64_t n : c.wait_answered_histogram) columns[i++].Add(n);
        for (int64_t n : c.wait_abandoned_histogram) columns[i++].Add(n);
      },
      zone);
}

// A state rollup row's key: unit, start (ms), agent.
using StateKey = std::tuple<int64_t, int64_t, int64_t>;

// Into agent_state_rollups and agent_pause_rollups, or into their local twins for `zone`
// when it is not null.
Status UpsertStateRollups(PgConnection& conn, int64_t tenant,
                          const std::map<StateKey, AgentStateSeconds>& rollups,
                          const std::string* zone = nullptr) {
  const bool local = zone != nullptr;
  static const std::string kStates[2] = {
      "INSERT INTO agent_state_rollups AS t (tenant_id, unit, bucket_start, agent_id,"
      " logged_in_ms, available_ms, on_call_ms, acw_ms, paused_ms)"
      " SELECT ?, u, b, a, l, v, o, w, p FROM unnest(" +
          BigintArrays(8) +
          ") AS d (u, b, a, l, v, o, w, p)"
          " ON CONFLICT (tenant_id, unit, bucket_start, agent_id) DO UPDATE SET"
          " logged_in_ms = t.logged_in_ms + excluded.logged_in_ms,"
          " available_ms = t.available_ms + excluded.available_ms,"
          " on_call_ms = t.on_call_ms + excluded.on_call_ms, acw_ms = t.acw_ms + excluded.acw_ms,"
          " paused_ms = t.paused_ms + excluded.paused_ms",
      "INSERT INTO local_agent_state_rollups AS t (tenant_id, zone, unit, bucket_start, agent_id,"
      " logged_in_ms, available_ms, on_call_ms, acw_ms, paused_ms)"
      " SELECT ?, ?, u, b, a, l, v, o, w, p FROM unnest(" +
          BigintArrays(8) +
          ") AS d (u, b, a, l, v, o, w, p)"
          " ON CONFLICT (tenant_id, zone, unit, bucket_start, agent_id) DO UPDATE SET"
          " logged_in_ms = t.logged_in_ms + excluded.logged_in_ms,"
          " available_ms = t.available_ms + excluded.available_ms,"
          " on_call_ms = t.on_call_ms + excluded.on_call_ms, acw_ms = t.acw_ms + excluded.acw_ms,"
          " paused_ms = t.paused_ms + excluded.paused_ms"};
  static const std::string kPauses[2] = {
      "INSERT INTO agent_pause_rollups AS t (tenant_id, unit, bucket_start, agent_id, reason,"
      " paused_ms) SELECT ?, u, b, a, r, m FROM unnest(?::bigint[], ?::bigint[], ?::bigint[],"
      " ?::text[], ?::bigint[]) AS d (u, b, a, r, m) ON CONFLICT (tenant_id, unit,"
      " bucket_start, agent_id, reason) DO UPDATE SET paused_ms = t.paused_ms + excluded.paused_ms",
      "INSERT INTO local_agent_pause_rollups AS t (tenant_id, zone, unit, bucket_start, agent_id,"
      " reason, paused_ms) SELECT ?, ?, u, b, a, r, m FROM unnest(?::bigint[], ?::bigint[],"
      " ?::bigint[], ?::text[], ?::bigint[]) AS d (u, b, a, r, m) ON CONFLICT (tenant_id, zone,"
      " unit, bucket_start, agent_id, reason) DO UPDATE SET"
      " paused_ms = t.paused_ms + excluded.paused_ms"};
  CB_RETURN_IF_ERROR(DeferChunks(
      conn, kStates[local], tenant, 8, rollups,
      [](const auto& row, std::vector<ArrayLiteral>& columns) {
        const auto& [unit, start, agent_id] = row.first;
        const AgentStateSeconds& s = row.second;
        size_t i = 0;
        for (int64_t v : {unit, start, agent_id, s.logged_in_ms, s.available_ms, s.on_call_ms,
                          s.acw_ms, s.paused_ms}) {
          columns[i++].Add(v);
        }
      },
      zone));
  // One row per unit, agent and reason.
  std::vector<std::tuple<int64_t, int64_t, int64_t, std::string, int64_t>> pauses;
  for (const auto& [key, s] : rollups) {
    const auto& [unit, start, agent_id] = key;
    for (const auto& [reason, ms] : s.paused_by_reason_ms) {
      pauses.emplace_back(unit, start, agent_id, reason, ms);
    }
  }
  return DeferChunks(
      conn, kPauses[local], tenant, 5, pauses,
      [](const auto& row, std::vector<ArrayLiteral>& columns) {
        const auto& [unit, start, agent_id, reason, ms] = row;
        columns[0].Add(unit);
        columns[1].Add(start);
        columns[2].Add(agent_id);
        columns[3].Add(std::string_view(reason));
        columns[4].Add(ms);
      },
      zone);
}

// --- summed ranges ----------------------------------------------------------------------
//
// A summable range of rollups (UnitRange::summable) is added up by PostgreSQL per queue and
// agent (GROUP BY), so that one row per pair travels instead of every day or month row; each
// sum is visited with the earliest start of its rows, which lies in the range's one report
// interval. (SQLite reads the rows: its GROUP BY of fifty sums is slower than the rows.)

// The sums per (queue, agent) of a range of aggregate_rollups (with `local`: of one zone's
// local_aggregate_rollups), read as rollup rows (ReadRollup): queue_id, agent_id,
// MIN(bucket_start), then the SUM of each counter (max_wait_ms: MAX). Parameters: tenant,
// [zone,] unit, agent_row, from, to.
std::string SummedRollupSql(bool local) {
  std::string out = "SELECT queue_id, agent_id, MIN(bucket_start)";
  for (const std::string& c : RollupCounterColumns()) {
    out += (c == "max_wait_ms" ? ", MAX(" : ", SUM(") + c + ")";
  }
  return out +
         (local ? " FROM local_aggregate_rollups WHERE tenant_id = ? AND zone = ? AND"
                : " FROM aggregate_rollups WHERE tenant_id = ? AND") +
         " unit = ? AND agent_row = ? AND bucket_start >= ? AND bucket_start < ?"
         " GROUP BY queue_id, agent_id";
}

// Visits the sums per (queue, agent) of `range` (rollups, not 15-minute rows).
Status ScanRollupSums(PgConnection& conn, int64_t tenant, const UnitRange& range, bool agent_rows,
                      const std::function<Status(const AggregateRow&)>& visit) {
  static const std::string sql[2] = {SummedRollupSql(false), SummedRollupSql(true)};
  auto stmt = conn.Prepare(sql[IsLocalUnit(range.unit)]);
  if (!stmt) return stmt.error();
  stmt->Bind(tenant);
  if (IsLocalUnit(range.unit)) stmt->Bind(range.zone);
  stmt->Bind(UnitCode(range.unit), int64_t{agent_rows}, range.from, range.to);
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return Status::Ok();
    CB_RETURN_IF_ERROR(visit(ReadRollup(*stmt)));
  }
}

// Visits the sums per agent of `range` of agent_state_rollups and agent_pause_rollups (with a
// local unit: their local twins of range.zone), pause reasons summed per reason.
Status ScanStateRollupSums(PgConnection& conn, int64_t tenant, const UnitRange& range,
                           const std::function<Status(const AgentStateRow&)>& visit) {
  const bool local = IsLocalUnit(range.unit);
  const std::string where = std::string(local ? "_rollups WHERE tenant_id = ? AND zone = ? AND"
                                              : "_rollups WHERE tenant_id = ? AND") +
                            " unit = ? AND bucket_start >= ? AND bucket_start < ?";
  const std::string prefix = local ? " FROM local_agent_" : " FROM agent_";
  const auto bind = [&](PgStatement& stmt) {
    stmt.Bind(tenant);
    if (local) stmt.Bind(range.zone);
    stmt.Bind(UnitCode(range.unit), range.from, range.to);
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

Status ScanRange(PgConnection& conn, int64_t tenant, const UnitRange& range, bool agent_rows,
                 const std::function<Status(const AggregateRow&)>& visit) {
  const bool buckets = range.unit == AggregateUnit::kBucket;
  const bool local = IsLocalUnit(range.unit);
  if (range.summable && !buckets) {
    return ScanRollupSums(conn, tenant, range, agent_rows, visit);
  }
  const auto query = [&](const std::optional<AggregateRow>& after) {
    PgQuery q(buckets ? std::string(kAggregateColumns) : RollupColumnsSql(local));
    q.Where("tenant_id = ?", tenant);
    if (local) q.Where("zone = ?", range.zone);
    if (buckets) {
      q.Where(agent_rows ? "agent_id != 0" : "agent_id = 0");
    } else {
      q.Where("unit = ?", UnitCode(range.unit)).Where("agent_row = ?", int64_t{agent_rows});
    }
    q.Where("bucket_start >= ?", range.from).Where("bucket_start < ?", range.to);
    if (after) {
      q.Where("(bucket_start, queue_id, agent_id) > (?, ?, ?)", after->bucket, after->queue_id,
              after->agent_id);
    }
    q.Append(" ORDER BY bucket_start, queue_id, agent_id LIMIT ?", kScanChunk);
    return q;
  };
  return Each<AggregateRow>(conn, query, buckets ? ReadAggregate : ReadRollup, visit);
}

// The pause reasons of a rollup in the 15-minute rows' text form, so that ReadState reads both.
constexpr const char* kStateRollupColumns[2] = {
    "SELECT s.agent_id, s.bucket_start, s.logged_in_ms, s.available_ms, s.on_call_ms,"
    " s.acw_ms, s.paused_ms, (SELECT coalesce(string_agg(p.reason || '=' || p.paused_ms,"
    " E'\\n' ORDER BY p.reason), '') FROM agent_pause_rollups p WHERE p.tenant_id = s.tenant_id"
    " AND p.unit = s.unit AND p.bucket_start = s.bucket_start AND p.agent_id = s.agent_id)"
    " FROM agent_state_rollups s",
    "SELECT s.agent_id, s.bucket_start, s.logged_in_ms, s.available_ms, s.on_call_ms,"
    " s.acw_ms, s.paused_ms, (SELECT coalesce(string_agg(p.reason || '=' || p.paused_ms,"
    " E'\\n' ORDER BY p.reason), '') FROM local_agent_pause_rollups p WHERE"
    " p.tenant_id = s.tenant_id AND p.zone = s.zone AND p.unit = s.unit AND"
    " p.bucket_start = s.bucket_start AND p.agent_id = s.agent_id)"
    " FROM local_agent_state_rollups s"};

Status ScanStateRange(PgConnection& conn, int64_t tenant, const UnitRange& range,
                      const std::function<Status(const AgentStateRow&)>& visit) {
  const bool buckets = range.unit == AggregateUnit::kBucket;
  const bool local = IsLocalUnit(range.unit);
  if (range.summable && !buckets) return ScanStateRollupSums(conn, tenant, range, visit);
  const auto query = [&](const std::optional<AgentStateRow>& after) {
    PgQuery q(buckets ? kStateColumns : kStateRollupColumns[local]);
    const std::string p = buckets ? "" : "s.";
    q.Where(p + "tenant_id = ?", tenant);
    if (local) q.Where("s.zone = ?", range.zone);
    if (!buckets) q.Where("s.unit = ?", UnitCode(range.unit));
    q.Where(p + "bucket_start >= ?", range.from).Where(p + "bucket_start < ?", range.to);
    if (after) {
      q.Where("(" + p + "bucket_start, " + p + "agent_id) > (?, ?)", after->bucket,
              after->agent_id);
    }
    q.Append(" ORDER BY " + p + "bucket_start, " + p + "agent_id LIMIT ?", kScanChunk);
    return q;
  };
  return Each<AgentStateRow>(conn, query, ReadState, visit);
}

// --- local rollups ----------------------------------------------------------------------

// The SQL of a local rollup rebuild for `zone` (storage/common/local_rollups.h).
LocalRollupBackend LocalBackend(PgConnection& conn, int64_t tenant, const std::string& zone) {
  return LocalRollupSql(conn, tenant, zone, ScanRange, ScanStateRange, UpsertRollups,
                        UpsertStateRollups);
}

// The tenant's zone lock: writers of local rows hold it shared until they commit, a zone
// build exclusively, so that a build sees every committed write and every later write sees
// the built zone (writes are READ COMMITTED: each statement sees the latest commits).
constexpr const char* kZoneLock = "callboard.rollup_zones";

Status LockZonesShared(PgConnection& conn, int64_t tenant) {
  auto lock = conn.Prepare("SELECT pg_advisory_xact_lock_shared(hashtext(?), ?::int)");
  if (!lock) return lock.error();
  lock->Bind(std::string(kZoneLock), tenant % 2147483647);
  return lock->Run();
}

// Exclusive; without waiting when `wait` is false (then false when another holds it).
Result<bool> LockZonesExclusive(PgConnection& conn, int64_t tenant, bool wait) {
  auto lock = conn.Prepare(wait ? "SELECT true FROM pg_advisory_xact_lock(hashtext(?), ?::int)"
                                : "SELECT pg_try_advisory_xact_lock(hashtext(?), ?::int)");
  if (!lock) return lock.error();
  lock->Bind(std::string(kZoneLock), tenant % 2147483647);
  auto row = lock->Step();
  if (!row) return row.error();
  return *row && lock->Bool(0);
}

// Deletes every local row of `zone`, builds them again over the months that hold stored UTC
// rollups, and registers the zone. REQUIRES: the exclusive zone lock.
Status BuildZone(PgConnection& conn, int64_t tenant, const std::string& name,
                 const date::time_zone* zone) {
  CB_RETURN_IF_ERROR(BuildRollupZone(conn, tenant, name, zone, LocalBackend(conn, tenant, name)));
  return conn.Flush();
}

// The zones whose local rows a write must keep: the registered ones, after registering (and
// building) the zones of the tenant's sites that are not yet — when no other transaction
// holds the zone lock; otherwise a later write builds them.
Result<std::vector<std::pair<std::string, const date::time_zone*>>> MaintainedZones(
    PgConnection& conn, int64_t tenant) {
  CB_RETURN_IF_ERROR(LockZonesShared(conn, tenant));
  auto registered = RegisteredRollupZones(conn, tenant);
  if (!registered) return registered.error();
  auto missing = UnregisteredSiteZones(conn, tenant, *registered);
  if (!missing) return missing.error();
  if (!missing->empty()) {
    auto exclusive = LockZonesExclusive(conn, tenant, false);
    if (!exclusive) return exclusive.error();
    if (*exclusive) {
      registered = RegisteredRollupZones(conn, tenant);  // another build may have committed since
      if (!registered) return registered.error();
      for (const std::string& name : *missing) {
        if (std::find(registered->begin(), registered->end(), name) != registered->end()) continue;
        CB_RETURN_IF_ERROR(BuildZone(conn, tenant, name, RollupZone(name).value()));
        registered->push_back(name);
      }
    }
  }
  return ZonesOfNames(*registered);
}

}  // namespace

Status PgKpiStore::AddAggregates(TenantScope scope, std::span<const AggregateRow> deltas) {
  const int64_t tenant = scope.tenant_id();
  CB_RETURN_IF_ERROR(conn_.UseTenant(tenant));
  // First: a zone registered now is built from the rows stored before this batch.
  auto zones = MaintainedZones(conn_, tenant);
  if (!zones) return zones.error();
  std::map<BucketKey, IntervalCounters> buckets;
  std::map<RollupKey, IntervalCounters> rollups;
  for (const AggregateRow& delta : deltas) {
    const int64_t start = ToUnixMillis(delta.bucket);
    Add(buckets[{start, delta.queue_id, delta.agent_id}], delta.counters);
    for (AggregateUnit unit : kRollupUnits) {
      Add(rollups[{UnitCode(unit), ToUnixMillis(UnitStart(unit, delta.bucket)), delta.queue_id,
                   delta.agent_id}],
          delta.counters);
    }
  }
  CB_RETURN_IF_ERROR(UpsertBuckets(conn_, tenant, buckets));
  CB_RETURN_IF_ERROR(UpsertRollups(conn_, tenant, rollups));
  for (const auto& [name, zone] : *zones) {
    LocalRollupSums local;
    AddLocalRollups(zone, deltas, local);
    CB_RETURN_IF_ERROR(UpsertRollups(conn_, tenant, local, &name));
  }
  return Status::Ok();
}

Status PgKpiStore::AddAgentStates(TenantScope scope, std::span<const AgentStateRow> deltas) {
  const int64_t tenant = scope.tenant_id();
  CB_RETURN_IF_ERROR(conn_.UseTenant(tenant));
  // First: a zone registered now is built from the rows stored before this batch.
  auto zones = MaintainedZones(conn_, tenant);
  if (!zones) return zones.error();
  std::map<StateBucketKey, AgentStateSeconds> buckets;
  std::map<StateKey, AgentStateSeconds> rollups;
  for (const AgentStateRow& delta : deltas) {
    Add(buckets[{ToUnixMillis(delta.bucket), delta.agent_id}], delta.seconds);
    for (AggregateUnit unit : kRollupUnits) {
      Add(rollups[{UnitCode(unit), ToUnixMillis(UnitStart(unit, delta.bucket)), delta.agent_id}],
          delta.seconds);
    }
  }
  CB_RETURN_IF_ERROR(UpsertStateBuckets(conn_, tenant, buckets));
  CB_RETURN_IF_ERROR(UpsertStateRollups(conn_, tenant, rollups));
  for (const auto& [name, zone] : *zones) {
    LocalStateSums local;
    AddLocalStateRollups(zone, deltas, local);
    CB_RETURN_IF_ERROR(UpsertStateRollups(conn_, tenant, local, &name));
  }
  return Status::Ok();
}

Result<std::vector<AggregateRow>> PgKpiStore::ReadAggregates(TenantScope scope, TimePoint from,
                                                             TimePoint to, bool agent_rows) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  std::vector<AggregateRow> out;
  CB_RETURN_IF_ERROR(ScanRange(conn_, scope.tenant_id(), {AggregateUnit::kBucket, from, to},
                               agent_rows, [&](const AggregateRow& row) {
                                 out.push_back(row);
                                 return Status::Ok();
                               }));
  return out;
}

Result<std::vector<AgentStateRow>> PgKpiStore::ReadAgentStates(TenantScope scope, TimePoint from,
                                                               TimePoint to) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  std::vector<AgentStateRow> out;
  CB_RETURN_IF_ERROR(ScanStateRange(conn_, scope.tenant_id(), {AggregateUnit::kBucket, from, to},
                                    [&](const AgentStateRow& row) {
                                      out.push_back(row);
                                      return Status::Ok();
                                    }));
  return out;
}

Status PgKpiStore::ScanAggregates(TenantScope scope, const std::vector<UnitRange>& ranges,
                                  bool agent_rows,
                                  const std::function<Status(const AggregateRow&)>& visit) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  for (const UnitRange& range : ranges) {
    CB_RETURN_IF_ERROR(ScanRange(conn_, scope.tenant_id(), range, agent_rows, visit));
  }
  return Status::Ok();
}

Status PgKpiStore::ScanAgentStates(TenantScope scope, const std::vector<UnitRange>& ranges,
                                   const std::function<Status(const AgentStateRow&)>& visit) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  for (const UnitRange& range : ranges) {
    CB_RETURN_IF_ERROR(ScanStateRange(conn_, scope.tenant_id(), range, visit));
  }
  return Status::Ok();
}

Status PgKpiStore::DeleteAggregates(TenantScope scope, TimePoint from, TimePoint to) {
  const int64_t tenant = scope.tenant_id();
  CB_RETURN_IF_ERROR(conn_.UseTenant(tenant));
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
  CB_RETURN_IF_ERROR(LockZonesShared(conn_, tenant));
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

Result<std::vector<std::string>> PgKpiStore::ListRollupZones(TenantScope scope) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return RegisteredRollupZones(conn_, scope.tenant_id());
}

Status PgKpiStore::AddRollupZone(TenantScope scope, const std::string& name) {
  const int64_t tenant = scope.tenant_id();
  CB_RETURN_IF_ERROR(conn_.UseTenant(tenant));
  auto zone = RollupZone(name);
  if (!zone) return zone.error();
  auto locked = LockZonesExclusive(conn_, tenant, true);
  if (!locked) return locked.error();
  return BuildZone(conn_, tenant, name, *zone);
}

Status PgKpiStore::DropRollupZone(TenantScope scope, const std::string& name) {
  const int64_t tenant = scope.tenant_id();
  CB_RETURN_IF_ERROR(conn_.UseTenant(tenant));
  auto locked = LockZonesExclusive(conn_, tenant, true);
  if (!locked) return locked.error();
  return DropRollupZoneRows(conn_, tenant, name);
}

}  // namespace callboard
