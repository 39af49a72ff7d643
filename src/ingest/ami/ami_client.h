#pragma once
// AmiClient: a long-lived Asterisk Manager Interface connection (TCP, port 5038 by default).
// It connects within connect_timeout, checks the banner, logs in (Action: Login with
// Username, Secret, Events), delivers events to a handler as typed AmiEvents, correlates each
// action with its response by ActionID, sends Action: Ping every ping_interval (no answer
// within ping_timeout closes the connection), and reconnects with capped exponential backoff
// (with jitter) whenever the connection fails, closes or the login is refused. Status says
// what it is doing and why the last attempt failed.
//
//   AmiClient client(options, [](const AmiEvent& e) { … });
//   client.Start();
//   auto response = client.Send(AmiAction{"QueuePause"}.Set(…)).get();
//   client.Stop();  // Logoff, close, join
//
// Actions are not queued while disconnected: Send answers kUnavailable at once, so a pause
// never reaches the PBX minutes late. A response "Response: Error" is still a response
// (the caller reads its Message); kUnavailable means no response (not connected, connection
// lost, or action_timeout passed).
//
// Thread-safety: every method is safe from any thread. Handlers run on the client's own I/O
// thread, one at a time, and must not block — in particular they must not wait on a Send
// future (that would wait for the thread that is running them).

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "core/status.h"
#include "ingest/ami/ami_events.h"
#include "ingest/ami/ami_message.h"

namespace callboard {

struct AmiClientOptions {
  std::string host = "127.0.0.1";
  int port = 5038;
  std::string username;
  std::string secret;
  std::string events = "on";  // Login's Events: "on", "off", or classes such as "agent,call"
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds login_timeout{10000};  // banner and Login response
  std::chrono::milliseconds action_timeout{10000};
  std::chrono::milliseconds ping_interval{20000};
  std::chrono::milliseconds ping_timeout{10000};
  std::chrono::milliseconds backoff_initial{1000};
  std::chrono::milliseconds backoff_max{60000};
  // A connection that stayed logged in this long counts as healthy: the next failure waits
  // backoff_initial again.
  std::chrono::milliseconds healthy_after{60000};
  AmiLimits limits;
  size_t max_pending_actions = 1000;  // actions waiting for their response
  size_t max_write_bytes = 1 << 20;   // bytes queued for sending
};

enum class AmiLinkState {
  kStopped,
  kConnecting,    // resolving, connecting, waiting for the banner
  kLoggingIn,     // Login sent
  kConnected,     // logged in; events flow, actions are accepted
  kWaitingRetry,  // the last attempt failed; the next one starts after a backoff
};

const char* AmiLinkStateName(AmiLinkState state);

struct AmiLinkStatus {
  AmiLinkState state = AmiLinkState::kStopped;
  std::string error;                      // why the last attempt failed ("" before any failure)
  int consecutive_failures = 0;           // since the last healthy connection
  int64_t logins = 0;                     // successful logins since Start
  std::chrono::milliseconds retry_in{0};  // kWaitingRetry: the backoff being waited
  std::string banner;                     // of the current or last connection
  int64_t events = 0;                     // events received since Start
  int64_t malformed_events = 0;  // … of which delivered as AmiGenericEvent for a bad field
  std::string last_malformed;    // why the last one was malformed
};

class AmiClient {
 public:
  using EventHandler = std::function<void(const AmiEvent&)>;
  using StatusHandler = std::function<void(const AmiLinkStatus&)>;
  using ResponseHandler = std::function<void(Result<AmiMessage>)>;

  AmiClient(AmiClientOptions options, EventHandler on_event, StatusHandler on_status = nullptr);
  ~AmiClient();  // Stop()
  AmiClient(const AmiClient&) = delete;
  AmiClient& operator=(const AmiClient&) = delete;

  // Starts the I/O thread and the first connection. REQUIRES: not started before.
  void Start();
  // Sends Logoff when logged in (waiting at most a second for Goodbye), closes the
  // connection, fails the actions still waiting, joins the thread. Idempotent.
  void Stop();

  // Sends `action` with a fresh ActionID; `done` receives the response exactly once — on the
  // I/O thread, or at once on the calling thread when the client is not running.
  void Send(AmiAction action, ResponseHandler done);
  std::future<Result<AmiMessage>> Send(AmiAction action);

  AmiLinkStatus status() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace callboard
