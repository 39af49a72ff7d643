#include "storage/postgres/pg_kpi_store.h"

#include <charconv>
#include <map>
#include <string>
#include <tuple>

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
    " ring_attempts FROM calls";

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
  return c;
}

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

constexpr const char* kAggregateColumns =
    "SELECT queue_id, agent_id, bucket_start, offered, answered, abandoned, short_abandoned,"
    " timed_out, other_unanswered, wait_answered_ms, wait_abandoned_ms, max_wait_ms, talk_ms,"
    " hold_ms, acw_ms, handled, transfers, fcr_yes, fcr_known, csat_sum, csat_n,"
    " array_to_string(wait_answered_hist, ','), array_to_string(wait_abandoned_hist, ',')"
    " FROM interval_aggregates";

AggregateRow ReadAggregate(const PgStatement& s) {
  AggregateRow r;
  r.queue_id = s.Int(0);
  r.agent_id = s.Int(1);
  r.bucket = s.Time(2);
  IntervalCounters& c = r.counters;
  c.offered = s.Int(3);
  c.answered = s.Int(4);
  c.abandoned = s.Int(5);
  c.short_abandoned = s.Int(6);
  c.timed_out = s.Int(7);
  c.other_unanswered = s.Int(8);
  c.wait_answered_ms = s.Int(9);
  c.wait_abandoned_ms = s.Int(10);
  c.max_wait_ms = s.Int(11);
  c.talk_ms = s.Int(12);
  c.hold_ms = s.Int(13);
  c.acw_ms = s.Int(14);
  c.handled = s.Int(15);
  c.transfers = s.Int(16);
  c.fcr_yes = s.Int(17);
  c.fcr_known = s.Int(18);
  c.csat_sum = s.Int(19);
  c.csat_n = s.Int(20);
  c.wait_answered_histogram = DecodeHistogram(s.Text(21));
  c.wait_abandoned_histogram = DecodeHistogram(s.Text(22));
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
      " call_type, fcr, csat, recording, ring_attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
      " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
      scope.tenant_id(), c.source_id, r.pbx_call_id, c.queue_id, c.agent_id,
      std::string(CallDirectionName(r.direction)), r.queue, r.agent, r.caller, r.callee,
      r.started_at, r.answered_at, r.ended_at, r.wait_ms, r.talk_ms, r.hold_ms, r.acw_ms,
      std::string(CallOutcomeName(r.outcome)), r.transfer_count, r.transferred_to, r.disposition,
      r.call_type, fcr, csat, r.recording, EncodeRingAttempts(r.ring_attempts));
  if (!done) return done.error();
  if (*done == 0) return false;
  c.id = conn_.LastInsertId();
  return true;
}

