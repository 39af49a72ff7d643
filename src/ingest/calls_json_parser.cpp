#include "ingest/calls_json_parser.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace callboard {

namespace {

enum Field : size_t {
  kPbxCallId,
  kDirection,
  kQueue,
  kAgent,
  kCaller,
  kCallee,
  kStartedAt,
  kAnsweredAt,
  kEndedAt,
  kWaitS,
  kTalkS,
  kHoldS,
  kAcwS,
  kOutcome,
  kTransferCount,
  kTransferredTo,
  kDisposition,
  kCallType,
  kFcr,
  kCsat,
  kRecording,
};

constexpr int64_t kMaxCallMs = 24LL * 3600 * 1000;

std::string Name(Field f) { return std::string(kCallFieldNames[f]); }

std::string Text(const CallFieldValues& v, Field f) {
  return v[f] ? std::string(TrimSpace(*v[f])) : std::string();
}

std::optional<std::string> ParseTime(const CallFieldValues& v, Field f,
                                     std::optional<TimePoint>& out) {
  if (!v[f] || TrimSpace(*v[f]).empty()) return std::nullopt;
  out = ParseRfc3339(TrimSpace(*v[f]));
  if (!out) return Name(f) + ": not an RFC 3339 time";
  return std::nullopt;
}

// Seconds (fraction allowed) → ms; absent stays absent.
std::optional<std::string> ParseDuration(const CallFieldValues& v, Field f,
                                         std::optional<int64_t>& out) {
  if (!v[f] || TrimSpace(*v[f]).empty()) return std::nullopt;
  const std::string_view text = TrimSpace(*v[f]);
  double seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(seconds)) {
    return Name(f) + ": not a number of seconds";
  }
  if (seconds < 0) return Name(f) + ": negative";
  if (seconds * 1000 > static_cast<double>(kMaxCallMs)) return Name(f) + ": over 24 h";
  out = std::llround(seconds * 1000);
  return std::nullopt;
}

}  // namespace

int CallFieldIndex(std::string_view name) {
  const auto it = std::find(kCallFieldNames.begin(), kCallFieldNames.end(), name);
  return it == kCallFieldNames.end() ? -1 : static_cast<int>(it - kCallFieldNames.begin());
}

