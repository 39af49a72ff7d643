#pragma once
// The payloads of the live feed between nodes (live_feed.h), as JSON text: a committed
// ingest batch, a person's status change, and a list of alert ids (the receiving node reads
// those alerts from the store). Decoding checks every field and names the first wrong one.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/agent_state.h"
#include "core/clock.h"
#include "core/status.h"
#include "ingest/ingest_observer.h"

namespace callboard {

// Item kinds.
inline constexpr std::string_view kFeedBatch = "batch";    // EncodeCommittedBatch
inline constexpr std::string_view kFeedStatus = "status";  // EncodeStatusItem
inline constexpr std::string_view kFeedAlerts = "alerts";  // EncodeAlertIds
inline constexpr std::string_view kFeedConfig = "config";  // empty: pause reasons or alert rules

std::string EncodeCommittedBatch(const CommittedBatch& batch);
Result<CommittedBatch> DecodeCommittedBatch(std::string_view text);

// A state set by a person at `at`.
struct StatusItem {
  int64_t agent_id = 0;
  AgentState state = AgentState::kAvailable;
  std::string reason;
  TimePoint at;

  bool operator==(const StatusItem&) const = default;
};
std::string EncodeStatusItem(const StatusItem& item);
Result<StatusItem> DecodeStatusItem(std::string_view text);

std::string EncodeAlertIds(const std::vector<int64_t>& ids);
Result<std::vector<int64_t>> DecodeAlertIds(std::string_view text);

}  // namespace callboard
