#pragma once
// IngestObserver: told what each ingest batch stored, after its transaction committed, so
// live views (DESIGN §3.5) follow the phone system without reading the database back.
// Called on the ingesting thread; implementations must be quick and thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/agent_state.h"
#include "core/call_record.h"
#include "core/kpi.h"
#include "core/tenant_scope.h"

namespace callboard {

// A queue_log event with the queue and agent resolved to their ids.
struct CommittedEvent {
  TimePoint at;
  std::string call_id;
  std::string event;  // ENTERQUEUE, CONNECT, …
  std::optional<int64_t> queue_id;
  std::string queue;
  std::optional<int64_t> agent_id;
  std::vector<std::string> data;
};

// A call stored for the first time, with the settings it was counted under.
struct CommittedCall {
  CallRecord call;
  std::optional<int64_t> queue_id;
  std::optional<int64_t> agent_id;
  QueueSettings settings;
};

struct CommittedState {
  int64_t agent_id = 0;
  std::optional<int64_t> queue_id;
  AgentStateChange change;
};

struct CommittedBatch {
  std::vector<CommittedEvent> events;  // in stream order
  std::vector<CommittedCall> calls;
  std::vector<CommittedState> states;  // in stream order
  bool empty() const { return events.empty() && calls.empty() && states.empty(); }
};

class IngestObserver {
 public:
  virtual ~IngestObserver() = default;
  virtual void OnCommitted(TenantScope scope, const CommittedBatch& batch) = 0;
};

}  // namespace callboard
