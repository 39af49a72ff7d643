// CallAssembler::SaveState / LoadState: the assembler's state as versioned text.
//
//   callboard-call-assembler<TAB>2
//   T  latest_ms  next_sweep_ms
//   V  callid queue caller callee agent started_ms answered_ms|- wait_ms has_enter first_line
//      connect_line last_ms ring_attempts n_rna (agent ring_ms at_ms)…      (an open visit)
//   E  callid queue started_ms ended_ms had_enter answered line            (an ended visit)
//   A  name explicit_login paused pause_reason announced state reason last_change_ms
//      n_queues queue… n_calls (callid queue)…                               (an agent)
//   D  callid did at_ms                                                      (a pending DID)
//   end  number_of_records
// Version 1 (still read) had no n_rna list. One record per line, fields separated by tabs; '\',
// tab, CR and LF in text are escaped as
// \\, \t, \r and \n. The trailing `end` line detects truncation.

#include <algorithm>
#include <charconv>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ingest/call_assembler.h"

namespace callboard {

namespace {

constexpr std::string_view kMagic = "callboard-call-assembler";
constexpr std::string_view kVersion = "2";
constexpr std::string_view kVersionWithoutRna = "1";

void Escape(std::string_view text, std::string& out) {
  for (const char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

std::optional<std::string> Unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (++i == text.size()) return std::nullopt;
    switch (text[i]) {
      case '\\':
        out += '\\';
        break;
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      default:
        return std::nullopt;
    }
  }
  return out;
}

// Builds one record line.
class RecordWriter {
 public:
  RecordWriter(std::string& out, std::string_view tag) : out_(out) { out_ += tag; }
  ~RecordWriter() { out_ += '\n'; }
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  RecordWriter& Text(std::string_view text) {
    out_ += '\t';
    Escape(text, out_);
    return *this;
  }
  RecordWriter& Int(int64_t value) { return Text(std::to_string(value)); }
  RecordWriter& Time(TimePoint t) { return Int(ToUnixMillis(t)); }
  RecordWriter& Bool(bool value) { return Text(value ? "1" : "0"); }

