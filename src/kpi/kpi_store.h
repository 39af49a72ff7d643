#pragma once
// KpiStore: persistence of the telephony data and its aggregates (DESIGN §3): queues with
// their KPI settings, ingest sources and checkpoints, calls (append-only, idempotent by
// natural key), interval aggregates and agent state seconds, rejected lines. Owned by the
// kpi domain, implemented by each storage backend. Every call takes the TenantScope.
//
// Thread-safety: used only through a Transaction (store/transaction.h).

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/call_record.h"
#include "core/interval_counters.h"
#include "core/kpi.h"
#include "core/page.h"
#include "core/status.h"
#include "core/tenant_scope.h"
#include "kpi/aggregate_unit.h"

namespace callboard {

struct QueueConfig {
  int64_t id = 0;
  std::string name;
  QueueSettings settings;
  int settings_version = 1;         // incremented by every settings change
  std::optional<double> target_sl;  // 0..1, for colours on wallboards
  TimePoint created_at;
  TimePoint updated_at;
};

struct IngestSource {
  int64_t id = 0;
  std::string name;
  std::string format;  // SourceFormatName
  TimePoint created_at;
};

// How far a stream (a file, identified by its content) has been ingested.
struct Checkpoint {
  std::string stream;    // stream identity
  int64_t position = 0;  // last line fully ingested
  std::string state;     // resumable state (assembler, header line …), opaque
  TimePoint updated_at;
};

// The automatic first-contact-resolution status of a stored call (DESIGN §3.4, auto_fcr.h):
// not eligible (or its fcr was given), pending while the caller's window is open, then yes
// (resolved) or no (the caller reached the tenant again within the window).
enum class FcrAuto { kNone, kPending, kYes, kNo };

struct StoredCall {
  int64_t id = 0;
  int64_t source_id = 0;
  std::optional<int64_t> queue_id;
  std::optional<int64_t> agent_id;
  CallRecord call;
  FcrAuto fcr_auto = FcrAuto::kNone;  // stored with the call by InsertCall(s)
};

// An inbound call as the automatic FCR decision sees it.
struct FcrCall {
  int64_t id = 0;
  std::string pbx_call_id;
  std::string caller;
  TimePoint started_at;
  FcrAuto fcr_auto = FcrAuto::kNone;
};

// A change of a call's automatic FCR status, with what places it in the aggregates.
struct FcrChange {
  int64_t id = 0;
  FcrAuto from = FcrAuto::kPending;
  FcrAuto to = FcrAuto::kPending;
  std::optional<int64_t> queue_id;
  std::optional<int64_t> agent_id;
  TimePoint started_at;
};

struct StoredReject {
  int64_t id = 0;
  int64_t source_id = 0;
  std::string stream;
  int64_t line = 0;
  std::string raw;
  std::string reason;
  TimePoint at;
};

// A data-quality finding of the ingest pipeline (DESIGN §3.4a).
struct StoredDiagnostic {
  int64_t id = 0;
  int64_t source_id = 0;
  std::string stream;
  std::string kind;     // e.g. "connect_without_enterqueue", "no_terminal_event"
  std::string call_id;  // the PBX call id, when the finding is about a call
  int64_t line = 0;
  std::string detail;
  TimePoint at;
};

struct DiagnosticCount {
  int64_t source_id = 0;
  std::string kind;
  int64_t count = 0;
};

// One interval aggregate row: queue × agent (0 = the queue total) × 15-minute bucket, or
// × rollup unit (aggregate_unit.h) when read from a rollup; `bucket` is the unit's start.
struct AggregateRow {
  int64_t queue_id = 0;
  int64_t agent_id = 0;
  TimePoint bucket;
  IntervalCounters counters;
};

// An agent's state time over one 15-minute bucket, or one rollup unit when read from one.
struct AgentStateRow {
  int64_t agent_id = 0;
  TimePoint bucket;
  AgentStateSeconds seconds;
};

// Most calls one KpiStore::DecideFcrPending decides.
inline constexpr int kFcrDecideLimit = 20000;

struct CallFilter {
  std::optional<TimePoint> from;  // started_at >= from
  std::optional<TimePoint> to;    // started_at < to
  std::optional<int64_t> queue_id;
  std::optional<std::vector<int64_t>> agent_ids;  // empty vector: no rows
  std::optional<CallDirection> direction;
  std::optional<CallOutcome> outcome;
  std::optional<std::string> caller;  // substring
  std::optional<int64_t> min_wait_ms;
  std::optional<bool> has_recording;  // true: recording not empty; false: empty
};

class KpiStore {
 public:
  virtual ~KpiStore() = default;

