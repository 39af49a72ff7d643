#pragma once
// AmiSource: runs an asterisk-ami source. It keeps an AmiClient logged in to the PBX (the
// client reconnects with backoff on its own), turns the queue member and caller events it
// receives into CommittedBatches for live views, and offers the connection's PbxControl to
// the tenant's PbxRegistry while it runs.
//
// Events are handed from the client's I/O thread to the source's own thread, which collects
// what arrives within `kAmiBatchWindow`, resolves queue names and member interfaces to ids in
// one database write (KpiStore::EnsureQueue / EnsureAgentByPbxId) and gives the batch to the
// IngestObserver. The I/O thread never waits for the database. AMI produces no stored calls:
// those come from the queue_log or CDR sources.
//
// After each login it asks for QueueStatus, so the board starts from the members' current
// states (QueueMember events) rather than waiting for their next change.
//
// Event mapping (MapAmiEvent), queue_log event names so the live board treats both alike:
//   QueueMemberStatus / QueueMemberPause / QueueMemberAdded / QueueMember (QueueStatus's
//     answer, interface in Location) → the member's state in its queue
//     (paused → paused with PausedReason; else by device Status: unavailable/invalid →
//     logged_out, ringing/ring in use → ringing, on hold → on_hold, in use/busy or InCall →
//     on_call, otherwise available)
//   QueueMemberRemoved → logged_out, unless the member is still in another queue
//                        (AmiMemberships; the item is dropped then)
//   QueueCallerJoin    → ENTERQUEUE  data: "", CallerIDNum, Position   (call id: Uniqueid)
//   QueueCallerAbandon → ABANDON     data: Position, OriginalPosition, HoldTime
//   QueueCallerLeave   → LEAVEQUEUE  data: Position, Count (the caller left the queue, answered
//                                     or not; Asterisk sends it before AgentConnect)
//   AgentConnect       → CONNECT     agent: Interface; data: HoldTime, DestUniqueid, RingTime,
//                                     CallerIDNum (the caller, who has already left the queue)
//   AgentComplete      → COMPLETECALLER / COMPLETEAGENT / TRANSFER by Reason;
//                                     data: HoldTime, TalkTime
// Events and states take the clock's now as their time.
//
// Thread-safety: Run on one thread; stop it with the context's StopSignal.

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/agent_state.h"
#include "core/status.h"
#include "ingest/ami/ami_events.h"
#include "ingest/ingest_observer.h"
#include "ingest/sources/source_feed.h"

namespace callboard {

inline constexpr std::chrono::milliseconds kAmiBatchWindow{50};
inline constexpr size_t kMaxAmiBacklog = 20000;  // events waiting for the database; more drop

// One AMI event as live operations take it, before its queue and member become ids.
struct AmiLiveItem {
  std::string queue;                      // the queue's PBX name
  std::string interface;                  // the member's interface; "" when the item names none
  std::optional<CommittedEvent> event;    // a queue event (queue_id, agent_id not yet set) …
  std::optional<AgentStateChange> state;  // … or a member's state
  bool removed = false;                   // the member left `queue` (QueueMemberRemoved)
};

// What `e` means for live views at `now`; nullopt for events they do not follow.
std::optional<AmiLiveItem> MapAmiEvent(const AmiEvent& e, TimePoint now);
// The live state of a queue member as its event describes it.
AgentState AmiMemberState(const AmiQueueMember& m);

// The queues each member interface is in, as its member events tell, so that a member removed
// from one of several queues stays logged in. Cleared at each login: QueueStatus then tells
// every membership afresh.
class AmiMemberships {
 public:
  // Records what `item` tells; false when it is a removal that leaves the member in other
  // queues (the caller drops it).
  bool Keep(const AmiLiveItem& item);
  void Clear() { queues_.clear(); }

 private:
  std::map<std::string, std::set<std::string>> queues_;  // interface → queue names
};

class AmiSource {
 public:
  explicit AmiSource(const SourceContext& ctx) : ctx_(ctx) {}
  // Runs until the stop signal (OK).
  Status Run();

 private:
  const SourceContext& ctx_;
};

}  // namespace callboard
