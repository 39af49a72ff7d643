#include "core/kpi.h"

#include <array>
#include <cassert>
#include <utility>
#include <vector>

namespace callboard {

namespace {

constexpr std::array<std::pair<SlFormula, std::string_view>, 4> kSlFormulaNames = {{
    {SlFormula::kAbandonsCount, "abandons_count"},
    {SlFormula::kAbandonsIgnored, "abandons_ignored"},
    {SlFormula::kLateAbandonsCount, "late_abandons_count"},
    {SlFormula::kAbandonsInSlSuccess, "abandons_in_sl_success"},
}};

// num / den, or empty when den is not positive (no calls, or inconsistent counters).
std::optional<double> Ratio(double num, double den) {
  if (!(den > 0)) return std::nullopt;
  return num / den;
}

double Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

}  // namespace

std::string_view SlFormulaName(SlFormula f) {
  for (const auto& [formula, name] : kSlFormulaNames) {
    if (formula == f) return name;
  }
  return "abandons_count";
}

std::optional<SlFormula> ParseSlFormula(std::string_view name) {
  for (const auto& [formula, formula_name] : kSlFormulaNames) {
    if (formula_name == name) return formula;
  }
  return std::nullopt;
}

Status ValidateQueueSettings(const QueueSettings& settings) {
  std::vector<FieldError> errors;
  if (!WaitEdgeIndex(settings.sl_threshold_s)) {
    errors.push_back({"sl_threshold_s", "not_a_histogram_edge",
                      "must be one of 5, 10, 15, 20, 25, 30, 45, 60, 90, 120, 180, 240, 300, "
                      "600 seconds"});
  }
  if (settings.short_abandon_s < 0 || settings.short_abandon_s > settings.sl_threshold_s) {
    errors.push_back(
        {"short_abandon_s", "out_of_range", "must be between 0 and sl_threshold_s seconds"});
  }
  if (errors.empty()) return Status::Ok();
  return Status::Invalid(std::move(errors), "invalid queue settings");
}

std::optional<double> ServiceLevelOf(const ServiceLevelVariants& variants, SlFormula formula) {
  switch (formula) {
    case SlFormula::kAbandonsCount:
      return variants.abandons_count;
    case SlFormula::kAbandonsIgnored:
      return variants.abandons_ignored;
    case SlFormula::kLateAbandonsCount:
      return variants.late_abandons_count;
    case SlFormula::kAbandonsInSlSuccess:
      return variants.abandons_in_sl_success;
  }
  return std::nullopt;
}

Kpis ComputeKpis(const IntervalCounters& c, const QueueSettings& settings,
                 const AgentStateSeconds* agent) {
  const std::optional<std::size_t> edge = WaitEdgeIndex(settings.sl_threshold_s);
  assert(edge.has_value());

  Kpis k;
  k.offered = c.offered;
  k.answered = c.answered;
  k.abandoned = c.abandoned;
  k.short_abandoned = c.short_abandoned;
  k.timed_out = c.timed_out;
  k.other_unanswered = c.other_unanswered;
  if (edge) {
    k.answered_in_sl = CountAtMostEdge(c.wait_answered_histogram, *edge);
    k.abandoned_in_sl = CountAtMostEdge(c.wait_abandoned_histogram, *edge);
  }
  k.handled = c.handled;
  k.transfers = c.transfers;
  k.fcr_yes = c.fcr_yes;
  k.fcr_known = c.fcr_known;
  k.csat_sum = c.csat_sum;
  k.csat_n = c.csat_n;
  k.wait_answered_s = Seconds(c.wait_answered_ms);
  k.wait_abandoned_s = Seconds(c.wait_abandoned_ms);
  k.talk_s = Seconds(c.talk_ms);
  k.hold_s = Seconds(c.hold_ms);
  k.acw_s = Seconds(c.acw_ms);

  const auto offered = static_cast<double>(c.offered);
  const auto answered = static_cast<double>(c.answered);
  const auto abandoned = static_cast<double>(c.abandoned);
  const auto short_abandoned = static_cast<double>(c.short_abandoned);
  const auto answered_in_sl = static_cast<double>(k.answered_in_sl);
  const auto abandoned_in_sl = static_cast<double>(k.abandoned_in_sl);

  ServiceLevelVariants& sl = k.service_level_variants;
  sl.abandons_count = Ratio(answered_in_sl, offered - short_abandoned);
  sl.abandons_ignored = Ratio(answered_in_sl, answered);
  sl.late_abandons_count = Ratio(answered_in_sl, offered - abandoned_in_sl);
  sl.abandons_in_sl_success = Ratio(answered_in_sl + abandoned_in_sl, offered);
  k.service_level = ServiceLevelOf(sl, settings.sl_formula);

  k.asa_s = Ratio(k.wait_answered_s, answered);
  k.avg_abandon_wait_s = Ratio(k.wait_abandoned_s, abandoned);
  if (c.offered > 0) k.max_wait_s = Seconds(c.max_wait_ms);
  k.abandon_rate = Ratio(abandoned - short_abandoned, offered - short_abandoned);
  k.aht_s = Ratio(Seconds(c.talk_ms + c.hold_ms + c.acw_ms), static_cast<double>(c.handled));
  k.fcr_rate = Ratio(static_cast<double>(c.fcr_yes), static_cast<double>(c.fcr_known));

  if (agent != nullptr) {
    AgentTimeSeconds& t = k.agent_time.emplace();
    t.logged_in_s = Seconds(agent->logged_in_ms);
    t.available_s = Seconds(agent->available_ms);
    t.on_call_s = Seconds(agent->on_call_ms);
    t.acw_s = Seconds(agent->acw_ms);
    t.paused_s = Seconds(agent->paused_ms);
    for (const auto& [reason, ms] : agent->paused_by_reason_ms) {
      t.paused_by_reason_s[reason] = Seconds(ms);
    }
    const double busy_ms = static_cast<double>(agent->on_call_ms + agent->acw_ms);
    const auto logged_in_ms = static_cast<double>(agent->logged_in_ms);
    k.occupancy = Ratio(busy_ms, busy_ms + static_cast<double>(agent->available_ms));
    k.utilization = Ratio(busy_ms, logged_in_ms);
    k.calls_per_hour = Ratio(static_cast<double>(c.handled) * 3'600'000.0, logged_in_ms);
  }
  return k;
}

}  // namespace callboard
