#pragma once
// The stored form of FcrAuto (kpi/kpi_store.h) in calls.fcr_auto (migrations 0012): NULL not
// eligible, -1 pending, 1 yes, 0 no — so a decided status reads like the given fcr column.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kpi/kpi_store.h"

namespace callboard {

inline constexpr int64_t kFcrAutoPendingCode = -1;

// The day of a call's start as SQLite's index calls_inbound_caller (migration 0012) keys it:
// started_at / 86400000 (ms). Lookups by caller name the days they cover.
inline constexpr int64_t kDayMs = 86400000;
inline int64_t StartDay(TimePoint t) { return ToUnixMillis(t) / kDayMs; }

// The days [StartDay(from), StartDay(to − 1 ms)] of a range [from, to) with from < to.
inline std::vector<int64_t> StartDays(TimePoint from, TimePoint to) {
  std::vector<int64_t> days;
  for (int64_t d = StartDay(from); d <= StartDay(to - std::chrono::milliseconds(1)); ++d)
    days.push_back(d);
  return days;
}

// "<column> / 86400000 IN (<base> / 86400000, <base> / 86400000 + 1, …)": the days a window
// of `window` after <base> (exclusive) spans, for a correlated lookup in the index.
inline std::string WindowDaysIn(const char* column, const char* base,
                                std::chrono::milliseconds window) {
  const int64_t extra = (window.count() + kDayMs - 1) / kDayMs;
  std::string out = std::string(column) + " / 86400000 IN (";
  for (int64_t i = 0; i <= extra; ++i) {
    if (i) out += ", ";
    out += std::string(base) + " / 86400000";
    if (i) out += " + " + std::to_string(i);
  }
  return out + ")";
}

inline std::optional<int64_t> FcrAutoCode(FcrAuto s) {
  switch (s) {
    case FcrAuto::kNone:
      return std::nullopt;
    case FcrAuto::kPending:
      return kFcrAutoPendingCode;
    case FcrAuto::kYes:
      return 1;
    case FcrAuto::kNo:
      return 0;
  }
  return std::nullopt;
}

inline FcrAuto FcrAutoFromCode(std::optional<int64_t> code) {
  if (!code) return FcrAuto::kNone;
  if (*code == kFcrAutoPendingCode) return FcrAuto::kPending;
  return *code != 0 ? FcrAuto::kYes : FcrAuto::kNo;
}

// Every row of `stmt` (bound; either backend's statement) selecting id, pbx_call_id,
// caller, started_at, fcr_auto, as FcrCalls (KpiStore::ReadInboundCallsOfCallers).
template <typename Statement>
Result<std::vector<FcrCall>> ReadFcrCalls(Statement& stmt) {
  std::vector<FcrCall> out;
  for (;;) {
    auto row = stmt.Step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(
        {stmt.Int(0), stmt.Text(1), stmt.Text(2), stmt.Time(3), FcrAutoFromCode(stmt.OptInt(4))});
  }
}

}  // namespace callboard