namespace {

// Calls per INSERT statement of InsertCalls.
constexpr size_t kInsertChunk = 1000;

// A PostgreSQL array literal: {1,NULL,3} or {"a","b \"c\""}.
class ArrayLiteral {
 public:
  void Add(int64_t v) { Next() += std::to_string(v); }
  void Add(const std::optional<int64_t>& v) {
    if (v) {
      Add(*v);
    } else {
      Next() += "NULL";
    }
  }
  void Add(std::string_view v) {
    std::string& out = Next();
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  std::string Take() {
    text_ += '}';
    return std::move(text_);
  }

 private:
  std::string& Next() {
    text_ += text_.size() > 1 ? "," : "";
    return text_;
  }
  std::string text_ = "{";
};

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
        ring_attempts;
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
    }
    auto stmt = conn_.Prepare(
        "INSERT INTO calls (tenant_id, source_id, pbx_call_id, queue_id, agent_id, direction,"
        " queue_name, agent_pbx_id, caller, callee, started_at, answered_at, ended_at, wait_ms,"
        " talk_ms, hold_ms, acw_ms, outcome, transfer_count, transferred_to, disposition,"
        " call_type, fcr, csat, recording, ring_attempts)"
        " SELECT ?, * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::bigint[], ?::text[],"
        " ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[],"
        " ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::int[], ?::text[],"
        " ?::text[], ?::text[], ?::smallint[], ?::int[], ?::text[], ?::text[])"
        " ON CONFLICT DO NOTHING RETURNING id, source_id, pbx_call_id, queue_name, started_at");
    if (!stmt) return stmt.error();
    stmt->Bind(scope.tenant_id(), source.Take(), pbx_call_id.Take(), queue_id.Take(),
               agent_id.Take(), direction.Take(), queue_name.Take(), agent_pbx_id.Take(),
               caller.Take(), callee.Take(), started_at.Take(), answered_at.Take(), ended_at.Take(),
               wait_ms.Take(), talk_ms.Take(), hold_ms.Take(), acw_ms.Take(), outcome.Take(),
               transfer_count.Take(), transferred_to.Take(), disposition.Take(), call_type.Take(),
               fcr.Take(), csat.Take(), recording.Take(), ring_attempts.Take());
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

// One statement that adds the delta to the stored row (or inserts it), so that nodes adding
// to the same interval at once never lose an update.
Status PgKpiStore::AddAggregate(TenantScope scope, const AggregateRow& delta) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  const IntervalCounters& c = delta.counters;
  return conn_.Defer(
      "INSERT INTO interval_aggregates AS t (tenant_id, queue_id, agent_id, bucket_start,"
      " offered, answered, abandoned, short_abandoned, timed_out, other_unanswered,"
      " wait_answered_ms, wait_abandoned_ms, max_wait_ms, talk_ms, hold_ms, acw_ms, handled,"
      " transfers, fcr_yes, fcr_known, csat_sum, csat_n, wait_answered_hist,"
      " wait_abandoned_hist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
      " ?, ?::bigint[], ?::bigint[])"
      " ON CONFLICT (tenant_id, bucket_start, queue_id, agent_id) DO UPDATE SET"
      " offered = t.offered + excluded.offered, answered = t.answered + excluded.answered,"
      " abandoned = t.abandoned + excluded.abandoned,"
      " short_abandoned = t.short_abandoned + excluded.short_abandoned,"
      " timed_out = t.timed_out + excluded.timed_out,"
      " other_unanswered = t.other_unanswered + excluded.other_unanswered,"
      " wait_answered_ms = t.wait_answered_ms + excluded.wait_answered_ms,"
      " wait_abandoned_ms = t.wait_abandoned_ms + excluded.wait_abandoned_ms,"
      " max_wait_ms = greatest(t.max_wait_ms, excluded.max_wait_ms),"
      " talk_ms = t.talk_ms + excluded.talk_ms, hold_ms = t.hold_ms + excluded.hold_ms,"
      " acw_ms = t.acw_ms + excluded.acw_ms, handled = t.handled + excluded.handled,"
      " transfers = t.transfers + excluded.transfers, fcr_yes = t.fcr_yes + excluded.fcr_yes,"
      " fcr_known = t.fcr_known + excluded.fcr_known,"
      " csat_sum = t.csat_sum + excluded.csat_sum, csat_n = t.csat_n + excluded.csat_n,"
      " wait_answered_hist = ARRAY(SELECT a + b FROM unnest(t.wait_answered_hist,"
      "   excluded.wait_answered_hist) WITH ORDINALITY AS h (a, b, n) ORDER BY n),"
      " wait_abandoned_hist = ARRAY(SELECT a + b FROM unnest(t.wait_abandoned_hist,"
      "   excluded.wait_abandoned_hist) WITH ORDINALITY AS h (a, b, n) ORDER BY n)",
      scope.tenant_id(), delta.queue_id, delta.agent_id, delta.bucket, c.offered, c.answered,
      c.abandoned, c.short_abandoned, c.timed_out, c.other_unanswered, c.wait_answered_ms,
      c.wait_abandoned_ms, c.max_wait_ms, c.talk_ms, c.hold_ms, c.acw_ms, c.handled, c.transfers,
      c.fcr_yes, c.fcr_known, c.csat_sum, c.csat_n,
      "{" + EncodeHistogram(c.wait_answered_histogram) + "}",
      "{" + EncodeHistogram(c.wait_abandoned_histogram) + "}");
}

