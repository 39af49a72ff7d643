// The 3CX CDR feed over real TCP sockets, in both 3CX socket modes.

#include "ingest/sources/threecx_tcp.h"

#include <gtest/gtest.h>

#include <map>

#include "audit/audit_log.h"
#include "ingest/parser_test_support.h"
#include "ingest/sources/source_runner.h"
#include "ingest/sources/source_service.h"
#include "ingest/sources/source_test_support.h"

namespace callboard {
namespace {

using testing::AcceptanceLines;
using testing::RunningSource;
using testing::SourceHarness;
using testing::TcpPeer;
using testing::TcpServer;
using testing::WaitUntil;

SourceConfig ListenConfig() {
  SourceConfig c;
  c.name = "3cx";
  c.kind = SourceKind::k3cxTcpListen;
  c.format = SourceFormat::k3cxCdr;
  c.host = "127.0.0.1";
  c.port = 0;  // any free port; the status names it
  return c;
}

// The port a listener reports in its status ("listening on 127.0.0.1:PORT").
int ListeningPort(const RunningSource<ThreeCxListener>& source) {
  int port = 0;
  EXPECT_TRUE(WaitUntil([&] { return source.status().state == SourceState::kListening; }));
  const std::string detail = source.status().detail;
  const size_t colon = detail.rfind(':');
  if (colon != std::string::npos) port = std::stoi(detail.substr(colon + 1));
  EXPECT_GT(port, 0) << detail;
  return port;
}

std::map<std::string, StoredCall> CallsById(SourceHarness& h) {
  std::map<std::string, StoredCall> out;
  for (StoredCall& c : h.Calls()) out.emplace(c.call.pbx_call_id, std::move(c));
  return out;
}

// Issue 3, acceptance item 5: the four lines, with the outcomes the issue names.
void ExpectTheFourAcceptanceCalls(SourceHarness& h) {
  const auto calls = CallsById(h);
  ASSERT_EQ(calls.size(), 4u);
  const CallRecord& internal = calls.at("00000188AB01C2D3_101").call;
  EXPECT_EQ(internal.direction, CallDirection::kInternal);
  EXPECT_EQ(internal.outcome, CallOutcome::kMissed);
  EXPECT_FALSE(internal.answered_at.has_value());
  const CallRecord& transferred = calls.at("00000188AB02F0A1_102").call;
  EXPECT_EQ(transferred.direction, CallDirection::kInbound);
  EXPECT_EQ(transferred.outcome, CallOutcome::kAnswered);
  EXPECT_EQ(transferred.talk_ms, 315000);  // 5 min 15 s
  EXPECT_EQ(transferred.transfer_count, 1);
  EXPECT_EQ(transferred.transferred_to, "185");
  EXPECT_EQ(transferred.callee, "610");
  const CallRecord& outbound = calls.at("00000188AB03AA10_103").call;
  EXPECT_EQ(outbound.direction, CallDirection::kOutbound);
  EXPECT_EQ(outbound.outcome, CallOutcome::kAnswered);
  EXPECT_EQ(outbound.talk_ms, 127000);
  const CallRecord& failed = calls.at("00000188AB04BB20_104").call;
  EXPECT_EQ(failed.direction, CallDirection::kOutbound);
  EXPECT_EQ(failed.outcome, CallOutcome::kFailed);
}

TEST(ThreeCxTest, TheAcceptanceLinesAreTheFixture) {
  const std::string fixture = callboard::testing::ReadTestData("3cx/acceptance.csv");
  std::string joined;
  for (const std::string& line : AcceptanceLines()) {
    joined += line.substr(0, line.size() - 2) + "\n";  // the fixture ends lines with LF only
  }
  EXPECT_EQ(joined, fixture);
}

TEST(ThreeCxListener, StoresTheFourAcceptanceLinesFrom3cxsActiveSocket) {
  SourceHarness h;
  RunningSource<ThreeCxListener> source(h, ListenConfig());
  const int port = ListeningPort(source);
  TcpPeer pbx = TcpPeer::Connect(port);
  ASSERT_TRUE(WaitUntil([&] { return source.status().state == SourceState::kConnected; }));
  EXPECT_NE(source.status().detail.find("3CX connected from 127.0.0.1:"), std::string::npos)
      << source.status().detail;
  // Byte for byte as 3CX sends them, CRLF each; the second record arrives in two segments.
  const std::string& second = AcceptanceLines()[1];
  pbx.Write(AcceptanceLines()[0] + second.substr(0, 40));
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 1; }));
  pbx.Write(second.substr(40) + AcceptanceLines()[2] + AcceptanceLines()[3]);
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 4; }));
  ExpectTheFourAcceptanceCalls(h);
  EXPECT_TRUE(h.Rejects().empty());
  const SourceStatus s = source.status();
  EXPECT_EQ(s.state, SourceState::kConnected);
  EXPECT_EQ(s.lines, 4);
  EXPECT_EQ(s.calls, 4);
  EXPECT_EQ(s.rejects, 0);
  // 3CX closes; the listener waits for the next connection.
  pbx.Close();
  ASSERT_TRUE(WaitUntil([&] { return source.status().state == SourceState::kListening; }));
  // A record sent again (3CX retries) is counted once.
  TcpPeer again = TcpPeer::Connect(port);
  again.Write(AcceptanceLines()[3]);
  ASSERT_TRUE(WaitUntil([&] { return source.status().duplicates == 1; }));
  EXPECT_EQ(h.CallCount(), 4u);
  EXPECT_TRUE(source.Stop().ok());
}

