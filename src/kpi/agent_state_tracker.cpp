#include "kpi/agent_state_tracker.h"

#include <sstream>

#include "core/split_state.h"

namespace callboard {

namespace {

void AddSpan(AgentStateSeconds& s, AgentState state, const std::string& reason, int64_t ms) {
  if (state == AgentState::kLoggedOut) return;
  s.logged_in_ms += ms;
  switch (state) {
    case AgentState::kAvailable:
    case AgentState::kRinging:
      s.available_ms += ms;
      break;
    case AgentState::kOnCall:
    case AgentState::kOnHold:
      s.on_call_ms += ms;
      break;
    case AgentState::kAcw:
      s.acw_ms += ms;
      break;
    case AgentState::kPaused:
      s.paused_ms += ms;
      s.paused_by_reason_ms[reason.empty() ? "(none)" : reason] += ms;
      break;
    case AgentState::kLoggedOut:
      break;
  }
}

}  // namespace

bool AgentStateTracker::Apply(int64_t agent_id, const AgentStateChange& change,
                              AgentSecondsByBucket& out) {
  auto it = open_.find(agent_id);
  if (it == open_.end()) {
    open_.emplace(agent_id, Open{change.state, change.reason, change.at});
    return true;
  }
  Open& cur = it->second;
  if (change.at < cur.since) return false;
  // The buckets of one span are neighbours in `out`: each is looked for next to the last.
  auto at = out.end();
  ForEachBucket(cur.since, change.at, [&](TimePoint bucket, int64_t ms) {
    at = out.try_emplace(at, std::pair(agent_id, bucket));
    AddSpan(at->second, cur.state, cur.reason, ms);
    ++at;
  });
  cur.state = change.state;
  cur.reason = change.reason;
  cur.since = change.at;
  return true;
}

std::optional<AgentStateChange> AgentStateTracker::Current(int64_t agent_id) const {
  auto it = open_.find(agent_id);
  if (it == open_.end()) return std::nullopt;
  AgentStateChange c;
  c.at = it->second.since;
  c.state = it->second.state;
  c.reason = it->second.reason;
  return c;
}

// One agent per line: "<agent id> <unix ms> <state> <reason…>".
std::string AgentStateTracker::SaveState() const {
  std::string out;
  for (const auto& [id, o] : open_) {
    out += std::to_string(id) + " " + std::to_string(ToUnixMillis(o.since)) + " " +
           std::string(AgentStateName(o.state)) + " " + o.reason + "\n";
  }
  return out;
}

Status AgentStateTracker::LoadState(std::string_view text) {
  std::map<int64_t, Open> loaded;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    int64_t id = 0, ms = 0;
    std::string state;
    if (!(fields >> id >> ms >> state)) return Status::Internal("bad agent state line: " + line);
    auto s = ParseAgentState(state);
    if (!s) return Status::Internal("unknown agent state: " + state);
    std::string reason;
    std::getline(fields, reason);
    if (!reason.empty() && reason.front() == ' ') reason.erase(0, 1);
    loaded[id] = Open{*s, reason, FromUnixMillis(ms)};
  }
  open_ = std::move(loaded);
  return Status::Ok();
}

}  // namespace callboard