  // Queues by PBX name, created with default settings on first sight.
  virtual Result<QueueConfig> EnsureQueue(TenantScope scope, const std::string& name,
                                          TimePoint now) = 0;
  virtual Result<QueueConfig> GetQueue(TenantScope scope, int64_t id) = 0;
  virtual Result<std::vector<QueueConfig>> ListQueues(TenantScope scope) = 0;
  // Replaces settings and target; increments settings_version.
  virtual Status UpdateQueue(TenantScope scope, const QueueConfig& queue, TimePoint now) = 0;

  // The agent with this PBX identity, created (named by the identity) on first sight.
  virtual Result<int64_t> EnsureAgentByPbxId(TenantScope scope, const std::string& pbx_id,
                                             TimePoint now) = 0;

  virtual Result<IngestSource> EnsureSource(TenantScope scope, const std::string& name,
                                            const std::string& format, TimePoint now) = 0;
  virtual Result<std::vector<IngestSource>> ListSources(TenantScope scope) = 0;
  virtual Result<std::optional<Checkpoint>> GetCheckpoint(TenantScope scope, int64_t source_id,
                                                          const std::string& stream) = 0;
  virtual Status PutCheckpoint(TenantScope scope, int64_t source_id,
                               const Checkpoint& checkpoint) = 0;

  // Inserts the call unless one with the same natural key (source, pbx_call_id, queue,
  // started_at) exists; true when inserted (and `call.id` set).
  virtual Result<bool> InsertCall(TenantScope scope, StoredCall& call) = 0;
  // InsertCall for each call in order (a later duplicate of an earlier one in the batch is not
  // inserted); element i is true when calls[i] was inserted (and its id set). Backends may
  // send the batch at once (PostgreSQL: one statement instead of a round trip per call).
  virtual Result<std::vector<bool>> InsertCalls(TenantScope scope, std::vector<StoredCall>& calls) {
    std::vector<bool> out;
    out.reserve(calls.size());
    for (StoredCall& c : calls) {
      auto inserted = InsertCall(scope, c);
      if (!inserted) return inserted.error();
      out.push_back(*inserted);
    }
    return out;
  }
  virtual Result<StoredCall> GetCall(TenantScope scope, int64_t id) = 0;
  // Newest first (keyset on id, descending).
  virtual Result<Page<StoredCall>> ListCalls(TenantScope scope, const CallFilter& filter,
                                             const PageRequest& page) = 0;
  // Every call with started_at in [from, to), in id order.
  virtual Status ScanCalls(TenantScope scope, TimePoint from, TimePoint to,
                           const std::function<Status(const StoredCall&)>& visit) = 0;

  // Automatic FCR (auto_fcr.h). The inbound calls from any of `callers` with started_at in
  // [from, to), by caller then started_at then id.
  virtual Result<std::vector<FcrCall>> ReadInboundCallsOfCallers(
      TenantScope scope, const std::vector<std::string>& callers, TimePoint from, TimePoint to) = 0;
  // Sets the automatic status of each call of `ids` whose status is pending or yes to no;
  // returns one change per call changed (a call already no, or not eligible, is left alone).
  virtual Result<std::vector<FcrChange>> MarkFcrRepeated(TenantScope scope,
                                                         const std::vector<int64_t>& ids) = 0;
  // Decides the pending calls with started_at <= cutoff, oldest first and at most
  // kFcrDecideLimit of them: no when an inbound call from the same caller with another
  // pbx_call_id started after it and before started_at + window, else yes; returns the
  // changes (fewer than kFcrDecideLimit: none is left). A call decided by another
  // transaction meanwhile is left as it is.
  virtual Result<std::vector<FcrChange>> DecideFcrPending(TenantScope scope, TimePoint cutoff,
                                                          std::chrono::milliseconds window) = 0;
  // The latest started_at of any of the tenant's calls; empty when it has none.
  virtual Result<std::optional<TimePoint>> NewestCallStart(TenantScope scope) = 0;

