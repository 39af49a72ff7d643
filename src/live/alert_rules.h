#pragma once
// Alert conditions (DESIGN §3.5, issue 4): which alerts the live board calls for now under a
// tenant's rules — a pause past its reason's maximum, a caller waiting too long, the current
// interval's service level under the queue's target, an agent too long in ACW, a queue with
// callers and no available agent. LiveService opens an alert when a condition appears and
// ends it when the condition is gone. Pure functions.

#include <string>
#include <tuple>
#include <vector>

#include "live/live_board.h"
#include "live/live_store.h"

namespace callboard {

struct AlertCondition {
  AlertKind kind = AlertKind::kPauseOverrun;
  std::string severity;
  std::string subject_type;  // "agent" or "queue"
  int64_t subject_id = 0;
  std::string subject_name;
  std::string detail;

  auto key() const { return std::tuple(kind, subject_type, subject_id); }
};

// `rules` holds one rule per kind (defaults filled in); `reasons` the tenant's pause reasons.
std::vector<AlertCondition> EvaluateAlerts(const LiveBoard& board,
                                           const std::vector<AlertRule>& rules,
                                           const std::vector<PauseReason>& reasons, TimePoint now);

}  // namespace callboard