TEST(ThreeCxListener, RejectsAnOverlongLineAndReadsOn) {
  SourceHarness h;
  RunningSource<ThreeCxListener> source(h, ListenConfig());
  TcpPeer pbx = TcpPeer::Connect(ListeningPort(source));
  pbx.Write(std::string(70 * 1024, 'x') + "\r\n" + AcceptanceLines()[0]);
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 1 && h.Rejects().size() == 1; }));
  const StoredReject r = h.Rejects().front();
  EXPECT_EQ(r.line, 1);
  EXPECT_LE(r.raw.size(), kMaxRejectRawBytes);
  EXPECT_EQ(r.raw.substr(0, 3), "xxx");
  EXPECT_EQ(source.status().lines, 2);
  EXPECT_TRUE(source.Stop().ok());
}

TEST(ThreeCxListener, ClosesAConnectionWhoseLineNeverEnds) {
  SourceHarness h;
  h.timings.line_timeout = std::chrono::milliseconds(200);
  RunningSource<ThreeCxListener> source(h, ListenConfig());
  TcpPeer pbx = TcpPeer::Connect(ListeningPort(source));
  pbx.Write(AcceptanceLines()[0] + AcceptanceLines()[1].substr(0, 30));
  EXPECT_TRUE(pbx.ClosedWithin(std::chrono::seconds(10)));
  // The complete line is stored; the cut one is rejected, not lost silently.
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 1 && h.Rejects().size() == 1; }));
  EXPECT_EQ(h.Rejects().front().raw, AcceptanceLines()[1].substr(0, 30));
  EXPECT_NE(source.status().last_error.find("a line did not end within 200 ms"), std::string::npos)
      << source.status().last_error;
  EXPECT_TRUE(source.Stop().ok());
}

TEST(ThreeCxListener, ReportsAPortInUse) {
  SourceHarness h;
  TcpServer taken;
  SourceConfig c = ListenConfig();
  c.port = taken.port();
  RunningSource<ThreeCxListener> source(h, c);
  const Status s = source.Stop();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("Address already in use"), std::string::npos) << s.message();
}

// 3CX in passive-socket mode: the test is 3CX, listening; Callboard connects, reads a batch,
// is disconnected, and reconnects (after its backoff) for the next batch. The runner does the
// reconnecting, as inside `serve`.
TEST(ThreeCxClient, ReconnectsWithBackoffAfter3cxClosesTheConnection) {
  SourceHarness h;
  h.timings.backoff_initial = std::chrono::milliseconds(400);
  TcpServer pbx;
  AuditLog audit(h.clock);
  SourceService service(*h.db, h.clock, audit, h.policy);
  SourceConfig c;
  c.name = "3cx";
  c.kind = SourceKind::k3cxTcpConnect;
  c.format = SourceFormat::k3cxCdr;
  c.host = "127.0.0.1";
  c.port = pbx.port();
  auto created = service.Create(TenantScope(h.tenant), c, AuditContext{});
  ASSERT_TRUE(created.has_value()) << created.error().ToString();
  SourceRunner runner(*h.db, h.clock, service, {.timings = h.timings});
  runner.Start();

  auto first = pbx.Accept(std::chrono::seconds(10));
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(WaitUntil(
      [&] { return runner.StatusOf(h.tenant, created->id).state == SourceState::kConnected; }));
  first->Write(AcceptanceLines()[0] + AcceptanceLines()[1]);
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 2; }));
  first->Close();
  const auto closed_at = std::chrono::steady_clock::now();

  auto second = pbx.Accept(std::chrono::seconds(10));
  ASSERT_TRUE(second.has_value());
  // Not at once: after the first backoff step (400 ms, ±20 %).
  EXPECT_GE(std::chrono::steady_clock::now() - closed_at, std::chrono::milliseconds(300));
  second->Write(AcceptanceLines()[2] + AcceptanceLines()[3]);
  ASSERT_TRUE(WaitUntil([&] { return h.CallCount() == 4; }));
  ExpectTheFourAcceptanceCalls(h);

  // The status counts a batch's calls just after its commit: wait for it too.
  ASSERT_TRUE(WaitUntil([&] { return runner.StatusOf(h.tenant, created->id).calls == 4; }));
  const SourceStatus s = runner.StatusOf(h.tenant, created->id);
  EXPECT_EQ(s.state, SourceState::kConnected);
  EXPECT_EQ(s.restarts, 1);
  EXPECT_EQ(s.lines, 4);
  EXPECT_EQ(s.calls, 4);
  EXPECT_NE(s.last_error.find("closed the connection"), std::string::npos) << s.last_error;
  runner.Stop();
  EXPECT_EQ(runner.StatusOf(h.tenant, created->id).state, SourceState::kStopped);
}

}  // namespace
}  // namespace callboard
