#pragma once
// IntervalCounters: the additive counters of one queue (or one agent in a queue) over one
// 15-minute bucket (DESIGN §3.3), and AgentStateSeconds, an agent's time by state over one
// bucket. Both are plain values that add: the counters of any range are the sum of the
// counters of its buckets, and every KPI is computed from such sums (kpi.h), never from
// averages of averages.
//
//   IntervalCounters c;
//   for (const CallRecord& call : calls_that_entered_the_queue_in_this_bucket)
//     CountCall(c, call, settings);
//   Add(total, c);
//
// Durations are kept in integer milliseconds so that sums are exact; KPIs expose seconds.
// Thread-safety: values; no shared state.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace callboard {

struct CallRecord;
struct QueueSettings;

// Upper edges, in seconds, of the wait-time histogram buckets. Bucket i (i < 14) holds the
// waits w with kWaitEdgesS[i-1] < w ≤ kWaitEdgesS[i] (bucket 0: 0 ≤ w ≤ 5 s); the last
// bucket, index 14, holds w > 600 s. Comparisons are made on milliseconds, so a wait of
// 20.000 s is in the "≤ 20" bucket and one of 20.001 s is in the next. Changing the edges
// invalidates every stored histogram.
inline constexpr std::array<int, 14> kWaitEdgesS = {5,  10, 15,  20,  25,  30,  45,
                                                    60, 90, 120, 180, 240, 300, 600};
inline constexpr std::size_t kWaitBuckets = kWaitEdgesS.size() + 1;

// Number of waits per bucket; see kWaitEdgesS.
using WaitHistogram = std::array<int64_t, kWaitBuckets>;

// Index of the bucket that holds a wait of `wait_ms` (a negative wait counts as 0).
std::size_t WaitBucketIndex(int64_t wait_ms);

// Index i with kWaitEdgesS[i] == seconds, or empty when `seconds` is not an edge.
std::optional<std::size_t> WaitEdgeIndex(int seconds);

// Number of waits ≤ kWaitEdgesS[edge_index] (the sum of buckets 0..edge_index).
// REQUIRES: edge_index < kWaitEdgesS.size().
int64_t CountAtMostEdge(const WaitHistogram& histogram, std::size_t edge_index);

struct IntervalCounters {
  int64_t offered = 0;  // every queue visit that ended: answered + abandoned + the two below
  int64_t answered = 0;
  int64_t abandoned = 0;
  int64_t short_abandoned = 0;   // abandoned with wait < short_abandon_s of the settings used
  int64_t timed_out = 0;         // outcome timeout
  int64_t other_unanswered = 0;  // exit_key, exit_empty, voicemail, missed, failed
  int64_t wait_answered_ms = 0;
  int64_t wait_abandoned_ms = 0;
  int64_t max_wait_ms = 0;  // longest wait of any counted call (0 when none)
  int64_t talk_ms = 0;      // talk, hold and acw of handled calls only
  int64_t hold_ms = 0;
  int64_t acw_ms = 0;
  int64_t handled = 0;    // answered calls whose talk has ended
  int64_t transfers = 0;  // sum of transfer_count
  int64_t fcr_yes = 0;
  int64_t fcr_known = 0;  // handled calls whose fcr is known
  int64_t csat_sum = 0;
  int64_t csat_n = 0;
  WaitHistogram wait_answered_histogram{};
  WaitHistogram wait_abandoned_histogram{};

  bool operator==(const IntervalCounters&) const = default;
};

// into += from, counter by counter; max_wait_ms takes the larger of the two.
void Add(IntervalCounters& into, const IntervalCounters& from);

// Counts one queue visit into `into` by its outcome:
// - answered: answered, wait_answered_ms, the answered histogram; when its talk has ended
//   (ended_at not before answered_at, or before started_at when answered_at is unknown) also
//   handled, talk/hold/acw, and fcr when the record has it;
// - abandoned: abandoned, wait_abandoned_ms, the abandoned histogram, and short_abandoned when
//   wait_ms < settings.short_abandon_s * 1000;
// - timeout: timed_out; exit_key, exit_empty, voicemail, missed, failed: other_unanswered.
// Every outcome counts in offered and max_wait_ms; transfers adds transfer_count; csat adds
// when it is in 1..5 (other values are left to the source's diagnostics). A negative wait
// counts as 0. Which bucket and row the call belongs to is the caller's choice: a queue visit
// counts in the bucket in which it entered the queue (DESIGN §3.3).
void CountCall(IntervalCounters& into, const CallRecord& call, const QueueSettings& settings);
// CountCall with `fcr` in place of the record's own (the effective fcr of a stored call: given,
// else its decided automatic status; see kpi/auto_fcr.h).
void CountCall(IntervalCounters& into, const CallRecord& call, const QueueSettings& settings,
               std::optional<bool> fcr);

// Whether CountCall counts the call as handled: answered, and its talk ended (ended_at not
// before answered_at, or before started_at when answered_at is unknown).
bool IsHandled(const CallRecord& call);

// Milliseconds an agent spent in each state. logged_in is all logged-in time; available,
// on_call, acw and paused are parts of it; paused_by_reason splits paused by pause reason
// ("" when the PBX gave none).
struct AgentStateSeconds {
  int64_t logged_in_ms = 0;
  int64_t available_ms = 0;
  int64_t on_call_ms = 0;
  int64_t acw_ms = 0;
  int64_t paused_ms = 0;
  std::map<std::string, int64_t> paused_by_reason_ms;

  bool operator==(const AgentStateSeconds&) const = default;
};

// into += from, field by field and reason by reason.
void Add(AgentStateSeconds& into, const AgentStateSeconds& from);

}  // namespace callboard
