#pragma once
// The stored form of FcrAuto (kpi/kpi_store.h) in calls.fcr_auto (migrations 0011): NULL not
// eligible, -1 pending, 1 yes, 0 no — so a decided status reads like the given fcr column.

#include <cstdint>
#include <optional>

#include "kpi/kpi_store.h"

namespace callboard {

inline constexpr int64_t kFcrAutoPendingCode = -1;

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

}  // namespace callboard
