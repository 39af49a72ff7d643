#include "ingest/ami/ami_client.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <future>
#include <string>

#include "ingest/ami/ami_test_peer.h"
#include "ingest/ami/ami_test_support.h"

namespace callboard {
namespace {

using std::chrono::milliseconds;
using testing::AmiRecorder;
using testing::AmiTestPeer;
using testing::AmiTestPeerOptions;
using testing::FastOptions;

std::string Peer(const AmiTestPeer& peer) { return "127.0.0.1:" + std::to_string(peer.port()); }

AmiAction Pause(const std::string& interface, bool paused) {
  AmiAction a{.name = "QueuePause"};
  a.Set("Queue", "support").Set("Interface", interface).Set("Paused", paused ? "true" : "false");
  return a;
}

TEST(AmiClient, LogsInWithTheExactLoginActionAndReportsConnected) {
  AmiTestPeer peer;
  AmiRecorder rec;
  AmiClient client(FastOptions(peer.port()), rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kConnected));
  ASSERT_TRUE(peer.WaitForActions("Login", 1));
  EXPECT_EQ(peer.actions("Login")[0].raw,
            "Action: Login\r\nUsername: cb\r\nSecret: cbsecret\r\nEvents: on\r\n"
            "ActionID: cb-1-1\r\n\r\n");
  ASSERT_TRUE(rec.WaitForEvent("FullyBooted"));
  const AmiLinkStatus s = client.status();
  EXPECT_EQ(s.state, AmiLinkState::kConnected);
  EXPECT_EQ(s.banner, "Asterisk Call Manager/13.0.0");
  EXPECT_EQ(s.logins, 1);
  EXPECT_EQ(s.events, 1);
  EXPECT_EQ(s.error, "");
  // Connecting, logging in, connected — in that order.
  const auto statuses = rec.statuses();
  ASSERT_GE(statuses.size(), 3u);
  EXPECT_EQ(statuses[0].state, AmiLinkState::kConnecting);
  EXPECT_EQ(statuses[1].state, AmiLinkState::kLoggingIn);
  EXPECT_EQ(statuses[2].state, AmiLinkState::kConnected);
}

TEST(AmiClient, RefusedLoginIsReportedAndRetriedWithGrowingBackoff) {
  AmiTestPeer peer(AmiTestPeerOptions{.reject_logins = 2});
  AmiRecorder rec;
  AmiClientOptions options = FastOptions(peer.port());
  options.backoff_initial = milliseconds(100);
  options.backoff_max = milliseconds(1000);
  AmiClient client(options, rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kConnected, 1, milliseconds(5000)));
  EXPECT_EQ(peer.connections(), 3);
  EXPECT_EQ(peer.successful_logins(), 1);

  std::vector<AmiLinkStatus> waits;
  for (const AmiLinkStatus& s : rec.statuses()) {
    if (s.state == AmiLinkState::kWaitingRetry) waits.push_back(s);
  }
  ASSERT_EQ(waits.size(), 2u);
  const std::string refused =
      "AMI login as 'cb' to " + Peer(peer) + " refused: Authentication failed";
  EXPECT_EQ(waits[0].error, refused);
  EXPECT_EQ(waits[0].consecutive_failures, 1);
  EXPECT_EQ(waits[1].consecutive_failures, 2);
  // Backoff 100 ms, then 200 ms, each ±20 %.
  EXPECT_GE(waits[0].retry_in.count(), 80);
  EXPECT_LE(waits[0].retry_in.count(), 120);
  EXPECT_GE(waits[1].retry_in.count(), 160);
  EXPECT_LE(waits[1].retry_in.count(), 240);
  const auto at = peer.accepted_at();
  ASSERT_EQ(at.size(), 3u);
  EXPECT_GE(at[1] - at[0], milliseconds(80));
  EXPECT_GE(at[2] - at[1], milliseconds(160));
  // The error of the last failure stays visible after the recovery.
  EXPECT_EQ(client.status().error, refused);
  EXPECT_EQ(client.status().state, AmiLinkState::kConnected);
}

TEST(AmiClient, BackoffIsCappedWhileTheSecretStaysWrong) {
  AmiTestPeer peer(AmiTestPeerOptions{.secret = "other"});
  AmiRecorder rec;
  AmiClientOptions options = FastOptions(peer.port());
  options.backoff_initial = milliseconds(10);
  options.backoff_max = milliseconds(40);
  AmiClient client(options, rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kWaitingRetry, 6));
  client.Stop();
  int n = 0;
  for (const AmiLinkStatus& s : rec.statuses()) {
    if (s.state != AmiLinkState::kWaitingRetry) continue;
    ++n;
    EXPECT_LE(s.retry_in.count(), 40);
    if (n >= 4) {
      EXPECT_GE(s.retry_in.count(), 32);  // 10 → 20 → 40 → 40 (−20 % at worst)
    }
  }
  EXPECT_EQ(peer.successful_logins(), 0);
  EXPECT_EQ(client.status().state, AmiLinkState::kStopped);
}

