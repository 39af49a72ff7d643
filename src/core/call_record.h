#pragma once
// CallRecord: one call per queue visit (DESIGN §3.2) — inbound, outbound and internal
// calls too — as a source describes it, before names are resolved to ids. Parsers of
// call-level sources (CDRs) produce it directly; the queue_log assembler builds it from
// events. Plain value.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace callboard {

enum class CallDirection { kInbound, kOutbound, kInternal };

enum class CallOutcome {
  kAnswered,
  kAbandoned,  // the caller hung up while waiting
  kTimeout,    // the queue's timeout moved the caller on (EXITWITHTIMEOUT)
  kExitKey,    // the caller pressed a key to leave (EXITWITHKEY)
  kExitEmpty,  // the queue had no members (EXITEMPTY)
  kVoicemail,
  kMissed,  // rang, nobody answered (direct calls)
  kFailed,  // could not be placed (busy, congestion, cancelled outbound)
};

std::string_view CallDirectionName(CallDirection d);
std::optional<CallDirection> ParseCallDirection(std::string_view name);
std::string_view CallOutcomeName(CallOutcome o);
std::optional<CallOutcome> ParseCallOutcome(std::string_view name);

// One ring of an agent that went unanswered during a queue visit (queue_log RINGNOANSWER).
struct RingAttempt {
  std::string agent;    // PBX identity of the agent rung, as `CallRecord::agent`
  int64_t ring_ms = 0;  // how long it rang (0 when the source did not say)
  TimePoint at;         // when the ring gave up

  bool operator==(const RingAttempt&) const = default;
};

// The storage text of a list of ring attempts: one "<at unix ms> <ring ms> <agent>\n" line per
// attempt ('\\' and newlines in the agent escaped as \\ and \n); empty for none. Decode
// returns nullopt for text Encode cannot have written.
std::string EncodeRingAttempts(const std::vector<RingAttempt>& attempts);
std::optional<std::vector<RingAttempt>> DecodeRingAttempts(std::string_view text);

struct CallRecord {
  std::string pbx_call_id;  // the PBX's id of the call; with `queue`, the natural key
  CallDirection direction = CallDirection::kInbound;
  std::string queue;  // queue name as the PBX names it; empty when not queued
  std::string agent;  // PBX identity of the (last) answering agent, e.g. "SIP/1001"
  std::string caller;
  std::string callee;
  TimePoint started_at;  // entered the queue (queued calls) or began (others)
  std::optional<TimePoint> answered_at;
  TimePoint ended_at;
  int64_t wait_ms = 0;  // in the queue before answer or exit
  int64_t talk_ms = 0;
  int64_t hold_ms = 0;
  int64_t acw_ms = 0;
  CallOutcome outcome = CallOutcome::kAnswered;
  int transfer_count = 0;
  std::string transferred_to;  // the last transfer target, when transferred
  std::string disposition;
  std::string call_type;
  std::optional<bool> fcr;
  std::optional<int> csat;                 // 1..5
  std::string recording;                   // URL or path of the call's recording; empty when none
  std::vector<RingAttempt> ring_attempts;  // unanswered rings of this visit, in order
};

}  // namespace callboard
