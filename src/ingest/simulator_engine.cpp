#include "ingest/simulator_engine.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <deque>
#include <initializer_list>
#include <queue>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ingest/simulator_model.h"
#include "ingest/simulator_random.h"

namespace callboard {

namespace {

using Seconds = int64_t;  // epoch seconds; the simulation runs in whole seconds

enum StreamKind : uint64_t { kArrivalStream = 1, kCallStream = 2, kAgentStream = 3 };

constexpr size_t kRecentCallers = 4096;   // repeat callers are drawn from these…
constexpr size_t kMinRecentCallers = 50;  // …once there are this many

enum class EventType : uint8_t {
  kArrival,
  kLogin,
  kShiftEnd,
  kPauseDue,
  kPauseEnd,
  kRingEnd,
  kCallEnd,
  kWrapEnd,
  kGiveUp,  // serial 0: patience ran out (ABANDON); 1: the queue's timeout (EXITWITHTIMEOUT)
};

struct Event {
  Seconds at = 0;
  uint64_t seq = 0;  // ties run in scheduling order
  EventType type = EventType::kArrival;
  int agent = -1;
  uint64_t call = 0;
  uint32_t serial = 0;  // ring attempt or pause number: tells stale events apart
};

struct LaterFirst {
  bool operator()(const Event& a, const Event& b) const {
    return a.at != b.at ? a.at > b.at : a.seq > b.seq;
  }
};

enum class CallState : uint8_t { kWaiting, kRinging, kTalking, kDone };

struct Call {
  Call(uint64_t i, uint64_t seed) : index(i), rng(seed, kCallStream, i) {}
  uint64_t index;
  SimRandom rng;  // the call's own stream: attributes, then its rings
  int queue = 0;
  Seconds entered = 0;
  Seconds answered = -1;
  Seconds ended = -1;
  CallState state = CallState::kWaiting;
  int agent = -1;  // ringing, then answering agent
  uint32_t ring_attempt = 0;
  Seconds ring_started = 0;
  int64_t ring_ms = 0;
  bool ring_answers = false;
  std::string ring_channel;  // uniqueid of the agent leg being rung
  int orig_position = 0;
  std::string caller;
  std::string uniqueid;    // Asterisk "<epoch>.<n>"
  std::string threecx_id;  // 3CX "<hex>_<n>"
  CallTraits traits;
  bool timed_out = false;
};

enum class AgentState : uint8_t { kLoggedOut, kAvailable, kRinging, kTalking, kWrapUp, kPaused };

struct Agent {
  AgentState state = AgentState::kLoggedOut;
  Seconds idle_since = 0;  // orders the available agents: longest idle rung first
  std::vector<PlannedPause> pauses;
  size_t next_pause = 0;
  uint32_t pause_serial = 0;
  bool leaving = false;  // the shift is over: log off once free and the queues are empty
};

std::string Num(int64_t n) { return std::to_string(n); }

class Simulation {
 public:
  Simulation(const SimulationOptions& options, const TrafficSinks& sinks);
  void Run();

 private:
  void Schedule(Seconds at, EventType type, int agent = -1, uint64_t call = 0,
                uint32_t serial = 0) {
    events_.push(Event{at, next_seq_++, type, agent, call, serial});
  }
  void Log(Seconds at, std::string_view call_id, int queue, int agent, std::string_view event,
           std::initializer_list<std::string_view> data);
  void LogAllQueues(Seconds at, int agent, std::string_view event,
                    std::initializer_list<std::string_view> data) {
    for (int q = 0; q < static_cast<int>(queues_.size()); ++q) {
      Log(at, "NONE", q, agent, event, data);
    }
  }
  Call* Live(uint64_t index) {
    return index < base_ ? nullptr : &calls_[static_cast<size_t>(index - base_)];
  }
  bool InQueue(uint64_t index) {
    const Call* c = Live(index);
    return c != nullptr && (c->state == CallState::kWaiting || c->state == CallState::kRinging);
  }

