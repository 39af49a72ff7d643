#include "ingest/stream_ingestor.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/interval_counters.h"
#include "core/intervals.h"
#include "ingest/asterisk_queue_log_parser.h"
#include "ingest/call_assembler.h"
#include "ingest/call_checks.h"
#include "ingest/ingest_observer.h"
#include "kpi/agent_state_tracker.h"
#include "kpi/auto_fcr.h"
#include "kpi/kpi_store.h"
#include "store/transaction.h"

namespace callboard {

namespace {

// Checkpoint state: length-prefixed sections "<bytes>\n<text>" each, so any text survives:
// parser header line, assembler state, agent state tracker, and (optional) caller cursor.
constexpr std::string_view kStateMagic = "cb-stream-v1\n";
constexpr size_t kRequiredSections = 3;

std::string EncodeSections(const std::vector<std::string>& sections) {
  std::string out(kStateMagic);
  for (const std::string& s : sections) out += std::to_string(s.size()) + "\n" + s;
  return out;
}

Result<std::vector<std::string>> DecodeSections(std::string_view text) {
  if (!text.starts_with(kStateMagic)) return Status::Internal("unknown checkpoint state version");
  text.remove_prefix(kStateMagic.size());
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return Status::Internal("truncated checkpoint state");
    auto n = ParseInt64(text.substr(0, nl));
    text.remove_prefix(nl + 1);
    if (!n || *n < 0 || static_cast<size_t>(*n) > text.size())
      return Status::Internal("truncated checkpoint state");
    out.emplace_back(text.substr(0, static_cast<size_t>(*n)));
    text.remove_prefix(static_cast<size_t>(*n));
  }
  if (out.size() < kRequiredSections) return Status::Internal("truncated checkpoint state");
  return out;
}

// Formats whose every line is one call: a call already stored is a duplicate line.
bool OneCallPerLine(SourceFormat f) {
  return f == SourceFormat::k3cxCdr || f == SourceFormat::kFreeswitchCc ||
         f == SourceFormat::kCallsJson || f == SourceFormat::kCallsCsv;
}

}  // namespace

