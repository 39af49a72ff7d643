#pragma once
// The simulator's discrete-event engine: runs the model of simulator_model.h once and reports
// what happened as queue_log events (time order) and finished calls (start order). Internal to
// the simulator; WriteSimulation and SimulateCalls* (simulator.h) are built on it.
// Thread-safety: RunTrafficSimulation shares no state between calls.

#include <cstdint>
#include <functional>

#include "core/call_record.h"
#include "ingest/parsed.h"
#include "ingest/simulator.h"

namespace callboard {

// A finished call: the ground-truth record plus what the format writers need beyond it.
struct SimulatedCall {
  CallRecord record;   // in the identities of options.format (see simulator.h)
  uint64_t index = 0;  // arrival number, from 0
  int queue = 0;       // index into SimulationQueues()
  int agent = -1;      // index into SimulationAgents(); -1 when unanswered
  bool agent_hung_up = false;
  int transfer_target = -1;  // TransferTarget() index; -1 when not transferred
};

struct TrafficSinks {
  // Every queue_log event in time order (ties in the order they happened); may be empty, and
  // then the engine skips building them.
  std::function<void(const QueueLogEvent&)> on_event;
  // Every call once it has ended, in start order; may be empty.
  std::function<void(const SimulatedCall&)> on_call;
};

// REQUIRES: ValidateSimulationOptions(options).ok(). O(calls · log(events in flight)); memory
// grows with the calls in progress, not with the run.
void RunTrafficSimulation(const SimulationOptions& options, const TrafficSinks& sinks);

}  // namespace callboard