  void ScheduleNextArrival();
  void OnArrival(Seconds now);
  void OnLogin(int a, Seconds now);
  void OnShiftEnd(int a, Seconds now);
  void OnPauseDue(int a, Seconds now);
  void OnPauseEnd(int a, uint32_t serial, Seconds now);
  void OnRingEnd(uint64_t call, uint32_t attempt, Seconds now);
  void OnCallEnd(uint64_t call, Seconds now);
  void OnGiveUp(uint64_t call, bool timeout, Seconds now);

  void TryDispatch(Seconds now);
  void StartRing(Call& c, int a, Seconds now);
  void AgentFree(int a, Seconds now);
  bool PauseDue(const Agent& agent, Seconds now) const {
    return !agent.leaving && agent.next_pause < agent.pauses.size() &&
           agent.pauses[agent.next_pause].at <= now;
  }
  void StartPause(int a, Seconds now);
  void EndPause(int a, Seconds now);
  void LogOff(int a, Seconds now);
  void RemoveAvailable(int a);
  int Position(const Call& c);
  void Finish(Call& c);
  SimulatedCall Record(const Call& c) const;

  const SimulationOptions& options_;
  const TrafficSinks& sinks_;
  const std::vector<SimQueue> queues_;
  const std::vector<SimAgent> agents_info_;
  Seconds start_ = 0;
  Seconds duration_ = 0;
  std::vector<double> rate_;  // arrivals per second, per minute of the run
  double max_rate_ = 0;
  SimRandom arrival_rng_;
  double arrival_clock_ = 0;  // seconds since start_ of the last arrival candidate

