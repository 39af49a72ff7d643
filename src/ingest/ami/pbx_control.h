#pragma once
// PbxControl: what Callboard asks of the phone system on behalf of its users — pause or unpause
// a queue member, move members between queues, and let a supervisor listen to, whisper to or
// barge into an agent's call. Plain types only, so the live-operations layer can depend on it
// without knowing the transport (AmiPbxControl implements it over the Asterisk Manager
// Interface). The header needs nothing but core/status.h: no library to link.
//
//   CB_RETURN_IF_ERROR(pbx.Pause({.interface = "PJSIP/1001", .paused = true,
//                                 .reason = "Lunch"}));
//   CB_RETURN_IF_ERROR(pbx.Monitor({.supervisor_extension = "2001",
//                                   .agent_channel = "PJSIP/1001",
//                                   .mode = MonitorMode::kWhisper}));
//
// Each call waits for the PBX's answer (bounded by the implementation's action timeout):
// OK when the PBX accepted it; kFailedPrecondition carrying the PBX's own message when it
// refused (e.g. "Interface not found"); kUnavailable when the PBX is not connected or did not
// answer in time; kInvalidArgument naming the field when a request is malformed.
// Thread-safety: implementations are safe to call from any thread.

#include <cstdint>
#include <optional>
#include <string>

#include "core/status.h"

namespace callboard {

// How a supervisor joins an agent's call.
enum class MonitorMode {
  kListen,   // hears both parties; nobody hears the supervisor
  kWhisper,  // also talks to the agent only; the caller does not hear it
  kBarge,    // talks to both parties
};

// "listen", "whisper", "barge".
inline const char* MonitorModeName(MonitorMode mode) {
  switch (mode) {
    case MonitorMode::kListen:
      return "listen";
    case MonitorMode::kWhisper:
      return "whisper";
    case MonitorMode::kBarge:
      return "barge";
  }
  return "listen";
}

inline std::optional<MonitorMode> ParseMonitorMode(const std::string& name) {
  if (name == "listen") return MonitorMode::kListen;
  if (name == "whisper") return MonitorMode::kWhisper;
  if (name == "barge") return MonitorMode::kBarge;
  return std::nullopt;
}

struct PauseRequest {
  std::string interface;             // the queue member, e.g. "PJSIP/1001"
  bool paused = true;                // false unpauses
  std::optional<std::string> queue;  // only this queue; every queue of the member when absent
  std::string reason;                // pause reason (shown in queue_log and events); may be empty
};

struct QueueAddRequest {
  std::string queue;
  std::string interface;
  int penalty = 0;
  bool paused = false;      // joins paused
  std::string member_name;  // display name; the interface when empty
};

struct QueueRemoveRequest {
  std::string queue;
  std::string interface;
};

struct MonitorRequest {
  std::string supervisor_extension;  // rung first, e.g. "2001"; the channel comes from a template
  std::string agent_channel;         // channel (prefix) of the agent's call, e.g. "PJSIP/1001"
  MonitorMode mode = MonitorMode::kListen;
  std::string caller_id;  // shown on the supervisor's phone; a default when empty
};

class PbxControl {
 public:
  virtual ~PbxControl() = default;

  virtual Status Pause(const PauseRequest& request) = 0;
  virtual Status AddMember(const QueueAddRequest& request) = 0;
  virtual Status RemoveMember(const QueueRemoveRequest& request) = 0;
  virtual Status Monitor(const MonitorRequest& request) = 0;
};

// Where running PBX connections offer their PbxControl for a tenant, and where live
// operations find it. The ingest sources attach a control when their connection starts and
// detach it before destroying it; Detach returns only when no call on that control is still
// running, so the caller may destroy it right after.
class PbxRegistry {
 public:
  virtual ~PbxRegistry() = default;
  virtual void Attach(int64_t tenant_id, PbxControl* control) = 0;
  virtual void Detach(int64_t tenant_id, PbxControl* control) = 0;
};

}  // namespace callboard
