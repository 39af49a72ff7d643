#include "ingest/ami/ami_pbx_control.h"

#include <future>

#include "ingest/ami/ami_client.h"

namespace callboard {

namespace {

// Collects the field errors of one request.
class Checker {
 public:
  explicit Checker(std::string action) : action_(std::move(action)) {}

  void Required(const std::string& field, const std::string& value) {
    if (value.empty()) Add(field, "required", "is required");
    Text(field, value);
  }
  void Text(const std::string& field, const std::string& value) {
    if (value.find_first_of("\r\n") != std::string::npos) {
      Add(field, "invalid", "must not contain line breaks");
    }
  }
  void Add(const std::string& field, const std::string& code, const std::string& message) {
    errors_.push_back({field, code, message});
  }
  Status status() const {
    if (errors_.empty()) return Status::Ok();
    return Status::Invalid(errors_,
                           action_ + ": " + errors_.front().field + " " + errors_.front().message);
  }

 private:
  std::string action_;
  std::vector<FieldError> errors_;
};

const char* TrueFalse(bool b) { return b ? "true" : "false"; }

}  // namespace

Result<AmiAction> QueuePauseAction(const PauseRequest& request) {
  Checker check("QueuePause");
  check.Required("interface", request.interface);
  if (request.queue) check.Required("queue", *request.queue);
  check.Text("reason", request.reason);
  CB_RETURN_IF_ERROR(check.status());
  AmiAction action{.name = "QueuePause"};
  if (request.queue) action.Set("Queue", *request.queue);
  action.Set("Interface", request.interface).Set("Paused", TrueFalse(request.paused));
  if (!request.reason.empty()) action.Set("Reason", request.reason);
  return action;
}

Result<AmiAction> QueueAddAction(const QueueAddRequest& request) {
  Checker check("QueueAdd");
  check.Required("queue", request.queue);
  check.Required("interface", request.interface);
  check.Text("member_name", request.member_name);
  if (request.penalty < 0) check.Add("penalty", "invalid", "must not be negative");
  CB_RETURN_IF_ERROR(check.status());
  AmiAction action{.name = "QueueAdd"};
  action.Set("Queue", request.queue).Set("Interface", request.interface);
  action.Set("Penalty", std::to_string(request.penalty)).Set("Paused", TrueFalse(request.paused));
  action.Set("MemberName", request.member_name.empty() ? request.interface : request.member_name);
  return action;
}

Result<AmiAction> QueueRemoveAction(const QueueRemoveRequest& request) {
  Checker check("QueueRemove");
  check.Required("queue", request.queue);
  check.Required("interface", request.interface);
  CB_RETURN_IF_ERROR(check.status());
  AmiAction action{.name = "QueueRemove"};
  action.Set("Queue", request.queue).Set("Interface", request.interface);
  return action;
}

// ChanSpy([chanprefix,[options]]), options as documented for Asterisk 18–22
// (https://docs.asterisk.org/Asterisk_20_Documentation/API_Documentation/Dialplan_Applications/ChanSpy):
//   q — don't play a beep when spying starts, or speak the selected channel's name;
//   w — "whisper" mode: the spying channel can talk to the spied-on channel (the agent);
//   B — barge: instead of whispering to one channel, talk to both channels of the call;
//   E — exit when the spied-on channel hangs up (the supervisor is not moved on to the
//       agent's next call, nor to another channel matching the prefix);
//   S — stop when no channel is left to spy on (no call to join: ChanSpy ends at once instead
//       of keeping the supervisor's phone in silence).
// Without w or B the supervisor only listens. A real Asterisk answers "qES" with
// "Originate successfully queued" and ChanSpyStart (see testdata/ingest/ami/ami-session.txt).
const char* ChanSpyOptionLetters(MonitorMode mode) {
  switch (mode) {
    case MonitorMode::kListen:
      return "qES";
    case MonitorMode::kWhisper:
      return "qwES";
    case MonitorMode::kBarge:
      return "qBES";
  }
  return "qES";
}

Result<AmiAction> ChanSpyOriginateAction(const MonitorRequest& request,
                                         const ChanSpyOptions& options) {
  Checker check("Originate");
  check.Required("supervisor_extension", request.supervisor_extension);
  if (request.supervisor_extension.find_first_not_of(
          "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.+*#-") !=
      std::string::npos) {
    check.Add("supervisor_extension", "invalid",
              "must be letters, digits or _ . + * # - (an extension, not a channel)");
  }
  check.Required("agent_channel", request.agent_channel);
  if (request.agent_channel.find_first_of(",|") != std::string::npos) {
    check.Add("agent_channel", "invalid", "must not contain ',' or '|'");
  }
  check.Text("caller_id", request.caller_id);
  const size_t slot = options.channel_template.find("{ext}");
  if (slot == std::string::npos) {
    check.Add("channel_template", "invalid", "must contain {ext}");
  }
  CB_RETURN_IF_ERROR(check.status());
  std::string channel = options.channel_template;
  channel.replace(slot, 5, request.supervisor_extension);
  AmiAction action{.name = "Originate"};
  action.Set("Channel", channel).Set("Application", "ChanSpy");
  action.Set("Data", request.agent_channel + "," + ChanSpyOptionLetters(request.mode));
  action.Set("Async", "true");
  action.Set("CallerID", request.caller_id.empty() ? options.default_caller_id : request.caller_id);
  return action;
}

Status AmiPbxControl::Execute(Result<AmiAction> action) {
  if (!action) return action.error();
  const std::string name = action->name;
  std::future<Result<AmiMessage>> response = client_.Send(std::move(*action));
  if (response.wait_for(wait_) != std::future_status::ready) {
    return Status::Unavailable("no AMI response to " + name + " in time");
  }
  Result<AmiMessage> message = response.get();
  if (!message) return message.error();
  if (message->Value("Response") == "Success") return Status::Ok();
  const std::string_view text = message->Value("Message");
  return Status(StatusCode::kFailedPrecondition,
                "the PBX refused " + name + ": " +
                    (text.empty() ? std::string("no reason given") : std::string(text)));
}

Status AmiPbxControl::Pause(const PauseRequest& request) {
  return Execute(QueuePauseAction(request));
}

Status AmiPbxControl::AddMember(const QueueAddRequest& request) {
  return Execute(QueueAddAction(request));
}

Status AmiPbxControl::RemoveMember(const QueueRemoveRequest& request) {
  return Execute(QueueRemoveAction(request));
}

Status AmiPbxControl::Monitor(const MonitorRequest& request) {
  return Execute(ChanSpyOriginateAction(request, chanspy_));
}

}  // namespace callboard
