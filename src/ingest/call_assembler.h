#pragma once
// CallAssembler: Asterisk queue_log events (QueueLogEvent, parsed.h) → one CallRecord per queue
// visit and the agents' AgentStateChanges (DESIGN §3.1, §3.2), with data-quality diagnostics
// (DESIGN §3.4a). Fed in file order; keeps the visits still in progress, so a tail can stop and
// resume mid-call through SaveState/LoadState.
//
//   CallAssembler assembler;
//   AssemblerOutput out;
//   for (each event e at line n) assembler.Add(e, n, out);
//   assembler.Expire(latest_event_time, out);  // as time advances
//   // out.calls, out.states, out.diagnostics; checkpoint assembler.SaveState()
//
// Calls. A visit is keyed by callid + queue and starts at ENTERQUEUE (caller = callerid, callee
// = the DID of a custom `DID` event for the callid, when one is logged). CONNECT sets
// answered_at, agent and wait (holdtime). COMPLETECALLER/COMPLETEAGENT end it as answered (talk
// = calltime); TRANSFER/BLINDTRANSFER/ATTENDEDTRANSFER likewise, with transfer_count 1 and
// transferred_to = the extension (the method data for attended transfers). ABANDON,
// EXITWITHTIMEOUT, EXITWITHKEY and EXITEMPTY end it unanswered (wait = waittime). Durations come
// from the event data (what Asterisk measured), and from event times only when the data lacks them
// or holds garbage (diagnosed); ended_at is the terminal event's time. hold_ms and acw_ms stay 0:
// queue_log logs neither. RINGNOANSWER/RINGCANCELED are ring attempts, counted on the visit.
// Every queue visit is inbound. The same callid entering a queue again is a new visit; entering
// any queue while a visit of the same callid is still open ends that visit at the new entry
// time (an unlogged transfer — FreePBX writes none — when connected, else a timeout), with a
// `no_terminal_event` diagnostic.
//
// Agents. States are tracked per agent identity (the event's agent field):
//   AGENTLOGIN, AGENTCALLBACKLOGIN, ADDMEMBER → available; AGENTLOGOFF, AGENTCALLBACKLOGOFF →
//   logged_out; REMOVEMEMBER → logged_out once removed from every queue it was seen in;
//   PAUSE/PAUSEALL → paused (reason = data field 0); UNPAUSE/UNPAUSEALL → available; CONNECT →
//   on_call; COMPLETE*, TRANSFER* → available (queue_log has no after-call work: wrapuptime is
//   not logged); RINGNOANSWER/RINGCANCELED → ringing from (event time − ring time), available
//   at the event time.
// The emitted state is the most telling one: on_call while any call is connected (a pause or a
// removal during a call shows when it ends), then logged_out, paused, ringing, available.
// A change is emitted only when state or reason changes, and never earlier than the agent's
// previous change (times are clamped forward). Static members never log in: until an agent's
// first login/logoff/add/remove event, any event naming it in a queue makes it a member of
// that queue from then on, so its first change is what that event implies (often available).
//
// Quirks (DESIGN §3.4a), each with a diagnostic (AssemblyDiagnostic::kind):
//   connect_without_enterqueue  CONNECT opened the visit: started_at = CONNECT time − holdtime
//                               (emitted when the visit ends; a late ENTERQUEUE within the
//                               reorder tolerance repairs the visit silently instead).
//   terminal_without_enterqueue a terminal event for no open visit: the visit is rebuilt from
//                               its data (started_at = event time − calltime − holdtime, or −
//                               waittime) and emitted at once.
//   duplicate_terminal          a second terminal event for a visit already ended (within
//                               open_call_timeout of event time): ignored. duplicate_connect and
//                               duplicate_enterqueue likewise.
//   no_terminal_event           Expire() or a re-entry closed the visit. Expired visits end at
//                               their last event: answered (talk 0) when connected, else
//                               abandoned (wait = last event − entry).
//   negative_duration, absurd_duration (> 24 h), bad_duration (not a number): the field is
//                               ignored and the timestamp difference (clamped at 0) used.
//   unknown_event_order         an event contradicts the visit's history beyond kReorderTolerance
//                               (10 s): ENTERQUEUE after its visit ended, an exit after CONNECT,
//                               an event time far before the visit's start. Within the tolerance,
//                               out-of-order lines are absorbed silently (times clamped).
//   call_event_without_callid   ENTERQUEUE/CONNECT/terminal with callid NONE, CLI, MANAGER,
//                               REALTIME or empty: ignored.
// Unknown and custom events (INFO, QUEUESTART, …) are ignored, never an error.
//
// Thread-safety: NOT thread-safe; one assembler per source stream.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/agent_state.h"
#include "core/call_record.h"
#include "core/clock.h"
#include "core/status.h"
#include "ingest/parsed.h"

