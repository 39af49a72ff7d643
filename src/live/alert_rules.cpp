#include "live/alert_rules.h"

#include <algorithm>

namespace callboard {

namespace {

int64_t WholeSeconds(TimePoint from, TimePoint to) {
  return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

// "16 min 1 s", "15 min": a pause just past a one-minute limit must not read "1 min".
std::string Minutes(int64_t seconds) {
  std::string out = std::to_string(seconds / 60) + " min";
  if (seconds % 60 != 0) out += " " + std::to_string(seconds % 60) + " s";
  return out;
}

std::string Percent(double fraction) {
  return std::to_string(static_cast<int>(fraction * 100.0 + 0.5)) + " %";
}

}  // namespace

std::vector<AlertCondition> EvaluateAlerts(const LiveBoard& board,
                                           const std::vector<AlertRule>& rules,
                                           const std::vector<PauseReason>& reasons, TimePoint now) {
  std::vector<AlertCondition> out;
  for (const AlertRule& rule : rules) {
    if (!rule.enabled) continue;
    auto add = [&](const std::string& type, int64_t id, const std::string& name,
                   std::string detail) {
      out.push_back({rule.kind, rule.severity, type, id, name, std::move(detail)});
    };
    switch (rule.kind) {
      case AlertKind::kPauseOverrun:
        for (const auto& [id, a] : board.agents()) {
          if (a.state != AgentState::kPaused) continue;
          auto reason = std::find_if(reasons.begin(), reasons.end(),
                                     [&](const PauseReason& r) { return r.name == a.reason; });
          if (reason == reasons.end() || !reason->max_minutes) continue;
          const int64_t paused_s = WholeSeconds(a.since, now);
          if (paused_s <= int64_t{*reason->max_minutes} * 60) continue;
          add("agent", id, a.name,
              "paused for " + a.reason + " " + Minutes(paused_s) + " (maximum " +
                  std::to_string(*reason->max_minutes) + " min)");
        }
        break;
      case AlertKind::kLongAcw:
        for (const auto& [id, a] : board.agents()) {
          if (a.state != AgentState::kAcw) continue;
          const int64_t acw_s = WholeSeconds(a.since, now);
          if (acw_s <= rule.threshold_s) continue;
          add("agent", id, a.name,
              "in after-call work for " + std::to_string(acw_s) + " s (limit " +
                  std::to_string(rule.threshold_s) + " s)");
        }
        break;
      case AlertKind::kLongWait:
        for (const auto& [id, q] : board.queues()) {
          int64_t longest = 0;
          for (const WaitingCaller& w : q.waiting)
            longest = std::max(longest, WholeSeconds(w.since, now));
          if (q.waiting.empty() || longest <= rule.threshold_s) continue;
          add("queue", id, q.name,
              "a caller has waited " + std::to_string(longest) + " s (limit " +
                  std::to_string(rule.threshold_s) + " s)");
        }
        break;
      case AlertKind::kServiceLevelBreach:
        for (const auto& [id, q] : board.queues()) {
          if (!q.target_sl) continue;
          const Kpis k = ComputeKpis(q.interval, q.settings);
          if (!k.service_level || *k.service_level >= *q.target_sl) continue;
          add("queue", id, q.name,
              "service level this interval " + Percent(*k.service_level) + " (target " +
                  Percent(*q.target_sl) + ")");
        }
        break;
      case AlertKind::kNoAgents:
        for (const auto& [id, q] : board.queues()) {
          if (q.waiting.empty()) continue;
          bool available = false;
          for (const auto& [agent_id, a] : board.agents()) {
            if (a.queues.contains(id) && a.state == AgentState::kAvailable) available = true;
          }
          if (available) continue;
          add("queue", id, q.name,
              std::to_string(q.waiting.size()) + " caller(s) waiting and no agent available");
        }
        break;
    }
  }
  return out;
}

}  // namespace callboard
