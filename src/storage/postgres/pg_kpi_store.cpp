#include "storage/postgres/pg_kpi_store.h"

#include <map>
#include <string>
#include <tuple>

#include "storage/common/fcr_auto_code.h"
#include "storage/postgres/pg_connection.h"
#include "storage/postgres/pg_query.h"

namespace callboard {

using namespace pg;  // NOLINT(google-build-using-namespace): the stores' own helpers

namespace {

// Rows per round trip of the Scan* calls.
constexpr int kScanChunk = 2000;

constexpr const char* kQueueColumns =
    "SELECT id, name, sl_threshold_s, short_abandon_s, sl_formula, target_sl, settings_version,"
    " created_at, updated_at, round(target_sl * 1000000)::bigint FROM queues";

QueueConfig ReadQueue(const PgStatement& s) {
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

StoredCall ReadCall(const PgStatement& s) {
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

}  // namespace

Result<QueueConfig> PgKpiStore::EnsureQueue(TenantScope scope, const std::string& name,
                                            TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q(kQueueColumns);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("name = ?", name).Where("deleted_at IS NULL");
  auto found = All<QueueConfig>(conn_, q, ReadQueue);
  if (!found) return found.error();
  if (!found->empty()) return found->front();
  // Another node may create the same queue meanwhile: then its row is the one.
  auto done = conn_.Execute(
      "INSERT INTO queues (tenant_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)"
      " ON CONFLICT (tenant_id, name) WHERE deleted_at IS NULL DO NOTHING RETURNING id",
      scope.tenant_id(), name, now, now);
  if (!done) return done.error();
  if (*done == 0) {
    auto again = All<QueueConfig>(conn_, q, ReadQueue);
    if (!again) return again.error();
    if (again->empty()) return Status::Unavailable("queue " + name + " vanished; retry");
    return again->front();
  }
  return GetQueue(scope, conn_.LastInsertId());
}

Result<QueueConfig> PgKpiStore::GetQueue(TenantScope scope, int64_t id) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q(kQueueColumns);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("id = ?", id).Where("deleted_at IS NULL");
  auto found = All<QueueConfig>(conn_, q, ReadQueue);
  if (!found) return found.error();
  if (found->empty()) return Status::NotFound("queue not found");
  return found->front();
}

Result<std::vector<QueueConfig>> PgKpiStore::ListQueues(TenantScope scope) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q(kQueueColumns);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("deleted_at IS NULL").Append(" ORDER BY id");
  return All<QueueConfig>(conn_, q, ReadQueue);
}

Status PgKpiStore::UpdateQueue(TenantScope scope, const QueueConfig& queue, TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  std::optional<int64_t> target;
  if (queue.target_sl) target = static_cast<int64_t>(*queue.target_sl * 1e6 + 0.5);
  auto done = conn_.Execute(
      "UPDATE queues SET sl_threshold_s = ?, short_abandon_s = ?, sl_formula = ?,"
      " target_sl = ?::double precision / 1000000, settings_version = settings_version + 1,"
      " updated_at = ? WHERE tenant_id = ? AND id = ? AND deleted_at IS NULL",
      queue.settings.sl_threshold_s, queue.settings.short_abandon_s,
      std::string(SlFormulaName(queue.settings.sl_formula)), target, now, scope.tenant_id(),
      queue.id);
  if (!done) return done.error();
  if (*done == 0) return Status::NotFound("queue not found");
  return Status::Ok();
}

Result<int64_t> PgKpiStore::EnsureAgentByPbxId(TenantScope scope, const std::string& pbx_id,
                                               TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q(
      "SELECT p.agent_id FROM agent_pbx_ids p JOIN agents a ON a.tenant_id = p.tenant_id AND"
      " a.id = p.agent_id");
  q.Where("p.tenant_id = ?", scope.tenant_id())
      .Where("p.pbx_id = ?", pbx_id)
      .Where("p.deleted_at IS NULL")
      .Where("a.deleted_at IS NULL");
  auto found = All<int64_t>(conn_, q, [](const PgStatement& s) { return s.Int(0); });
  if (!found) return found.error();
  if (!found->empty()) return found->front();
  auto done = conn_.Execute(
      "INSERT INTO agents (tenant_id, name, active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)"
      " RETURNING id",
      scope.tenant_id(), pbx_id, now, now);
  if (!done) return done.error();
  const int64_t id = conn_.LastInsertId();
  auto linked =
      conn_.Execute("INSERT INTO agent_pbx_ids (tenant_id, agent_id, pbx_id) VALUES (?, ?, ?)",
                    scope.tenant_id(), id, pbx_id);
  if (!linked) return linked.error();
  return id;
}

Result<IngestSource> PgKpiStore::EnsureSource(TenantScope scope, const std::string& name,
                                              const std::string& format, TimePoint now) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto done = conn_.Execute(
      "INSERT INTO ingest_sources (tenant_id, name, format, created_at) VALUES (?, ?, ?, ?)"
      " ON CONFLICT (tenant_id, name) DO NOTHING",
      scope.tenant_id(), name, format, now);
  if (!done) return done.error();
  PgQuery q("SELECT id, name, format, created_at FROM ingest_sources");
  q.Where("tenant_id = ?", scope.tenant_id()).Where("name = ?", name);
  auto found = All<IngestSource>(conn_, q, [](const PgStatement& s) {
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

Result<std::vector<IngestSource>> PgKpiStore::ListSources(TenantScope scope) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q("SELECT id, name, format, created_at FROM ingest_sources");
  q.Where("tenant_id = ?", scope.tenant_id()).Append(" ORDER BY id");
  return All<IngestSource>(conn_, q, [](const PgStatement& s) {
    return IngestSource{s.Int(0), s.Text(1), s.Text(2), s.Time(3)};
  });
}

Result<std::optional<Checkpoint>> PgKpiStore::GetCheckpoint(TenantScope scope, int64_t source_id,
                                                            const std::string& stream) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q("SELECT stream, position, state, updated_at FROM ingest_checkpoints");
  q.Where("tenant_id = ?", scope.tenant_id())
      .Where("source_id = ?", source_id)
      .Where("stream = ?", stream);
  auto found = All<Checkpoint>(conn_, q, [](const PgStatement& s) {
    return Checkpoint{s.Text(0), s.Int(1), s.Text(2), s.Time(3)};
  });
  if (!found) return found.error();
  if (found->empty()) return std::optional<Checkpoint>();
  return std::optional<Checkpoint>(found->front());
}

Status PgKpiStore::PutCheckpoint(TenantScope scope, int64_t source_id, const Checkpoint& c) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return conn_.Defer(
      "INSERT INTO ingest_checkpoints (tenant_id, source_id, stream, position, state, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tenant_id, source_id, stream) DO UPDATE SET"
      " position = excluded.position, state = excluded.state, updated_at = excluded.updated_at",
      scope.tenant_id(), source_id, c.stream, c.position, c.state, c.updated_at);
}

