#include "live/live_store.h"

namespace callboard {

namespace {

constexpr std::string_view kOriginNames[] = {"pbx", "agent", "override"};
constexpr std::string_view kAlertKindNames[] = {"pause_overrun", "long_wait", "sl_breach",
                                                "long_acw", "no_agents"};

}  // namespace

std::string_view StateOriginName(StateOrigin o) { return kOriginNames[static_cast<int>(o)]; }

std::optional<StateOrigin> ParseStateOrigin(std::string_view name) {
  for (int i = 0; i < 3; ++i) {
    if (kOriginNames[i] == name) return static_cast<StateOrigin>(i);
  }
  return std::nullopt;
}

std::string_view AlertKindName(AlertKind k) { return kAlertKindNames[static_cast<int>(k)]; }

std::optional<AlertKind> ParseAlertKind(std::string_view name) {
  for (AlertKind k : kAlertKinds) {
    if (AlertKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::vector<AlertRule> DefaultAlertRules() {
  return {
      {AlertKind::kPauseOverrun, true, 0, "warning"},
      {AlertKind::kLongWait, true, 120, "critical"},
      {AlertKind::kServiceLevelBreach, true, 0, "warning"},
      {AlertKind::kLongAcw, true, 180, "warning"},
      {AlertKind::kNoAgents, true, 0, "critical"},
  };
}

bool IsSeverity(std::string_view s) { return s == "info" || s == "warning" || s == "critical"; }

}  // namespace callboard
