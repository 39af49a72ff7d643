#pragma once
// Test support: AmiTestPeer, an Asterisk Manager Interface server on 127.0.0.1 and a free
// port that answers byte for byte like the Asterisk of testdata/ingest/ami/ami-session.txt —
// the banner, Login accepted or refused ("Authentication failed", then the connection
// closes), FullyBooted, QueuePause / QueueAdd / QueueRemove / Originate / Ping / Logoff with
// Asterisk's own response texts and the ActionID echoed — and records every action it
// receives (exact bytes and parsed) for tests to assert. Events are scripted by the test
// (Send), usually copied from the captured session (AmiFixtureMessages).
//
//   AmiTestPeer peer;
//   AmiClient client({.port = peer.port(), .username = "cb", .secret = "cbsecret"}, …);
//   peer.Send(AmiFixtureMessages(ReadAmiFixture(), "QueueMemberPause")[0]);
//   ASSERT_TRUE(peer.WaitForActions(2));  // Login, then what the test sent
//
// Thread-safety: every method is safe from any thread.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "ingest/ami/ami_message.h"

namespace callboard::testing {

struct AmiTestPeerOptions {
  std::string username = "cb";
  std::string secret = "cbsecret";
  std::string banner = "Asterisk Call Manager/13.0.0";
  int reject_logins = 0;                 // refuse the first N logins even with the right secret
  bool answer_pings = true;              // false: Ping goes unanswered (a hung Asterisk)
  std::set<std::string> silent_actions;  // actions recorded but never answered
  // Queue → member interfaces, as in the captured session.
  std::map<std::string, std::set<std::string>> members = {
      {"support", {"Local/a1001@agents/n", "Local/a1002@agents/n", "Local/a1003@agents/n"}},
      {"sales", {"Local/a2001@agents/n", "Local/a2002@agents/n"}}};
};

struct AmiReceivedAction {
  int connection = 0;  // 1 = the first connection accepted
  std::string raw;     // the exact bytes, final blank line included
  AmiMessage message;
  std::chrono::steady_clock::time_point at;
};

class AmiTestPeer {
 public:
  explicit AmiTestPeer(AmiTestPeerOptions options = {});
  ~AmiTestPeer();
  AmiTestPeer(const AmiTestPeer&) = delete;
  AmiTestPeer& operator=(const AmiTestPeer&) = delete;

  int port() const;

  // Writes `bytes` as they are to the newest open connection.
  void Send(std::string bytes);
  // Closes the newest open connection (as a restarting Asterisk would).
  void Drop();
  void SetAnswerPings(bool answer);
  // The response to the action with this ActionID waits until Release(action_id).
  void Hold(std::string action_id);
  void Release(const std::string& action_id);

  std::vector<AmiReceivedAction> actions() const;
  // Actions named `name` (case as sent).
  std::vector<AmiReceivedAction> actions(const std::string& name) const;
  int connections() const;
  std::vector<std::chrono::steady_clock::time_point> accepted_at() const;
  int successful_logins() const;

  // Waits (up to `timeout`) until `ready(actions())` holds; its final answer.
  bool WaitFor(const std::function<bool(const std::vector<AmiReceivedAction>&)>& ready,
               std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const;
  bool WaitForActions(const std::string& name, size_t count,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const;
  bool WaitForConnections(
      int count, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The captured session (testdata/ingest/ami/ami-session.txt, CRLF kept).
std::string ReadAmiFixture();
// What Asterisk sent in `session`: its text without the client's ">>> SENT" blocks.
std::string AmiServerSide(const std::string& session);
// The raw messages (final blank line included) of the server side of `session` whose
// Event is `event_name` ("" = every message, responses too), in order.
std::vector<std::string> AmiFixtureMessages(const std::string& session,
                                            const std::string& event_name);

}  // namespace callboard::testing
