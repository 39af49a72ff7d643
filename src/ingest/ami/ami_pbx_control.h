#pragma once
// The AMI actions behind PbxControl, and AmiPbxControl, which sends them over an AmiClient.
//
//   QueuePause  Interface, Paused (true|false), [Queue], [Reason]
//   QueueAdd    Queue, Interface, Penalty, Paused, MemberName
//   QueueRemove Queue, Interface
//   Originate   Channel (the supervisor's phone, from a template such as "PJSIP/{ext}"),
//               Application ChanSpy, Data "<agent channel>,<options>", Async true, CallerID
//
// The builders check every field (non-empty where Asterisk needs it, no line breaks, no ','
// in a ChanSpy channel prefix, where it would start the option list) and answer
// kInvalidArgument naming the field.
// Thread-safety: builders are pure; AmiPbxControl is safe from any thread except the client's
// own handler thread (each call waits for the response).

#include <chrono>
#include <string>

#include "core/status.h"
#include "ingest/ami/ami_message.h"
#include "ingest/ami/pbx_control.h"

namespace callboard {

class AmiClient;

struct ChanSpyOptions {
  // The supervisor's phone; "{ext}" is replaced by the supervisor's extension.
  std::string channel_template = "PJSIP/{ext}";
  std::string default_caller_id = "Callboard <monitor>";
};

Result<AmiAction> QueuePauseAction(const PauseRequest& request);
Result<AmiAction> QueueAddAction(const QueueAddRequest& request);
Result<AmiAction> QueueRemoveAction(const QueueRemoveRequest& request);
Result<AmiAction> ChanSpyOriginateAction(const MonitorRequest& request,
                                         const ChanSpyOptions& options);
// The ChanSpy option letters of a monitor mode ("qES", "qwES", "qBES").
const char* ChanSpyOptionLetters(MonitorMode mode);

class AmiPbxControl : public PbxControl {
 public:
  // `client` must outlive this object. `wait` bounds each call beyond the client's own
  // action timeout.
  AmiPbxControl(AmiClient& client, ChanSpyOptions chanspy = {},
                std::chrono::milliseconds wait = std::chrono::milliseconds(15000))
      : client_(client), chanspy_(std::move(chanspy)), wait_(wait) {}

  Status Pause(const PauseRequest& request) override;
  Status AddMember(const QueueAddRequest& request) override;
  Status RemoveMember(const QueueRemoveRequest& request) override;
  Status Monitor(const MonitorRequest& request) override;

 private:
  Status Execute(Result<AmiAction> action);

  AmiClient& client_;
  ChanSpyOptions chanspy_;
  std::chrono::milliseconds wait_;
};

}  // namespace callboard
