#include "ingest/call_assembler.h"

#include <algorithm>
#include <array>
#include <utility>

namespace callboard {

namespace {

using std::chrono::milliseconds;

constexpr int64_t kMaxDurationMs = int64_t{24} * 3600 * 1000;  // longer is absurd
// Event time between sweeps of remembered visits: each sweep walks all of them, so sweeping
// every minute cost half the engine's time; an eighth of the timeout keeps memory within
// 9/8 of the timeout's worth of calls.
constexpr int kSweepsPerTimeout = 8;

enum class Kind {
  kEnter,
  kConnect,
  kComplete,
  kTransfer,  // TRANSFER and BLINDTRANSFER: extension|context|holdtime|calltime
  kAttendedTransfer,
  kAbandon,
  kTimeout,
  kExitKey,
  kExitEmpty,
  kRing,
  kLogin,
  kLogoff,
  kRemoveMember,
  kPause,
  kUnpause,
  kDid,
  kOther,
};

Kind Classify(std::string_view event) {
  static constexpr std::array<std::pair<std::string_view, Kind>, 23> kKinds = {{
      {"ENTERQUEUE", Kind::kEnter},
      {"CONNECT", Kind::kConnect},
      {"COMPLETECALLER", Kind::kComplete},
      {"COMPLETEAGENT", Kind::kComplete},
      {"TRANSFER", Kind::kTransfer},
      {"BLINDTRANSFER", Kind::kTransfer},
      {"ATTENDEDTRANSFER", Kind::kAttendedTransfer},
      {"ABANDON", Kind::kAbandon},
      {"EXITWITHTIMEOUT", Kind::kTimeout},
      {"EXITWITHKEY", Kind::kExitKey},
      {"EXITEMPTY", Kind::kExitEmpty},
      {"RINGNOANSWER", Kind::kRing},
      {"RINGCANCELED", Kind::kRing},
      {"AGENTLOGIN", Kind::kLogin},
      {"AGENTCALLBACKLOGIN", Kind::kLogin},
      {"ADDMEMBER", Kind::kLogin},
      {"AGENTLOGOFF", Kind::kLogoff},
      {"AGENTCALLBACKLOGOFF", Kind::kLogoff},
      {"REMOVEMEMBER", Kind::kRemoveMember},
      {"PAUSE", Kind::kPause},
      {"PAUSEALL", Kind::kPause},
      {"UNPAUSE", Kind::kUnpause},
      {"UNPAUSEALL", Kind::kUnpause},
  }};
  for (const auto& [name, kind] : kKinds) {
    if (event == name) return kind;
  }
  return event == "DID" ? Kind::kDid : Kind::kOther;
}

bool IsAnswering(Kind k) {
  return k == Kind::kComplete || k == Kind::kTransfer || k == Kind::kAttendedTransfer;
}

bool IsPseudoCallId(std::string_view id) {
  return id.empty() || id == "NONE" || id == "CLI" || id == "MANAGER" || id == "REALTIME";
}

// queue_log writes NONE for an absent queue or agent.
std::string Name(std::string_view s) { return s == "NONE" ? std::string() : std::string(s); }

std::string_view Field(const QueueLogEvent& e, size_t i) {
  return i < e.data.size() ? std::string_view(e.data[i]) : std::string_view();
}

int64_t Span(TimePoint from, TimePoint to) { return std::max<int64_t>(0, (to - from).count()); }

std::string Seconds(int64_t ms) {
  std::string s = std::to_string(ms / 1000);
  if (ms % 1000 != 0) s += "." + std::to_string(1000 + ms % 1000).substr(1);
  return s + " s";
}

std::string LineRef(int64_t line) { return "line " + std::to_string(line); }

void Diagnose(AssemblerOutput& out, std::string kind, std::string call_id, int64_t line,
              std::string detail) {
  out.diagnostics.push_back({std::move(kind), std::move(call_id), line, std::move(detail)});
}

// Data field `index` as a duration in ms (`millis`: the field is in ms, else seconds). Empty when
// absent, and when unusable (negative, absurd, not a number: diagnosed), so the caller falls
// back to event times.
std::optional<int64_t> DataDuration(const QueueLogEvent& e, size_t index, std::string_view field,
                                    bool millis, int64_t line, AssemblerOutput& out) {
  const std::string_view text = TrimSpace(Field(e, index));
  if (text.empty()) return std::nullopt;
  auto reject = [&](const char* kind, std::string_view why) {
    Diagnose(out, kind, e.call_id, line,
             e.event + " " + std::string(field) + " '" + std::string(text) + "' " +
                 std::string(why) + "; using event times instead");
    return std::nullopt;
  };
  const bool negative = text.front() == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  const std::optional<int64_t> value = millis ? ParseInt64(digits) : ParseSecondsAsMillis(digits);
  if (!value || (millis && *value < 0)) return reject("bad_duration", "is not a number");
  if (negative && *value != 0) return reject("negative_duration", "is negative");
  if (*value > kMaxDurationMs) return reject("absurd_duration", "exceeds 24 h");
  return *value;
}

}  // namespace

CallAssembler::CallAssembler(std::chrono::seconds open_call_timeout)
    : open_call_timeout_(open_call_timeout) {}

void CallAssembler::Add(const QueueLogEvent& e, int64_t line, AssemblerOutput& out) {
  latest_ = std::max(latest_, e.at);
  if (latest_ >= next_sweep_) {
    Forget(latest_ - open_call_timeout_);
    next_sweep_ = latest_ + std::max<milliseconds>(std::chrono::minutes(1),
                                                   open_call_timeout_ / kSweepsPerTimeout);
  }
  switch (Classify(e.event)) {
    case Kind::kEnter:
      return OnEnter(e, line, out);
    case Kind::kConnect:
      return OnConnect(e, line, out);
    case Kind::kComplete:
    case Kind::kTransfer:
    case Kind::kAttendedTransfer:
    case Kind::kAbandon:
    case Kind::kTimeout:
    case Kind::kExitKey:
    case Kind::kExitEmpty:
      return OnTerminal(e, line, out);
    case Kind::kRing:
      return OnRing(e, line, out);
    case Kind::kLogin:
    case Kind::kLogoff:
    case Kind::kRemoveMember:
    case Kind::kPause:
    case Kind::kUnpause:
      return OnAgentEvent(e, out);
    case Kind::kDid:
      return OnDid(e);
    case Kind::kOther:
      return;
  }
}

void CallAssembler::Expire(TimePoint now, AssemblerOutput& out) {
  Forget(now - open_call_timeout_);
  std::vector<std::pair<int64_t, VisitKey>> stale;
  for (const auto& [key, visit] : open_) {
    if (visit.last_at + open_call_timeout_ <= now) stale.emplace_back(visit.first_line, key);
  }
  std::sort(stale.begin(), stale.end());
  for (const auto& [first_line, key] : stale) {
    const auto it = open_.find(key);
    CallRecord& call = it->second.call;
    call.ended_at = std::max(it->second.last_at, call.answered_at.value_or(call.started_at));
    if (call.answered_at) {
      call.outcome = CallOutcome::kAnswered;
      call.talk_ms = Span(*call.answered_at, call.ended_at);
    } else {
      call.outcome = CallOutcome::kAbandoned;
      call.wait_ms = Span(call.started_at, call.ended_at);
    }
    Diagnose(out, "no_terminal_event", key.first, first_line,
             "queue " + key.second + ": no exit event by " + FormatRfc3339(now) +
                 "; closed at its last event as " + std::string(CallOutcomeName(call.outcome)) +
                 " (" + std::to_string(it->second.ring_attempts) + " ring attempts)");
    EndVisit(it, first_line, out);
  }
}

void CallAssembler::Finish(AssemblerOutput& /*out*/) {
  // Open visits stay open: the next file or tail read may end them (see the header).
}

int64_t CallAssembler::OldestOpenLine() const {
  int64_t oldest = 0;
  for (const auto& [key, visit] : open_) {
    if (oldest == 0 || visit.first_line < oldest) oldest = visit.first_line;
  }
  return oldest;
}

void CallAssembler::OnEnter(const QueueLogEvent& e, int64_t line, AssemblerOutput& out) {
  if (IsPseudoCallId(e.call_id)) {
    return Diagnose(out, "call_event_without_callid", "", line,
                    "ENTERQUEUE with callid '" + e.call_id + "'; ignored");
  }
  const VisitKey key{e.call_id, Name(e.queue)};
  const std::string caller(Field(e, 1));
  if (const auto it = open_.find(key); it != open_.end()) {
    Visit& v = it->second;
    if (!v.has_enter && v.call.answered_at && e.at <= *v.call.answered_at + kReorderTolerance) {
      // The ENTERQUEUE line came after its CONNECT: repair the visit.
      v.has_enter = true;
      v.call.started_at = std::min(e.at, *v.call.answered_at);
      v.call.caller = caller;
      v.first_line = std::min(v.first_line, line);
      return;
    }
    if (v.has_enter && !v.call.answered_at && e.at <= v.call.started_at + kReorderTolerance &&
        e.at + kReorderTolerance >= v.call.started_at) {
      return Diagnose(out, "duplicate_enterqueue", e.call_id, line,
                      "ENTERQUEUE repeats " + LineRef(v.first_line) + "; ignored");
    }
  }
  if (const auto ended = ended_.find(key); ended != ended_.end() && !ended->second.had_enter &&
                                           e.at <= ended->second.ended_at + kReorderTolerance) {
    return Diagnose(out, "unknown_event_order", e.call_id, line,
                    "ENTERQUEUE after its visit ended at " + LineRef(ended->second.line) +
                        "; ignored, caller '" + caller + "' not recorded");
  }
  Supersede(e.call_id, nullptr, key.second, e.at, line, out);
  Visit v;
  v.call.pbx_call_id = e.call_id;
  v.call.direction = CallDirection::kInbound;
  v.call.queue = key.second;
  v.call.caller = caller;
  v.call.started_at = e.at;
  v.has_enter = true;
  v.first_line = line;
  v.last_at = e.at;
  if (const auto did = pending_dids_.find(e.call_id); did != pending_dids_.end()) {
    v.call.callee = did->second.did;
    pending_dids_.erase(did);
  }
  open_.emplace(key, std::move(v));
}

void CallAssembler::OnConnect(const QueueLogEvent& e, int64_t line, AssemblerOutput& out) {
  if (IsPseudoCallId(e.call_id)) {
    return Diagnose(out, "call_event_without_callid", "", line,
                    "CONNECT with callid '" + e.call_id + "'; ignored");
  }
  const VisitKey key{e.call_id, Name(e.queue)};
  auto it = open_.find(key);
  if (it != open_.end() && it->second.connect_line != 0) {
    return Diagnose(out, "duplicate_connect", e.call_id, line,
                    "CONNECT repeats " + LineRef(it->second.connect_line) + "; ignored");
  }
  if (it == open_.end()) {
    if (const auto ended = ended_.find(key);
        ended != ended_.end() && e.at <= ended->second.ended_at + kReorderTolerance) {
      // A CONNECT line after its terminal event, which already carried the holdtime.
      if (!ended->second.answered) {
        Diagnose(out, "unknown_event_order", e.call_id, line,
                 "CONNECT after the visit ended unanswered at " + LineRef(ended->second.line) +
                     "; ignored");
      }
      return;
    }
  }
  const std::optional<int64_t> hold = DataDuration(e, 0, "holdtime", false, line, out);
  if (it == open_.end()) {
    Supersede(e.call_id, &key, key.second, e.at, line, out);
    Visit v;
    v.call.pbx_call_id = e.call_id;
    v.call.direction = CallDirection::kInbound;
    v.call.queue = key.second;
    v.call.started_at = e.at - milliseconds(hold.value_or(0));
    v.first_line = line;
    v.last_at = e.at;
    if (const auto did = pending_dids_.find(e.call_id); did != pending_dids_.end()) {
      v.call.callee = did->second.did;
      pending_dids_.erase(did);
    }
    it = open_.emplace(key, std::move(v)).first;
  }
  Visit& v = it->second;
  if (e.at + kReorderTolerance < v.call.started_at) {
    Diagnose(out, "unknown_event_order", e.call_id, line,
             "CONNECT is " + Seconds(Span(e.at, v.call.started_at)) + " before its ENTERQUEUE at " +
                 LineRef(v.first_line));
  }
  v.call.answered_at = std::max(e.at, v.call.started_at);
  v.call.agent = Name(e.agent);
  v.call.wait_ms = hold.value_or(Span(v.call.started_at, *v.call.answered_at));
  v.connect_line = line;
  v.last_at = std::max(v.last_at, e.at);
  if (!v.call.agent.empty()) {
    Agent& agent = TrackAgent(v.call.agent, key.second, true);
    agent.calls.insert(key);
    Announce(v.call.agent, agent, key.second, e.at, out);
  }
}

void CallAssembler::OnTerminal(const QueueLogEvent& e, int64_t line, AssemblerOutput& out) {
  if (IsPseudoCallId(e.call_id)) {
    return Diagnose(out, "call_event_without_callid", "", line,
                    e.event + " with callid '" + e.call_id + "'; ignored");
  }
  const Kind kind = Classify(e.event);
  const VisitKey key{e.call_id, Name(e.queue)};
  auto it = open_.find(key);
  if (it == open_.end()) {
    if (const auto ended = ended_.find(key); ended != ended_.end()) {
      return Diagnose(
          out, "duplicate_terminal", e.call_id, line,
          e.event + " after the visit ended at " + LineRef(ended->second.line) + "; ignored");
    }
  }
  // The durations Asterisk measured (data layouts in parsed.h).
  std::optional<int64_t> hold, talk, wait;
  std::string transferred_to;
  CallOutcome outcome = CallOutcome::kAnswered;
  switch (kind) {
    case Kind::kComplete:
      hold = DataDuration(e, 0, "holdtime", false, line, out);
      talk = DataDuration(e, 1, "calltime", false, line, out);
      break;
    case Kind::kTransfer:
    case Kind::kAttendedTransfer:
      transferred_to = Field(e, kind == Kind::kTransfer ? 0 : 1);
      hold = DataDuration(e, 2, "holdtime", false, line, out);
      talk = DataDuration(e, 3, "calltime", false, line, out);
      break;
    case Kind::kExitKey:
      outcome = CallOutcome::kExitKey;
      wait = DataDuration(e, 3, "waittime", false, line, out);
      break;
    default:
      outcome = kind == Kind::kAbandon   ? CallOutcome::kAbandoned
                : kind == Kind::kTimeout ? CallOutcome::kTimeout
                                         : CallOutcome::kExitEmpty;
      wait = DataDuration(e, 2, "waittime", false, line, out);
      break;
  }
  const bool answering = IsAnswering(kind);
  if (it == open_.end()) {
    // Rebuild the visit from the event alone.
    Supersede(e.call_id, &key, key.second, e.at, line, out);
    Visit v;
    v.call.pbx_call_id = e.call_id;
    v.call.direction = CallDirection::kInbound;
    v.call.queue = key.second;
    if (answering) {
      v.call.answered_at = e.at - milliseconds(talk.value_or(0));
      v.call.started_at = *v.call.answered_at - milliseconds(hold.value_or(0));
      v.call.agent = Name(e.agent);
      v.call.wait_ms = hold.value_or(0);
    } else {
      v.call.started_at = e.at - milliseconds(wait.value_or(0));
    }
    v.first_line = line;
    v.last_at = e.at;
    Diagnose(out, "terminal_without_enterqueue", e.call_id, line,
             e.event + " in queue " + key.second +
                 " without an open visit; rebuilt from its data, started " +
                 FormatRfc3339(v.call.started_at));
    it = open_.emplace(key, std::move(v)).first;
  }
  Visit& v = it->second;
  CallRecord& call = v.call;
  if (e.at + kReorderTolerance < call.started_at) {
    Diagnose(out, "unknown_event_order", e.call_id, line,
             e.event + " is " + Seconds(Span(e.at, call.started_at)) + " before its visit began");
  }
  if (answering) {
    if (!call.answered_at) {  // no CONNECT (yet): answered calltime before the end
      call.answered_at = std::max(call.started_at, e.at - milliseconds(talk.value_or(0)));
      call.agent = Name(e.agent);
      call.wait_ms = hold.value_or(Span(call.started_at, *call.answered_at));
    }
    if (call.agent.empty()) call.agent = Name(e.agent);
    call.ended_at = std::max(e.at, *call.answered_at);
    call.talk_ms = talk.value_or(Span(*call.answered_at, call.ended_at));
    if (kind != Kind::kComplete) {
      call.transfer_count = 1;
      call.transferred_to = transferred_to;
    }
  } else {
    if (call.answered_at) {
      Diagnose(out, "unknown_event_order", e.call_id, line,
               e.event + " after CONNECT at " + LineRef(v.connect_line) + "; outcome " +
                   std::string(CallOutcomeName(outcome)));
    }
    call.ended_at = std::max(e.at, call.answered_at.value_or(call.started_at));
    call.wait_ms = wait.value_or(Span(call.started_at, call.ended_at));
  }
  call.outcome = outcome;
  v.last_at = std::max(v.last_at, e.at);
  EndVisit(it, line, out);
}

void CallAssembler::OnRing(const QueueLogEvent& e, int64_t line, AssemblerOutput& out) {
  const std::string queue = Name(e.queue);
  if (!IsPseudoCallId(e.call_id)) {
    if (const auto it = open_.find({e.call_id, queue}); it != open_.end()) {
      ++it->second.ring_attempts;
      it->second.last_at = std::max(it->second.last_at, e.at);
    }
  }
  const std::string name = Name(e.agent);
  if (name.empty()) return;
  const std::optional<int64_t> ring = DataDuration(e, 0, "ringtime", true, line, out);
  Agent& agent = TrackAgent(name, queue, true);
  Announce(name, agent, queue, e.at - milliseconds(ring.value_or(0)), out, /*ringing=*/true);
  Announce(name, agent, queue, e.at, out);
}

void CallAssembler::OnAgentEvent(const QueueLogEvent& e, AssemblerOutput& out) {
  const std::string name = Name(e.agent);
  if (name.empty()) return;
  const std::string queue = Name(e.queue);
  const Kind kind = Classify(e.event);
  const bool membership =
      kind == Kind::kLogin || kind == Kind::kLogoff || kind == Kind::kRemoveMember;
  Agent& agent = TrackAgent(name, queue, !membership);
  switch (kind) {
    case Kind::kLogin:
      agent.explicit_login = true;
      agent.queues.insert(queue);
      break;
    case Kind::kLogoff:
    case Kind::kRemoveMember:
      agent.explicit_login = true;
      if (kind == Kind::kLogoff) {
        agent.queues.clear();
      } else {
        agent.queues.erase(queue);
      }
      if (agent.queues.empty()) {
        agent.paused = false;
        agent.pause_reason.clear();
      }
      break;
    case Kind::kPause:
      agent.paused = true;
      agent.pause_reason = Field(e, 0);
      break;
    default:  // kUnpause
      agent.paused = false;
      agent.pause_reason.clear();
      break;
  }
  Announce(name, agent, queue, e.at, out);
}

void CallAssembler::OnDid(const QueueLogEvent& e) {
  if (IsPseudoCallId(e.call_id)) return;
  const std::string did(Field(e, 0));
  bool applied = false;
  for (auto it = open_.lower_bound({e.call_id, ""});
       it != open_.end() && it->first.first == e.call_id; ++it) {
    it->second.call.callee = did;
    applied = true;
  }
  if (!applied) pending_dids_[e.call_id] = {did, e.at};
}

void CallAssembler::Supersede(const std::string& call_id, const VisitKey* except,
                              const std::string& new_queue, TimePoint at, int64_t line,
                              AssemblerOutput& out) {
  std::vector<VisitKey> keys;
  for (auto it = open_.lower_bound({call_id, ""}); it != open_.end() && it->first.first == call_id;
       ++it) {
    if (except == nullptr || it->first != *except) keys.push_back(it->first);
  }
  for (const VisitKey& key : keys) {
    const auto it = open_.find(key);
    CallRecord& call = it->second.call;
    call.ended_at = std::max(at, call.answered_at.value_or(call.started_at));
    if (call.answered_at) {  // an unlogged transfer into the new queue
      call.outcome = CallOutcome::kAnswered;
      call.talk_ms = Span(*call.answered_at, call.ended_at);
      call.transfer_count = 1;
      call.transferred_to = new_queue;
    } else {  // moved on without an exit event
      call.outcome = CallOutcome::kTimeout;
      call.wait_ms = Span(call.started_at, call.ended_at);
    }
    Diagnose(out, "no_terminal_event", call_id, it->second.first_line,
             "queue " + key.second + ": no exit event before entering queue " + new_queue + " at " +
                 LineRef(line) + "; closed then as " + std::string(CallOutcomeName(call.outcome)));
    EndVisit(it, line, out);
  }
}

void CallAssembler::EndVisit(std::map<VisitKey, Visit>::iterator it, int64_t line,
                             AssemblerOutput& out) {
  const VisitKey key = it->first;
  Visit& v = it->second;
  if (!v.has_enter && v.connect_line != 0) {
    Diagnose(out, "connect_without_enterqueue", key.first, v.connect_line,
             "queue " + key.second + ": no ENTERQUEUE; started_at inferred as CONNECT time - " +
                 Seconds(v.call.wait_ms) + " holdtime");
  }
  ended_[key] = {v.call.started_at, v.call.ended_at, v.has_enter, v.call.answered_at.has_value(),
                 line};
  const std::string agent = v.call.agent;
  const TimePoint ended_at = v.call.ended_at;
  out.calls.push_back(std::move(v.call));
  open_.erase(it);
  if (!agent.empty()) ReleaseAgent(agent, key, ended_at, out);
}

CallAssembler::Agent& CallAssembler::TrackAgent(const std::string& name, const std::string& queue,
                                                bool implies_membership) {
  Agent& agent = agents_[name];
  if (implies_membership && !agent.explicit_login) agent.queues.insert(queue);
  return agent;
}

void CallAssembler::Announce(const std::string& name, Agent& agent, const std::string& queue,
                             TimePoint at, AssemblerOutput& out, bool ringing) {
  AgentState state = AgentState::kAvailable;
  std::string reason;
  if (!agent.calls.empty()) {
    state = AgentState::kOnCall;
  } else if (agent.queues.empty()) {
    state = AgentState::kLoggedOut;
  } else if (agent.paused) {
    state = AgentState::kPaused;
    reason = agent.pause_reason;
  } else if (ringing) {
    state = AgentState::kRinging;
  }
  if (agent.announced && state == agent.state && reason == agent.reason) return;
  if (agent.announced) at = std::max(at, agent.last_change_at);
  out.states.push_back({at, name, state, reason, queue});
  agent.announced = true;
  agent.state = state;
  agent.reason = std::move(reason);
  agent.last_change_at = at;
}

void CallAssembler::ReleaseAgent(const std::string& name, const VisitKey& key, TimePoint at,
                                 AssemblerOutput& out) {
  Agent& agent = TrackAgent(name, key.second, true);
  agent.calls.erase(key);
  Announce(name, agent, key.second, at, out);
}

void CallAssembler::Forget(TimePoint horizon) {
  std::erase_if(ended_, [&](const auto& entry) { return entry.second.ended_at < horizon; });
  std::erase_if(pending_dids_, [&](const auto& entry) { return entry.second.at < horizon; });
}

}  // namespace callboard
