#pragma once
// The KPI definitions of DESIGN §3.4: per-queue settings and the KPIs computed from summed
// interval counters. Every ratio is computed from sums, and a ratio whose denominator is
// zero is empty (null in JSON), never 0 and never NaN. Kpis also carries the counters each
// ratio came from, so a report can show numerator and denominator.
//
//   IntervalCounters total;              // Add() of every bucket in the report row
//   Kpis k = ComputeKpis(total, settings, &agent_seconds);
//   if (k.service_level) Show(*k.service_level);  // else "—"
//
// Thread-safety: values and pure functions.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/interval_counters.h"
#include "core/status.h"

namespace callboard {

// How abandoned calls enter the service level (T = sl_threshold_s):
enum class SlFormula {
  kAbandonsCount,       // answered_in_sl / (offered − short_abandoned)      (Genesys-style)
  kAbandonsIgnored,     // answered_in_sl / answered                        (Asterisk, Wazo)
  kLateAbandonsCount,   // answered_in_sl / (offered − abandoned_in_sl)
  kAbandonsInSlSuccess  // (answered_in_sl + abandoned_in_sl) / offered     (Amazon Connect)
};

// "abandons_count", "abandons_ignored", "late_abandons_count", "abandons_in_sl_success".
std::string_view SlFormulaName(SlFormula f);
std::optional<SlFormula> ParseSlFormula(std::string_view name);

struct QueueSettings {
  // Answered (abandoned) calls with wait ≤ this many seconds are answered_in_sl
  // (abandoned_in_sl). Must be one of kWaitEdgesS: it is read from the wait histograms.
  int sl_threshold_s = 20;
  // Abandons with wait < this many seconds are short_abandoned; 0 turns them off. Applied
  // when a call is counted (CountCall), so it need not be a histogram edge, but a change
  // affects only calls counted afterwards (or a reaggregation). 0 ≤ it ≤ sl_threshold_s.
  int short_abandon_s = 5;
  SlFormula sl_formula = SlFormula::kAbandonsCount;

  bool operator==(const QueueSettings&) const = default;
};

// OK, or kInvalidArgument with a field error per bad field ("sl_threshold_s": code
// "not_a_histogram_edge"; "short_abandon_s": code "out_of_range").
Status ValidateQueueSettings(const QueueSettings& settings);

// The service level by each of the four formulas (`service_level_variants` in reports).
struct ServiceLevelVariants {
  std::optional<double> abandons_count;
  std::optional<double> abandons_ignored;
  std::optional<double> late_abandons_count;
  std::optional<double> abandons_in_sl_success;

  bool operator==(const ServiceLevelVariants&) const = default;
};

// The variant that `formula` names.
std::optional<double> ServiceLevelOf(const ServiceLevelVariants& variants, SlFormula formula);

// Agent time in seconds, as used by occupancy, utilization and calls_per_hour.
struct AgentTimeSeconds {
  double logged_in_s = 0;
  double available_s = 0;
  double on_call_s = 0;
  double acw_s = 0;
  double paused_s = 0;
  std::map<std::string, double> paused_by_reason_s;
};

struct Kpis {
  // The counters (DESIGN §3.3 names; durations in seconds).
  int64_t offered = 0;
  int64_t answered = 0;
  int64_t abandoned = 0;
  int64_t short_abandoned = 0;
  int64_t timed_out = 0;
  int64_t other_unanswered = 0;
  int64_t answered_in_sl = 0;   // answered with wait ≤ sl_threshold_s
  int64_t abandoned_in_sl = 0;  // abandoned with wait ≤ sl_threshold_s
  int64_t handled = 0;
  int64_t transfers = 0;
  int64_t fcr_yes = 0;
  int64_t fcr_known = 0;
  int64_t csat_sum = 0;
  int64_t csat_n = 0;
  double wait_answered_s = 0;
  double wait_abandoned_s = 0;
  double talk_s = 0;
  double hold_s = 0;
  double acw_s = 0;
  std::optional<AgentTimeSeconds> agent_time;  // empty when no agent state was given

  // The KPIs (DESIGN §3.4); empty when the denominator is zero.
  std::optional<double> service_level;  // by the settings' sl_formula
  ServiceLevelVariants service_level_variants;
  std::optional<double> asa_s;               // wait_answered_s / answered
  std::optional<double> avg_abandon_wait_s;  // wait_abandoned_s / abandoned
  std::optional<double> max_wait_s;          // longest wait; empty when offered == 0
  std::optional<double> abandon_rate;        // (abandoned − short) / (offered − short)
  std::optional<double> aht_s;               // (talk_s + hold_s + acw_s) / handled
  std::optional<double> occupancy;           // (on_call + acw) / (on_call + acw + available)
  std::optional<double> utilization;         // (on_call + acw) / logged_in
  std::optional<double> calls_per_hour;      // handled / (logged_in / 3600)
  std::optional<double> fcr_rate;            // fcr_yes / fcr_known
};

// The KPIs of `counters` (the sum over a report row) under `settings`. Occupancy,
// utilization and calls_per_hour need `agent` (the same row's agent state time; for a
// queue, the sum over its agents) and are empty without it. settings.short_abandon_s is
// not used: short_abandoned was fixed when the calls were counted.
// REQUIRES: ValidateQueueSettings(settings).ok().
Kpis ComputeKpis(const IntervalCounters& counters, const QueueSettings& settings,
                 const AgentStateSeconds* agent = nullptr);

}  // namespace callboard
