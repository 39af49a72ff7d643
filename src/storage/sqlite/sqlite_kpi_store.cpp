#include "storage/sqlite/sqlite_kpi_store.h"

#include <string>

#include "storage/common/fcr_auto_code.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_query.h"

namespace callboard {

namespace {

constexpr const char* kQueueColumns =
    "SELECT id, name, sl_threshold_s, short_abandon_s, sl_formula, target_sl, settings_version,"
    " created_at, updated_at, CAST(target_sl * 1000000 AS INTEGER) FROM queues";

QueueConfig ReadQueue(const SqliteStatement& s) {
  QueueConfig q;
  q.id = s.Int(0);
  q.name = s.Text(1);
  q.settings.sl_threshold_s = static_cast<int>(s.Int(2));
  q.settings.short_abandon_s = static_cast<int>(s.Int(3));
  q.settings.sl_formula = ParseSlFormula(s.Text(4)).value_or(SlFormula::kAbandonsCount);
  if (auto micro = s.OptInt(9)) q.target_sl = static_cast<double>(*micro) / 1e6;
  q.settings_version = static_cast<int>(s.Int(6));
  q.created_at = s.Time(7);
  q.updated_at = s.Time(8);
  return q;
}

constexpr const char* kCallColumns =
    "SELECT id, source_id, queue_id, agent_id, pbx_call_id, direction, queue_name, agent_pbx_id,"
    " caller, callee, started_at, answered_at, ended_at, wait_ms, talk_ms, hold_ms, acw_ms,"
    " outcome, transfer_count, transferred_to, disposition, call_type, fcr, csat, recording,"
    " ring_attempts, fcr_auto FROM calls";

StoredCall ReadCall(const SqliteStatement& s) {
  StoredCall c;
  c.id = s.Int(0);
  c.source_id = s.Int(1);
  c.queue_id = s.OptInt(2);
  c.agent_id = s.OptInt(3);
  CallRecord& r = c.call;
  r.pbx_call_id = s.Text(4);
  r.direction = ParseCallDirection(s.Text(5)).value_or(CallDirection::kInbound);
  r.queue = s.Text(6);
  r.agent = s.Text(7);
  r.caller = s.Text(8);
  r.callee = s.Text(9);
  r.started_at = s.Time(10);
  r.answered_at = s.OptTime(11);
  r.ended_at = s.Time(12);
  r.wait_ms = s.Int(13);
  r.talk_ms = s.Int(14);
  r.hold_ms = s.Int(15);
  r.acw_ms = s.Int(16);
  r.outcome = ParseCallOutcome(s.Text(17)).value_or(CallOutcome::kFailed);
  r.transfer_count = static_cast<int>(s.Int(18));
  r.transferred_to = s.Text(19);
  r.disposition = s.Text(20);
  r.call_type = s.Text(21);
  if (auto f = s.OptInt(22)) r.fcr = *f != 0;
  if (auto v = s.OptInt(23)) r.csat = static_cast<int>(*v);
  r.recording = s.Text(24);
  // Written by EncodeRingAttempts; unreadable text (never written by this code) reads as none.
  r.ring_attempts = DecodeRingAttempts(s.Text(25)).value_or(std::vector<RingAttempt>());
  c.fcr_auto = FcrAutoFromCode(s.OptInt(26));
  return c;
}

}  // namespace

Result<QueueConfig> SqliteKpiStore::EnsureQueue(TenantScope scope, const std::string& name,
                                                TimePoint now) {
  SqlQuery q(kQueueColumns);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("name = ?", name).Where("deleted_at IS NULL");
  auto found = FetchAll<QueueConfig>(conn_, q, ReadQueue);
  if (!found) return found.error();
  if (!found->empty()) return found->front();
  auto done = conn_.Execute(
      "INSERT INTO queues (tenant_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
      scope.tenant_id(), name, now, now);
  if (!done) return done.error();
  return GetQueue(scope, conn_.LastInsertId());
}

Result<QueueConfig> SqliteKpiStore::GetQueue(TenantScope scope, int64_t id) {
  SqlQuery q(kQueueColumns);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("id = ?", id).Where("deleted_at IS NULL");
  auto found = FetchAll<QueueConfig>(conn_, q, ReadQueue);
  if (!found) return found.error();
  if (found->empty()) return Status::NotFound("queue not found");
  return found->front();
}

Result<std::vector<QueueConfig>> SqliteKpiStore::ListQueues(TenantScope scope) {
  SqlQuery q(kQueueColumns);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("deleted_at IS NULL").Append(" ORDER BY id");
  return FetchAll<QueueConfig>(conn_, q, ReadQueue);
}

Status SqliteKpiStore::UpdateQueue(TenantScope scope, const QueueConfig& queue, TimePoint now) {
  std::optional<int64_t> target;
  if (queue.target_sl) target = static_cast<int64_t>(*queue.target_sl * 1e6 + 0.5);
  auto done = conn_.Execute(
      "UPDATE queues SET sl_threshold_s = ?, short_abandon_s = ?, sl_formula = ?,"
      " target_sl = CAST(? AS REAL) / 1000000, settings_version = settings_version + 1,"
      " updated_at = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
      queue.settings.sl_threshold_s, queue.settings.short_abandon_s,
      std::string(SlFormulaName(queue.settings.sl_formula)), target, now, scope.tenant_id(),
      queue.id);
  if (!done) return done.error();
  if (*done == 0) return Status::NotFound("queue not found");
  return Status::Ok();
}

Result<int64_t> SqliteKpiStore::EnsureAgentByPbxId(TenantScope scope, const std::string& pbx_id,
                                                   TimePoint now) {
  SqlQuery q(
      "SELECT p.agent_id FROM agent_pbx_ids p JOIN agents a ON a.tenant_id = p.tenant_id AND"
      " a.id = p.agent_id");
  q.Where("p.tenant_id = ?", scope.tenant_id())
      .Where("p.pbx_id = ?", pbx_id)
      .Where("p.deleted_at IS NULL")
      .Where("a.deleted_at IS NULL");
  auto found = FetchAll<int64_t>(conn_, q, [](const SqliteStatement& s) { return s.Int(0); });
  if (!found) return found.error();
  if (!found->empty()) return found->front();
  auto done = conn_.Execute(
      "INSERT INTO agents (tenant_id, name, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)",
      scope.tenant_id(), pbx_id, now, now);
  if (!done) return done.error();
  const int64_t id = conn_.LastInsertId();
  auto linked =
      conn_.Execute("INSERT INTO agent_pbx_ids (tenant_id, agent_id, pbx_id) VALUES (?, ?, ?)",
                    scope.tenant_id(), id, pbx_id);
  if (!linked) return linked.error();
  return id;
}

Result<IngestSource> SqliteKpiStore::EnsureSource(TenantScope scope, const std::string& name,
                                                  const std::string& format, TimePoint now) {
  auto done = conn_.Execute(
      "INSERT INTO ingest_sources (tenant_id, name, format, created_at) VALUES (?, ?, ?, ?)"
      " ON CONFLICT (tenant_id, name) DO NOTHING",
      scope.tenant_id(), name, format, now);
  if (!done) return done.error();
  SqlQuery q("SELECT id, name, format, created_at FROM ingest_sources");
  q.Where("tenant_id = ?", scope.tenant_id()).Where("name = ?", name);
  auto found = FetchAll<IngestSource>(conn_, q, [](const SqliteStatement& s) {
    return IngestSource{s.Int(0), s.Text(1), s.Text(2), s.Time(3)};
  });
  if (!found) return found.error();
  if (found->empty()) return Status::Internal("source vanished");
  if (found->front().format != format) {
    return Status::Invalid(
        {{"format", "mismatch",
          "source '" + name + "' is " + found->front().format + ", not " + format}});
  }
  return found->front();
}

Result<std::vector<IngestSource>> SqliteKpiStore::ListSources(TenantScope scope) {
  SqlQuery q("SELECT id, name, format, created_at FROM ingest_sources");
  q.Where("tenant_id = ?", scope.tenant_id()).Append(" ORDER BY id");
  return FetchAll<IngestSource>(conn_, q, [](const SqliteStatement& s) {
    return IngestSource{s.Int(0), s.Text(1), s.Text(2), s.Time(3)};
  });
}

Result<std::optional<Checkpoint>> SqliteKpiStore::GetCheckpoint(TenantScope scope,
                                                                int64_t source_id,
                                                                const std::string& stream) {
  SqlQuery q("SELECT stream, position, state, updated_at FROM ingest_checkpoints");
  q.Where("tenant_id = ?", scope.tenant_id())
      .Where("source_id = ?", source_id)
      .Where("stream = ?", stream);
  auto found = FetchAll<Checkpoint>(conn_, q, [](const SqliteStatement& s) {
    return Checkpoint{s.Text(0), s.Int(1), s.Text(2), s.Time(3)};
  });
  if (!found) return found.error();
  if (found->empty()) return std::optional<Checkpoint>();
  return std::optional<Checkpoint>(found->front());
}

Status SqliteKpiStore::PutCheckpoint(TenantScope scope, int64_t source_id, const Checkpoint& c) {
  auto done = conn_.Execute(
      "INSERT INTO ingest_checkpoints (tenant_id, source_id, stream, position, state, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, source_id, stream) DO UPDATE SET"
      " position = excluded.position, state = excluded.state, updated_at = excluded.updated_at",
      scope.tenant_id(), source_id, c.stream, c.position, c.state, c.updated_at);
  return done ? Status::Ok() : done.error();
}

Result<bool> SqliteKpiStore::InsertCall(TenantScope scope, StoredCall& c) {
  const CallRecord& r = c.call;
  std::optional<int64_t> fcr;
  if (r.fcr) fcr = *r.fcr ? 1 : 0;
  std::optional<int64_t> csat;
  if (r.csat) csat = *r.csat;
  auto done = conn_.Execute(
      "INSERT INTO calls (tenant_id, source_id, pbx_call_id, queue_id, agent_id, direction,"
      " queue_name, agent_pbx_id, caller, callee, started_at, answered_at, ended_at, wait_ms,"
      " talk_ms, hold_ms, acw_ms, outcome, transfer_count, transferred_to, disposition,"
      " call_type, fcr, csat, recording, ring_attempts, fcr_auto) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
      " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      scope.tenant_id(), c.source_id, r.pbx_call_id, c.queue_id, c.agent_id,
      std::string(CallDirectionName(r.direction)), r.queue, r.agent, r.caller, r.callee,
      r.started_at, r.answered_at, r.ended_at, r.wait_ms, r.talk_ms, r.hold_ms, r.acw_ms,
      std::string(CallOutcomeName(r.outcome)), r.transfer_count, r.transferred_to, r.disposition,
      r.call_type, fcr, csat, r.recording, EncodeRingAttempts(r.ring_attempts),
      FcrAutoCode(c.fcr_auto));
  if (!done) return done.error();
  if (*done == 0) return false;
  c.id = conn_.LastInsertId();
  return true;
}

Result<StoredCall> SqliteKpiStore::GetCall(TenantScope scope, int64_t id) {
  SqlQuery q(kCallColumns);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("id = ?", id);
  auto found = FetchAll<StoredCall>(conn_, q, ReadCall);
  if (!found) return found.error();
  if (found->empty()) return Status::NotFound("call not found");
  return found->front();
}

Result<Page<StoredCall>> SqliteKpiStore::ListCalls(TenantScope scope, const CallFilter& f,
                                                   const PageRequest& page) {
  if (f.agent_ids && f.agent_ids->empty()) return Page<StoredCall>{};
  SqlQuery q(kCallColumns);
  q.Where("tenant_id = ?", scope.tenant_id());
  if (f.from) q.Where("started_at >= ?", *f.from);
  if (f.to) q.Where("started_at < ?", *f.to);
  if (f.queue_id) q.Where("queue_id = ?", *f.queue_id);
  if (f.agent_ids)
    q.Where("agent_id IN (SELECT value FROM json_each(?))", JsonIdArray(*f.agent_ids));
  if (f.direction) q.Where("direction = ?", std::string(CallDirectionName(*f.direction)));
  if (f.outcome) q.Where("outcome = ?", std::string(CallOutcomeName(*f.outcome)));
  if (f.caller) q.Where("instr(caller, ?) > 0", *f.caller);
  if (f.min_wait_ms) q.Where("wait_ms >= ?", *f.min_wait_ms);
  if (f.has_recording) q.Where(*f.has_recording ? "recording <> ''" : "recording = ''");
  return FetchPage<StoredCall>(conn_, q, "id", true, page, ReadCall,
                               [](const StoredCall& c) { return c.id; });
}

Status SqliteKpiStore::ScanCalls(TenantScope scope, TimePoint from, TimePoint to,
                                 const std::function<Status(const StoredCall&)>& visit) {
  SqlQuery q(kCallColumns);
  q.Where("tenant_id = ?", scope.tenant_id())
      .Where("started_at >= ?", from)
      .Where("started_at < ?", to)
      .Append(" ORDER BY id");
  auto stmt = q.Prepare(conn_);
  if (!stmt) return stmt.error();
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) return Status::Ok();
    CB_RETURN_IF_ERROR(visit(ReadCall(*stmt)));
  }
}

