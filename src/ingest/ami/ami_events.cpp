#include "ingest/ami/ami_events.h"

#include <charconv>

namespace callboard {

namespace {

// Reads one message's fields, remembering the first malformed one.
class FieldReader {
 public:
  FieldReader(const AmiMessage& m, std::string_view event) : m_(m), event_(event) {}

  std::string Text(std::string_view key) const { return std::string(m_.Value(key)); }

  int64_t Number(std::string_view key) {
    const std::string_view v = m_.Value(key);
    if (v.empty()) return 0;
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size()) {
      Bad(key, "is not a whole number: '" + std::string(v) + "'");
    }
    return n;
  }

  bool Flag(std::string_view key) {
    const std::string_view v = m_.Value(key);
    if (v.empty() || v == "0" || v == "false" || v == "no") return false;
    if (v == "1" || v == "true" || v == "yes") return true;
    Bad(key, "is not 0 or 1: '" + std::string(v) + "'");
    return false;
  }

  std::string Required(std::string_view key) {
    std::string v = Text(key);
    if (v.empty()) Bad(key, "is missing");
    return v;
  }

  Status status() const { return status_; }

 private:
  void Bad(std::string_view key, const std::string& what) {
    if (!status_.ok()) return;
    status_ =
        Status::Invalid({{std::string(key), "invalid", what}},
                        "AMI event " + std::string(event_) + ": " + std::string(key) + " " + what);
  }

  const AmiMessage& m_;
  std::string_view event_;
  Status status_;
};

AmiQueueMember ReadMember(FieldReader& r) {
  AmiQueueMember m;
  m.queue = r.Required("Queue");
  m.member_name = r.Text("MemberName");
  m.interface = r.Required("Interface");
  m.state_interface = r.Text("StateInterface");
  m.membership = r.Text("Membership");
  m.penalty = r.Number("Penalty");
  m.calls_taken = r.Number("CallsTaken");
  m.last_call = r.Number("LastCall");
  m.last_pause = r.Number("LastPause");
  m.login_time = r.Number("LoginTime");
  m.in_call = r.Flag("InCall");
  const int64_t status = r.Number("Status");
  m.status =
      status >= 0 && status <= 8 ? static_cast<AmiDeviceState>(status) : AmiDeviceState::kUnknown;
  m.paused = r.Flag("Paused");
  m.paused_reason = r.Text("PausedReason");
  m.ring_in_use = r.Flag("Ringinuse");
  m.wrapup_time = r.Number("Wrapuptime");
  return m;
}

AmiChannel ReadChannel(FieldReader& r) {
  return {.channel = r.Text("Channel"),
          .uniqueid = r.Text("Uniqueid"),
          .linkedid = r.Text("Linkedid"),
          .caller_id_num = r.Text("CallerIDNum"),
          .caller_id_name = r.Text("CallerIDName")};
}

AmiAgentCall ReadAgentCall(FieldReader& r) {
  return {.caller = ReadChannel(r),
          .dest_channel = r.Text("DestChannel"),
          .dest_uniqueid = r.Text("DestUniqueid"),
          .queue = r.Required("Queue"),
          .interface = r.Text("Interface"),
          .member_name = r.Text("MemberName")};
}

AmiEvent Parse(std::string_view name, const AmiMessage& m, FieldReader& r) {
  if (name == "QueueMemberStatus") return QueueMemberStatusEvent{ReadMember(r)};
  if (name == "QueueMemberPause") return QueueMemberPauseEvent{ReadMember(r)};
  if (name == "QueueMemberAdded") return QueueMemberAddedEvent{ReadMember(r)};
  if (name == "QueueMemberRemoved") return QueueMemberRemovedEvent{ReadMember(r)};
  if (name == "QueueCallerJoin") {
    return QueueCallerJoinEvent{.caller = ReadChannel(r),
                                .queue = r.Required("Queue"),
                                .position = r.Number("Position"),
                                .count = r.Number("Count")};
  }
  if (name == "QueueCallerLeave") {
    return QueueCallerLeaveEvent{.caller = ReadChannel(r),
                                 .queue = r.Required("Queue"),
                                 .position = r.Number("Position"),
                                 .count = r.Number("Count")};
  }
  if (name == "QueueCallerAbandon") {
    return QueueCallerAbandonEvent{.caller = ReadChannel(r),
                                   .queue = r.Required("Queue"),
                                   .position = r.Number("Position"),
                                   .original_position = r.Number("OriginalPosition"),
                                   .hold_time = r.Number("HoldTime")};
  }
  if (name == "AgentCalled") return AgentCalledEvent{ReadAgentCall(r)};
  if (name == "AgentConnect") {
    return AgentConnectEvent{.call = ReadAgentCall(r),
                             .hold_time = r.Number("HoldTime"),
                             .ring_time = r.Number("RingTime")};
  }
  if (name == "AgentComplete") {
    return AgentCompleteEvent{.call = ReadAgentCall(r),
                              .hold_time = r.Number("HoldTime"),
                              .talk_time = r.Number("TalkTime"),
                              .reason = r.Text("Reason")};
  }
  if (name == "AgentRingNoAnswer") {
    return AgentRingNoAnswerEvent{.call = ReadAgentCall(r), .ring_time = r.Number("RingTime")};
  }
  if (name == "Hangup") {
    return HangupEvent{
        .channel = ReadChannel(r), .cause = r.Number("Cause"), .cause_txt = r.Text("Cause-txt")};
  }
  return AmiGenericEvent{.name = std::string(name), .message = m};
}

}  // namespace

Result<AmiEvent> ParseAmiEvent(const AmiMessage& message) {
  const std::string_view name = message.Value("Event");
  FieldReader reader(message, name);
  AmiEvent event = Parse(name, message, reader);
  if (!reader.status().ok()) return reader.status();
  return event;
}

std::string_view AmiEventName(const AmiEvent& event) {
  struct Namer {
    std::string_view operator()(const QueueMemberStatusEvent&) const { return "QueueMemberStatus"; }
    std::string_view operator()(const QueueMemberPauseEvent&) const { return "QueueMemberPause"; }
    std::string_view operator()(const QueueMemberAddedEvent&) const { return "QueueMemberAdded"; }
    std::string_view operator()(const QueueMemberRemovedEvent&) const {
      return "QueueMemberRemoved";
    }
    std::string_view operator()(const QueueCallerJoinEvent&) const { return "QueueCallerJoin"; }
    std::string_view operator()(const QueueCallerLeaveEvent&) const { return "QueueCallerLeave"; }
    std::string_view operator()(const QueueCallerAbandonEvent&) const {
      return "QueueCallerAbandon";
    }
    std::string_view operator()(const AgentCalledEvent&) const { return "AgentCalled"; }
    std::string_view operator()(const AgentConnectEvent&) const { return "AgentConnect"; }
    std::string_view operator()(const AgentCompleteEvent&) const { return "AgentComplete"; }
    std::string_view operator()(const AgentRingNoAnswerEvent&) const { return "AgentRingNoAnswer"; }
    std::string_view operator()(const HangupEvent&) const { return "Hangup"; }
    std::string_view operator()(const AmiGenericEvent& e) const { return e.name; }
  };
  return std::visit(Namer{}, event);
}

}  // namespace callboard
