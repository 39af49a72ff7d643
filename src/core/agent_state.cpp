#include "core/agent_state.h"

#include <array>
#include <utility>

namespace callboard {

namespace {

constexpr std::array<std::pair<AgentState, std::string_view>, 7> kStates = {{
    {AgentState::kLoggedOut, "logged_out"},
    {AgentState::kAvailable, "available"},
    {AgentState::kRinging, "ringing"},
    {AgentState::kOnCall, "on_call"},
    {AgentState::kOnHold, "on_hold"},
    {AgentState::kAcw, "acw"},
    {AgentState::kPaused, "paused"},
}};

}  // namespace

std::string_view AgentStateName(AgentState s) {
  for (const auto& [v, name] : kStates) {
    if (v == s) return name;
  }
  return "logged_out";
}

std::optional<AgentState> ParseAgentState(std::string_view name) {
  for (const auto& [v, n] : kStates) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace callboard
