#include "ingest/freeswitch_cc_parser.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>

#include "ingest/csv.h"

namespace callboard {

namespace {

enum Var : size_t {
  kQueue,
  kSide,
  kAgent,
  kJoined,
  kAnswered,
  kTerminated,
  kCanceled,
  kCause,
  kCancelReason,
  kUuid,
  kMemberSessionUuid,
  kMemberUuid,
  kCallerIdNumber,
  kMemberCidNumber,
  kDestinationNumber,
  kRecordFilename,
  kRecordPath,
  kVarCount,
};

constexpr std::array<std::string_view, kVarCount> kVarNames = {"cc_queue",
                                                               "cc_side",
                                                               "cc_agent",
                                                               "cc_queue_joined_epoch",
                                                               "cc_queue_answered_epoch",
                                                               "cc_queue_terminated_epoch",
                                                               "cc_queue_canceled_epoch",
                                                               "cc_cause",
                                                               "cc_cancel_reason",
                                                               "uuid",
                                                               "cc_member_session_uuid",
                                                               "cc_member_uuid",
                                                               "caller_id_number",
                                                               "cc_member_cid_number",
                                                               "destination_number",
                                                               "cc_record_filename",
                                                               "record_path"};

using Vars = std::array<std::optional<std::string>, kVarCount>;

constexpr std::chrono::hours kMaxCall{24};

int VarIndex(std::string_view name) {
  const auto it = std::find(kVarNames.begin(), kVarNames.end(), name);
  return it == kVarNames.end() ? -1 : static_cast<int>(it - kVarNames.begin());
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexValue(s[i + 1]) >= 0 && HexValue(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<std::string> Scalar(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::string:
      return std::string(v.get_string());
    case boost::json::kind::int64:
      return std::to_string(v.get_int64());
    case boost::json::kind::uint64:
      return std::to_string(v.get_uint64());
    case boost::json::kind::double_:
      return std::to_string(static_cast<int64_t>(v.get_double()));
    case boost::json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    default:
      return std::nullopt;
  }
}

// callflow is an object or (newer FreeSWITCH) an array of them; the first caller_profile.
const boost::json::object* CallerProfile(const boost::json::object& doc) {
  const boost::json::value* flow = doc.if_contains("callflow");
  if (flow == nullptr) return nullptr;
  const boost::json::object* first = nullptr;
  if (flow->is_array() && !flow->get_array().empty() && flow->get_array()[0].is_object()) {
    first = &flow->get_array()[0].get_object();
  } else if (flow->is_object()) {
    first = &flow->get_object();
  }
  if (first == nullptr) return nullptr;
  const boost::json::value* profile = first->if_contains("caller_profile");
  return profile != nullptr && profile->is_object() ? &profile->get_object() : nullptr;
}

std::string Get(const Vars& vars, Var v) {
  return vars[v] ? std::string(TrimSpace(*vars[v])) : std::string();
}

// Epoch seconds; 0 or empty = unset.
std::optional<std::string> Epoch(const Vars& vars, Var v, std::optional<TimePoint>& out) {
  const std::string text = Get(vars, v);
  if (text.empty()) return std::nullopt;
  const std::optional<int64_t> ms = ParseSecondsAsMillis(text);
  if (!ms) return std::string(kVarNames[v]) + ": not epoch seconds";
  if (*ms > 0) out = FromUnixMillis(*ms);
  return std::nullopt;
}

// Builds the call; nullopt reason and no call for ignored (agent) legs.
std::optional<std::string> BuildCall(const Vars& vars, std::optional<CallRecord>& out) {
  const std::string side = Get(vars, kSide);
  if (side.empty()) return "cc_side: missing (not a mod_callcenter leg)";
  if (side == "agent") return std::nullopt;
  if (side != "member") return "cc_side: unknown value '" + side.substr(0, 40) + "'";
  CallRecord call;
  call.direction = CallDirection::kInbound;
  call.queue = Get(vars, kQueue);
  if (call.queue.empty()) return "cc_queue: missing";
  for (const Var id : {kUuid, kMemberSessionUuid, kMemberUuid}) {
    if (call.pbx_call_id.empty()) call.pbx_call_id = Get(vars, id);
  }
  if (call.pbx_call_id.empty()) return "uuid: missing";
  std::optional<TimePoint> joined, answered, terminated, canceled;
  if (auto e = Epoch(vars, kJoined, joined)) return e;
  if (auto e = Epoch(vars, kAnswered, answered)) return e;
  if (auto e = Epoch(vars, kTerminated, terminated)) return e;
  if (auto e = Epoch(vars, kCanceled, canceled)) return e;
  if (!joined) return "cc_queue_joined_epoch: missing";
  const std::optional<TimePoint> ended =
      answered ? (terminated ? terminated : canceled) : (canceled ? canceled : terminated);
  const Var end_var =
      answered ? (terminated ? kTerminated : kCanceled) : (canceled ? kCanceled : kTerminated);
  if (!ended) return "cc_queue_terminated_epoch: missing (and no cc_queue_canceled_epoch)";
  const std::string end_name(kVarNames[end_var]);
  if (*ended < *joined) return end_name + ": before cc_queue_joined_epoch";
  if (*ended - *joined > kMaxCall) return end_name + ": more than 24 h after joining";
  if (answered && (*answered < *joined || *answered > *ended)) {
    return "cc_queue_answered_epoch: outside the call";
  }
  call.started_at = *joined;
  call.answered_at = answered;
  call.ended_at = *ended;
  call.caller = Get(vars, kCallerIdNumber);
  if (call.caller.empty()) call.caller = Get(vars, kMemberCidNumber);
  call.callee = Get(vars, kDestinationNumber);
  call.recording = Get(vars, kRecordFilename);
  if (call.recording.empty()) call.recording = Get(vars, kRecordPath);
  if (answered) {
    call.outcome = CallOutcome::kAnswered;
    call.agent = Get(vars, kAgent);
    call.wait_ms = (*answered - *joined).count();
    call.talk_ms = (*ended - *answered).count();
  } else {
    const std::string reason = Get(vars, kCancelReason);
    if (reason.empty() || reason == "NONE" || reason == "BREAK_OUT") {
      call.outcome = CallOutcome::kAbandoned;
    } else if (reason == "TIMEOUT" || reason == "NO_AGENT_TIMEOUT") {
      call.outcome = CallOutcome::kTimeout;
    } else if (reason == "EXIT_WITH_KEY") {
      call.outcome = CallOutcome::kExitKey;
    } else {
      return "cc_cancel_reason: unknown value '" + reason.substr(0, 40) + "'";
    }
    call.wait_ms = (*ended - *joined).count();
  }
  out = std::move(call);
  return std::nullopt;
}

void Emit(const Vars& vars, std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
          std::vector<ParseReject>& rejects) {
  std::optional<CallRecord> call;
  if (std::optional<std::string> error = BuildCall(vars, call)) {
    AddReject(rejects, line_no, line, std::move(*error));
  } else if (call) {
    out.emplace_back(std::move(*call));
  }
}

}  // namespace

void FreeswitchCcParser::ParseRecord(std::string_view line, int64_t line_no,
                                     std::vector<ParsedItem>& out,
                                     std::vector<ParseReject>& rejects) {
  if (TrimSpace(line).front() != '{') {
    ParseCsvRow(line, line_no, out, rejects);
    return;
  }
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(line, ec);
  if (ec || !doc.is_object()) {
    AddReject(rejects, line_no, line,
              ec ? "line: invalid JSON (" + ec.message() + ")" : "line: not a JSON object");
    return;
  }
  const boost::json::object& top = doc.get_object();
  const boost::json::value* variables = top.if_contains("variables");
  const boost::json::object* encoded =
      variables != nullptr && variables->is_object() ? &variables->get_object() : nullptr;
  const boost::json::object* profile = CallerProfile(top);
  Vars vars;
  for (size_t i = 0; i < kVarCount; ++i) {
    const boost::json::string_view name(kVarNames[i].data(), kVarNames[i].size());
    if (encoded != nullptr) {
      if (const boost::json::value* v = encoded->if_contains(name)) {
        if (std::optional<std::string> s = Scalar(*v)) vars[i] = UrlDecode(*s);
        continue;
      }
    }
    if (const boost::json::value* v = top.if_contains(name)) {
      vars[i] = Scalar(*v);
    } else if (profile != nullptr) {
      if (const boost::json::value* p = profile->if_contains(name)) vars[i] = Scalar(*p);
    }
  }
  Emit(vars, line, line_no, out, rejects);
}

void FreeswitchCcParser::ParseCsvRow(std::string_view line, int64_t line_no,
                                     std::vector<ParsedItem>& out,
                                     std::vector<ParseReject>& rejects) {
  const Status split = SplitCsv(line, fields_);
  if (!split.ok()) {
    AddReject(rejects, line_no, line, "line: " + split.message());
    return;
  }
  const bool is_header = std::any_of(fields_.begin(), fields_.end(), [](const std::string& f) {
    return TrimSpace(f) == "cc_queue";
  });
  if (is_header) {
    std::vector<int> var_of_column;
    for (const std::string& cell : fields_) {
      const int index = VarIndex(TrimSpace(cell));
      if (index >= 0 &&
          std::find(var_of_column.begin(), var_of_column.end(), index) != var_of_column.end()) {
        AddReject(rejects, line_no, line, "header: column '" + cell + "' repeated");
        return;
      }
      var_of_column.push_back(index);
    }
    if (std::find(var_of_column.begin(), var_of_column.end(), static_cast<int>(kSide)) ==
        var_of_column.end()) {
      AddReject(rejects, line_no, line, "header: no 'cc_side' column");
      return;
    }
    var_of_column_ = std::move(var_of_column);
    header_line_ = std::string(line);
    return;
  }
  if (header_line_.empty()) {
    AddReject(rejects, line_no, line, "header: a CSV row before any header naming the variables");
    return;
  }
  if (fields_.size() != var_of_column_.size()) {
    AddReject(rejects, line_no, line,
              "columns: " + std::to_string(fields_.size()) + " cells, the header has " +
                  std::to_string(var_of_column_.size()));
    return;
  }
  Vars vars;
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (var_of_column_[i] >= 0)
      vars[static_cast<size_t>(var_of_column_[i])] = std::move(fields_[i]);
  }
  Emit(vars, line, line_no, out, rejects);
}

}  // namespace callboard