Result<bool> PgKpiStore::InsertCall(TenantScope scope, StoredCall& c) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
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
      " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON CONFLICT DO NOTHING RETURNING id",
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

namespace {

// Calls per INSERT statement of InsertCalls.
constexpr size_t kInsertChunk = 1000;

using NaturalKey = std::tuple<int64_t, std::string, std::string, int64_t>;

}  // namespace

Result<std::vector<bool>> PgKpiStore::InsertCalls(TenantScope scope,
                                                  std::vector<StoredCall>& calls) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  std::vector<bool> out(calls.size(), false);
  for (size_t begin = 0; begin < calls.size(); begin += kInsertChunk) {
    const size_t end = std::min(calls.size(), begin + kInsertChunk);
    ArrayLiteral source, pbx_call_id, queue_id, agent_id, direction, queue_name, agent_pbx_id,
        caller, callee, started_at, answered_at, ended_at, wait_ms, talk_ms, hold_ms, acw_ms,
        outcome, transfer_count, transferred_to, disposition, call_type, fcr, csat, recording,
        ring_attempts, fcr_auto;
    std::map<NaturalKey, size_t> first;  // the first call of the chunk with each key
    for (size_t i = begin; i < end; ++i) {
      const StoredCall& c = calls[i];
      const CallRecord& r = c.call;
      first.emplace(NaturalKey{c.source_id, r.pbx_call_id, r.queue, ToUnixMillis(r.started_at)}, i);
      source.Add(c.source_id);
      pbx_call_id.Add(r.pbx_call_id);
      queue_id.Add(c.queue_id);
      agent_id.Add(c.agent_id);
      direction.Add(CallDirectionName(r.direction));
      queue_name.Add(r.queue);
      agent_pbx_id.Add(r.agent);
      caller.Add(r.caller);
      callee.Add(r.callee);
      started_at.Add(ToUnixMillis(r.started_at));
      answered_at.Add(r.answered_at ? std::optional<int64_t>(ToUnixMillis(*r.answered_at))
                                    : std::nullopt);
      ended_at.Add(ToUnixMillis(r.ended_at));
      wait_ms.Add(r.wait_ms);
      talk_ms.Add(r.talk_ms);
      hold_ms.Add(r.hold_ms);
      acw_ms.Add(r.acw_ms);
      outcome.Add(CallOutcomeName(r.outcome));
      transfer_count.Add(static_cast<int64_t>(r.transfer_count));
      transferred_to.Add(r.transferred_to);
      disposition.Add(r.disposition);
      call_type.Add(r.call_type);
      fcr.Add(r.fcr ? std::optional<int64_t>(*r.fcr ? 1 : 0) : std::nullopt);
      csat.Add(r.csat ? std::optional<int64_t>(*r.csat) : std::nullopt);
      recording.Add(r.recording);
      ring_attempts.Add(EncodeRingAttempts(r.ring_attempts));
      fcr_auto.Add(FcrAutoCode(c.fcr_auto));
    }
    auto stmt = conn_.Prepare(
        "INSERT INTO calls (tenant_id, source_id, pbx_call_id, queue_id, agent_id, direction,"
        " queue_name, agent_pbx_id, caller, callee, started_at, answered_at, ended_at, wait_ms,"
        " talk_ms, hold_ms, acw_ms, outcome, transfer_count, transferred_to, disposition,"
        " call_type, fcr, csat, recording, ring_attempts, fcr_auto)"
        " SELECT ?, * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::bigint[], ?::text[],"
        " ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[],"
        " ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::int[], ?::text[],"
        " ?::text[], ?::text[], ?::smallint[], ?::int[], ?::text[], ?::text[], ?::smallint[])"
        " ON CONFLICT DO NOTHING RETURNING id, source_id, pbx_call_id, queue_name, started_at");
    if (!stmt) return stmt.error();
    stmt->Bind(scope.tenant_id(), source.Take(), pbx_call_id.Take(), queue_id.Take(),
               agent_id.Take(), direction.Take(), queue_name.Take(), agent_pbx_id.Take(),
               caller.Take(), callee.Take(), started_at.Take(), answered_at.Take(), ended_at.Take(),
               wait_ms.Take(), talk_ms.Take(), hold_ms.Take(), acw_ms.Take(), outcome.Take(),
               transfer_count.Take(), transferred_to.Take(), disposition.Take(), call_type.Take(),
               fcr.Take(), csat.Take(), recording.Take(), ring_attempts.Take(), fcr_auto.Take());
    for (;;) {
      auto row = stmt->Step();
      if (!row) return row.error();
      if (!*row) break;
      auto it = first.find(NaturalKey{stmt->Int(1), stmt->Text(2), stmt->Text(3), stmt->Int(4)});
      if (it == first.end()) return Status::Internal("inserted call matches no call of the batch");
      out[it->second] = true;
      calls[it->second].id = stmt->Int(0);
    }
  }
  return out;
}