  std::priority_queue<Event, std::vector<Event>, LaterFirst> events_;
  uint64_t next_seq_ = 0;
  std::deque<Call> calls_;  // calls not yet emitted, by index; front = base_
  uint64_t base_ = 0;
  uint64_t next_call_ = 0;
  uint64_t channel_counter_ = 0;            // Asterisk's uniqueid sequence
  std::vector<std::deque<uint64_t>> line_;  // per queue, calls in entry order (lazily pruned)
  std::vector<int> in_queue_;               // per queue, calls waiting or ringing
  int64_t waiting_ = 0;                     // calls waiting and not ringing, all queues
  std::vector<Agent> agents_;
  std::set<std::pair<Seconds, int>> available_;  // (idle_since, agent)
  int leaving_available_ = 0;
  std::vector<std::string> recent_callers_;
  QueueLogEvent scratch_;
};

Simulation::Simulation(const SimulationOptions& options, const TrafficSinks& sinks)
    : options_(options),
      sinks_(sinks),
      queues_(SimulationQueues(options.queues)),
      agents_info_(SimulationAgents(options.agents)),
      arrival_rng_(options.seed, kArrivalStream, 0),
      line_(queues_.size()),
      in_queue_(queues_.size(), 0),
      agents_(agents_info_.size()) {
  start_ = std::chrono::floor<std::chrono::seconds>(options.start).time_since_epoch().count();
  duration_ = std::max<Seconds>(1, std::llround(options.hours * 3600));
  const double per_hour =
      options.calls_per_hour > 0 ? options.calls_per_hour : DerivedCallsPerHour(options.agents);
  rate_ = ArrivalRatePerMinute(options, start_, duration_, per_hour);
  max_rate_ = *std::max_element(rate_.begin(), rate_.end());
  recent_callers_.reserve(kRecentCallers);
}

void Simulation::Run() {
  Log(start_, "NONE", -1, -1, "QUEUESTART", {});
  const Seconds end = start_ + duration_;
  for (int a = 0; a < static_cast<int>(agents_.size()); ++a) {
    SimRandom rng(options_.seed, kAgentStream, static_cast<uint64_t>(a));
    const Seconds login = start_ + rng.UniformInt(0, std::min(kLoginSpreadS, duration_ / 4));
    const Seconds shift_end = std::max(end, login + 60) + rng.UniformInt(0, kLogoffSpreadS);
    agents_[static_cast<size_t>(a)].pauses = PlanPauses(rng, login, end);
    Schedule(login, EventType::kLogin, a);
    Schedule(shift_end, EventType::kShiftEnd, a);
  }
  ScheduleNextArrival();
  while (!events_.empty()) {
    const Event ev = events_.top();
    events_.pop();
    switch (ev.type) {
      case EventType::kArrival:
        OnArrival(ev.at);
        break;
      case EventType::kLogin:
        OnLogin(ev.agent, ev.at);
        break;
      case EventType::kShiftEnd:
        OnShiftEnd(ev.agent, ev.at);
        break;
      case EventType::kPauseDue:
        OnPauseDue(ev.agent, ev.at);
        break;
      case EventType::kPauseEnd:
        OnPauseEnd(ev.agent, ev.serial, ev.at);
        break;
      case EventType::kRingEnd:
        OnRingEnd(ev.call, ev.serial, ev.at);
        break;
      case EventType::kCallEnd:
        OnCallEnd(ev.call, ev.at);
        break;
      case EventType::kWrapEnd:
        agents_[static_cast<size_t>(ev.agent)].idle_since = ev.at;
        AgentFree(ev.agent, ev.at);
        break;
      case EventType::kGiveUp:
        OnGiveUp(ev.call, ev.serial == 1, ev.at);
        break;
    }
  }
  assert(calls_.empty());
}

void Simulation::Log(Seconds at, std::string_view call_id, int queue, int agent,
                     std::string_view event, std::initializer_list<std::string_view> data) {
  if (!sinks_.on_event) return;
  scratch_.at = TimePoint(std::chrono::seconds(at));
  scratch_.call_id.assign(call_id);
  scratch_.queue.assign(queue < 0 ? "NONE" : queues_[static_cast<size_t>(queue)].name);
  scratch_.agent.assign(agent < 0 ? "NONE" : agents_info_[static_cast<size_t>(agent)].channel);
  scratch_.event.assign(event);
  scratch_.data.resize(data.size());
  size_t i = 0;
  for (std::string_view d : data) scratch_.data[i++].assign(d);
  sinks_.on_event(scratch_);
}

// Non-homogeneous Poisson arrivals by thinning against the busiest minute's rate.
void Simulation::ScheduleNextArrival() {
  for (;;) {
    arrival_clock_ += arrival_rng_.Exponential(1.0 / max_rate_);
    if (arrival_clock_ >= static_cast<double>(duration_)) return;
    const size_t minute = static_cast<size_t>(arrival_clock_ / 60);
    if (arrival_rng_.Uniform() * max_rate_ < rate_[minute]) {
      Schedule(start_ + static_cast<Seconds>(arrival_clock_), EventType::kArrival);
      return;
    }
  }
}

void Simulation::OnArrival(Seconds now) {
  Call& c = calls_.emplace_back(next_call_++, options_.seed);
  c.traits = DrawCallTraits(c.rng, queues_);
  c.queue = c.traits.queue;
  if (c.traits.repeat_caller && recent_callers_.size() >= kMinRecentCallers) {
    c.caller = recent_callers_[c.traits.repeat_pick % recent_callers_.size()];
  } else {
    c.caller = c.traits.new_number;
  }
  if (recent_callers_.size() < kRecentCallers) {
    recent_callers_.push_back(c.caller);
  } else {
    recent_callers_[c.index % kRecentCallers] = c.caller;
  }
  const Seconds channel_created = now - c.traits.channel_age_s;

  const SimQueue& queue = queues_[static_cast<size_t>(c.queue)];
  c.entered = now;
  const uint64_t n = ++channel_counter_;
  c.uniqueid = Num(channel_created) + "." + std::to_string(n);
  const uint64_t id_ms = static_cast<uint64_t>(now) * 1000 + n % 1000;  // 3CX: hex ms + seq
  char id[48];
  std::snprintf(id, sizeof id, "%016llX_%llu", static_cast<unsigned long long>(id_ms),
                static_cast<unsigned long long>(n));
  c.threecx_id = id;
  c.orig_position = ++in_queue_[static_cast<size_t>(c.queue)];
  line_[static_cast<size_t>(c.queue)].push_back(c.index);
  ++waiting_;
  Log(now, c.uniqueid, c.queue, -1, "DID", {queue.did});
  Log(now, c.uniqueid, c.queue, -1, "ENTERQUEUE", {"", c.caller, Num(c.orig_position)});
  if (c.traits.patience_s < queue.timeout_s) {
    Schedule(now + c.traits.patience_s, EventType::kGiveUp, -1, c.index, 0);
  } else {
    Schedule(now + queue.timeout_s, EventType::kGiveUp, -1, c.index, 1);
  }
  ScheduleNextArrival();
  TryDispatch(now);
}

void Simulation::OnLogin(int a, Seconds now) {
  Agent& agent = agents_[static_cast<size_t>(a)];
  LogAllQueues(now, a, "ADDMEMBER", {});
  for (size_t i = 0; i < agent.pauses.size(); ++i) {
    Schedule(agent.pauses[i].at, EventType::kPauseDue, a);
  }
  agent.idle_since = now;
  AgentFree(a, now);
}

void Simulation::OnShiftEnd(int a, Seconds now) {
  Agent& agent = agents_[static_cast<size_t>(a)];
  agent.leaving = true;
  if (agent.state == AgentState::kAvailable) {
    RemoveAvailable(a);
    AgentFree(a, now);
  } else if (agent.state == AgentState::kPaused) {
    ++agent.pause_serial;  // the scheduled end is void
    EndPause(a, now);
  }  // busy: decided when free
}

void Simulation::OnPauseDue(int a, Seconds now) {
  Agent& agent = agents_[static_cast<size_t>(a)];
  if (agent.state == AgentState::kAvailable && PauseDue(agent, now)) {
    RemoveAvailable(a);
    StartPause(a, now);
  }  // otherwise taken when the agent is next free
}

void Simulation::OnPauseEnd(int a, uint32_t serial, Seconds now) {
  const Agent& agent = agents_[static_cast<size_t>(a)];
  if (agent.state == AgentState::kPaused && agent.pause_serial == serial) EndPause(a, now);
}

void Simulation::StartPause(int a, Seconds now) {
  Agent& agent = agents_[static_cast<size_t>(a)];
  const PlannedPause& pause = agent.pauses[agent.next_pause++];
  agent.state = AgentState::kPaused;
  LogAllQueues(now, a, "PAUSE", {pause.reason});
  Schedule(now + pause.duration_s, EventType::kPauseEnd, a, 0, ++agent.pause_serial);
}

void Simulation::EndPause(int a, Seconds now) {
  LogAllQueues(now, a, "UNPAUSE", {});
  agents_[static_cast<size_t>(a)].idle_since = now;
  AgentFree(a, now);
}

void Simulation::LogOff(int a, Seconds now) {
  agents_[static_cast<size_t>(a)].state = AgentState::kLoggedOut;
  LogAllQueues(now, a, "REMOVEMEMBER", {});
}

void Simulation::RemoveAvailable(int a) {
  Agent& agent = agents_[static_cast<size_t>(a)];
  available_.erase({agent.idle_since, a});
  if (agent.leaving) --leaving_available_;
}

// The agent has nothing to do: a due pause comes first, then (after the shift) logging off
// once no caller waits, else they wait for a call.
void Simulation::AgentFree(int a, Seconds now) {
  Agent& agent = agents_[static_cast<size_t>(a)];
  if (PauseDue(agent, now)) return StartPause(a, now);
  if (agent.leaving && waiting_ == 0) return LogOff(a, now);
  agent.state = AgentState::kAvailable;
  available_.insert({agent.idle_since, a});
  if (agent.leaving) ++leaving_available_;
  TryDispatch(now);
}

// Offers waiting calls, oldest first across queues, to the longest-idle available agents.
void Simulation::TryDispatch(Seconds now) {
  while (!available_.empty() && waiting_ > 0) {
    Call* oldest = nullptr;
    for (std::deque<uint64_t>& line : line_) {
      while (!line.empty() && !InQueue(line.front())) line.pop_front();
      for (const uint64_t index : line) {
        Call* c = Live(index);
        if (c->state != CallState::kWaiting) continue;
        if (oldest == nullptr || c->index < oldest->index) oldest = c;
        break;
      }
    }
    assert(oldest != nullptr);
    const int a = available_.begin()->second;
    RemoveAvailable(a);
    StartRing(*oldest, a, now);
  }
  if (waiting_ == 0 && leaving_available_ > 0) {
    std::vector<int> leaving;
    for (const auto& [since, a] : available_) {
      if (agents_[static_cast<size_t>(a)].leaving) leaving.push_back(a);
    }
    for (const int a : leaving) {
      RemoveAvailable(a);
      LogOff(a, now);
    }
  }
}

void Simulation::StartRing(Call& c, int a, Seconds now) {
  --waiting_;
  c.state = CallState::kRinging;
  c.agent = a;
  c.ring_started = now;
  c.ring_channel = Num(now) + "." + std::to_string(++channel_counter_);
  agents_[static_cast<size_t>(a)].state = AgentState::kRinging;
  Seconds ring_s = 0;
  if (c.rng.Chance(kRingNoAnswerShare)) {
    c.ring_answers = false;
    c.ring_ms = c.rng.Chance(kRingTimeoutShare) ? kRingTimeoutMs
                                                : c.rng.UniformInt(2000, kRingTimeoutMs - 1);
    ring_s = (c.ring_ms + 999) / 1000;
  } else {
    c.ring_answers = true;
    ring_s = std::min<Seconds>(kRingMaxS, 1 + std::llround(c.rng.Exponential(kRingMeanS)));
    c.ring_ms = ring_s * 1000;
  }
  Schedule(now + ring_s, EventType::kRingEnd, a, c.index, ++c.ring_attempt);
}

void Simulation::OnRingEnd(uint64_t index, uint32_t attempt, Seconds now) {
  Call* c = Live(index);
  if (c == nullptr || c->state != CallState::kRinging || c->ring_attempt != attempt) return;
  const int a = c->agent;
  if (!c->ring_answers) {
    Log(now, c->uniqueid, c->queue, a, "RINGNOANSWER", {Num(c->ring_ms)});
    c->state = CallState::kWaiting;
    c->agent = -1;
    ++waiting_;
    agents_[static_cast<size_t>(a)].idle_since = now;  // rung last, so others are tried first
    AgentFree(a, now);
    TryDispatch(now);
    return;
  }
  c->state = CallState::kTalking;
  c->answered = now;
  --in_queue_[static_cast<size_t>(c->queue)];
  agents_[static_cast<size_t>(a)].state = AgentState::kTalking;
  Log(now, c->uniqueid, c->queue, a, "CONNECT",
      {Num(now - c->entered), c->ring_channel, Num(c->ring_ms / 1000)});
  Schedule(now + c->traits.talk_s, EventType::kCallEnd, a, index);
}

void Simulation::OnCallEnd(uint64_t index, Seconds now) {
  Call& c = *Live(index);
  const int a = c.agent;
  const std::string hold = Num(c.answered - c.entered);
  const std::string talk = Num(now - c.answered);
  const std::string orig = Num(c.orig_position);
  if (c.traits.transfer_target >= 0) {
    const std::string target =
        TransferTarget(SourceFormat::kAsteriskQueueLog, c.traits.transfer_target);
    Log(now, c.uniqueid, c.queue, a, "TRANSFER", {target, "from-internal", hold, talk, orig});
  } else {
    Log(now, c.uniqueid, c.queue, a, c.traits.agent_hangs_up ? "COMPLETEAGENT" : "COMPLETECALLER",
        {hold, talk, orig});
  }
  c.ended = now;
  Agent& agent = agents_[static_cast<size_t>(a)];
  agent.state = AgentState::kWrapUp;
  Schedule(now + c.traits.acw_s, EventType::kWrapEnd, a);
  Finish(c);
}

void Simulation::OnGiveUp(uint64_t index, bool timeout, Seconds now) {
  Call* c = Live(index);
  if (c == nullptr || (c->state != CallState::kWaiting && c->state != CallState::kRinging)) {
    return;
  }
  int ringing = -1;
  if (c->state == CallState::kRinging) {
    ringing = c->agent;
    Log(now, c->uniqueid, c->queue, ringing, "RINGCANCELED", {Num((now - c->ring_started) * 1000)});
  } else {
    --waiting_;
  }
  const int position = Position(*c);
  --in_queue_[static_cast<size_t>(c->queue)];
  Log(now, c->uniqueid, c->queue, -1, timeout ? "EXITWITHTIMEOUT" : "ABANDON",
      {Num(position), Num(c->orig_position), Num(now - c->entered)});
  c->ended = now;
  c->agent = -1;
  c->timed_out = timeout;
  Finish(*c);  // c is gone from here on
  if (ringing >= 0) {
    agents_[static_cast<size_t>(ringing)].idle_since = now;
    AgentFree(ringing, now);
  }
}

// 1-based place among the calls still in the call's queue (waiting or ringing).
int Simulation::Position(const Call& c) {
  int position = 1;
  for (const uint64_t index : line_[static_cast<size_t>(c.queue)]) {
    if (index == c.index) break;
    if (InQueue(index)) ++position;
  }
  return position;
}

// Marks the call ended and emits every ended call at the front, keeping start order.
void Simulation::Finish(Call& c) {
  c.state = CallState::kDone;
  while (!calls_.empty() && calls_.front().state == CallState::kDone) {
    if (sinks_.on_call) sinks_.on_call(Record(calls_.front()));
    calls_.pop_front();
    ++base_;
  }
}

SimulatedCall Simulation::Record(const Call& c) const {
  const SourceFormat format = options_.format;
  const bool threecx = format == SourceFormat::k3cxCdr;
  const bool json = format == SourceFormat::kCallsJson;
  const SimQueue& queue = queues_[static_cast<size_t>(c.queue)];
  auto at = [](Seconds s) { return TimePoint(std::chrono::seconds(s)); };
  SimulatedCall out;
  out.index = c.index;
  out.queue = c.queue;
  out.agent = c.agent;
  out.agent_hung_up = c.traits.agent_hangs_up;
  CallRecord& r = out.record;
  r.pbx_call_id = threecx ? c.threecx_id : c.uniqueid;
  r.direction = CallDirection::kInbound;
  r.queue = threecx ? queue.dn : queue.name;
  r.caller = c.caller;
  r.callee = threecx ? queue.dn : queue.did;
  r.started_at = at(c.entered);
  r.ended_at = at(c.ended);
  if (c.answered >= 0) {
    const SimAgent& agent = agents_info_[static_cast<size_t>(c.agent)];
    r.agent = threecx ? agent.dn : json ? agent.extension : agent.channel;
    r.answered_at = at(c.answered);
    r.wait_ms = (c.answered - c.entered) * 1000;
    const Seconds connected = c.ended - c.answered;
    r.outcome = CallOutcome::kAnswered;
    if (json) {
      r.talk_ms = (connected - c.traits.hold_s) * 1000;
      r.hold_ms = c.traits.hold_s * 1000;
      r.acw_ms = c.traits.acw_s * 1000;
      r.disposition = std::string(kDispositions[c.traits.disposition]);
      if (c.traits.csat > 0) r.csat = c.traits.csat;
    } else {
      r.talk_ms = connected * 1000;
    }
    if (c.traits.transfer_target >= 0) {
      out.transfer_target = c.traits.transfer_target;
      r.transfer_count = 1;
      r.transferred_to = TransferTarget(format, c.traits.transfer_target);
    }
  } else {
    out.agent = -1;
    r.wait_ms = (c.ended - c.entered) * 1000;
    r.outcome = !c.timed_out ? CallOutcome::kAbandoned
                : threecx    ? CallOutcome::kVoicemail
                             : CallOutcome::kTimeout;
  }
  return out;
}

}  // namespace

double DerivedCallsPerHour(int agents) {
  const double mean_talk = kTalkMedianS * std::exp(kTalkSigma * kTalkSigma / 2);
  const double mean_acw = kAcwBaseS + kAcwMedianS * std::exp(kAcwSigma * kAcwSigma / 2);
  const double mean_ring = 1 + kRingMeanS + kRingNoAnswerShare * kRingTimeoutMs / 1000.0;
  return kTargetOccupancy * agents * (1 - kPausedShare) * 3600 / (mean_talk + mean_acw + mean_ring);
}

void RunTrafficSimulation(const SimulationOptions& options, const TrafficSinks& sinks) {
  Simulation simulation(options, sinks);
  simulation.Run();
}

}  // namespace callboard