  // Adds each delta into the 15-minute row of its key (created when missing) and into the
  // rollup row of every unit that holds its bucket (kRollupUnits), in the caller's
  // transaction. Deltas may share keys; a backend merges the deltas of one rollup row before
  // writing it, so one call per ingest batch is much cheaper than one per delta.
  // REQUIRES: every delta's bucket is a bucket start.
  virtual Status AddAggregates(TenantScope scope, std::span<const AggregateRow> deltas) = 0;
  virtual Status AddAgentStates(TenantScope scope, std::span<const AgentStateRow> deltas) = 0;
  Status AddAggregate(TenantScope scope, const AggregateRow& delta) {
    return AddAggregates(scope, {&delta, 1});
  }
  Status AddAgentState(TenantScope scope, const AgentStateRow& delta) {
    return AddAgentStates(scope, {&delta, 1});
  }
  // 15-minute rows with bucket in [from, to); agent rows (agent_id != 0) or queue totals (== 0).
  virtual Result<std::vector<AggregateRow>> ReadAggregates(TenantScope scope, TimePoint from,
                                                           TimePoint to, bool agent_rows) = 0;
  virtual Result<std::vector<AgentStateRow>> ReadAgentStates(TenantScope scope, TimePoint from,
                                                             TimePoint to) = 0;
  // The rows of each range's unit (15-minute rows or rollups) with start in [from, to), range
  // by range and in start order within a range, one at a time without holding them all
  // (reports over long ranges, see PlanUnitRanges); agent rows or queue totals. For a
  // `summable` range of rollups, the rows may instead be summed per (queue, agent), each sum
  // visited once with the earliest start of its rows (max_wait_ms: the largest).
  virtual Status ScanAggregates(TenantScope scope, const std::vector<UnitRange>& ranges,
                                bool agent_rows,
                                const std::function<Status(const AggregateRow&)>& visit) = 0;
  virtual Status ScanAgentStates(TenantScope scope, const std::vector<UnitRange>& ranges,
                                 const std::function<Status(const AgentStateRow&)>& visit) = 0;
  // Removes the interval aggregates with bucket in [from, to) and brings every rollup that
  // overlaps the range (local ones too) back to the sum of the 15-minute rows that remain
  // (reaggregation then adds the rebuilt rows). Agent state seconds are kept. REQUIRES: from
  // and to are bucket starts.
  virtual Status DeleteAggregates(TenantScope scope, TimePoint from, TimePoint to) = 0;

  // Local-day and local-month rollups (aggregate_unit.h) are kept for each registered zone.
  // The zones of the tenant's sites (other than UTC) are registered by the first
  // AddAggregates or AddAgentStates after they appear; any zone by AddRollupZone.
  // The registered zones, by name: a report in one of them may read its local units.
  virtual Result<std::vector<std::string>> ListRollupZones(TenantScope scope) = 0;
  // Registers `zone` (an IANA name other than UTC; kInvalidArgument on "zone" otherwise) and
  // builds its local rows from the stored UTC days, hours and buckets, or rebuilds them when it
  // is registered already; from then on AddAggregates, AddAgentStates and DeleteAggregates
  // keep them in the same transaction. Reads every stored hour of the tenant once.
  virtual Status AddRollupZone(TenantScope scope, const std::string& zone) = 0;
  // Unregisters `zone` and deletes its local rows (a site zone is registered again by the next
  // ingest batch). NotFound when it is not registered.
  virtual Status DropRollupZone(TenantScope scope, const std::string& zone) = 0;

  // Stores a finding unless the same one (source, stream, line, kind, call) is stored.
  virtual Status InsertDiagnostic(TenantScope scope, const StoredDiagnostic& diagnostic) = 0;
  // Newest first (keyset on id, descending).
  virtual Result<Page<StoredDiagnostic>> ListDiagnostics(TenantScope scope,
                                                         std::optional<int64_t> source_id,
                                                         const PageRequest& page) = 0;
  // How many findings of each kind each source has, by source then kind.
  virtual Result<std::vector<DiagnosticCount>> CountDiagnostics(TenantScope scope) = 0;

  virtual Status InsertReject(TenantScope scope, const StoredReject& reject) = 0;
  // Newest first (keyset on id, descending).
  virtual Result<Page<StoredReject>> ListRejects(TenantScope scope,
                                                 std::optional<int64_t> source_id,
                                                 const PageRequest& page) = 0;
};

}  // namespace callboard