 private:
  std::string& out_;
};

std::optional<int64_t> ParseNumber(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Reads the fields of one record line in order; any failure sticks.
class RecordReader {
 public:
  explicit RecordReader(std::string_view line) {
    size_t pos = 0;
    while (true) {
      const size_t tab = line.find('\t', pos);
      fields_.push_back(line.substr(pos, tab == std::string_view::npos ? tab : tab - pos));
      if (tab == std::string_view::npos) break;
      pos = tab + 1;
    }
  }
  std::string_view Tag() const { return fields_.front(); }
  bool Failed() const { return failed_; }
  // Every field read, none wrong.
  bool Ok() const { return !failed_ && next_ == fields_.size(); }

  std::string Text() {
    std::optional<std::string> text;
    if (next_ < fields_.size()) text = Unescape(fields_[next_++]);
    failed_ = failed_ || !text;
    return text.value_or(std::string());
  }
  int64_t Int() {
    std::optional<int64_t> value;
    if (next_ < fields_.size()) value = ParseNumber(fields_[next_++]);
    failed_ = failed_ || !value;
    return value.value_or(0);
  }
  TimePoint Time() { return FromUnixMillis(Int()); }
  bool Bool() {
    const int64_t v = Int();
    failed_ = failed_ || (v != 0 && v != 1);
    return v == 1;
  }

 private:
  std::vector<std::string_view> fields_;
  size_t next_ = 1;  // after the tag
  bool failed_ = false;
};

Status Malformed(int64_t line, const std::string& why) {
  return Status::Invalid({{"state", "invalid", "line " + std::to_string(line) + ": " + why}},
                         "call assembler state is malformed");
}

}  // namespace

std::string CallAssembler::SaveState() const {
  std::string out;
  RecordWriter(out, kMagic).Text(kVersion);
  RecordWriter(out, "T").Time(latest_).Time(next_sweep_);
  for (const auto& [key, v] : open_) {
    RecordWriter w(out, "V");
    w.Text(key.first).Text(key.second).Text(v.call.caller).Text(v.call.callee).Text(v.call.agent);
    w.Time(v.call.started_at);
    if (v.call.answered_at) {
      w.Time(*v.call.answered_at);
    } else {
      w.Text("-");
    }
    w.Int(v.call.wait_ms).Bool(v.has_enter).Int(v.first_line).Int(v.connect_line);
    w.Time(v.last_at).Int(v.ring_attempts);
    w.Int(static_cast<int64_t>(v.call.ring_attempts.size()));
    for (const RingAttempt& a : v.call.ring_attempts) w.Text(a.agent).Int(a.ring_ms).Time(a.at);
  }
  // Hash maps: written in key order, so that equal states give equal text.
  std::vector<const std::pair<const VisitKey, EndedVisit>*> ended;
  ended.reserve(ended_.size());
  for (const auto& entry : ended_) ended.push_back(&entry);
  std::sort(ended.begin(), ended.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* entry : ended) {
    const auto& [key, e] = *entry;
    RecordWriter(out, "E")
        .Text(key.first)
        .Text(key.second)
        .Time(e.started_at)
        .Time(e.ended_at)
        .Bool(e.had_enter)
        .Bool(e.answered)
        .Int(e.line);
  }
  std::vector<const std::pair<const std::string, Agent>*> agents;
  agents.reserve(agents_.size());
  for (const auto& entry : agents_) agents.push_back(&entry);
  std::sort(agents.begin(), agents.end(), [](auto* a, auto* b) { return a->first < b->first; });
  for (const auto* entry : agents) {
    const auto& [name, a] = *entry;
    RecordWriter w(out, "A");
    w.Text(name).Bool(a.explicit_login).Bool(a.paused).Text(a.pause_reason).Bool(a.announced);
    w.Text(AgentStateName(a.state)).Text(a.reason).Time(a.last_change_at);
    w.Int(static_cast<int64_t>(a.queues.size()));
    for (const std::string& q : a.queues) w.Text(q);
    w.Int(static_cast<int64_t>(a.calls.size()));
    for (const VisitKey& call : a.calls) w.Text(call.first).Text(call.second);
  }
  for (const auto& [call_id, did] : pending_dids_) {
    RecordWriter(out, "D").Text(call_id).Text(did.did).Time(did.at);
  }
  RecordWriter(out, "end")
      .Int(static_cast<int64_t>(open_.size() + ended_.size() + agents_.size() +
                                pending_dids_.size()));
  return out;
}

Status CallAssembler::LoadState(std::string_view state) {
  CallAssembler loaded(std::chrono::duration_cast<std::chrono::seconds>(open_call_timeout_));
  int64_t line_no = 0, records = 0;
  bool ended = false;
  bool with_rna = true;
  size_t pos = 0;
  while (pos < state.size()) {
    const size_t nl = state.find('\n', pos);
    if (nl == std::string_view::npos) return Malformed(line_no + 1, "no final newline");
    RecordReader r(state.substr(pos, nl - pos));
    pos = nl + 1;
    ++line_no;
    if (ended) return Malformed(line_no, "text after the end record");
    const std::string_view tag = r.Tag();
    if (line_no == 1) {
      if (tag != kMagic) return Malformed(line_no, "not a call assembler state");
      if (const std::string version = r.Text(); version == kVersionWithoutRna) {
        with_rna = false;
      } else if (version != kVersion) {
        return Malformed(line_no, "unsupported version '" + version + "'");
      }
    } else if (tag == "T") {
      loaded.latest_ = r.Time();
      loaded.next_sweep_ = r.Time();
    } else if (tag == "V") {
      VisitKey key;
      key.first = r.Text();
      key.second = r.Text();
      Visit v;
      v.call.pbx_call_id = key.first;
      v.call.direction = CallDirection::kInbound;
      v.call.queue = key.second;
      v.call.caller = r.Text();
      v.call.callee = r.Text();
      v.call.agent = r.Text();
      v.call.started_at = r.Time();
      if (const std::string answered = r.Text(); answered != "-") {
        const std::optional<int64_t> ms = ParseNumber(answered);
        if (!ms) return Malformed(line_no, "bad answered time");
        v.call.answered_at = FromUnixMillis(*ms);
      }
      v.call.wait_ms = r.Int();
      v.has_enter = r.Bool();
      v.first_line = r.Int();
      v.connect_line = r.Int();
      v.last_at = r.Time();
      v.ring_attempts = static_cast<int>(r.Int());
      for (int64_t n = with_rna ? r.Int() : 0; n > 0 && !r.Failed(); --n) {
        RingAttempt& a = v.call.ring_attempts.emplace_back();
        a.agent = r.Text();
        a.ring_ms = r.Int();
        a.at = r.Time();
      }
      loaded.open_[std::move(key)] = std::move(v);
    } else if (tag == "E") {
      VisitKey key;
      key.first = r.Text();
      key.second = r.Text();
      EndedVisit& e = loaded.ended_[std::move(key)];
      e.started_at = r.Time();
      e.ended_at = r.Time();
      e.had_enter = r.Bool();
      e.answered = r.Bool();
      e.line = r.Int();
    } else if (tag == "A") {
      Agent& a = loaded.agents_[r.Text()];
      a.explicit_login = r.Bool();
      a.paused = r.Bool();
      a.pause_reason = r.Text();
      a.announced = r.Bool();
      const std::optional<AgentState> agent_state = ParseAgentState(r.Text());
      if (!agent_state) return Malformed(line_no, "unknown agent state");
      a.state = *agent_state;
      a.reason = r.Text();
      a.last_change_at = r.Time();
      for (int64_t n = r.Int(); n > 0 && !r.Failed(); --n) a.queues.insert(r.Text());
      for (int64_t n = r.Int(); n > 0 && !r.Failed(); --n) {
        std::string call_id = r.Text();
        a.calls.emplace_back(std::move(call_id), r.Text());
      }
      std::sort(a.calls.begin(), a.calls.end());
      a.calls.erase(std::unique(a.calls.begin(), a.calls.end()), a.calls.end());
    } else if (tag == "D") {
      const std::string call_id = r.Text();
      PendingDid& did = loaded.pending_dids_[call_id];
      did.did = r.Text();
      did.at = r.Time();
    } else if (tag == "end") {
      if (r.Int() != records) return Malformed(line_no, "record count does not match");
      ended = true;
    } else {
      return Malformed(line_no, "unknown record '" + std::string(tag) + "'");
    }
    if (!r.Ok()) return Malformed(line_no, "wrong fields in a '" + std::string(tag) + "' record");
    if (tag == "V" || tag == "E" || tag == "A" || tag == "D") ++records;
  }
  if (!ended) return Malformed(line_no, "truncated: no end record");
  for (const auto& [key, e] : loaded.ended_) loaded.IndexEnded(key, e.ended_at);
  *this = std::move(loaded);
  return Status::Ok();
}

}  // namespace callboard
