#pragma once
// AgentState: what an agent is doing (DESIGN §3.5), and a change of it as the PBX or a
// person reports it. State intervals feed the agent state seconds of DESIGN §3.3.

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"

namespace callboard {

enum class AgentState { kLoggedOut, kAvailable, kRinging, kOnCall, kOnHold, kAcw, kPaused };

std::string_view AgentStateName(AgentState s);  // "logged_out", "available", …
std::optional<AgentState> ParseAgentState(std::string_view name);

struct AgentStateChange {
  TimePoint at;
  std::string agent;  // PBX identity, e.g. "SIP/1001" or "Local/a1001@agents/n"
  AgentState state = AgentState::kAvailable;
  std::string reason;  // pause reason when paused ("Lunch"); empty otherwise
  std::string queue;   // the queue the event came from, when it names one
};

}  // namespace callboard