Result<StoredCall> PgKpiStore::GetCall(TenantScope scope, int64_t id) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q(kCallColumns);
  q.Where("tenant_id = ?", scope.tenant_id()).Where("id = ?", id);
  auto found = All<StoredCall>(conn_, q, ReadCall);
  if (!found) return found.error();
  if (found->empty()) return Status::NotFound("call not found");
  return found->front();
}

Result<Page<StoredCall>> PgKpiStore::ListCalls(TenantScope scope, const CallFilter& f,
                                               const PageRequest& page) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  if (f.agent_ids && f.agent_ids->empty()) return Page<StoredCall>{};
  PgQuery q(kCallColumns);
  q.Where("tenant_id = ?", scope.tenant_id());
  if (f.from) q.Where("started_at >= ?", *f.from);
  if (f.to) q.Where("started_at < ?", *f.to);
  if (f.queue_id) q.Where("queue_id = ?", *f.queue_id);
  if (f.agent_ids) q.Where("agent_id = ANY(?::bigint[])", IdArray(*f.agent_ids));
  if (f.direction) q.Where("direction = ?", std::string(CallDirectionName(*f.direction)));
  if (f.outcome) q.Where("outcome = ?", std::string(CallOutcomeName(*f.outcome)));
  if (f.caller) q.Where("strpos(caller, ?) > 0", *f.caller);
  if (f.min_wait_ms) q.Where("wait_ms >= ?", *f.min_wait_ms);
  if (f.has_recording) q.Where(*f.has_recording ? "recording <> ''" : "recording = ''");
  return FetchPage<StoredCall>(conn_, q, "id", true, page, ReadCall,
                               [](const StoredCall& c) { return c.id; });
}

