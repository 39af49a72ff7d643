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
// queue_log logs neither. RINGNOANSWER/RINGCANCELED are ring attempts, counted on the visit;
// each RINGNOANSWER naming an agent is also kept on the call (CallRecord::ring_attempts: agent,
// ring time in ms — 0 when its data is unusable — and the event time).
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
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/agent_state.h"
#include "core/call_record.h"
#include "core/clock.h"
#include "core/status.h"
#include "core/string_hash.h"
#include "ingest/parsed.h"

namespace callboard {

enum class QueueEventKind;  // what the assembler makes of an event name (call_assembler.cpp)

using AssemblyDiagnostic = IngestDiagnostic;  // kind: see the list above

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
  // The same for an event held as views (AsteriskQueueLogParser::ParseEvent): nothing is
  // copied but what the output and the open visits keep.
  void Add(const QueueLogEventView& e, int64_t line, AssemblerOutput& out);
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
  using KeyView = std::pair<std::string_view, std::string_view>;
  // Orders VisitKeys as std::pair does, and finds them by KeyView without building a key.
  struct KeyLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      const int first = std::string_view(a.first).compare(std::string_view(b.first));
      return first < 0 || (first == 0 && std::string_view(a.second) < std::string_view(b.second));
    }
  };
  // Hashes and compares VisitKeys and KeyViews alike (lookups without building a key).
  struct KeyHash {
    using is_transparent = void;
    template <typename K>
    size_t operator()(const K& k) const {
      const size_t h = std::hash<std::string_view>()(std::string_view(k.first));
      return h ^ (std::hash<std::string_view>()(std::string_view(k.second)) + 0x9e3779b9 +
                  (h << 6) + (h >> 2));
    }
  };
  struct KeyEq {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return std::string_view(a.first) == std::string_view(b.first) &&
             std::string_view(a.second) == std::string_view(b.second);
    }
  };
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
    bool explicit_login = false;  // a login/logoff/add/remove was seen: no implied membership
    std::set<std::string, std::less<>> queues;  // member of ("" = logged in without a queue)
    std::vector<VisitKey> calls;                // connected visits not yet ended, in order
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
  using OpenVisits = std::map<VisitKey, Visit, KeyLess>;

  void OnEnter(const QueueLogEventView& e, int64_t line, AssemblerOutput& out);
  void OnConnect(const QueueLogEventView& e, int64_t line, AssemblerOutput& out);
  void OnTerminal(const QueueLogEventView& e, QueueEventKind kind, int64_t line,
                  AssemblerOutput& out);
  void OnRing(const QueueLogEventView& e, QueueEventKind kind, int64_t line, AssemblerOutput& out);
  void OnAgentEvent(const QueueLogEventView& e, QueueEventKind kind, AssemblerOutput& out);
  void OnDid(const QueueLogEventView& e);
  // Ends every open visit of `call_id` other than `except` at `at` (an entry elsewhere).
  void Supersede(std::string_view call_id, const KeyView* except, std::string_view new_queue,
                 TimePoint at, int64_t line, AssemblerOutput& out);
  // Emits the visit as a call and forgets it; releases its agent.
  void EndVisit(OpenVisits::iterator it, int64_t line, AssemblerOutput& out);
  Agent& TrackAgent(std::string_view name, std::string_view queue, bool implies_membership);
  // Emits the agent's state if it changed; `ringing` while a ring attempt lasts.
  void Announce(std::string_view name, Agent& agent, std::string_view queue, TimePoint at,
                AssemblerOutput& out, bool ringing = false);
  void ReleaseAgent(std::string_view name, const KeyView& key, TimePoint at, AssemblerOutput& out);
  void Forget(TimePoint horizon);
  // Remembers (or updates) an ended visit, keeping ended_by_time_ in step.
  void IndexEnded(const VisitKey& key, TimePoint ended_at);
  void RememberEnded(const VisitKey& key, const EndedVisit& ended);

  std::chrono::milliseconds open_call_timeout_;
  OpenVisits open_;
  std::unordered_map<VisitKey, EndedVisit, KeyHash, KeyEq> ended_;
  // A min-heap of (ended_at, slot of the key in ended_keys_), one entry per RememberEnded:
  // Forget pops the old ones instead of walking ended_ (an entry whose visit was remembered
  // again later is skipped). Small entries keep the heap's moves cheap; slots are reused.
  struct EndedEntry {
    int64_t ended_ms = 0;
    uint32_t slot = 0;
    bool operator>(const EndedEntry& o) const {
      return ended_ms > o.ended_ms || (ended_ms == o.ended_ms && slot > o.slot);
    }
  };
  std::vector<EndedEntry> ended_by_time_;
  std::vector<VisitKey> ended_keys_;
  std::vector<uint32_t> free_slots_;
  std::unordered_map<std::string, Agent, StringHash, std::equal_to<>> agents_;
  std::map<std::string, PendingDid, std::less<>> pending_dids_;  // by callid, until ENTERQUEUE
  std::vector<std::string_view> data_views_;  // Add(QueueLogEvent): the event's data as views
  TimePoint latest_;                          // latest event time seen
  TimePoint next_sweep_;                      // when to forget old ended visits and DIDs next
};

}  // namespace callboard
