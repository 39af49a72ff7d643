#pragma once
// Data-quality checks (DESIGN §3.4a) that need no format knowledge, run by the StreamIngestor
// on what every stream delivers:
//
// CallChecks — on each call of a call-level format (Asterisk CDR, 3CX, FreeSWITCH, calls-json,
// calls-csv), every finding is stored and the call is kept as given:
//   answered_without_agent        answered in a queue, but no agent: it counts for the queue
//                                 and for no agent.
//   answered_without_answer_time  outcome answered without answered_at: the talk cannot be
//                                 placed (talk from the source, else 0).
//   queue_outcome_without_queue   abandoned, timeout, exit_key or exit_empty on a call that
//                                 names no queue: it appears in no queue report.
//   talk_exceeds_call             talk longer than answered_at..ended_at by over 1 s.
//   conflicting_duplicate         the natural key (call id, queue, start) of a call seen
//                                 earlier in the stream with different content: the first
//                                 one stored wins, this one is dropped as a duplicate.
// A call whose natural key came earlier in the stream is a duplicate (the store drops it): it is
// only checked for conflicting content. The last kMaxRememberedCalls natural keys are
// remembered (nothing across restarts).
//
// ClockChecks — on every event time (queue_log) or call (start..end) of a stream, one finding
// per episode (the first line of a run of offending lines):
//   clock_skew_future     a time more than kClockSkewTolerance after the receiving clock:
//                         the PBX clock runs ahead (or the data was written for another zone).
//   clock_skew_backwards  a time (a call's end) more than kClockSkewTolerance before the
//                         latest event (call start) the stream delivered earlier: the clock
//                         was set back, or lines of two PBXs are mixed.
//
// Thread-safety: none; one of each per stream.

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/call_record.h"
#include "core/clock.h"
#include "ingest/parsed.h"

namespace callboard {

inline constexpr size_t kMaxRememberedCalls = 100'000;
inline constexpr std::chrono::minutes kClockSkewTolerance{5};

class CallChecks {
 public:
  // Appends the findings about `call`, read at `line`, to `out`.
  void Check(const CallRecord& call, int64_t line, std::vector<IngestDiagnostic>& out);

 private:
  struct Seen {
    uint64_t digest = 0;  // of the call's content
    int64_t line = 0;
  };
  std::unordered_map<std::string, Seen> seen_;  // by natural key
  std::deque<std::string> order_;               // natural keys, oldest first (the bound)
};

class ClockChecks {
 public:
  // A stream item spanning [start, end] (an event: start == end), read at `line`, received
  // when the clock said `now`.
  void Check(TimePoint start, TimePoint end, TimePoint now, int64_t line, std::string_view call_id,
             std::vector<IngestDiagnostic>& out);

 private:
  std::optional<TimePoint> latest_start_;
  bool ahead_ = false;   // the previous item was in the future
  bool behind_ = false;  // the previous item went backwards
};

}  // namespace callboard