// In chunks of kScanChunk rows by id (keyset), so a scan over years never holds them all.
Status PgKpiStore::ScanCalls(TenantScope scope, TimePoint from, TimePoint to,
                             const std::function<Status(const StoredCall&)>& visit) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  int64_t after = 0;
  for (;;) {
    PgQuery q(kCallColumns);
    q.Where("tenant_id = ?", scope.tenant_id())
        .Where("started_at >= ?", from)
        .Where("started_at < ?", to)
        .Where("id > ?", after)
        .Append(" ORDER BY id LIMIT ?", kScanChunk);
    auto rows = All<StoredCall>(conn_, q, ReadCall);
    if (!rows) return rows.error();
    for (const StoredCall& c : *rows) CB_RETURN_IF_ERROR(visit(c));
    if (static_cast<int>(rows->size()) < kScanChunk) return Status::Ok();
    after = rows->back().id;
  }
}

Status PgKpiStore::InsertDiagnostic(TenantScope scope, const StoredDiagnostic& d) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return conn_.Defer(
      "INSERT INTO ingest_diagnostics (tenant_id, source_id, stream, kind, call_id, line, detail,"
      " at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      scope.tenant_id(), d.source_id, d.stream, d.kind, d.call_id, d.line, d.detail, d.at);
}

Result<Page<StoredDiagnostic>> PgKpiStore::ListDiagnostics(TenantScope scope,
                                                           std::optional<int64_t> source_id,
                                                           const PageRequest& page) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q(
      "SELECT id, source_id, stream, kind, call_id, line, detail, at FROM ingest_diagnostics");
  q.Where("tenant_id = ?", scope.tenant_id());
  if (source_id) q.Where("source_id = ?", *source_id);
  return FetchPage<StoredDiagnostic>(
      conn_, q, "id", true, page,
      [](const PgStatement& s) {
        return StoredDiagnostic{s.Int(0),  s.Int(1), s.Text(2), s.Text(3),
                                s.Text(4), s.Int(5), s.Text(6), s.Time(7)};
      },
      [](const StoredDiagnostic& d) { return d.id; });
}

Result<std::vector<DiagnosticCount>> PgKpiStore::CountDiagnostics(TenantScope scope) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q("SELECT source_id, kind, COUNT(*) FROM ingest_diagnostics");
  q.Where("tenant_id = ?", scope.tenant_id())
      .Append(" GROUP BY source_id, kind ORDER BY source_id, kind");
  return All<DiagnosticCount>(conn_, q, [](const PgStatement& s) {
    return DiagnosticCount{s.Int(0), s.Text(1), s.Int(2)};
  });
}

Status PgKpiStore::InsertReject(TenantScope scope, const StoredReject& r) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return conn_.Defer(
      "INSERT INTO ingest_rejects (tenant_id, source_id, stream, line, raw, reason, at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      scope.tenant_id(), r.source_id, r.stream, r.line, r.raw, r.reason, r.at);
}

Result<Page<StoredReject>> PgKpiStore::ListRejects(TenantScope scope,
                                                   std::optional<int64_t> source_id,
                                                   const PageRequest& page) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  PgQuery q("SELECT id, source_id, stream, line, raw, reason, at FROM ingest_rejects");
  q.Where("tenant_id = ?", scope.tenant_id());
  if (source_id) q.Where("source_id = ?", *source_id);
  return FetchPage<StoredReject>(
      conn_, q, "id", true, page,
      [](const PgStatement& s) {
        return StoredReject{s.Int(0),  s.Int(1),  s.Text(2), s.Int(3),
                            s.Text(4), s.Text(5), s.Time(6)};
      },
      [](const StoredReject& r) { return r.id; });
}

}  // namespace callboard
