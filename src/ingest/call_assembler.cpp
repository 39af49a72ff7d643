#include "ingest/call_assembler.h"

#include <algorithm>
#include <array>
#include <functional>
#include <utility>

namespace callboard {

namespace {

using std::chrono::milliseconds;

constexpr int64_t kMaxDurationMs = int64_t{24} * 3600 * 1000;  // longer is absurd
// Event time between sweeps of remembered visits: each sweep walks all of them, so sweeping
// every minute cost half the engine's time; an eighth of the timeout keeps memory within
// 9/8 of the timeout's worth of calls.
constexpr int kSweepsPerTimeout = 8;

}  // namespace

enum class QueueEventKind {
  kEnter,
  kConnect,
  kComplete,
  kTransfer,  // TRANSFER and BLINDTRANSFER: extension|context|holdtime|calltime
  kAttendedTransfer,
  kAbandon,
  kTimeout,
  kExitKey,
  kExitEmpty,
  kRingNoAnswer,
  kRingCanceled,
  kLogin,
  kLogoff,
  kRemoveMember,
  kPause,
  kUnpause,
  kDid,
  kOther,
};

namespace {

using Kind = QueueEventKind;

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
      {"RINGNOANSWER", Kind::kRingNoAnswer},
      {"RINGCANCELED", Kind::kRingCanceled},
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
std::string_view Name(std::string_view s) { return s == "NONE" ? std::string_view() : s; }

std::string_view Field(const QueueLogEventView& e, size_t i) { return e.Data(i); }

std::string Str(std::string_view s) { return std::string(s); }

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
std::optional<int64_t> DataDuration(const QueueLogEventView& e, size_t index,
                                    std::string_view field, bool millis, int64_t line,
                                    AssemblerOutput& out) {
  const std::string_view text = TrimSpace(Field(e, index));
  if (text.empty()) return std::nullopt;
  auto reject = [&](const char* kind, std::string_view why) {
    Diagnose(out, kind, Str(e.call_id), line,
             Str(e.event) + " " + std::string(field) + " '" + std::string(text) + "' " +
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
  const QueueLogEventView view = ViewOf(e, data_views_);
  Add(view, line, out);
}

void CallAssembler::Add(const QueueLogEventView& e, int64_t line, AssemblerOutput& out) {
  latest_ = std::max(latest_, e.at);
  if (latest_ >= next_sweep_) {
    Forget(latest_ - open_call_timeout_);
    next_sweep_ = latest_ + std::max<milliseconds>(std::chrono::minutes(1),
                                                   open_call_timeout_ / kSweepsPerTimeout);
  }
  const Kind kind = Classify(e.event);
  switch (kind) {
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
      return OnTerminal(e, kind, line, out);
    case Kind::kRingNoAnswer:
    case Kind::kRingCanceled:
      return OnRing(e, kind, line, out);
    case Kind::kLogin:
    case Kind::kLogoff:
    case Kind::kRemoveMember:
    case Kind::kPause:
    case Kind::kUnpause:
      return OnAgentEvent(e, kind, out);
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

void CallAssembler::OnEnter(const QueueLogEventView& e, int64_t line, AssemblerOutput& out) {
  if (IsPseudoCallId(e.call_id)) {
    return Diagnose(out, "call_event_without_callid", "", line,
                    "ENTERQUEUE with callid '" + Str(e.call_id) + "'; ignored");
  }
  const KeyView key{e.call_id, Name(e.queue)};
  const std::string_view caller = Field(e, 1);
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
      return Diagnose(out, "duplicate_enterqueue", Str(e.call_id), line,
                      "ENTERQUEUE repeats " + LineRef(v.first_line) + "; ignored");
    }
  }
  if (const auto ended = ended_.find(key); ended != ended_.end() && !ended->second.had_enter &&
                                           e.at <= ended->second.ended_at + kReorderTolerance) {
    return Diagnose(out, "unknown_event_order", Str(e.call_id), line,
                    "ENTERQUEUE after its visit ended at " + LineRef(ended->second.line) +
                        "; ignored, caller '" + Str(caller) + "' not recorded");
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
  open_.emplace(VisitKey(key.first, key.second), std::move(v));
}

void CallAssembler::OnConnect(const QueueLogEventView& e, int64_t line, AssemblerOutput& out) {
  if (IsPseudoCallId(e.call_id)) {
    return Diagnose(out, "call_event_without_callid", "", line,
                    "CONNECT with callid '" + Str(e.call_id) + "'; ignored");
  }
  const KeyView key{e.call_id, Name(e.queue)};
  auto it = open_.find(key);
  if (it != open_.end() && it->second.connect_line != 0) {
    return Diagnose(out, "duplicate_connect", Str(e.call_id), line,
                    "CONNECT repeats " + LineRef(it->second.connect_line) + "; ignored");
  }
  if (it == open_.end()) {
    if (const auto ended = ended_.find(key);
        ended != ended_.end() && e.at <= ended->second.ended_at + kReorderTolerance) {
      // A CONNECT line after its terminal event, which already carried the holdtime.
      if (!ended->second.answered) {
        Diagnose(out, "unknown_event_order", Str(e.call_id), line,
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
    it = open_.emplace(VisitKey(key.first, key.second), std::move(v)).first;
  }
  Visit& v = it->second;
  if (e.at + kReorderTolerance < v.call.started_at) {
    Diagnose(out, "unknown_event_order", Str(e.call_id), line,
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
    const auto at = std::lower_bound(agent.calls.begin(), agent.calls.end(), key, KeyLess());
    if (at == agent.calls.end() || KeyView(at->first, at->second) != key) {
      agent.calls.emplace(at, key.first, key.second);
    }
    Announce(v.call.agent, agent, key.second, e.at, out);
  }
}

void CallAssembler::OnTerminal(const QueueLogEventView& e, Kind kind, int64_t line,
                               AssemblerOutput& out) {
  if (IsPseudoCallId(e.call_id)) {
    return Diagnose(out, "call_event_without_callid", "", line,
                    Str(e.event) + " with callid '" + Str(e.call_id) + "'; ignored");
  }
  const KeyView key{e.call_id, Name(e.queue)};
  auto it = open_.find(key);
  if (it == open_.end()) {
    if (const auto ended = ended_.find(key); ended != ended_.end()) {
      return Diagnose(
          out, "duplicate_terminal", Str(e.call_id), line,
          Str(e.event) + " after the visit ended at " + LineRef(ended->second.line) + "; ignored");
    }
  }
  // The durations Asterisk measured (data layouts in parsed.h).
  std::optional<int64_t> hold, talk, wait;
  std::string_view transferred_to;
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
    Diagnose(out, "terminal_without_enterqueue", Str(e.call_id), line,
             Str(e.event) + " in queue " + Str(key.second) +
                 " without an open visit; rebuilt from its data, started " +
                 FormatRfc3339(v.call.started_at));
    it = open_.emplace(VisitKey(key.first, key.second), std::move(v)).first;
  }
  Visit& v = it->second;
  CallRecord& call = v.call;
  if (e.at + kReorderTolerance < call.started_at) {
    Diagnose(
        out, "unknown_event_order", Str(e.call_id), line,
        Str(e.event) + " is " + Seconds(Span(e.at, call.started_at)) + " before its visit began");
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
      Diagnose(out, "unknown_event_order", Str(e.call_id), line,
               Str(e.event) + " after CONNECT at " + LineRef(v.connect_line) + "; outcome " +
                   std::string(CallOutcomeName(outcome)));
    }
    call.ended_at = std::max(e.at, call.answered_at.value_or(call.started_at));
    call.wait_ms = wait.value_or(Span(call.started_at, call.ended_at));
  }
  call.outcome = outcome;
  v.last_at = std::max(v.last_at, e.at);
  EndVisit(it, line, out);
}

void CallAssembler::OnRing(const QueueLogEventView& e, Kind kind, int64_t line,
                           AssemblerOutput& out) {
  const std::string_view queue = Name(e.queue);
  Visit* visit = nullptr;
  if (!IsPseudoCallId(e.call_id)) {
    if (const auto it = open_.find(KeyView{e.call_id, queue}); it != open_.end()) {
      visit = &it->second;
      ++visit->ring_attempts;
      visit->last_at = std::max(visit->last_at, e.at);
    }
  }
  const std::string_view name = Name(e.agent);
  if (name.empty()) return;
  const std::optional<int64_t> ring = DataDuration(e, 0, "ringtime", true, line, out);
  if (visit != nullptr && kind == Kind::kRingNoAnswer) {
    visit->call.ring_attempts.push_back({std::string(name), ring.value_or(0), e.at});
  }
  Agent& agent = TrackAgent(name, queue, true);
  Announce(name, agent, queue, e.at - milliseconds(ring.value_or(0)), out, /*ringing=*/true);
  Announce(name, agent, queue, e.at, out);
}

void CallAssembler::OnAgentEvent(const QueueLogEventView& e, Kind kind, AssemblerOutput& out) {
  const std::string_view name = Name(e.agent);
  if (name.empty()) return;
  const std::string_view queue = Name(e.queue);
  const bool membership =
      kind == Kind::kLogin || kind == Kind::kLogoff || kind == Kind::kRemoveMember;
  Agent& agent = TrackAgent(name, queue, !membership);
  switch (kind) {
    case Kind::kLogin:
      agent.explicit_login = true;
      if (agent.queues.find(queue) == agent.queues.end()) agent.queues.emplace(queue);
      break;
    case Kind::kLogoff:
    case Kind::kRemoveMember:
      agent.explicit_login = true;
      if (kind == Kind::kLogoff) {
        agent.queues.clear();
      } else {
        if (const auto q = agent.queues.find(queue); q != agent.queues.end()) {
          agent.queues.erase(q);
        }
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

void CallAssembler::OnDid(const QueueLogEventView& e) {
  if (IsPseudoCallId(e.call_id)) return;
  const std::string_view did = Field(e, 0);
  bool applied = false;
  for (auto it = open_.lower_bound(KeyView{e.call_id, ""});
       it != open_.end() && it->first.first == e.call_id; ++it) {
    it->second.call.callee = did;
    applied = true;
  }
  if (applied) return;
  auto pending = pending_dids_.find(e.call_id);
  if (pending == pending_dids_.end())
    pending = pending_dids_.emplace(e.call_id, PendingDid{}).first;
  pending->second = {std::string(did), e.at};
}

void CallAssembler::Supersede(std::string_view call_id, const KeyView* except,
                              std::string_view new_queue, TimePoint at, int64_t line,
                              AssemblerOutput& out) {
  auto first = open_.lower_bound(KeyView{call_id, ""});
  if (first == open_.end() || first->first.first != call_id) return;  // the common case
  std::vector<VisitKey> keys;
  for (auto it = first; it != open_.end() && it->first.first == call_id; ++it) {
    if (except == nullptr || KeyView(it->first.first, it->first.second) != *except) {
      keys.push_back(it->first);
    }
  }
  for (const VisitKey& key : keys) {
    const auto it = open_.find(key);
    CallRecord& call = it->second.call;
    call.ended_at = std::max(at, call.answered_at.value_or(call.started_at));
    if (call.answered_at) {  // an unlogged transfer into the new queue
      call.outcome = CallOutcome::kAnswered;
      call.talk_ms = Span(*call.answered_at, call.ended_at);
      call.transfer_count = 1;
      call.transferred_to = std::string(new_queue);
    } else {  // moved on without an exit event
      call.outcome = CallOutcome::kTimeout;
      call.wait_ms = Span(call.started_at, call.ended_at);
    }
    Diagnose(out, "no_terminal_event", Str(call_id), it->second.first_line,
             "queue " + key.second + ": no exit event before entering queue " + Str(new_queue) +
                 " at " + LineRef(line) + "; closed then as " +
                 std::string(CallOutcomeName(call.outcome)));
    EndVisit(it, line, out);
  }
}

void CallAssembler::EndVisit(OpenVisits::iterator it, int64_t line, AssemblerOutput& out) {
  Visit& v = it->second;
  const VisitKey& key = it->first;
  if (!v.has_enter && v.connect_line != 0) {
    Diagnose(out, "connect_without_enterqueue", key.first, v.connect_line,
             "queue " + key.second + ": no ENTERQUEUE; started_at inferred as CONNECT time - " +
                 Seconds(v.call.wait_ms) + " holdtime");
  }
  const EndedVisit ended{v.call.started_at, v.call.ended_at, v.has_enter,
                         v.call.answered_at.has_value(), line};
  RememberEnded(key, ended);
  out.calls.push_back(std::move(v.call));
  const CallRecord& call = out.calls.back();
  if (!call.agent.empty())
    ReleaseAgent(call.agent, KeyView(key.first, key.second), call.ended_at, out);
  open_.erase(it);
}

CallAssembler::Agent& CallAssembler::TrackAgent(std::string_view name, std::string_view queue,
                                                bool implies_membership) {
  auto it = agents_.find(name);
  if (it == agents_.end()) it = agents_.emplace(name, Agent{}).first;
  Agent& agent = it->second;
  if (implies_membership && !agent.explicit_login &&
      agent.queues.find(queue) == agent.queues.end()) {
    agent.queues.emplace(queue);
  }
  return agent;
}

void CallAssembler::Announce(std::string_view name, Agent& agent, std::string_view queue,
                             TimePoint at, AssemblerOutput& out, bool ringing) {
  AgentState state = AgentState::kAvailable;
  std::string_view reason;
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
  out.states.push_back({at, std::string(name), state, std::string(reason), std::string(queue)});
  agent.announced = true;
  agent.state = state;
  agent.reason = reason;
  agent.last_change_at = at;
}

void CallAssembler::ReleaseAgent(std::string_view name, const KeyView& key, TimePoint at,
                                 AssemblerOutput& out) {
  Agent& agent = TrackAgent(name, key.second, true);
  if (const auto call = std::lower_bound(agent.calls.begin(), agent.calls.end(), key, KeyLess());
      call != agent.calls.end() && KeyView(call->first, call->second) == key) {
    agent.calls.erase(call);
  }
  Announce(name, agent, key.second, at, out);
}

void CallAssembler::RememberEnded(const VisitKey& key, const EndedVisit& ended) {
  if (auto it = ended_.find(key); it != ended_.end()) {
    it->second = ended;
  } else {
    ended_.emplace(key, ended);
  }
  IndexEnded(key, ended.ended_at);
}

void CallAssembler::IndexEnded(const VisitKey& key, TimePoint ended_at) {
  uint32_t slot = 0;
  if (free_slots_.empty()) {
    slot = static_cast<uint32_t>(ended_keys_.size());
    ended_keys_.push_back(key);
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
    ended_keys_[slot].first.assign(key.first);  // reuses the strings' capacity
    ended_keys_[slot].second.assign(key.second);
  }
  ended_by_time_.push_back({ToUnixMillis(ended_at), slot});
  std::push_heap(ended_by_time_.begin(), ended_by_time_.end(), std::greater<>());
}

void CallAssembler::Forget(TimePoint horizon) {
  const int64_t horizon_ms = ToUnixMillis(horizon);
  while (!ended_by_time_.empty() && ended_by_time_.front().ended_ms < horizon_ms) {
    std::pop_heap(ended_by_time_.begin(), ended_by_time_.end(), std::greater<>());
    const uint32_t slot = ended_by_time_.back().slot;
    ended_by_time_.pop_back();
    // The visit may have been remembered again since (with its own, later, heap entry).
    if (auto it = ended_.find(ended_keys_[slot]);
        it != ended_.end() && it->second.ended_at < horizon) {
      ended_.erase(it);
    }
    free_slots_.push_back(slot);
  }
  std::erase_if(pending_dids_, [&](const auto& entry) { return entry.second.at < horizon; });
}

}  // namespace callboard
