#pragma once
// Typed Asterisk Manager Interface events that Callboard follows for live queue state, as
// Asterisk 13–22 send them (apps/app_queue.c; field names from the AMI event documentation
// and a captured session):
//
//   QueueMemberStatus / QueueMemberPause / QueueMemberAdded / QueueMemberRemoved  (AmiQueueMember)
//   QueueCallerJoin / QueueCallerLeave / QueueCallerAbandon                      (AmiQueueCaller)
//   AgentCalled / AgentConnect / AgentComplete / AgentRingNoAnswer               (AmiAgentCall)
//   Hangup
//
// Any other event arrives as AmiGenericEvent with its whole message. Absent numeric fields
// read as 0 and absent text as "" (Asterisk leaves fields out across versions); a present
// field that is not a number makes ParseAmiEvent fail naming the event and the field.
//
//   Result<AmiEvent> e = ParseAmiEvent(message);
//   if (auto* pause = std::get_if<QueueMemberPauseEvent>(&*e)) Use(pause->member.paused);
//
// Thread-safety: values and pure functions.

#include <cstdint>
#include <string>
#include <variant>

#include "core/status.h"
#include "ingest/ami/ami_message.h"

namespace callboard {

// Asterisk's device state (enum ast_device_state), the numeric "Status" of member events.
enum class AmiDeviceState {
  kUnknown = 0,
  kNotInUse = 1,
  kInUse = 2,
  kBusy = 3,
  kInvalid = 4,
  kUnavailable = 5,
  kRinging = 6,
  kRingInUse = 7,
  kOnHold = 8,
};

// A queue member as member events describe it.
struct AmiQueueMember {
  std::string queue;
  std::string member_name;
  std::string interface;
  std::string state_interface;
  std::string membership;  // "static", "dynamic" or "realtime"
  int64_t penalty = 0;
  int64_t calls_taken = 0;
  int64_t last_call = 0;   // Unix seconds of the last call's end; 0 = none
  int64_t last_pause = 0;  // Unix seconds of the last pause; 0 = none
  int64_t login_time = 0;  // Unix seconds the member joined the queue
  bool in_call = false;
  AmiDeviceState status = AmiDeviceState::kUnknown;
  bool paused = false;
  std::string paused_reason;
  bool ring_in_use = false;
  int64_t wrapup_time = 0;  // seconds
};

struct QueueMemberStatusEvent {
  AmiQueueMember member;
};
struct QueueMemberPauseEvent {
  AmiQueueMember member;
};
struct QueueMemberAddedEvent {
  AmiQueueMember member;
};
struct QueueMemberRemovedEvent {
  AmiQueueMember member;
};

// A caller's channel (the fields common to channel events).
struct AmiChannel {
  std::string channel;
  std::string uniqueid;
  std::string linkedid;
  std::string caller_id_num;
  std::string caller_id_name;
};

struct QueueCallerJoinEvent {
  AmiChannel caller;
  std::string queue;
  int64_t position = 0;  // 1 = first in line
  int64_t count = 0;     // callers waiting, this one included
};
struct QueueCallerLeaveEvent {
  AmiChannel caller;
  std::string queue;
  int64_t position = 0;
  int64_t count = 0;  // callers still waiting
};
struct QueueCallerAbandonEvent {
  AmiChannel caller;
  std::string queue;
  int64_t position = 0;
  int64_t original_position = 0;
  int64_t hold_time = 0;  // seconds waited
};

// The queue call offered to a member: the caller, the member's channel (Dest*) and the member.
struct AmiAgentCall {
  AmiChannel caller;
  std::string dest_channel;
  std::string dest_uniqueid;
  std::string queue;
  std::string interface;
  std::string member_name;
};

struct AgentCalledEvent {
  AmiAgentCall call;
};
struct AgentConnectEvent {
  AmiAgentCall call;
  int64_t hold_time = 0;  // seconds the caller waited
  int64_t ring_time = 0;  // seconds the member's phone rang
};
struct AgentCompleteEvent {
  AmiAgentCall call;
  int64_t hold_time = 0;
  int64_t talk_time = 0;  // seconds
  std::string reason;     // "caller", "agent" or "transfer"
};
struct AgentRingNoAnswerEvent {
  AmiAgentCall call;
  int64_t ring_time = 0;  // milliseconds (sic: Asterisk reports this one in ms)
};

struct HangupEvent {
  AmiChannel channel;
  int64_t cause = 0;  // Q.850 cause code
  std::string cause_txt;
};

struct AmiGenericEvent {
  std::string name;  // the Event header
  AmiMessage message;
};

using AmiEvent =
    std::variant<QueueMemberStatusEvent, QueueMemberPauseEvent, QueueMemberAddedEvent,
                 QueueMemberRemovedEvent, QueueCallerJoinEvent, QueueCallerLeaveEvent,
                 QueueCallerAbandonEvent, AgentCalledEvent, AgentConnectEvent, AgentCompleteEvent,
                 AgentRingNoAnswerEvent, HangupEvent, AmiGenericEvent>;

// REQUIRES: message.is_event(). kInvalidArgument naming the event and field for a malformed
// number, or a member/caller event without its Queue.
Result<AmiEvent> ParseAmiEvent(const AmiMessage& message);

// The Event name of any parsed event.
std::string_view AmiEventName(const AmiEvent& event);

}  // namespace callboard
