#pragma once
// calls-json: one JSON object per line, one call each, with the DESIGN §3.2 field names
// (kCallFieldNames). Also declares the field vocabulary and validation shared with calls-csv.
//
//   {"pbx_call_id":"c-1","direction":"inbound","queue":"sales","agent":"1001",
//    "caller":"+15550100","callee":"800","started_at":"2026-11-22T10:00:00Z",
//    "answered_at":"2026-11-22T10:00:12Z","ended_at":"2026-11-22T10:04:00Z",
//    "wait_s":12,"talk_s":200.5,"outcome":"answered"}
//
// Rules (the reject reason names the field):
//  - required: pbx_call_id, started_at, ended_at (RFC 3339), outcome (answered, abandoned,
//    timeout, exit_key, exit_empty, voicemail, missed, failed).
//  - direction: inbound (default), outbound or internal.
//  - wait_s, talk_s, hold_s, acw_s: seconds ≥ 0, at most 24 h, fractions kept as ms. When
//    absent: wait = (answered_at or ended_at) − started_at, talk = ended_at − answered_at
//    (answered calls), hold = acw = 0.
//  - ended_at not before started_at and at most 24 h after it; answered_at inside the call.
//  - transfer_count integer ≥ 0; fcr true/false (also 1/0, yes/no); csat integer 1..5.
//  - recording: URL or path of the call's recording, at most kMaxRecordingBytes.
//  - null is the same as absent. JSON: numbers may also be given as strings; unknown keys are
//    ignored (senders add their own); nested objects/arrays in a known field are rejected.
// Thread-safety: none (one parser per stream).

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "ingest/parsed.h"

namespace callboard {

inline constexpr std::array<std::string_view, 21> kCallFieldNames = {
    "pbx_call_id", "direction",   "queue",          "agent",          "caller",      "callee",
    "started_at",  "answered_at", "ended_at",       "wait_s",         "talk_s",      "hold_s",
    "acw_s",       "outcome",     "transfer_count", "transferred_to", "disposition", "call_type",
    "fcr",         "csat",        "recording"};

inline constexpr size_t kMaxRecordingBytes = 2048;  // a URL or path; longer is rejected

// Index of `name` in kCallFieldNames, or -1.
int CallFieldIndex(std::string_view name);

// One call's fields as text, indexed like kCallFieldNames; nullopt = absent.
using CallFieldValues = std::array<std::optional<std::string>, kCallFieldNames.size()>;

// Validates `values` into `call` by the rules above. Returns the reject reason on failure.
std::optional<std::string> BuildCallFromFields(const CallFieldValues& values, CallRecord& call);

class CallsJsonParser final : public LineParser {
 protected:
  void ParseRecord(std::string_view line, int64_t line_no, std::vector<ParsedItem>& out,
                   std::vector<ParseReject>& rejects) override;
};

}  // namespace callboard
