#pragma once
// SqliteKpiStore: KpiStore over one SQLite connection (schema 0002_telephony.sql; rollups
// 0007_aggregate_rollups.sql).
// Thread-safety: as its connection.

#include "kpi/kpi_store.h"

namespace callboard {

class SqliteConnection;

class SqliteKpiStore final : public KpiStore {
 public:
  explicit SqliteKpiStore(SqliteConnection& conn) : conn_(conn) {}

  Result<QueueConfig> EnsureQueue(TenantScope scope, const std::string& name,
                                  TimePoint now) override;
  Result<QueueConfig> GetQueue(TenantScope scope, int64_t id) override;
  Result<std::vector<QueueConfig>> ListQueues(TenantScope scope) override;
  Status UpdateQueue(TenantScope scope, const QueueConfig& queue, TimePoint now) override;
  Result<int64_t> EnsureAgentByPbxId(TenantScope scope, const std::string& pbx_id,
                                     TimePoint now) override;
  Result<IngestSource> EnsureSource(TenantScope scope, const std::string& name,
                                    const std::string& format, TimePoint now) override;
  Result<std::vector<IngestSource>> ListSources(TenantScope scope) override;
  Result<std::optional<Checkpoint>> GetCheckpoint(TenantScope scope, int64_t source_id,
                                                  const std::string& stream) override;
  Status PutCheckpoint(TenantScope scope, int64_t source_id, const Checkpoint& checkpoint) override;
  Result<bool> InsertCall(TenantScope scope, StoredCall& call) override;
  Result<StoredCall> GetCall(TenantScope scope, int64_t id) override;
  Result<Page<StoredCall>> ListCalls(TenantScope scope, const CallFilter& filter,
                                     const PageRequest& page) override;
  Status ScanCalls(TenantScope scope, TimePoint from, TimePoint to,
                   const std::function<Status(const StoredCall&)>& visit) override;
  // Automatic FCR: sqlite_kpi_fcr.cpp.
  Result<std::vector<FcrCall>> ReadInboundCallsOfCallers(TenantScope scope,
                                                         const std::vector<std::string>& callers,
                                                         TimePoint from, TimePoint to) override;
  Result<std::vector<FcrChange>> MarkFcrRepeated(TenantScope scope,
                                                 const std::vector<int64_t>& ids) override;
  Result<std::vector<FcrChange>> DecideFcrPending(TenantScope scope, TimePoint cutoff,
                                                  std::chrono::milliseconds window) override;
  Result<std::optional<TimePoint>> NewestCallStart(TenantScope scope) override;
  // Aggregates and their rollups: sqlite_kpi_aggregates.cpp.
  Status AddAggregates(TenantScope scope, std::span<const AggregateRow> deltas) override;
  Status AddAgentStates(TenantScope scope, std::span<const AgentStateRow> deltas) override;
  Result<std::vector<AggregateRow>> ReadAggregates(TenantScope scope, TimePoint from, TimePoint to,
                                                   bool agent_rows) override;
  Result<std::vector<AgentStateRow>> ReadAgentStates(TenantScope scope, TimePoint from,
                                                     TimePoint to) override;
  Status ScanAggregates(TenantScope scope, const std::vector<UnitRange>& ranges, bool agent_rows,
                        const std::function<Status(const AggregateRow&)>& visit) override;
  Status ScanAgentStates(TenantScope scope, const std::vector<UnitRange>& ranges,
                         const std::function<Status(const AgentStateRow&)>& visit) override;
  Status DeleteAggregates(TenantScope scope, TimePoint from, TimePoint to) override;
  Result<std::vector<std::string>> ListRollupZones(TenantScope scope) override;
  Status AddRollupZone(TenantScope scope, const std::string& zone) override;
  Status DropRollupZone(TenantScope scope, const std::string& zone) override;
  Status InsertDiagnostic(TenantScope scope, const StoredDiagnostic& diagnostic) override;
  Result<Page<StoredDiagnostic>> ListDiagnostics(TenantScope scope,
                                                 std::optional<int64_t> source_id,
                                                 const PageRequest& page) override;
  Result<std::vector<DiagnosticCount>> CountDiagnostics(TenantScope scope) override;
  Status InsertReject(TenantScope scope, const StoredReject& reject) override;
  Result<Page<StoredReject>> ListRejects(TenantScope scope, std::optional<int64_t> source_id,
                                         const PageRequest& page) override;

 private:
  SqliteConnection& conn_;
};

}  // namespace callboard