TEST(AmiClient, ReconnectsAfterThePeerDropsTheConnection) {
  AmiTestPeer peer;
  AmiRecorder rec;
  AmiClient client(FastOptions(peer.port()), rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kConnected));
  peer.Drop();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kConnected, 2));
  EXPECT_EQ(peer.connections(), 2);
  EXPECT_EQ(peer.successful_logins(), 2);
  EXPECT_EQ(client.status().logins, 2);
  EXPECT_EQ(client.status().error, Peer(peer) + " closed the AMI connection");
  // ActionIDs name the connection they were sent on.
  ASSERT_TRUE(peer.WaitForActions("Login", 2));
  EXPECT_EQ(peer.actions("Login")[1].message.Value("ActionID"), "cb-2-2");
  // Events flow on the new connection.
  peer.Send(
      "Event: QueueCallerJoin\r\nPrivilege: agent,all\r\nChannel: PJSIP/trunk-00000001\r\n"
      "Queue: support\r\nPosition: 1\r\nCount: 1\r\n\r\n");
  ASSERT_TRUE(rec.WaitForEvent("QueueCallerJoin"));
}

TEST(AmiClient, UnansweredPingClosesTheConnectionAndReconnects) {
  AmiTestPeer peer(AmiTestPeerOptions{.answer_pings = false});
  AmiRecorder rec;
  AmiClientOptions options = FastOptions(peer.port());
  options.ping_interval = milliseconds(100);
  options.ping_timeout = milliseconds(150);
  AmiClient client(options, rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kWaitingRetry));
  ASSERT_TRUE(peer.WaitForActions("Ping", 1));
  EXPECT_EQ(peer.actions("Ping")[0].raw, "Action: Ping\r\nActionID: cb-1-2\r\n\r\n");
  EXPECT_EQ(client.status().error, "no AMI response to Ping from " + Peer(peer) + " in time");
  ASSERT_TRUE(peer.WaitForConnections(2));
}

TEST(AmiClient, AnsweredPingsKeepOneConnection) {
  AmiTestPeer peer;
  AmiRecorder rec;
  AmiClientOptions options = FastOptions(peer.port());
  options.ping_interval = milliseconds(30);
  options.ping_timeout = milliseconds(1000);
  AmiClient client(options, rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(peer.WaitForActions("Ping", 4));
  EXPECT_EQ(peer.connections(), 1);
  EXPECT_EQ(client.status().state, AmiLinkState::kConnected);
}

TEST(AmiClient, ResponsesFindTheirActionsWhenAnsweredOutOfOrder) {
  AmiTestPeer peer;
  AmiRecorder rec;
  AmiClient client(FastOptions(peer.port()), rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kConnected));
  peer.Hold("cb-1-2");  // the first action after Login
  auto first = client.Send(Pause("Local/a1002@agents/n", true));
  auto second = client.Send(AmiAction{.name = "QueueRemove"}
                                .Set("Queue", "sales")
                                .Set("Interface", "Local/a1001@agents/n"));
  ASSERT_EQ(second.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  EXPECT_EQ(first.wait_for(milliseconds(0)), std::future_status::timeout);
  Result<AmiMessage> b = second.get();
  ASSERT_TRUE(b) << b.error().ToString();
  EXPECT_EQ(b->Value("ActionID"), "cb-1-3");
  EXPECT_EQ(b->Value("Response"), "Error");
  EXPECT_EQ(b->Value("Message"), "Unable to remove interface: Not there");
  peer.Release("cb-1-2");
  ASSERT_EQ(first.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  Result<AmiMessage> a = first.get();
  ASSERT_TRUE(a) << a.error().ToString();
  EXPECT_EQ(a->Value("ActionID"), "cb-1-2");
  EXPECT_EQ(a->Value("Message"), "Interface paused successfully");
}

TEST(AmiClient, AnActionWithoutResponseTimesOutAndTheConnectionStays) {
  AmiTestPeer peer;
  AmiRecorder rec;
  AmiClientOptions options = FastOptions(peer.port());
  options.action_timeout = milliseconds(150);
  AmiClient client(options, rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kConnected));
  peer.Hold("cb-1-2");
  Result<AmiMessage> r = client.Send(Pause("Local/a1002@agents/n", true)).get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), StatusCode::kUnavailable);
  EXPECT_EQ(r.error().message(), "no AMI response to QueuePause from " + Peer(peer) + " in time");
  // A late answer is ignored; the next action works on the same connection.
  peer.Release("cb-1-2");
  Result<AmiMessage> next = client.Send(Pause("Local/a1002@agents/n", false)).get();
  ASSERT_TRUE(next) << next.error().ToString();
  EXPECT_EQ(next->Value("ActionID"), "cb-1-3");
  EXPECT_EQ(next->Value("Message"), "Interface unpaused successfully");
  EXPECT_EQ(peer.connections(), 1);
}

