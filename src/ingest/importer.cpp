#include "ingest/importer.h"

#include <map>
#include <tuple>
#include <unordered_map>

#include "core/interval_counters.h"
#include "core/intervals.h"
#include "core/sha256.h"
#include "ingest/call_assembler.h"
#include "kpi/agent_state_tracker.h"
#include "kpi/kpi_store.h"
#include "store/transaction.h"

namespace callboard {

namespace {

// Length-prefixed sections: "<bytes>\n<text>" each, so any text survives.
std::string EncodeSections(const std::vector<std::string>& sections) {
  std::string out = "cb-stream-v1\n";
  for (const std::string& s : sections) out += std::to_string(s.size()) + "\n" + s;
  return out;
}

Result<std::vector<std::string>> DecodeSections(std::string_view text, size_t count) {
  const std::string_view magic = "cb-stream-v1\n";
  if (!text.starts_with(magic)) return Status::Internal("unknown checkpoint state version");
  text.remove_prefix(magic.size());
  std::vector<std::string> out;
  while (out.size() < count) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return Status::Internal("truncated checkpoint state");
    const size_t n = std::stoull(std::string(text.substr(0, nl)));
    text.remove_prefix(nl + 1);
    if (n > text.size()) return Status::Internal("truncated checkpoint state");
    out.emplace_back(text.substr(0, n));
    text.remove_prefix(n);
  }
  return out;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Formats whose every line is one call: a call already stored is a duplicate line.
bool OneCallPerLine(SourceFormat f) {
  return f == SourceFormat::k3cxCdr || f == SourceFormat::kFreeswitchCc ||
         f == SourceFormat::kCallsJson || f == SourceFormat::kCallsCsv;
}

using AggregateKey = std::tuple<int64_t, int64_t, TimePoint>;  // queue, agent (0 = total), bucket

}  // namespace

std::string StreamIdentity(std::string_view first_bytes) {
  return Sha256Hex(first_bytes.substr(0, kStreamIdentityBytes));
}

Result<ImportSummary> Importer::Import(TenantScope scope, const ImportOptions& options,
                                       std::istream& input, const std::string& stream_id) {
  auto parser = MakeParser(options.format, options.parser);
  if (!parser) return parser.error();
  const bool queue_log = options.format == SourceFormat::kAsteriskQueueLog;
  CallAssembler assembler;
  AgentStateTracker tracker;

  IngestSource source;
  std::optional<Checkpoint> checkpoint;
  CB_RETURN_IF_ERROR(db_.Write([&](Transaction& tx) -> Status {
    auto s = tx.Kpi().EnsureSource(scope, options.source_name,
                                   std::string(SourceFormatName(options.format)), clock_.Now());
    if (!s) return s.error();
    source = *s;
    auto c = tx.Kpi().GetCheckpoint(scope, source.id, stream_id);
    if (!c) return c.error();
    checkpoint = *c;
    return Status::Ok();
  }));
  if (checkpoint && !checkpoint->state.empty()) {
    auto sections = DecodeSections(checkpoint->state, 3);
    if (!sections) return sections.error();
    if (!(*sections)[0].empty()) {
      std::vector<ParsedItem> ignored;
      std::vector<ParseReject> ignored_rejects;
      (*parser)->ParseLine((*sections)[0], 1, ignored, ignored_rejects);
    }
    if (queue_log && !(*sections)[1].empty())
      CB_RETURN_IF_ERROR(assembler.LoadState((*sections)[1]));
    CB_RETURN_IF_ERROR(tracker.LoadState((*sections)[2]));
  }
  const int64_t resume_after = checkpoint ? checkpoint->position : 0;

  ImportSummary summary;
  std::unordered_map<std::string, QueueConfig> queues;
  std::unordered_map<std::string, int64_t> agents;
  std::vector<std::pair<CallRecord, int64_t>> calls;  // with their line
  std::vector<AgentStateChange> states;
  std::vector<ParseReject> rejects;
  std::vector<ParsedItem> items;
  AssemblerOutput assembled;
  TimePoint latest{};
  int64_t line_no = 0;
  int64_t bytes = 0;
  int64_t batch_start = 0;

  auto take_assembled = [&](int64_t line) {
    for (CallRecord& c : assembled.calls) calls.emplace_back(std::move(c), line);
    for (AgentStateChange& s : assembled.states) states.push_back(std::move(s));
    assembled = AssemblerOutput{};
  };

  // Stores what the batch produced, the rejects and the checkpoint in one transaction.
  auto flush = [&]() -> Status {
    if (queue_log) {
      assembler.Expire(latest, assembled);
      take_assembled(line_no);
    }
    int64_t position = line_no;
    if (const int64_t pending = (*parser)->OldestPendingLine(); pending > 0) {
      position = std::min(position, pending - 1);
    }
    position = std::max(position, resume_after);
    int64_t new_calls = 0;
    int64_t duplicate_lines = 0;
    Status s = db_.Write([&](Transaction& tx) -> Status {
      KpiStore& store = tx.Kpi();
      const TimePoint now = clock_.Now();
      auto queue_of = [&](const std::string& name) -> Result<QueueConfig> {
        if (auto it = queues.find(name); it != queues.end()) return it->second;
        auto q = store.EnsureQueue(scope, name, now);
        if (q) queues.emplace(name, *q);
        return q;
      };
      auto agent_of = [&](const std::string& pbx_id) -> Result<int64_t> {
        if (auto it = agents.find(pbx_id); it != agents.end()) return it->second;
        auto a = store.EnsureAgentByPbxId(scope, pbx_id, now);
        if (a) agents.emplace(pbx_id, *a);
        return a;
      };
      std::map<AggregateKey, IntervalCounters> sums;
      for (auto& [call, line] : calls) {
        StoredCall stored;
        stored.source_id = source.id;
        stored.call = call;
        std::optional<QueueConfig> queue;
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
        auto inserted = store.InsertCall(scope, stored);
        if (!inserted) return inserted.error();
        if (!*inserted) {
          if (OneCallPerLine(options.format)) ++duplicate_lines;
          continue;
        }
        ++new_calls;
        if (!queue) continue;  // direct calls are stored, not aggregated per queue
        const TimePoint bucket = BucketStart(call.started_at);
        CountCall(sums[{queue->id, 0, bucket}], call, queue->settings);
        if (stored.agent_id)
          CountCall(sums[{queue->id, *stored.agent_id, bucket}], call, queue->settings);
      }
      AgentSecondsByBucket seconds;
      for (const AgentStateChange& change : states) {
        auto a = agent_of(change.agent);
        if (!a) return a.error();
        tracker.Apply(*a, change, seconds);
      }
      for (const auto& [key, counters] : sums) {
        const auto& [queue_id, agent_id, bucket] = key;
        CB_RETURN_IF_ERROR(store.AddAggregate(scope, {queue_id, agent_id, bucket, counters}));
      }
      for (const auto& [key, s2] : seconds) {
        CB_RETURN_IF_ERROR(store.AddAgentState(scope, {key.first, key.second, s2}));
      }
      for (const ParseReject& r : rejects) {
        CB_RETURN_IF_ERROR(
            store.InsertReject(scope, {0, source.id, stream_id, r.line, r.raw, r.reason, now}));
      }
      // The tracker's state is known only after this batch's changes are applied.
      const std::string state =
          EncodeSections({std::string((*parser)->HeaderLine()),
                          queue_log ? assembler.SaveState() : std::string(), tracker.SaveState()});
      return store.PutCheckpoint(scope, source.id, {stream_id, position, state, now});
    });
    if (!s.ok()) return s;
    summary.calls += new_calls;
    summary.accepted -= duplicate_lines;
    summary.duplicates += duplicate_lines;
    calls.clear();
    states.clear();
    rejects.clear();
    batch_start = line_no;
    if (options.progress) options.progress(bytes);
    return Status::Ok();
  };

  std::string line;
  while (std::getline(input, line)) {
    ++line_no;
    bytes += static_cast<int64_t>(line.size()) + 1;
    if (IsBlank(line)) continue;
    if (line_no <= resume_after) {
      ++summary.duplicates;
      continue;
    }
    items.clear();
    const size_t rejects_before = rejects.size();
    (*parser)->ParseLine(line, line_no, items, rejects);
    if (rejects.size() > rejects_before) {
      ++summary.rejected;
      if (summary.rejects.size() < kMaxReportedRejects) summary.rejects.push_back(rejects.back());
    } else {
      ++summary.accepted;
    }
    for (ParsedItem& item : items) {
      if (auto* e = std::get_if<QueueLogEvent>(&item)) {
        if (e->at > latest) latest = e->at;
        assembler.Add(*e, line_no, assembled);
        take_assembled(line_no);
      } else {
        calls.emplace_back(std::move(std::get<CallRecord>(item)), line_no);
      }
    }
    if (line_no - batch_start >= static_cast<int64_t>(options.batch_lines)) {
      CB_RETURN_IF_ERROR(flush());
    }
  }
  if (input.bad()) return Status::Unavailable("read error after line " + std::to_string(line_no));
  items.clear();
  const size_t rejects_before = rejects.size();
  (*parser)->Finish(items, rejects);
  summary.rejected += static_cast<int64_t>(rejects.size() - rejects_before);
  for (ParsedItem& item : items) {
    if (auto* c = std::get_if<CallRecord>(&item)) calls.emplace_back(std::move(*c), line_no);
  }
  CB_RETURN_IF_ERROR(flush());
  return summary;
}

}  // namespace callboard
