#pragma once
// AgentStateTracker: turns a stream of agent state changes into agent state seconds per
// 15-minute bucket (DESIGN §3.3): each change closes the agent's current interval, whose
// duration is split across the buckets it spans. Ringing counts as available, on hold as
// on call; logged_in is every state but logged_out; paused time is also kept by reason.
//
// Not thread-safe: one per ingest stream. Its state is saved with the stream's checkpoint.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "core/agent_state.h"
#include "core/interval_counters.h"
#include "core/status.h"

namespace callboard {

// Agent state seconds keyed by (agent id, bucket start).
using AgentSecondsByBucket = std::map<std::pair<int64_t, TimePoint>, AgentStateSeconds>;

class AgentStateTracker {
 public:
  // Applies a change of `agent_id`; adds the closed interval's seconds into `out`. A change
  // older than the agent's current state is ignored (returns false).
  bool Apply(int64_t agent_id, const AgentStateChange& change, AgentSecondsByBucket& out);

  // The agent's current state, if the tracker has seen one.
  std::optional<AgentStateChange> Current(int64_t agent_id) const;

  std::string SaveState() const;
  Status LoadState(std::string_view text);

 private:
  struct Open {
    AgentState state;
    std::string reason;
    TimePoint since;
  };
  std::map<int64_t, Open> open_;
};

}  // namespace callboard
