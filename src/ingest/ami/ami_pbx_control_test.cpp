#include "ingest/ami/ami_pbx_control.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/ami/ami_client.h"
#include "ingest/ami/ami_test_peer.h"
#include "ingest/ami/ami_test_support.h"

namespace callboard {
namespace {

using std::chrono::milliseconds;
using testing::AmiFixtureMessages;
using testing::AmiRecorder;
using testing::AmiTestPeer;
using testing::FastOptions;
using testing::ReadAmiFixture;

// A logged-in client with its PbxControl, against a fresh test peer.
struct Link {
  AmiTestPeer peer;
  AmiRecorder rec;
  AmiClient client{FastOptions(peer.port()), rec.Events(), rec.Statuses()};
  AmiPbxControl pbx{client};

  Link() {
    client.Start();
    EXPECT_TRUE(rec.WaitForState(AmiLinkState::kConnected));
  }
  // The raw bytes of the last action named `name` the peer received.
  std::string Last(const std::string& name) {
    const auto all = peer.actions(name);
    return all.empty() ? "" : all.back().raw;
  }
};

TEST(AmiPbxControl, PauseWithReasonAndUnpauseSendQueuePause) {
  Link link;
  ASSERT_TRUE(link.pbx
                  .Pause({.interface = "Local/a1002@agents/n",
                          .paused = true,
                          .queue = "support",
                          .reason = "Lunch"})
                  .ok());
  // Byte for byte what the captured session sent (ActionID apart).
  EXPECT_EQ(link.Last("QueuePause"),
            "Action: QueuePause\r\nQueue: support\r\nInterface: Local/a1002@agents/n\r\n"
            "Paused: true\r\nReason: Lunch\r\nActionID: cb-1-2\r\n\r\n");
  ASSERT_TRUE(link.pbx.Pause({.interface = "Local/a1002@agents/n", .paused = false}).ok());
  EXPECT_EQ(link.Last("QueuePause"),
            "Action: QueuePause\r\nInterface: Local/a1002@agents/n\r\nPaused: false\r\n"
            "ActionID: cb-1-3\r\n\r\n");
}

TEST(AmiPbxControl, RefusalCarriesTheMessageOfThePbx) {
  Link link;
  const Status s = link.pbx.Pause({.interface = "SIP/none", .paused = true, .queue = "support"});
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(), "the PBX refused QueuePause: Interface not found");
}

TEST(AmiPbxControl, AddAndRemoveMembers) {
  Link link;
  ASSERT_TRUE(link.pbx
                  .AddMember({.queue = "sales",
                              .interface = "Local/a1002@agents/n",
                              .penalty = 1,
                              .member_name = "Local/a1002@agents/n"})
                  .ok());
  EXPECT_EQ(link.Last("QueueAdd"),
            "Action: QueueAdd\r\nQueue: sales\r\nInterface: Local/a1002@agents/n\r\nPenalty: 1\r\n"
            "Paused: false\r\nMemberName: Local/a1002@agents/n\r\nActionID: cb-1-2\r\n\r\n");
  EXPECT_EQ(link.pbx.AddMember({.queue = "sales", .interface = "Local/a1002@agents/n"}).message(),
            "the PBX refused QueueAdd: Unable to add interface: Already there");
  ASSERT_TRUE(link.pbx.RemoveMember({.queue = "sales", .interface = "Local/a1002@agents/n"}).ok());
  EXPECT_EQ(link.Last("QueueRemove"),
            "Action: QueueRemove\r\nQueue: sales\r\nInterface: Local/a1002@agents/n\r\n"
            "ActionID: cb-1-4\r\n\r\n");
  EXPECT_EQ(
      link.pbx.RemoveMember({.queue = "sales", .interface = "Local/a1002@agents/n"}).message(),
      "the PBX refused QueueRemove: Unable to remove interface: Not there");
  // Paused joins and the member name defaulting to the interface.
  ASSERT_TRUE(
      link.pbx.AddMember({.queue = "support", .interface = "PJSIP/1009", .paused = true}).ok());
  EXPECT_EQ(link.Last("QueueAdd"),
            "Action: QueueAdd\r\nQueue: support\r\nInterface: PJSIP/1009\r\nPenalty: 0\r\n"
            "Paused: true\r\nMemberName: PJSIP/1009\r\nActionID: cb-1-6\r\n\r\n");
}

TEST(AmiPbxControl, EachMonitorModeOriginatesChanSpyWithItsOptions) {
  Link link;
  struct Case {
    MonitorMode mode;
    std::string data;
  };
  const Case cases[] = {{MonitorMode::kListen, "PJSIP/1001-,qES"},
                        {MonitorMode::kWhisper, "PJSIP/1001-,qwES"},
                        {MonitorMode::kBarge, "PJSIP/1001-,qBES"}};
  int id = 2;
  for (const Case& c : cases) {
    SCOPED_TRACE(MonitorModeName(c.mode));
    ASSERT_TRUE(link.pbx
                    .Monitor({.supervisor_extension = "2001",
                              .agent_channel = "PJSIP/1001-",
                              .mode = c.mode,
                              .caller_id = "Supervisor <2001>"})
                    .ok());
    EXPECT_EQ(link.Last("Originate"),
              "Action: Originate\r\nChannel: PJSIP/2001\r\nApplication: ChanSpy\r\n"
              "Data: " +
                  c.data +
                  "\r\nAsync: true\r\nCallerID: Supervisor <2001>\r\n"
                  "ActionID: cb-1-" +
                  std::to_string(id++) + "\r\n\r\n");
  }
}

TEST(PbxControl, MonitorModeNamesRoundTrip) {
  for (MonitorMode mode : {MonitorMode::kListen, MonitorMode::kWhisper, MonitorMode::kBarge}) {
    EXPECT_EQ(ParseMonitorMode(MonitorModeName(mode)), mode);
  }
  EXPECT_STREQ(MonitorModeName(MonitorMode::kBarge), "barge");
  EXPECT_FALSE(ParseMonitorMode("spy").has_value());
  EXPECT_FALSE(ParseMonitorMode("Listen").has_value());
}

TEST(AmiPbxControl, ChannelTemplateAndDefaultCallerId) {
  Result<AmiAction> a = ChanSpyOriginateAction(
      {.supervisor_extension = "a9999", .agent_channel = "Local/a1001@agents"},
      {.channel_template = "Local/{ext}@agents"});
  ASSERT_TRUE(a) << a.error().ToString();
  // The captured session's Originate, with the CallerID added.
  EXPECT_EQ(*SerializeAction(*a, "spy-1"),
            "Action: Originate\r\nChannel: Local/a9999@agents\r\nApplication: ChanSpy\r\n"
            "Data: Local/a1001@agents,qES\r\nAsync: true\r\nCallerID: Callboard <monitor>\r\n"
            "ActionID: spy-1\r\n\r\n");
}

TEST(AmiPbxControl, MalformedRequestsNameTheFieldAndSendNothing) {
  Link link;
  Status s = link.pbx.Monitor({.supervisor_extension = "2001/x", .agent_channel = "PJSIP/1001,B"});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(s.field_errors().size(), 2u);
  EXPECT_EQ(s.field_errors()[0].field, "supervisor_extension");
  EXPECT_EQ(s.field_errors()[1].field, "agent_channel");
  EXPECT_EQ(s.field_errors()[1].message, "must not contain ',' or '|'");
  s = link.pbx.Pause({.interface = "PJSIP/1001", .reason = "Lunch\r\nAction: Originate"});
  ASSERT_EQ(s.field_errors().size(), 1u);
  EXPECT_EQ(s.field_errors()[0].field, "reason");
  EXPECT_EQ(link.pbx.AddMember({.queue = "", .interface = "PJSIP/1"}).field_errors()[0].field,
            "queue");
  EXPECT_EQ(link.pbx.RemoveMember({.queue = "sales"}).message(),
            "QueueRemove: interface is required");
  EXPECT_EQ(ChanSpyOriginateAction({.supervisor_extension = "1", .agent_channel = "PJSIP/2"},
                                   {.channel_template = "PJSIP/2001"})
                .error()
                .field_errors()[0]
                .field,
            "channel_template");
  // Only the Login reached the PBX.
  EXPECT_EQ(link.peer.actions().size(), 1u);
}

TEST(AmiPbxControl, DisconnectedPbxIsUnavailable) {
  AmiClient client(FastOptions(1), nullptr);
  AmiPbxControl pbx(client);
  const Status s = pbx.Pause({.interface = "PJSIP/1001"});
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
}

// Callboard logs in, follows queue member events into typed live events, sends QueuePause
// when an agent pauses, and a correct Originate/ChanSpy for each monitor mode.
TEST(AmiPbxControl, AcceptanceAgainstTheTestPeer) {
  Link link;
  const std::string session = ReadAmiFixture();
  for (const char* name : {"QueueMemberStatus", "QueueMemberPause", "QueueMemberAdded",
                           "QueueMemberRemoved", "QueueCallerJoin", "AgentConnect"}) {
    link.peer.Send(AmiFixtureMessages(session, name).front());
  }
  ASSERT_TRUE(link.rec.WaitForEvent("AgentConnect"));
  std::vector<AmiEvent> events = link.rec.events();
  ASSERT_EQ(events.size(), 7u);  // FullyBooted first
  ASSERT_TRUE(std::holds_alternative<QueueMemberPauseEvent>(events[2]));
  const auto& pause = std::get<QueueMemberPauseEvent>(events[2]);
  EXPECT_EQ(pause.member.interface, "Local/a1002@agents/n");
  EXPECT_TRUE(pause.member.paused);
  EXPECT_EQ(pause.member.paused_reason, "Lunch");
  ASSERT_TRUE(std::holds_alternative<QueueMemberAddedEvent>(events[3]));
  EXPECT_EQ(std::get<QueueMemberAddedEvent>(events[3]).member.queue, "sales");
  ASSERT_TRUE(std::holds_alternative<QueueCallerJoinEvent>(events[5]));
  EXPECT_EQ(std::get<QueueCallerJoinEvent>(events[5]).count, 1);
  const auto& connect = std::get<AgentConnectEvent>(events[6]);
  EXPECT_EQ(connect.hold_time, 6);

  ASSERT_TRUE(link.pbx
                  .Pause({.interface = "Local/a1001@agents/n",
                          .paused = true,
                          .queue = "support",
                          .reason = "Training"})
                  .ok());
  const auto pauses = link.peer.actions("QueuePause");
  ASSERT_EQ(pauses.size(), 1u);
  EXPECT_EQ(pauses[0].message.Value("Interface"), "Local/a1001@agents/n");
  EXPECT_EQ(pauses[0].message.Value("Paused"), "true");
  EXPECT_EQ(pauses[0].message.Value("Reason"), "Training");

  for (MonitorMode mode : {MonitorMode::kListen, MonitorMode::kWhisper, MonitorMode::kBarge}) {
    ASSERT_TRUE(link.pbx
                    .Monitor({.supervisor_extension = "2001",
                              .agent_channel = connect.call.dest_channel,
                              .mode = mode})
                    .ok());
  }
  const auto spies = link.peer.actions("Originate");
  ASSERT_EQ(spies.size(), 3u);
  EXPECT_EQ(spies[0].message.Value("Data"), "Local/a1002@agents-00000005;1,qES");
  EXPECT_EQ(spies[1].message.Value("Data"), "Local/a1002@agents-00000005;1,qwES");
  EXPECT_EQ(spies[2].message.Value("Data"), "Local/a1002@agents-00000005;1,qBES");
  for (const auto& spy : spies) {
    EXPECT_EQ(spy.message.Value("Channel"), "PJSIP/2001");
    EXPECT_EQ(spy.message.Value("Application"), "ChanSpy");
    EXPECT_EQ(spy.message.Value("Async"), "true");
  }
}

}  // namespace
}  // namespace callboard
