#include "ingest/call_checks.h"

#include <functional>

namespace callboard {

namespace {

std::string Seconds(int64_t ms) {
  std::string s = std::to_string(ms / 1000);
  if (ms % 1000 != 0) s += "." + std::to_string(1000 + ms % 1000).substr(1);
  return s + " s";
}

void Diagnose(std::vector<IngestDiagnostic>& out, std::string kind, const CallRecord& call,
              int64_t line, std::string detail) {
  out.push_back({std::move(kind), call.pbx_call_id, line, std::move(detail)});
}

// Every field of the call, as text (for comparing two versions of a call).
uint64_t Digest(const CallRecord& c) {
  std::string text;
  text.reserve(256);
  for (const std::string* s : {&c.pbx_call_id, &c.queue, &c.agent, &c.caller, &c.callee,
                               &c.transferred_to, &c.disposition, &c.call_type, &c.recording}) {
    text += *s;
    text += '\x1f';
  }
  for (const int64_t v :
       {ToUnixMillis(c.started_at), c.answered_at ? ToUnixMillis(*c.answered_at) : -1,
        ToUnixMillis(c.ended_at), c.wait_ms, c.talk_ms, c.hold_ms, c.acw_ms,
        static_cast<int64_t>(c.outcome), static_cast<int64_t>(c.direction),
        static_cast<int64_t>(c.transfer_count), c.fcr ? int64_t{*c.fcr} : -1,
        c.csat ? int64_t{*c.csat} : -1}) {
    text += std::to_string(v);
    text += '\x1f';
  }
  text += EncodeRingAttempts(c.ring_attempts);
  return std::hash<std::string>()(text);
}

bool IsQueueOutcome(CallOutcome o) {
  return o == CallOutcome::kAbandoned || o == CallOutcome::kTimeout || o == CallOutcome::kExitKey ||
         o == CallOutcome::kExitEmpty;
}

}  // namespace

void CallChecks::Check(const CallRecord& call, int64_t line, std::vector<IngestDiagnostic>& out) {
  // A call seen before is dropped as a duplicate: only a different content is worth a finding.
  std::string key = call.pbx_call_id;
  key += '\x1f';
  key += call.queue;
  key += '\x1f';
  key += std::to_string(ToUnixMillis(call.started_at));
  const uint64_t digest = Digest(call);
  if (const auto it = seen_.find(key); it != seen_.end()) {
    if (it->second.digest != digest) {
      Diagnose(out, "conflicting_duplicate", call, line,
               "same call id, queue and start as line " + std::to_string(it->second.line) +
                   " with different content; the first is kept, this one dropped");
    }
    return;
  }
  if (order_.size() >= kMaxRememberedCalls) {
    seen_.erase(order_.front());
    order_.pop_front();
  }
  seen_.emplace(key, Seen{digest, line});
  order_.push_back(std::move(key));

  const bool answered = call.outcome == CallOutcome::kAnswered;
  if (answered && !call.queue.empty() && call.agent.empty()) {
    Diagnose(out, "answered_without_agent", call, line,
             "answered in queue " + call.queue +
                 " but no agent is named; counted for the queue "
                 "only");
  }
  if (answered && !call.answered_at) {
    Diagnose(out, "answered_without_answer_time", call, line,
             "outcome answered without an answer time; talk " + Seconds(call.talk_ms) +
                 " as the source gave it");
  }
  if (IsQueueOutcome(call.outcome) && call.queue.empty()) {
    Diagnose(out, "queue_outcome_without_queue", call, line,
             "outcome " + std::string(CallOutcomeName(call.outcome)) +
                 " but no queue is named; the call is in no queue report");
  }
  if (answered && call.answered_at) {
    const int64_t span = (call.ended_at - *call.answered_at).count();
    if (call.talk_ms > span + 1000) {
      Diagnose(out, "talk_exceeds_call", call, line,
               "talk " + Seconds(call.talk_ms) + " is longer than answer to end, " + Seconds(span) +
                   "; kept as given");
    }
  }
}

void ClockChecks::Check(TimePoint start, TimePoint end, TimePoint now, int64_t line,
                        std::string_view call_id, std::vector<IngestDiagnostic>& out) {
  const bool ahead = end > now + kClockSkewTolerance;
  if (ahead && !ahead_) {
    out.push_back({"clock_skew_future", std::string(call_id), line,
                   FormatRfc3339(end) + " is " + Seconds((end - now).count()) +
                       " after the receiving clock (" + FormatRfc3339(now) +
                       "); the source's clock runs ahead"});
  }
  ahead_ = ahead;
  const bool behind = latest_start_ && end + kClockSkewTolerance < *latest_start_;
  if (behind && !behind_) {
    out.push_back({"clock_skew_backwards", std::string(call_id), line,
                   FormatRfc3339(end) + " is " + Seconds((*latest_start_ - end).count()) +
                       " before " + FormatRfc3339(*latest_start_) +
                       ", already seen in this stream; the source's clock went back"});
  }
  behind_ = behind;
  if (!latest_start_ || start > *latest_start_) latest_start_ = start;
}

}  // namespace callboard