TEST(AmiClient, TooManyActionsWaitingAreRefused) {
  AmiTestPeer peer;
  AmiRecorder rec;
  AmiClientOptions options = FastOptions(peer.port());
  options.max_pending_actions = 2;
  AmiClient client(options, rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kConnected));
  peer.Hold("cb-1-2");
  peer.Hold("cb-1-3");
  auto first = client.Send(Pause("Local/a1002@agents/n", true));
  auto second = client.Send(Pause("Local/a1003@agents/n", true));
  Result<AmiMessage> third = client.Send(Pause("Local/a1001@agents/n", true)).get();
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().message(),
            "AMI: 2 actions already wait for a response from " + Peer(peer));
  peer.Release("cb-1-2");
  peer.Release("cb-1-3");
  EXPECT_TRUE(first.get());
  EXPECT_TRUE(second.get());
  EXPECT_EQ(peer.actions("QueuePause").size(), 2u);
}

TEST(AmiClient, ActionsWaitingWhenTheConnectionDropsFailAtOnce) {
  AmiTestPeer peer;
  AmiRecorder rec;
  AmiClient client(FastOptions(peer.port()), rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kConnected));
  peer.Hold("cb-1-2");
  auto waiting = client.Send(Pause("Local/a1002@agents/n", true));
  ASSERT_TRUE(peer.WaitForActions("QueuePause", 1));
  peer.Drop();
  ASSERT_EQ(waiting.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  Result<AmiMessage> r = waiting.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "AMI connection to " + Peer(peer) +
                                     " ended before the response: " + Peer(peer) +
                                     " closed the AMI connection");
}

TEST(AmiClient, ActionsAreNotQueuedWhileDisconnected) {
  AmiClient idle(FastOptions(1), nullptr);
  Result<AmiMessage> r = idle.Send(AmiAction{.name = "Ping"}).get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "AMI client to 127.0.0.1:1 is not running; Ping not sent");

  // Started, but nothing listens at the port: the action fails at once, not after the
  // connection comes back.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const int closed_port = probe.local_endpoint().port();
  probe.close();
  AmiRecorder rec;
  AmiClient client(FastOptions(closed_port), rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kWaitingRetry));
  Result<AmiMessage> refused = client.Send(AmiAction{.name = "Ping"}).get();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(),
            "AMI not connected to 127.0.0.1:" + std::to_string(closed_port) + "; Ping not sent");
  EXPECT_EQ(client.status().error.rfind("cannot connect to 127.0.0.1:", 0), 0u)
      << client.status().error;
}

TEST(AmiClient, OversizeLineFromThePeerEndsTheConnection) {
  AmiTestPeer peer;
  AmiRecorder rec;
  AmiClientOptions options = FastOptions(peer.port());
  options.limits.max_line = 128;
  AmiClient client(options, rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForEvent("FullyBooted"));
  peer.Send("Event: VarSet\r\nValue: " + std::string(500, 'x') + "\r\n\r\n");
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kWaitingRetry));
  // Message 1 is the Login response, 2 FullyBooted.
  EXPECT_EQ(client.status().error, "AMI line longer than 128 bytes (message 3)");
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kConnected, 2));
}

TEST(AmiClient, APeerThatIsNotAsteriskIsNamed) {
  AmiTestPeer peer(AmiTestPeerOptions{.banner = "SSH-2.0-OpenSSH_9.2"});
  AmiRecorder rec;
  AmiClient client(FastOptions(peer.port()), rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kWaitingRetry));
  EXPECT_EQ(client.status().error, Peer(peer) +
                                       " is not an Asterisk Manager Interface: it greeted with "
                                       "'SSH-2.0-OpenSSH_9.2'");
  EXPECT_TRUE(peer.actions("Login").empty());
}

TEST(AmiClient, NoBannerWithinTheLoginTimeout) {
  // Listens (the kernel accepts the connection) but never says anything.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const int port = silent.local_endpoint().port();
  AmiRecorder rec;
  AmiClientOptions options = FastOptions(port);
  options.login_timeout = milliseconds(150);
  AmiClient client(options, rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kWaitingRetry));
  EXPECT_EQ(client.status().error,
            "no AMI banner from 127.0.0.1:" + std::to_string(port) + " within 150 ms");
}

TEST(AmiClient, StopLogsOffAndFailsLaterActions) {
  AmiTestPeer peer;
  AmiRecorder rec;
  AmiClient client(FastOptions(peer.port()), rec.Events(), rec.Statuses());
  client.Start();
  ASSERT_TRUE(rec.WaitForState(AmiLinkState::kConnected));
  client.Stop();
  ASSERT_TRUE(peer.WaitForActions("Logoff", 1));
  EXPECT_EQ(peer.actions("Logoff")[0].raw, "Action: Logoff\r\nActionID: cb-1-2\r\n\r\n");
  EXPECT_EQ(client.status().state, AmiLinkState::kStopped);
  EXPECT_FALSE(client.Send(AmiAction{.name = "Ping"}).get());
  client.Stop();  // idempotent
}

}  // namespace
}  // namespace callboard
