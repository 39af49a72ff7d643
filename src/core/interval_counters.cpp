#include "core/interval_counters.h"

#include <algorithm>
#include <cassert>

#include "core/call_record.h"
#include "core/kpi.h"

namespace callboard {

std::size_t WaitBucketIndex(int64_t wait_ms) {
  for (std::size_t i = 0; i < kWaitEdgesS.size(); ++i) {
    if (wait_ms <= int64_t{kWaitEdgesS[i]} * 1000) return i;
  }
  return kWaitEdgesS.size();
}

std::optional<std::size_t> WaitEdgeIndex(int seconds) {
  const auto* it = std::find(kWaitEdgesS.begin(), kWaitEdgesS.end(), seconds);
  if (it == kWaitEdgesS.end()) return std::nullopt;
  return static_cast<std::size_t>(it - kWaitEdgesS.begin());
}

int64_t CountAtMostEdge(const WaitHistogram& histogram, std::size_t edge_index) {
  assert(edge_index < kWaitEdgesS.size());
  int64_t n = 0;
  for (std::size_t i = 0; i <= edge_index; ++i) n += histogram[i];
  return n;
}

void Add(IntervalCounters& into, const IntervalCounters& from) {
  into.offered += from.offered;
  into.answered += from.answered;
  into.abandoned += from.abandoned;
  into.short_abandoned += from.short_abandoned;
  into.timed_out += from.timed_out;
  into.other_unanswered += from.other_unanswered;
  into.wait_answered_ms += from.wait_answered_ms;
  into.wait_abandoned_ms += from.wait_abandoned_ms;
  into.max_wait_ms = std::max(into.max_wait_ms, from.max_wait_ms);
  into.talk_ms += from.talk_ms;
  into.hold_ms += from.hold_ms;
  into.acw_ms += from.acw_ms;
  into.handled += from.handled;
  into.transfers += from.transfers;
  into.fcr_yes += from.fcr_yes;
  into.fcr_known += from.fcr_known;
  into.csat_sum += from.csat_sum;
  into.csat_n += from.csat_n;
  for (std::size_t i = 0; i < kWaitBuckets; ++i) {
    into.wait_answered_histogram[i] += from.wait_answered_histogram[i];
    into.wait_abandoned_histogram[i] += from.wait_abandoned_histogram[i];
  }
}

namespace {

bool TalkEnded(const CallRecord& call) {
  return call.ended_at >= call.answered_at.value_or(call.started_at);
}

}  // namespace

bool IsHandled(const CallRecord& call) {
  return call.outcome == CallOutcome::kAnswered && TalkEnded(call);
}

void CountCall(IntervalCounters& into, const CallRecord& call, const QueueSettings& settings) {
  CountCall(into, call, settings, call.fcr);
}

void CountCall(IntervalCounters& into, const CallRecord& call, const QueueSettings& settings,
               std::optional<bool> fcr) {
  const int64_t wait_ms = std::max<int64_t>(call.wait_ms, 0);
  into.offered += 1;
  into.max_wait_ms = std::max(into.max_wait_ms, wait_ms);
  into.transfers += call.transfer_count;
  if (call.csat && *call.csat >= 1 && *call.csat <= 5) {
    into.csat_sum += *call.csat;
    into.csat_n += 1;
  }
  switch (call.outcome) {
    case CallOutcome::kAnswered:
      into.answered += 1;
      into.wait_answered_ms += wait_ms;
      into.wait_answered_histogram[WaitBucketIndex(wait_ms)] += 1;
      if (TalkEnded(call)) {
        into.handled += 1;
        into.talk_ms += std::max<int64_t>(call.talk_ms, 0);
        into.hold_ms += std::max<int64_t>(call.hold_ms, 0);
        into.acw_ms += std::max<int64_t>(call.acw_ms, 0);
        if (fcr) {
          into.fcr_known += 1;
          if (*fcr) into.fcr_yes += 1;
        }
      }
      return;
    case CallOutcome::kAbandoned:
      into.abandoned += 1;
      into.wait_abandoned_ms += wait_ms;
      into.wait_abandoned_histogram[WaitBucketIndex(wait_ms)] += 1;
      if (wait_ms < int64_t{settings.short_abandon_s} * 1000) into.short_abandoned += 1;
      return;
    case CallOutcome::kTimeout:
      into.timed_out += 1;
      return;
    case CallOutcome::kExitKey:
    case CallOutcome::kExitEmpty:
    case CallOutcome::kVoicemail:
    case CallOutcome::kMissed:
    case CallOutcome::kFailed:
      into.other_unanswered += 1;
      return;
  }
}

void Add(AgentStateSeconds& into, const AgentStateSeconds& from) {
  into.logged_in_ms += from.logged_in_ms;
  into.available_ms += from.available_ms;
  into.on_call_ms += from.on_call_ms;
  into.acw_ms += from.acw_ms;
  into.paused_ms += from.paused_ms;
  for (const auto& [reason, ms] : from.paused_by_reason_ms) into.paused_by_reason_ms[reason] += ms;
}

}  // namespace callboard