namespace callboard {

struct AssemblyDiagnostic {
  std::string kind;     // see the list above, e.g. "connect_without_enterqueue"
  std::string call_id;  // the PBX callid; empty for agent-only problems
  int64_t line = 0;     // line of the event concerned (the visit's first line for expiries)
  std::string detail;   // human sentence with the values involved
};

struct AssemblerOutput {
  std::vector<CallRecord> calls;
  std::vector<AgentStateChange> states;
  std::vector<AssemblyDiagnostic> diagnostics;
};

class CallAssembler {
 public:
  explicit CallAssembler(std::chrono::seconds open_call_timeout = std::chrono::hours(4));

  // Feeds one event; `line` is its 1-based line in the stream. Appends the calls that ended,
  // the agent state changes and diagnostics to `out`.
  // REQUIRES: events in stream order.
  void Add(const QueueLogEvent& e, int64_t line, AssemblerOutput& out);
  // Closes (no_terminal_event) every open visit whose last event is at least open_call_timeout
  // before `now` (event time, not wall time), and forgets ended visits that old.
  void Expire(TimePoint now, AssemblerOutput& out);
  // End of one input. Emits nothing: open visits stay open, as they may end in the next file or
  // tail read; OpenCalls() reports them and Expire() closes them.
  void Finish(AssemblerOutput& out);

  size_t OpenCalls() const { return open_.size(); }
  // First line of the oldest open visit (where a re-read must start to rebuild it); 0 when none.
  int64_t OldestOpenLine() const;

  // Everything needed to resume mid-call: open visits, recently ended visits (for duplicate
  // detection), agents and pending DIDs. Versioned text, one record per line.
  std::string SaveState() const;
  // Replaces this assembler's state with one from SaveState(). On error (kInvalidArgument:
  // unknown version, malformed or truncated text) the state is left unchanged.
  [[nodiscard]] Status LoadState(std::string_view state);

  // Out-of-order lines within this much event time are absorbed without a diagnostic.
  static constexpr std::chrono::seconds kReorderTolerance{10};

 private:
  using VisitKey = std::pair<std::string, std::string>;  // callid, queue
  struct Visit {
    CallRecord call;           // the fields known so far
    bool has_enter = false;    // ENTERQUEUE seen (else started_at was inferred)
    int64_t first_line = 0;    // earliest line of the visit
    int64_t connect_line = 0;  // 0 until CONNECT (never, for visits rebuilt from a terminal)
    TimePoint last_at;         // latest event time of the visit (for Expire)
    int ring_attempts = 0;     // RINGNOANSWER + RINGCANCELED
  };
  struct EndedVisit {  // remembered to recognize duplicates and late lines
    TimePoint started_at;
    TimePoint ended_at;
    bool had_enter = false;
    bool answered = false;
    int64_t line = 0;  // the terminal event's line
  };
  struct Agent {
    bool explicit_login = false;   // a login/logoff/add/remove was seen: no implied membership
    std::set<std::string> queues;  // member of ("" = logged in without a queue)
    std::set<VisitKey> calls;      // connected visits not yet ended
    bool paused = false;
    std::string pause_reason;
    bool announced = false;  // a state was emitted (state/reason below are valid)
    AgentState state = AgentState::kLoggedOut;
    std::string reason;
    TimePoint last_change_at;
  };
  struct PendingDid {
    std::string did;
    TimePoint at;
  };

  void OnEnter(const QueueLogEvent& e, int64_t line, AssemblerOutput& out);
  void OnConnect(const QueueLogEvent& e, int64_t line, AssemblerOutput& out);
  void OnTerminal(const QueueLogEvent& e, int64_t line, AssemblerOutput& out);
  void OnRing(const QueueLogEvent& e, int64_t line, AssemblerOutput& out);
  void OnAgentEvent(const QueueLogEvent& e, AssemblerOutput& out);
  void OnDid(const QueueLogEvent& e);
  // Ends every open visit of `call_id` other than `except` at `at` (an entry elsewhere).
  void Supersede(const std::string& call_id, const VisitKey* except, const std::string& new_queue,
                 TimePoint at, int64_t line, AssemblerOutput& out);
  // Emits the visit as a call and forgets it; releases its agent.
  void EndVisit(std::map<VisitKey, Visit>::iterator it, int64_t line, AssemblerOutput& out);
  Agent& TrackAgent(const std::string& name, const std::string& queue, bool implies_membership);
  // Emits the agent's state if it changed; `ringing` while a ring attempt lasts.
  void Announce(const std::string& name, Agent& agent, const std::string& queue, TimePoint at,
                AssemblerOutput& out, bool ringing = false);
  void ReleaseAgent(const std::string& name, const VisitKey& key, TimePoint at,
                    AssemblerOutput& out);
  void Forget(TimePoint horizon);

  std::chrono::milliseconds open_call_timeout_;
  std::map<VisitKey, Visit> open_;
  std::map<VisitKey, EndedVisit> ended_;
  std::map<std::string, Agent> agents_;
  std::map<std::string, PendingDid> pending_dids_;  // by callid, until its ENTERQUEUE
  TimePoint latest_;                                // latest event time seen
  TimePoint next_sweep_;                            // when to forget old ended visits and DIDs next
};

}  // namespace callboard