// Pause reasons travel as "reason=ms" lines and are kept as a jsonb object, merged by key.
Status PgKpiStore::AddAgentState(TenantScope scope, const AgentStateRow& delta) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  const AgentStateSeconds& s = delta.seconds;
  return conn_.Defer(
      "INSERT INTO agent_state_seconds AS t (tenant_id, agent_id, bucket_start,"
      " logged_in_ms, available_ms, on_call_ms, acw_ms, paused_ms, paused_by_reason)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(jsonb_object_agg("
      "   regexp_replace(l, '=[^=]*$', ''), substring(l from '[^=]*$')::bigint), '{}'::jsonb)"
      "   FROM regexp_split_to_table(?::text, E'\\n') AS l WHERE l <> ''))"
      " ON CONFLICT (tenant_id, bucket_start, agent_id) DO UPDATE SET"
      " logged_in_ms = t.logged_in_ms + excluded.logged_in_ms,"
      " available_ms = t.available_ms + excluded.available_ms,"
      " on_call_ms = t.on_call_ms + excluded.on_call_ms, acw_ms = t.acw_ms + excluded.acw_ms,"
      " paused_ms = t.paused_ms + excluded.paused_ms,"
      " paused_by_reason = (SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb) FROM"
      "   (SELECT key, sum(value::bigint) AS total FROM (SELECT * FROM"
      "   jsonb_each_text(t.paused_by_reason) UNION ALL SELECT * FROM"
      "   jsonb_each_text(excluded.paused_by_reason)) AS r GROUP BY key) AS m)",
      scope.tenant_id(), delta.agent_id, delta.bucket, s.logged_in_ms, s.available_ms, s.on_call_ms,
      s.acw_ms, s.paused_ms, EncodeReasons(s.paused_by_reason_ms));
}

namespace {

PgQuery AggregateQuery(TenantScope scope, TimePoint from, TimePoint to, bool agent_rows) {
  PgQuery q(kAggregateColumns);
  q.Where("tenant_id = ?", scope.tenant_id())
      .Where(agent_rows ? "agent_id != 0" : "agent_id = 0")
      .Where("bucket_start >= ?", from)
      .Where("bucket_start < ?", to)
      .Append(" ORDER BY bucket_start");
  return q;
}

PgQuery StateQuery(TenantScope scope, TimePoint from, TimePoint to) {
  PgQuery q(kStateColumns);
  q.Where("tenant_id = ?", scope.tenant_id())
      .Where("bucket_start >= ?", from)
      .Where("bucket_start < ?", to)
      .Append(" ORDER BY bucket_start");
  return q;
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

}  // namespace

Result<std::vector<AggregateRow>> PgKpiStore::ReadAggregates(TenantScope scope, TimePoint from,
                                                             TimePoint to, bool agent_rows) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return All<AggregateRow>(conn_, AggregateQuery(scope, from, to, agent_rows), ReadAggregate);
}

Status PgKpiStore::ScanAggregates(TenantScope scope, TimePoint from, TimePoint to, bool agent_rows,
                                  const std::function<Status(const AggregateRow&)>& visit) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  const auto query = [&](const std::optional<AggregateRow>& after) {
    PgQuery q(kAggregateColumns);
    q.Where("tenant_id = ?", scope.tenant_id())
        .Where(agent_rows ? "agent_id != 0" : "agent_id = 0")
        .Where("bucket_start >= ?", from)
        .Where("bucket_start < ?", to);
    if (after) {
      q.Where("(bucket_start, queue_id, agent_id) > (?, ?, ?)", after->bucket, after->queue_id,
              after->agent_id);
    }
    q.Append(" ORDER BY bucket_start, queue_id, agent_id LIMIT ?", kScanChunk);
    return q;
  };
  return Each<AggregateRow>(conn_, query, ReadAggregate, visit);
}

Result<std::vector<AgentStateRow>> PgKpiStore::ReadAgentStates(TenantScope scope, TimePoint from,
                                                               TimePoint to) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  return All<AgentStateRow>(conn_, StateQuery(scope, from, to), ReadState);
}

Status PgKpiStore::ScanAgentStates(TenantScope scope, TimePoint from, TimePoint to,
                                   const std::function<Status(const AgentStateRow&)>& visit) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  const auto query = [&](const std::optional<AgentStateRow>& after) {
    PgQuery q(kStateColumns);
    q.Where("tenant_id = ?", scope.tenant_id())
        .Where("bucket_start >= ?", from)
        .Where("bucket_start < ?", to);
    if (after) q.Where("(bucket_start, agent_id) > (?, ?)", after->bucket, after->agent_id);
    q.Append(" ORDER BY bucket_start, agent_id LIMIT ?", kScanChunk);
    return q;
  };
  return Each<AgentStateRow>(conn_, query, ReadState, visit);
}

Status PgKpiStore::DeleteAggregates(TenantScope scope, TimePoint from, TimePoint to) {
  CB_RETURN_IF_ERROR(conn_.UseTenant(scope.tenant_id()));
  auto done = conn_.Execute(
      "DELETE FROM interval_aggregates WHERE tenant_id = ? AND bucket_start >= ? AND"
      " bucket_start < ?",
      scope.tenant_id(), from, to);
  return done ? Status::Ok() : done.error();
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
