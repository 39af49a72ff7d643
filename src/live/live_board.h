#pragma once
// LiveBoard: the live state of one tenant (DESIGN §3.5) — every agent's state with reason,
// since-when and current call; every queue's waiting callers, agents by state and today's
// running counters — updated from committed ingest batches and from people's status changes.
// Each change yields deltas; views (a role's scope) select what a viewer may see.
//
//   LiveBoard board;
//   board.StartDay(midnight);
//   std::vector<LiveDelta> deltas;
//   board.Apply(batch, deltas);
//   std::string json = board.SnapshotJson(view, now, seq);
//
// Thread-safety: none; LiveService serialises access per tenant.

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/agent_state.h"
#include "core/interval_counters.h"
#include "core/kpi.h"
#include "ingest/ingest_observer.h"
#include "live/live_store.h"

namespace callboard {

struct LiveCall {
  std::string call_id;
  std::string caller;
  std::optional<int64_t> queue_id;
  std::string queue;
  TimePoint since;
};

struct LiveAgent {
  int64_t id = 0;
  std::string name;
  std::optional<int64_t> team_id;
  AgentState state = AgentState::kLoggedOut;
  std::string reason;
  TimePoint since;
  std::optional<LiveCall> call;
  std::set<int64_t> queues;  // queues the agent was seen serving
  IntervalCounters today;    // this day's calls the agent answered (all queues)
};

struct WaitingCaller {
  std::string call_id;
  std::string caller;
  TimePoint since;
  int position = 0;
};

struct LiveQueue {
  int64_t id = 0;
  std::string name;
  QueueSettings settings;
  std::optional<double> target_sl;
  std::vector<WaitingCaller> waiting;  // in the order they joined
  IntervalCounters today;
  TimePoint interval_start;   // the current 15-minute bucket
  IntervalCounters interval;  // calls that entered the queue in it
};

// What a viewer may see: all agents, or a set; waiting callers' numbers and calls' callers or
// only totals (an agent sees queue totals and their own state).
struct LiveView {
  std::optional<std::unordered_set<int64_t>> agents;  // empty optional: every agent
  bool caller_details = true;

  bool SeesAgent(int64_t id) const { return !agents || agents->contains(id); }
};

// One change, serialised once in full and once without caller details.
struct LiveDelta {
  int64_t seq = 0;                  // set by LiveService
  std::string type;                 // "agent", "queue", "alert"
  std::optional<int64_t> agent_id;  // for agent deltas (and agent alerts): whose
  boost::json::object full;
  boost::json::object restricted;
};

class LiveBoard {
 public:
  // Resets today's counters (a new local day starts at `day_start`).
  void StartDay(TimePoint day_start);
  TimePoint day_start() const { return day_start_; }

  void PutAgent(int64_t id, std::string name, std::optional<int64_t> team_id);
  void PutQueue(int64_t id, std::string name, const QueueSettings& settings,
                std::optional<double> target_sl);
  // Sets an agent's state as restored from the store (no delta).
  void RestoreState(int64_t agent_id, AgentState state, std::string reason, TimePoint since);
  // Adds counters read from the store for today (no delta).
  void RestoreToday(std::optional<int64_t> queue_id, std::optional<int64_t> agent_id,
                    TimePoint bucket, const IntervalCounters& counters);

  // Applies what an ingest batch stored; appends the resulting deltas (unsequenced) and the
  // state intervals the batch closed (origin pbx).
  void Apply(const CommittedBatch& batch, TimePoint now, std::vector<LiveDelta>& out,
             std::vector<StateInterval>& closed);
  // A state change made by a person. Returns the interval it closed, if the agent had one.
  std::optional<StateInterval> SetState(int64_t agent_id, AgentState state,
                                        const std::string& reason, TimePoint at,
                                        std::vector<LiveDelta>& out);

  const LiveAgent* agent(int64_t id) const;
  const LiveQueue* queue(int64_t id) const;
  const std::map<int64_t, LiveAgent>& agents() const { return agents_; }
  const std::map<int64_t, LiveQueue>& queues() const { return queues_; }

  // {"seq","agents":[…],"queues":[…]} as `view` may see it (alerts are the caller's).
  boost::json::object Snapshot(const LiveView& view, TimePoint now, int64_t seq) const;
  boost::json::object AgentJson(const LiveAgent& a, bool caller_details) const;
  boost::json::object QueueJson(const LiveQueue& q, TimePoint now, bool caller_details) const;

 private:
  LiveAgent& AgentRef(int64_t id);
  LiveQueue& QueueRef(int64_t id, const std::string& name);
  void ApplyEvent(const CommittedEvent& e, std::set<int64_t>& agents, std::set<int64_t>& queues);
  std::optional<StateInterval> ChangeState(LiveAgent& a, AgentState state,
                                           const std::string& reason, TimePoint at);
  void AdvanceInterval(LiveQueue& q, TimePoint now);
  void EmitAgent(const LiveAgent& a, std::vector<LiveDelta>& out) const;
  void EmitQueue(const LiveQueue& q, TimePoint now, std::vector<LiveDelta>& out) const;

  TimePoint day_start_{};
  std::map<int64_t, LiveAgent> agents_;
  std::map<int64_t, LiveQueue> queues_;
};

// Today's KPIs of `counters` for a live tile: offered, answered, abandoned, service_level,
// asa_s, aht_s, abandon_rate (null when the denominator is zero).
boost::json::object TodayJson(const IntervalCounters& counters, const QueueSettings& settings);

}  // namespace callboard
