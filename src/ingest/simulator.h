#pragma once
// The traffic simulator: a seeded contact-center day (or month) for demos, tests and
// benchmarks, written as a PBX would write it (issue 3, "Traffic simulator").
//
//   SimulationOptions options{.format = SourceFormat::k3cxCdr, .agents = 25, .seed = 7};
//   std::ofstream out("day.csv");
//   if (Status s = WriteSimulation(options, out); !s.ok()) return s;
//   std::vector<CallRecord> truth = SimulateCalls(options);  // what day.csv encodes
//
// Model (a discrete-event simulation in whole seconds): Poisson arrivals whose rate follows a
// time-of-day profile in options.time_zone (morning ramp, lunch dip, afternoon peak), normalised
// so the run averages calls_per_hour; queues with decreasing weights; every agent a member of
// every queue, FIFO across queues, the longest-idle available agent rung first; rings that go
// unanswered (RINGNOANSWER) before another agent answers; log-normal talk and wrap-up times;
// caller patience (a few impatient callers, Weibull for the rest) and a per-queue timeout;
// ~3 % of answered calls transferred to a back-office extension (the queue visit ends there);
// agents log in within the first 3 minutes and log out once the run is over and the queue is
// empty (one shift for the whole run: a 24/7 team on multi-day runs); pauses with reasons
// (Lunch, Bathroom, Smoke, Training, Meeting) taken when the agent is next free. Same options →
// same bytes: the simulator has its own PRNG and distributions, so no std::*_distribution
// differences between standard libraries leak into the output.
//
// What each format carries (the ground truth is per format, in the format's own identities):
//  - asterisk-queue-log: queues "sales", "support", …; agents "Local/a1001@agents/n"; call ids
//    "<epoch>.<n>"; callee = the queue's DID (a DID event precedes ENTERQUEUE). Hold is part of
//    talk; acw is 0.
//  - 3cx-cdr (default column order, times in options.time_zone): queues are DNs 800, 801, …;
//    agents DNs 101, 102, …; callee = the queue DN; a queue timeout goes to voicemail (outcome
//    voicemail). Hold is part of talk; acw is 0. Calls that lie wholly inside the repeated hour
//    of a fall-back DST change cannot round-trip (3CX's local times are ambiguous there).
//  - calls-json: queue names, agents "1001", …; outcome timeout for queue timeouts; hold_s,
//    acw_s, disposition and some csat scores are filled in.
// Thread-safety: the functions share no state; run them from any thread.

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "core/call_record.h"
#include "core/clock.h"
#include "core/status.h"
#include "ingest/parsed.h"

namespace callboard {

// 2026-11-02T08:00:00Z, a Monday.
inline constexpr TimePoint kDefaultSimulationStart{
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 2} + std::chrono::hours{8}};

struct SimulationOptions {
  // kAsteriskQueueLog, k3cxCdr or kCallsJson.
  SourceFormat format = SourceFormat::kAsteriskQueueLog;
  int queues = 2;    // 1..100
  int agents = 10;   // 1..50000
  double hours = 8;  // > 0, at most 24 * 400; arrivals stop after this, the queue then drains
  uint64_t seed = 1;
  // Mean offered calls per hour over the run; 0 = derived from `agents` (≈ what they handle
  // at ~85 % occupancy of their unpaused time).
  double calls_per_hour = 0;
  TimePoint start = kDefaultSimulationStart;  // first event time (UTC); truncated to seconds
  // IANA zone of the time-of-day profile and of 3CX timestamps.
  std::string time_zone = "UTC";
};

// kInvalidArgument naming the field (format, queues, agents, hours, calls_per_hour,
// time_zone) when the options are out of range.
Status ValidateSimulationOptions(const SimulationOptions& options);

// Writes the simulated traffic as the chosen format would, line by line ('\n'), to `out`:
// queue_log lines in event-time order; CDR / JSON lines in call start order. Same options →
// same bytes. kInvalidArgument for bad options (nothing written); kUnavailable when the stream
// fails.
Status WriteSimulation(const SimulationOptions& options, std::ostream& out);

// The same traffic as CallRecords (the ground truth the format encodes, see above), in start
// order (ties in arrival order). Empty when the options are invalid.
std::vector<CallRecord> SimulateCalls(const SimulationOptions& options);

// Streaming form of SimulateCalls for huge runs: calls `emit` for each call in start order,
// holding only the calls still in progress. Emits nothing when the options are invalid.
void SimulateCallsStreaming(const SimulationOptions& options,
                            const std::function<void(const CallRecord&)>& emit);

// The calls per hour used when options.calls_per_hour is 0.
double DerivedCallsPerHour(int agents);

}  // namespace callboard