std::optional<std::string> BuildCallFromFields(const CallFieldValues& v, CallRecord& call) {
  call = CallRecord{};
  call.pbx_call_id = Text(v, kPbxCallId);
  if (call.pbx_call_id.empty()) return Name(kPbxCallId) + ": missing";
  if (const std::string d = Text(v, kDirection); !d.empty()) {
    const std::optional<CallDirection> direction = ParseCallDirection(d);
    if (!direction) return Name(kDirection) + ": unknown value '" + d.substr(0, 40) + "'";
    call.direction = *direction;
  }
  const std::string outcome_text = Text(v, kOutcome);
  if (outcome_text.empty()) return Name(kOutcome) + ": missing";
  const std::optional<CallOutcome> outcome = ParseCallOutcome(outcome_text);
  if (!outcome) return Name(kOutcome) + ": unknown value '" + outcome_text.substr(0, 40) + "'";
  call.outcome = *outcome;

  std::optional<TimePoint> started, answered, ended;
  if (auto e = ParseTime(v, kStartedAt, started)) return e;
  if (!started) return Name(kStartedAt) + ": missing";
  if (auto e = ParseTime(v, kAnsweredAt, answered)) return e;
  if (auto e = ParseTime(v, kEndedAt, ended)) return e;
  if (!ended) return Name(kEndedAt) + ": missing";
  if (*ended < *started) return Name(kEndedAt) + ": before started_at";
  if ((*ended - *started).count() > kMaxCallMs) {
    return Name(kEndedAt) + ": more than 24 h after started_at";
  }
  if (answered && (*answered < *started || *answered > *ended)) {
    return Name(kAnsweredAt) + ": outside started_at..ended_at";
  }
  call.started_at = *started;
  call.answered_at = answered;
  call.ended_at = *ended;

  std::optional<int64_t> wait, talk, hold, acw;
  if (auto e = ParseDuration(v, kWaitS, wait)) return e;
  if (auto e = ParseDuration(v, kTalkS, talk)) return e;
  if (auto e = ParseDuration(v, kHoldS, hold)) return e;
  if (auto e = ParseDuration(v, kAcwS, acw)) return e;
  call.wait_ms = wait.value_or(((answered ? *answered : *ended) - *started).count());
  call.talk_ms = talk.value_or(answered ? (*ended - *answered).count() : 0);
  call.hold_ms = hold.value_or(0);
  call.acw_ms = acw.value_or(0);

  if (const std::string t = Text(v, kTransferCount); !t.empty()) {
    const std::optional<int64_t> n = ParseInt64(t);
    if (!n || *n < 0 || *n > 1000) return Name(kTransferCount) + ": not a count";
    call.transfer_count = static_cast<int>(*n);
  }
  if (const std::string f = Text(v, kFcr); !f.empty()) {
    if (f == "true" || f == "1" || f == "yes") {
      call.fcr = true;
    } else if (f == "false" || f == "0" || f == "no") {
      call.fcr = false;
    } else {
      return Name(kFcr) + ": not true or false";
    }
  }
  if (const std::string c = Text(v, kCsat); !c.empty()) {
    const std::optional<int64_t> n = ParseInt64(c);
    if (!n || *n < 1 || *n > 5) return Name(kCsat) + ": not an integer 1..5";
    call.csat = static_cast<int>(*n);
  }
  call.queue = Text(v, kQueue);
  call.agent = Text(v, kAgent);
  call.caller = Text(v, kCaller);
  call.callee = Text(v, kCallee);
  call.transferred_to = Text(v, kTransferredTo);
  call.disposition = Text(v, kDisposition);
  call.recording = Text(v, kRecording);
  if (call.recording.size() > kMaxRecordingBytes) {
    return Name(kRecording) + ": longer than " + std::to_string(kMaxRecordingBytes) + " bytes";
  }
  call.call_type = Text(v, kCallType);
  return std::nullopt;
}

void CallsJsonParser::ParseRecord(std::string_view line, int64_t line_no,
                                  std::vector<ParsedItem>& out, std::vector<ParseReject>& rejects) {
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(line, ec);
  if (ec) {
    AddReject(rejects, line_no, line, "line: invalid JSON (" + ec.message() + ")");
    return;
  }
  if (!doc.is_object()) {
    AddReject(rejects, line_no, line, "line: not a JSON object");
    return;
  }
  CallFieldValues values;
  for (const auto& [key, value] : doc.get_object()) {
    const int index = CallFieldIndex(key);
    if (index < 0) continue;
    std::optional<std::string>& slot = values[static_cast<size_t>(index)];
    char buf[64];
    switch (value.kind()) {
      case boost::json::kind::null:
        break;
      case boost::json::kind::string:
        slot = std::string(value.get_string());
        break;
      case boost::json::kind::bool_:
        slot = value.get_bool() ? "true" : "false";
        break;
      case boost::json::kind::int64:
        slot = std::to_string(value.get_int64());
        break;
      case boost::json::kind::uint64:
        slot = std::to_string(value.get_uint64());
        break;
      case boost::json::kind::double_: {
        const auto r = std::to_chars(buf, buf + sizeof buf, value.get_double());  // shortest
        slot = std::string(buf, r.ptr);
        break;
      }
      case boost::json::kind::array:
      case boost::json::kind::object:
        AddReject(rejects, line_no, line, std::string(key) + ": not a single value");
        return;
    }
  }
  CallRecord call;
  if (std::optional<std::string> error = BuildCallFromFields(values, call)) {
    AddReject(rejects, line_no, line, std::move(*error));
    return;
  }
  out.emplace_back(std::move(call));
}

}  // namespace callboard