bool IsBlankLine(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

struct StreamIngestor::State {
  Database& db;
  const Clock& clock;
  TenantScope scope;
  ImportOptions options;
  std::string stream_id;
  bool queue_log = false;
  std::unique_ptr<RecordParser> parser;
  AsteriskQueueLogParser* queue_log_parser = nullptr;  // `parser`, for queue_log's fast path
  QueueLogEventView event;                             // reused between lines
  CallAssembler assembler;
  CallChecks call_checks;    // call-level formats
  ClockChecks clock_checks;  // every format
  AgentStateTracker tracker;
  IngestSource source;

  // PBX names → ids, cached for the life of the stream.
  std::unordered_map<std::string, QueueConfig> queues;
  std::unordered_map<std::string, int64_t> agents;
  // Produced since the last flush.
  std::vector<std::pair<CallRecord, int64_t>> calls;  // with their line
  std::vector<AgentStateChange> states;
  std::vector<QueueLogEvent> events;  // kept only for an observer
  std::vector<ParseReject> rejects;
  std::vector<AssemblyDiagnostic> diagnostics;
  std::vector<ParsedItem> items;  // reused between lines
  AssemblerOutput assembled;
  TimePoint latest{};               // latest queue_log event time (assembler expiry)
  std::optional<TimePoint> newest;  // latest event or call end (source lag)
  int64_t line_no = 0;              // last line fed

  State(Database& d, const Clock& c, TenantScope s, const ImportOptions& o, std::string id)
      : db(d), clock(c), scope(s), options(o), stream_id(std::move(id)) {}

  void TakeAssembled(int64_t line) {
    for (CallRecord& c : assembled.calls) calls.emplace_back(std::move(c), line);
    for (AgentStateChange& s : assembled.states) states.push_back(std::move(s));
    for (AssemblyDiagnostic& d : assembled.diagnostics) diagnostics.push_back(std::move(d));
    assembled.calls.clear();  // keeps the capacity
    assembled.states.clear();
    assembled.diagnostics.clear();
  }

  // A call of a call-level format, read at `line`: newest time and the data-quality checks.
  void NoteCall(const CallRecord& c, int64_t line) {
    if (!newest || c.ended_at > *newest) newest = c.ended_at;
    call_checks.Check(c, line, diagnostics);
    clock_checks.Check(c.started_at, c.ended_at, clock.Now(), line, c.pbx_call_id, diagnostics);
  }
};

StreamIngestor::StreamIngestor(std::unique_ptr<State> state) : state_(std::move(state)) {}
StreamIngestor::~StreamIngestor() = default;

int64_t StreamIngestor::source_id() const { return state_->source.id; }

std::optional<TimePoint> StreamIngestor::newest_event() const { return state_->newest; }

Result<std::unique_ptr<StreamIngestor>> StreamIngestor::Open(Database& db, const Clock& clock,
                                                             TenantScope scope,
                                                             const ImportOptions& options,
                                                             std::string stream_id) {
  auto st = std::make_unique<State>(db, clock, scope, options, std::move(stream_id));
  auto parser = MakeParser(options.format, options.parser);
  if (!parser) return parser.error();
  st->parser = std::move(*parser);
  st->queue_log = options.format == SourceFormat::kAsteriskQueueLog;
  if (st->queue_log) st->queue_log_parser = static_cast<AsteriskQueueLogParser*>(st->parser.get());

  std::optional<Checkpoint> checkpoint;
  CB_RETURN_IF_ERROR(db.Write([&](Transaction& tx) -> Status {
    auto s = tx.Kpi().EnsureSource(scope, options.source_name,
                                   std::string(SourceFormatName(options.format)), clock.Now());
    if (!s) return s.error();
    st->source = *s;
    auto c = tx.Kpi().GetCheckpoint(scope, st->source.id, st->stream_id);
    if (!c) return c.error();
    checkpoint = *c;
    return Status::Ok();
  }));
  std::unique_ptr<StreamIngestor> in(new StreamIngestor(std::move(st)));
  State& s = *in->state_;
  if (checkpoint && !checkpoint->state.empty()) {
    auto sections = DecodeSections(checkpoint->state);
    if (!sections) return sections.error();
    if (!(*sections)[0].empty()) {
      std::vector<ParsedItem> ignored;
      std::vector<ParseReject> ignored_rejects;
      s.parser->ParseLine((*sections)[0], 1, ignored, ignored_rejects);
    }
    if (s.queue_log && !(*sections)[1].empty())
      CB_RETURN_IF_ERROR(s.assembler.LoadState((*sections)[1]));
    CB_RETURN_IF_ERROR(s.tracker.LoadState((*sections)[2]));
    if (sections->size() > kRequiredSections) in->cursor_ = (*sections)[kRequiredSections];
  }
  in->resume_after_ = checkpoint ? checkpoint->position : 0;
  s.line_no = in->resume_after_;
  return in;
}

void StreamIngestor::Feed(std::string_view line, int64_t line_no) {
  State& s = *state_;
  s.line_no = line_no;
  if (IsBlankLine(line)) return;
  ++unflushed_lines_;
  s.items.clear();
  const size_t rejects_before = s.rejects.size();
  if (s.queue_log_parser != nullptr) {  // events as views into the line: nothing copied
    const bool parsed = s.queue_log_parser->ParseEvent(line, line_no, s.event, s.rejects);
    if (s.rejects.size() > rejects_before) {
      ++summary_.rejected;
      if (summary_.rejects.size() < kMaxReportedRejects) {
        summary_.rejects.push_back(s.rejects.back());
      }
      return;
    }
    ++summary_.accepted;
    if (!parsed) return;
    const QueueLogEventView& e = s.event;
    if (e.at > s.latest) s.latest = e.at;
    if (!s.newest || e.at > *s.newest) s.newest = e.at;
    s.clock_checks.Check(e.at, e.at, s.clock.Now(), line_no, e.call_id, s.diagnostics);
    if (s.options.observer != nullptr) s.events.push_back(OwnedEvent(e));
    s.assembler.Add(e, line_no, s.assembled);
    s.TakeAssembled(line_no);
    return;
  }
  s.parser->ParseLine(line, line_no, s.items, s.rejects);
  if (s.rejects.size() > rejects_before) {
    ++summary_.rejected;
    if (summary_.rejects.size() < kMaxReportedRejects) summary_.rejects.push_back(s.rejects.back());
  } else {
    ++summary_.accepted;
  }
  for (ParsedItem& item : s.items) {
    if (auto* e = std::get_if<QueueLogEvent>(&item)) {
      if (e->at > s.latest) s.latest = e->at;
      if (!s.newest || e->at > *s.newest) s.newest = e->at;
      if (s.options.observer != nullptr) s.events.push_back(*e);
      s.clock_checks.Check(e->at, e->at, s.clock.Now(), line_no, e->call_id, s.diagnostics);
      s.assembler.Add(*e, line_no, s.assembled);
      s.TakeAssembled(line_no);
    } else {
      CallRecord& c = std::get<CallRecord>(item);
      s.NoteCall(c, line_no);
      s.calls.emplace_back(std::move(c), line_no);
    }
  }
  s.parser->TakeDiagnostics(s.diagnostics);
}

Status StreamIngestor::FinishInput(const CursorAt& cursor_at) {
  State& s = *state_;
  s.items.clear();
  const size_t rejects_before = s.rejects.size();
  s.parser->Finish(s.items, s.rejects);
  summary_.rejected += static_cast<int64_t>(s.rejects.size() - rejects_before);
  for (ParsedItem& item : s.items) {
    if (auto* c = std::get_if<CallRecord>(&item)) {
      s.NoteCall(*c, s.line_no);
      s.calls.emplace_back(std::move(*c), s.line_no);
    }
  }
  s.parser->TakeDiagnostics(s.diagnostics);
  return Flush(cursor_at);
}

Status StreamIngestor::Flush(const CursorAt& cursor_at) { return Commit(cursor_at); }

// Stores what the batch produced, the rejects and the checkpoint in one transaction.
Status StreamIngestor::Commit(const CursorAt& cursor_at) {
  State& st = *state_;
  if (st.queue_log) {
    st.assembler.Expire(st.latest, st.assembled);
    st.TakeAssembled(st.line_no);
  }
  int64_t position = st.line_no;
  if (const int64_t pending = st.parser->OldestPendingLine(); pending > 0) {
    position = std::min(position, pending - 1);
  }
  position = std::max(position, resume_after_);
  const std::string cursor = cursor_at ? cursor_at(position) : std::string();
  int64_t new_calls = 0;
  int64_t duplicate_lines = 0;
  const TenantScope scope = st.scope;
  IngestObserver* const observer = st.options.observer;
  CommittedBatch committed;
  Status s = st.db.Write([&](Transaction& tx) -> Status {
    KpiStore& store = tx.Kpi();
    const TimePoint now = st.clock.Now();
    new_calls = 0;
    duplicate_lines = 0;
    committed = CommittedBatch{};
    auto queue_of = [&](const std::string& name) -> Result<QueueConfig> {
      if (auto it = st.queues.find(name); it != st.queues.end()) return it->second;
      auto q = store.EnsureQueue(scope, name, now);
      if (q) st.queues.emplace(name, *q);
      return q;
    };
    auto agent_of = [&](const std::string& pbx_id) -> Result<int64_t> {
      if (auto it = st.agents.find(pbx_id); it != st.agents.end()) return it->second;
      auto a = store.EnsureAgentByPbxId(scope, pbx_id, now);
      if (a) st.agents.emplace(pbx_id, *a);
      return a;
    };
    AggregateSums sums;
    std::vector<StoredCall> batch;
    std::vector<std::optional<QueueConfig>> queues;
    batch.reserve(st.calls.size());
    queues.reserve(st.calls.size());
    for (auto& [call, line] : st.calls) {
      StoredCall& stored = batch.emplace_back();
      stored.source_id = st.source.id;
      stored.call = call;
      std::optional<QueueConfig>& queue = queues.emplace_back();
      if (!call.queue.empty()) {
        auto q = queue_of(call.queue);
        if (!q) return q.error();
        queue = *q;
        stored.queue_id = q->id;
      }
      if (!call.agent.empty()) {
        auto a = agent_of(call.agent);
        if (!a) return a.error();
        stored.agent_id = *a;
      }
      // Queued calls only: the automatic status counts in the queue's aggregates.
      if (queue && IsAutoFcrEligible(call)) stored.fcr_auto = FcrAuto::kPending;
    }
    // One batch: a networked store sends it at once.
    auto inserted = store.InsertCalls(scope, batch);
    if (!inserted) return inserted.error();
    for (size_t i = 0; i < batch.size(); ++i) {
      const StoredCall& stored = batch[i];
      const CallRecord& call = stored.call;
      const std::optional<QueueConfig>& queue = queues[i];
      if (!(*inserted)[i]) {
        if (OneCallPerLine(st.options.format)) ++duplicate_lines;
        continue;
      }
      ++new_calls;
      if (observer != nullptr) {
        committed.calls.push_back(
            {call, stored.queue_id, stored.agent_id, queue ? queue->settings : QueueSettings{}});
      }
      if (!queue) continue;  // direct calls are stored, not aggregated per queue
      const TimePoint bucket = BucketStart(call.started_at);
      CountCall(sums[{queue->id, 0, bucket}], call, queue->settings);
      if (stored.agent_id)
        CountCall(sums[{queue->id, *stored.agent_id, bucket}], call, queue->settings);
    }
    // Automatic FCR decisions the new calls bring, counted with the batch's aggregates.
    auto fcr_changes = UpdateAutoFcr(store, scope, batch, *inserted, now);
    if (!fcr_changes) return fcr_changes.error();
    AddFcrChanges(*fcr_changes, sums);
    // The tracker is applied to a copy so that a rolled-back transaction leaves it as it was.
    AgentStateTracker tracker = st.tracker;
    AgentSecondsByBucket seconds;
    for (const AgentStateChange& change : st.states) {
      auto a = agent_of(change.agent);
      if (!a) return a.error();
      tracker.Apply(*a, change, seconds);
      if (observer != nullptr) {
        std::optional<int64_t> queue_id;
        if (!change.queue.empty()) {
          auto q = queue_of(change.queue);
          if (!q) return q.error();
          queue_id = q->id;
        }
        committed.states.push_back({*a, queue_id, change});
      }
    }
    if (observer != nullptr) {
      for (const QueueLogEvent& e : st.events) {
        CommittedEvent out{e.at, e.call_id, e.event, std::nullopt, e.queue, std::nullopt, e.data};
        if (!e.queue.empty() && e.queue != "NONE") {
          auto q = queue_of(e.queue);
          if (!q) return q.error();
          out.queue_id = q->id;
        }
        if (!e.agent.empty() && e.agent != "NONE") {
          auto a = agent_of(e.agent);
          if (!a) return a.error();
          out.agent_id = *a;
        }
        committed.events.push_back(std::move(out));
      }
    }
    // One call each, so the store merges the batch's rollup rows before writing them.
    std::vector<AggregateRow> rows;
    rows.reserve(sums.size());
    for (const auto& [key, counters] : sums) {
      const auto& [queue_id, agent_id, bucket] = key;
      rows.push_back({queue_id, agent_id, bucket, counters});
    }
    CB_RETURN_IF_ERROR(store.AddAggregates(scope, rows));
    std::vector<AgentStateRow> states;
    states.reserve(seconds.size());
    for (const auto& [key, s2] : seconds) states.push_back({key.first, key.second, s2});
    CB_RETURN_IF_ERROR(store.AddAgentStates(scope, states));
    for (const ParseReject& r : st.rejects) {
      CB_RETURN_IF_ERROR(
          store.InsertReject(scope, {0, st.source.id, st.stream_id, r.line, r.raw, r.reason, now}));
    }
    for (const AssemblyDiagnostic& d : st.diagnostics) {
      CB_RETURN_IF_ERROR(store.InsertDiagnostic(
          scope, {0, st.source.id, st.stream_id, d.kind, d.call_id, d.line, d.detail, now}));
    }
    // The tracker's state is known only after this batch's changes are applied.
    std::vector<std::string> sections = {std::string(st.parser->HeaderLine()),
                                         st.queue_log ? st.assembler.SaveState() : std::string(),
                                         tracker.SaveState()};
    if (cursor_at) sections.push_back(cursor);
    CB_RETURN_IF_ERROR(store.PutCheckpoint(
        scope, st.source.id, {st.stream_id, position, EncodeSections(sections), now}));
    st.tracker = std::move(tracker);
    return Status::Ok();
  });
  if (!s.ok()) {
    // The caches may name rows the rollback removed.
    st.queues.clear();
    st.agents.clear();
    return s;
  }
  if (observer != nullptr && !committed.empty()) observer->OnCommitted(scope, committed);
  summary_.calls += new_calls;
  summary_.accepted -= duplicate_lines;
  summary_.duplicates += duplicate_lines;
  st.calls.clear();
  st.states.clear();
  st.events.clear();
  st.rejects.clear();
  st.diagnostics.clear();
  unflushed_lines_ = 0;
  return Status::Ok();
}

}  // namespace callboard
