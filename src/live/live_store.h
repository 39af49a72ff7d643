#pragma once
// LiveStore: what live operations keep durably (DESIGN §3.5) — the tenant's pause reasons,
// every closed agent state interval (agent_state_log), each agent's current state, alert
// rules and alerts. Implemented by each storage backend; used through a Transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/agent_state.h"
#include "core/clock.h"
#include "core/page.h"
#include "core/status.h"
#include "core/tenant_scope.h"

namespace callboard {

struct PauseReason {
  int64_t id = 0;
  std::string name;
  std::string colour = "#888888";  // CSS hex colour, "#rrggbb"
  bool productive = false;         // counts as productive time (e.g. Case Work)
  std::optional<int> max_minutes;  // a pause longer than this raises an alert
  bool active = true;
  TimePoint created_at;
  TimePoint updated_at;
};

// Who made a state change: the phone system, the agent, or a supervisor's override.
enum class StateOrigin { kPbx, kAgent, kOverride };
std::string_view StateOriginName(StateOrigin o);
std::optional<StateOrigin> ParseStateOrigin(std::string_view name);

// One closed state interval [started_at, ended_at).
struct StateInterval {
  int64_t id = 0;
  int64_t agent_id = 0;
  AgentState state = AgentState::kLoggedOut;
  std::string reason;
  TimePoint started_at;
  TimePoint ended_at;
  StateOrigin origin = StateOrigin::kPbx;
  std::string actor;  // "user:12" for people; empty for the PBX
};

// An agent's current state.
struct CurrentState {
  int64_t agent_id = 0;
  AgentState state = AgentState::kLoggedOut;
  std::string reason;
  TimePoint since;
  StateOrigin origin = StateOrigin::kPbx;
};

enum class AlertKind { kPauseOverrun, kLongWait, kServiceLevelBreach, kLongAcw, kNoAgents };
inline constexpr AlertKind kAlertKinds[] = {AlertKind::kPauseOverrun, AlertKind::kLongWait,
                                            AlertKind::kServiceLevelBreach, AlertKind::kLongAcw,
                                            AlertKind::kNoAgents};
std::string_view AlertKindName(AlertKind k);  // "pause_overrun", "long_wait", "sl_breach", …
std::optional<AlertKind> ParseAlertKind(std::string_view name);

// A tenant's rule for one kind. threshold_s: seconds waiting (long_wait), seconds in ACW
// (long_acw); unused by pause_overrun (the reason's maximum), sl_breach (the queue target)
// and no_agents.
struct AlertRule {
  AlertKind kind = AlertKind::kPauseOverrun;
  bool enabled = true;
  int64_t threshold_s = 0;
  std::string severity = "warning";  // info, warning, critical
};
// The rules a tenant starts with.
std::vector<AlertRule> DefaultAlertRules();
bool IsSeverity(std::string_view s);

struct Alert {
  int64_t id = 0;
  AlertKind kind = AlertKind::kPauseOverrun;
  std::string severity;
  std::string subject_type;  // "agent" or "queue"
  int64_t subject_id = 0;
  std::string subject_name;
  std::string detail;
  TimePoint started_at;
  std::optional<TimePoint> ended_at;
  std::optional<TimePoint> acked_at;
  std::string acked_by;  // actor, e.g. "user:7"
};

class LiveStore {
 public:
  virtual ~LiveStore() = default;

  // Active reasons by name; with inactive ones when asked.
  virtual Result<std::vector<PauseReason>> ListPauseReasons(TenantScope scope,
                                                            bool include_inactive) = 0;
  virtual Result<PauseReason> GetPauseReason(TenantScope scope, int64_t id) = 0;
  // Sets reason.id. kExists when an active reason has the name.
  virtual Status InsertPauseReason(TenantScope scope, PauseReason& reason) = 0;
  // kNotFound, kExists.
  virtual Status UpdatePauseReason(TenantScope scope, const PauseReason& reason) = 0;

  virtual Status InsertStateInterval(TenantScope scope, const StateInterval& interval) = 0;
  // An agent's intervals overlapping [from, to), oldest first.
  virtual Result<std::vector<StateInterval>> ListStateIntervals(TenantScope scope, int64_t agent_id,
                                                                TimePoint from, TimePoint to) = 0;
  virtual Status PutCurrentState(TenantScope scope, const CurrentState& state) = 0;
  virtual Result<std::vector<CurrentState>> ListCurrentStates(TenantScope scope) = 0;

  // Stored rules; kinds never stored are absent (the caller applies the defaults).
  virtual Result<std::vector<AlertRule>> ListAlertRules(TenantScope scope) = 0;
  virtual Status PutAlertRule(TenantScope scope, const AlertRule& rule, TimePoint now) = 0;

  // Sets alert.id.
  virtual Status InsertAlert(TenantScope scope, Alert& alert) = 0;
  virtual Status EndAlert(TenantScope scope, int64_t id, TimePoint at) = 0;
  // kNotFound when there is no such alert.
  virtual Status AckAlert(TenantScope scope, int64_t id, const std::string& actor,
                          TimePoint at) = 0;
  virtual Result<Alert> GetAlert(TenantScope scope, int64_t id) = 0;
  // Newest first; open_only: alerts without an end.
  virtual Result<Page<Alert>> ListAlerts(TenantScope scope, bool open_only,
                                         const PageRequest& page) = 0;
};

}  // namespace callboard