Status SqliteKpiStore::InsertDiagnostic(TenantScope scope, const StoredDiagnostic& d) {
  auto done = conn_.Execute(
      "INSERT INTO ingest_diagnostics (tenant_id, source_id, stream, kind, call_id, line, detail,"
      " at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      scope.tenant_id(), d.source_id, d.stream, d.kind, d.call_id, d.line, d.detail, d.at);
  return done ? Status::Ok() : done.error();
}

Result<Page<StoredDiagnostic>> SqliteKpiStore::ListDiagnostics(TenantScope scope,
                                                               std::optional<int64_t> source_id,
                                                               const PageRequest& page) {
  SqlQuery q(
      "SELECT id, source_id, stream, kind, call_id, line, detail, at FROM ingest_diagnostics");
  q.Where("tenant_id = ?", scope.tenant_id());
  if (source_id) q.Where("source_id = ?", *source_id);
  return FetchPage<StoredDiagnostic>(
      conn_, q, "id", true, page,
      [](const SqliteStatement& s) {
        return StoredDiagnostic{s.Int(0),  s.Int(1), s.Text(2), s.Text(3),
                                s.Text(4), s.Int(5), s.Text(6), s.Time(7)};
      },
      [](const StoredDiagnostic& d) { return d.id; });
}

Result<std::vector<DiagnosticCount>> SqliteKpiStore::CountDiagnostics(TenantScope scope) {
  SqlQuery q("SELECT source_id, kind, COUNT(*) FROM ingest_diagnostics");
  q.Where("tenant_id = ?", scope.tenant_id())
      .Append(" GROUP BY source_id, kind ORDER BY source_id, kind");
  return FetchAll<DiagnosticCount>(conn_, q, [](const SqliteStatement& s) {
    return DiagnosticCount{s.Int(0), s.Text(1), s.Int(2)};
  });
}

Status SqliteKpiStore::InsertReject(TenantScope scope, const StoredReject& r) {
  auto done = conn_.Execute(
      "INSERT INTO ingest_rejects (tenant_id, source_id, stream, line, raw, reason, at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      scope.tenant_id(), r.source_id, r.stream, r.line, r.raw, r.reason, r.at);
  return done ? Status::Ok() : done.error();
}

Result<Page<StoredReject>> SqliteKpiStore::ListRejects(TenantScope scope,
                                                       std::optional<int64_t> source_id,
                                                       const PageRequest& page) {
  SqlQuery q("SELECT id, source_id, stream, line, raw, reason, at FROM ingest_rejects");
  q.Where("tenant_id = ?", scope.tenant_id());
  if (source_id) q.Where("source_id = ?", *source_id);
  return FetchPage<StoredReject>(
      conn_, q, "id", true, page,
      [](const SqliteStatement& s) {
        return StoredReject{s.Int(0),  s.Int(1),  s.Text(2), s.Int(3),
                            s.Text(4), s.Text(5), s.Time(6)};
      },
      [](const StoredReject& r) { return r.id; });
}

}  // namespace callboard
