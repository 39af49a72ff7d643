#include "live/live_board.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "core/intervals.h"

namespace callboard {

namespace json = boost::json;

namespace {

// A caller who never left (a lost exit event) stops showing after this long.
constexpr auto kMaxWaiting = std::chrono::hours(6);

json::value Optional(const std::optional<double>& v) {
  if (!v) return nullptr;
  return *v;
}

double Seconds(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

int ParsePosition(const std::vector<std::string>& data, size_t index) {
  if (data.size() <= index) return 0;
  int out = 0;
  const std::string& s = data[index];
  std::from_chars(s.data(), s.data() + s.size(), out);
  return out;
}

// LEAVEQUEUE: the Asterisk Manager Interface's QueueCallerLeave (the caller left the queue,
// answered or not).
bool IsQueueExit(const std::string& e) {
  return e == "ABANDON" || e == "EXITWITHTIMEOUT" || e == "EXITEMPTY" || e == "EXITWITHKEY" ||
         e == "LEAVEQUEUE";
}

bool IsCallEnd(const std::string& e) {
  return e == "COMPLETECALLER" || e == "COMPLETEAGENT" || e == "TRANSFER" || e == "BLINDTRANSFER" ||
         e == "ATTENDEDTRANSFER";
}

}  // namespace

json::object TodayJson(const IntervalCounters& counters, const QueueSettings& settings) {
  const Kpis k = ComputeKpis(counters, settings);
  json::object o;
  o["offered"] = k.offered;
  o["answered"] = k.answered;
  o["abandoned"] = k.abandoned;
  o["handled"] = k.handled;
  o["service_level"] = Optional(k.service_level);
  o["asa_s"] = Optional(k.asa_s);
  o["aht_s"] = Optional(k.aht_s);
  o["abandon_rate"] = Optional(k.abandon_rate);
  o["max_wait_s"] = Optional(k.max_wait_s);
  return o;
}

void LiveBoard::StartDay(TimePoint day_start) {
  day_start_ = day_start;
  for (auto& [id, a] : agents_) a.today = IntervalCounters{};
  for (auto& [id, q] : queues_) {
    q.today = IntervalCounters{};
    q.interval = IntervalCounters{};
    q.interval_start = TimePoint{};
  }
}

void LiveBoard::PutAgent(int64_t id, std::string name, std::optional<int64_t> team_id) {
  LiveAgent& a = AgentRef(id);
  a.name = std::move(name);
  a.team_id = team_id;
}

void LiveBoard::PutQueue(int64_t id, std::string name, const QueueSettings& settings,
                         std::optional<double> target_sl) {
  LiveQueue& q = QueueRef(id, name);
  q.name = std::move(name);
  q.settings = settings;
  q.target_sl = target_sl;
}

void LiveBoard::RestoreState(int64_t agent_id, AgentState state, std::string reason,
                             TimePoint since) {
  LiveAgent& a = AgentRef(agent_id);
  a.state = state;
  a.reason = std::move(reason);
  a.since = since;
}

void LiveBoard::RestoreToday(std::optional<int64_t> queue_id, std::optional<int64_t> agent_id,
                             TimePoint bucket, const IntervalCounters& counters) {
  if (agent_id) {
    Add(AgentRef(*agent_id).today, counters);
    return;
  }
  if (!queue_id) return;
  LiveQueue& q = QueueRef(*queue_id, "");
  Add(q.today, counters);
  if (bucket > q.interval_start) {
    q.interval_start = bucket;
    q.interval = counters;
  } else if (bucket == q.interval_start) {
    Add(q.interval, counters);
  }
}

LiveAgent& LiveBoard::AgentRef(int64_t id) {
  auto [it, inserted] = agents_.try_emplace(id);
  if (inserted) {
    it->second.id = id;
    it->second.name = "agent " + std::to_string(id);
  }
  return it->second;
}

LiveQueue& LiveBoard::QueueRef(int64_t id, const std::string& name) {
  auto [it, inserted] = queues_.try_emplace(id);
  if (inserted) {
    it->second.id = id;
    it->second.name = name;
  } else if (it->second.name.empty()) {
    it->second.name = name;
  }
  return it->second;
}

const LiveAgent* LiveBoard::agent(int64_t id) const {
  auto it = agents_.find(id);
  return it == agents_.end() ? nullptr : &it->second;
}

const LiveQueue* LiveBoard::queue(int64_t id) const {
  auto it = queues_.find(id);
  return it == queues_.end() ? nullptr : &it->second;
}

void LiveBoard::AdvanceInterval(LiveQueue& q, TimePoint now) {
  const TimePoint bucket = BucketStart(now);
  if (bucket != q.interval_start) {
    q.interval_start = bucket;
    q.interval = IntervalCounters{};
  }
  std::erase_if(q.waiting, [&](const WaitingCaller& w) { return now - w.since > kMaxWaiting; });
}

std::optional<StateInterval> LiveBoard::ChangeState(LiveAgent& a, AgentState state,
                                                    const std::string& reason, TimePoint at) {
  std::optional<StateInterval> closed;
  if (a.since != TimePoint{} && at > a.since) {
    closed = StateInterval{0, a.id, a.state, a.reason, a.since, at, StateOrigin::kPbx, ""};
  }
  a.state = state;
  a.reason = state == AgentState::kPaused ? reason : std::string();
  a.since = at;
  if (state != AgentState::kOnCall && state != AgentState::kOnHold) a.call.reset();
  return closed;
}

void LiveBoard::ApplyEvent(const CommittedEvent& e, std::set<int64_t>& agents,
                           std::set<int64_t>& queues) {
  if (!e.queue_id) return;
  LiveQueue& q = QueueRef(*e.queue_id, e.queue);
  auto take_waiting = [&]() -> std::optional<WaitingCaller> {
    auto it = std::find_if(q.waiting.begin(), q.waiting.end(),
                           [&](const WaitingCaller& w) { return w.call_id == e.call_id; });
    if (it == q.waiting.end()) return std::nullopt;
    WaitingCaller w = std::move(*it);
    q.waiting.erase(it);
    queues.insert(q.id);
    return w;
  };
  if (e.event == "ENTERQUEUE") {
    if (e.at < day_start_ - kMaxWaiting) return;
    take_waiting();  // a repeated ENTERQUEUE replaces the entry
    q.waiting.push_back(
        {e.call_id, e.data.size() > 1 ? e.data[1] : "", e.at, ParsePosition(e.data, 2)});
    queues.insert(q.id);
  } else if (e.event == "CONNECT") {
    auto w = take_waiting();
    if (!e.agent_id) return;
    LiveAgent& a = AgentRef(*e.agent_id);
    a.queues.insert(q.id);
    // The caller's number: from the waiting entry, or (AMI, where the caller leaves the queue
    // before the connect) from CONNECT's fourth field.
    std::string caller = w ? w->caller : (e.data.size() > 3 ? e.data[3] : std::string());
    a.call = LiveCall{e.call_id, std::move(caller), q.id, q.name, e.at};
    agents.insert(a.id);
  } else if (IsQueueExit(e.event)) {
    take_waiting();
  } else if (IsCallEnd(e.event)) {
    if (!e.agent_id) return;
    auto it = agents_.find(*e.agent_id);
    if (it != agents_.end() && it->second.call && it->second.call->call_id == e.call_id) {
      it->second.call.reset();
      agents.insert(it->first);
    }
  }
}

void LiveBoard::Apply(const CommittedBatch& batch, TimePoint now, std::vector<LiveDelta>& out,
                      std::vector<StateInterval>& closed) {
  std::set<int64_t> changed_agents;
  std::set<int64_t> changed_queues;
  for (auto& [id, q] : queues_) {
    const size_t waiting = q.waiting.size();
    AdvanceInterval(q, now);
    if (q.waiting.size() != waiting) changed_queues.insert(id);
  }
  for (const CommittedEvent& e : batch.events) ApplyEvent(e, changed_agents, changed_queues);
  for (const CommittedState& s : batch.states) {
    LiveAgent& a = AgentRef(s.agent_id);
    if (s.queue_id) {
      QueueRef(*s.queue_id, s.change.queue);  // a queue first seen in a member event
      a.queues.insert(*s.queue_id);
      changed_queues.insert(*s.queue_id);
    }
    if (s.change.at < a.since) continue;  // older than what the board shows
    if (a.state == s.change.state && a.reason == s.change.reason) continue;
    if (auto c = ChangeState(a, s.change.state, s.change.reason, s.change.at)) {
      closed.push_back(std::move(*c));
    }
    changed_agents.insert(a.id);
  }
  for (const CommittedCall& c : batch.calls) {
    if (!c.queue_id || c.call.started_at < day_start_) continue;
    LiveQueue& q = QueueRef(*c.queue_id, c.call.queue);
    AdvanceInterval(q, now);
    CountCall(q.today, c.call, c.settings);
    if (BucketStart(c.call.started_at) == q.interval_start)
      CountCall(q.interval, c.call, c.settings);
    changed_queues.insert(q.id);
    if (c.agent_id) {
      CountCall(AgentRef(*c.agent_id).today, c.call, c.settings);
      changed_agents.insert(*c.agent_id);
    }
  }
  for (int64_t id : changed_agents) EmitAgent(agents_.at(id), out);
  for (int64_t id : changed_queues) EmitQueue(queues_.at(id), now, out);
}

std::optional<StateInterval> LiveBoard::SetState(int64_t agent_id, AgentState state,
                                                 const std::string& reason, TimePoint at,
                                                 std::vector<LiveDelta>& out) {
  LiveAgent& a = AgentRef(agent_id);
  auto closed = ChangeState(a, state, reason, at);
  EmitAgent(a, out);
  for (int64_t q : a.queues) {
    if (auto qi = queues_.find(q); qi != queues_.end()) EmitQueue(qi->second, at, out);
  }
  return closed;
}

json::object LiveBoard::AgentJson(const LiveAgent& a, bool caller_details) const {
  json::object o;
  o["id"] = a.id;
  o["name"] = a.name;
  o["team_id"] = a.team_id ? json::value(*a.team_id) : json::value(nullptr);
  o["state"] = AgentStateName(a.state);
  o["reason"] = a.reason;
  o["since"] = a.since == TimePoint{} ? json::value(nullptr) : json::value(FormatRfc3339(a.since));
  if (a.call) {
    json::object call;
    call["call_id"] = a.call->call_id;
    call["caller"] = caller_details ? a.call->caller : std::string();
    call["queue_id"] = a.call->queue_id ? json::value(*a.call->queue_id) : json::value(nullptr);
    call["queue"] = a.call->queue;
    call["since"] = FormatRfc3339(a.call->since);
    o["call"] = std::move(call);
  } else {
    o["call"] = nullptr;
  }
  json::array queues;
  for (int64_t q : a.queues) queues.push_back(q);
  o["queue_ids"] = std::move(queues);
  json::object today;
  const Kpis k = ComputeKpis(a.today, QueueSettings{});
  today["handled"] = k.handled;
  today["talk_s"] = k.talk_s;
  today["aht_s"] = Optional(k.aht_s);
  o["today"] = std::move(today);
  return o;
}

json::object LiveBoard::QueueJson(const LiveQueue& q, TimePoint now, bool caller_details) const {
  json::object o;
  o["id"] = q.id;
  o["name"] = q.name;
  json::array waiting;
  std::chrono::milliseconds longest{0};
  for (const WaitingCaller& w : q.waiting) {
    const auto wait =
        std::max(std::chrono::milliseconds{0},
                 std::chrono::duration_cast<std::chrono::milliseconds>(now - w.since));
    longest = std::max(longest, wait);
    json::object entry;
    entry["call_id"] = w.call_id;
    entry["caller"] = caller_details ? w.caller : std::string();
    entry["since"] = FormatRfc3339(w.since);
    entry["wait_s"] = Seconds(wait);
    entry["position"] = w.position;
    waiting.push_back(std::move(entry));
  }
  o["waiting_count"] = static_cast<int64_t>(q.waiting.size());
  o["waiting"] = std::move(waiting);
  o["longest_wait_s"] = Seconds(longest);
  json::object by_state;
  for (AgentState s :
       {AgentState::kLoggedOut, AgentState::kAvailable, AgentState::kRinging, AgentState::kOnCall,
        AgentState::kOnHold, AgentState::kAcw, AgentState::kPaused}) {
    by_state[AgentStateName(s)] = 0;
  }
  for (const auto& [id, a] : agents_) {
    if (a.queues.contains(q.id)) by_state[AgentStateName(a.state)].as_int64() += 1;
  }
  o["agents_by_state"] = std::move(by_state);
  o["today"] = TodayJson(q.today, q.settings);
  json::object interval = TodayJson(q.interval, q.settings);
  interval["start"] = q.interval_start == TimePoint{}
                          ? json::value(nullptr)
                          : json::value(FormatRfc3339(q.interval_start));
  o["interval"] = std::move(interval);
  o["target_sl"] = Optional(q.target_sl);
  o["sl_threshold_s"] = q.settings.sl_threshold_s;
  return o;
}

void LiveBoard::EmitAgent(const LiveAgent& a, std::vector<LiveDelta>& out) const {
  LiveDelta d;
  d.type = "agent";
  d.agent_id = a.id;
  d.full["agent"] = AgentJson(a, true);
  d.restricted["agent"] = AgentJson(a, false);
  out.push_back(std::move(d));
}

void LiveBoard::EmitQueue(const LiveQueue& q, TimePoint now, std::vector<LiveDelta>& out) const {
  LiveDelta d;
  d.type = "queue";
  d.full["queue"] = QueueJson(q, now, true);
  d.restricted["queue"] = QueueJson(q, now, false);
  out.push_back(std::move(d));
}

json::object LiveBoard::Snapshot(const LiveView& view, TimePoint now, int64_t seq) const {
  json::object o;
  o["type"] = "snapshot";
  o["seq"] = seq;
  o["at"] = FormatRfc3339(now);
  json::array agents;
  for (const auto& [id, a] : agents_) {
    if (view.SeesAgent(id)) agents.push_back(AgentJson(a, view.caller_details));
  }
  json::array queues;
  for (const auto& [id, q] : queues_) queues.push_back(QueueJson(q, now, view.caller_details));
  o["agents"] = std::move(agents);
  o["queues"] = std::move(queues);
  return o;
}

}  // namespace callboard
