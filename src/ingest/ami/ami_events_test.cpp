#include "ingest/ami/ami_events.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "ingest/ami/ami_test_peer.h"

namespace callboard {
namespace {

using testing::AmiFixtureMessages;
using testing::ReadAmiFixture;

AmiMessage Parse(const std::string& raw) {
  AmiFramer framer(AmiLimits{}, /*expect_banner=*/false);
  std::vector<AmiMessage> out;
  EXPECT_TRUE(framer.Feed(raw, out).ok());
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? AmiMessage() : out.front();
}

// The first event named `name` in the captured session, parsed.
template <typename T>
T First(const std::string& name) {
  const std::vector<std::string> raw = AmiFixtureMessages(ReadAmiFixture(), name);
  EXPECT_FALSE(raw.empty()) << name;
  Result<AmiEvent> event = ParseAmiEvent(Parse(raw.front()));
  EXPECT_TRUE(event) << event.error().ToString();
  EXPECT_TRUE(std::holds_alternative<T>(*event)) << name;
  return std::get<T>(*event);
}

TEST(AmiEvents, EveryEventOfTheCapturedSessionParses) {
  std::map<std::string, int> counts;
  int generic = 0;
  for (const std::string& raw : AmiFixtureMessages(ReadAmiFixture(), "")) {
    AmiMessage m = Parse(raw);
    if (!m.is_event()) continue;
    Result<AmiEvent> event = ParseAmiEvent(m);
    ASSERT_TRUE(event) << event.error().ToString();
    ++counts[std::string(AmiEventName(*event))];
    generic += std::holds_alternative<AmiGenericEvent>(*event) ? 1 : 0;
  }
  // Counted in the fixture with grep '^Event: …'.
  EXPECT_EQ(counts["QueueMemberStatus"], 18);
  EXPECT_EQ(counts["QueueMemberPause"], 4);
  EXPECT_EQ(counts["QueueMemberAdded"], 1);
  EXPECT_EQ(counts["QueueMemberRemoved"], 1);
  EXPECT_EQ(counts["QueueCallerJoin"], 14);
  EXPECT_EQ(counts["QueueCallerLeave"], 10);
  EXPECT_EQ(counts["QueueCallerAbandon"], 3);
  EXPECT_EQ(counts["AgentCalled"], 9);
  EXPECT_EQ(counts["AgentConnect"], 7);
  EXPECT_EQ(counts["AgentComplete"], 7);
  EXPECT_EQ(counts["AgentRingNoAnswer"], 1);
  EXPECT_EQ(counts["Hangup"], 40);
  EXPECT_EQ(counts["VarSet"], 219);
  EXPECT_EQ(generic, 941 - 115);
}

TEST(AmiEvents, QueueMemberStatus) {
  const auto e = First<QueueMemberStatusEvent>("QueueMemberStatus");
  EXPECT_EQ(e.member.queue, "support");
  EXPECT_EQ(e.member.member_name, "Local/a1002@agents/n");
  EXPECT_EQ(e.member.interface, "Local/a1002@agents/n");
  EXPECT_EQ(e.member.state_interface, "Local/a1002@agents/n");
  EXPECT_EQ(e.member.membership, "static");
  EXPECT_EQ(e.member.penalty, 0);
  EXPECT_EQ(e.member.calls_taken, 0);
  EXPECT_EQ(e.member.last_call, 0);
  EXPECT_EQ(e.member.last_pause, 1795340185);
  EXPECT_EQ(e.member.login_time, 1795340161);
  EXPECT_TRUE(e.member.in_call);
  EXPECT_EQ(e.member.status, AmiDeviceState::kInUse);
  EXPECT_FALSE(e.member.paused);
  EXPECT_EQ(e.member.paused_reason, "");
  EXPECT_FALSE(e.member.ring_in_use);
  EXPECT_EQ(e.member.wrapup_time, 0);
}

TEST(AmiEvents, QueueMemberPauseCarriesTheReason) {
  const auto e = First<QueueMemberPauseEvent>("QueueMemberPause");
  EXPECT_EQ(e.member.queue, "support");
  EXPECT_EQ(e.member.interface, "Local/a1002@agents/n");
  EXPECT_TRUE(e.member.paused);
  EXPECT_EQ(e.member.paused_reason, "Lunch");
  EXPECT_EQ(e.member.last_pause, 1795340185);
  EXPECT_EQ(e.member.status, AmiDeviceState::kNotInUse);
  EXPECT_FALSE(e.member.in_call);
}

TEST(AmiEvents, QueueMemberAddedAndRemoved) {
  const auto added = First<QueueMemberAddedEvent>("QueueMemberAdded");
  EXPECT_EQ(added.member.queue, "sales");
  EXPECT_EQ(added.member.interface, "Local/a1002@agents/n");
  EXPECT_EQ(added.member.membership, "dynamic");
  EXPECT_EQ(added.member.penalty, 1);
  EXPECT_EQ(added.member.login_time, 1795340190);
  EXPECT_EQ(added.member.status, AmiDeviceState::kInUse);
  const auto removed = First<QueueMemberRemovedEvent>("QueueMemberRemoved");
  EXPECT_EQ(removed.member.queue, "sales");
  EXPECT_EQ(removed.member.member_name, "Local/a1002@agents/n");
  EXPECT_EQ(removed.member.membership, "dynamic");
}

TEST(AmiEvents, QueueCallerJoinLeaveAbandon) {
  const auto join = First<QueueCallerJoinEvent>("QueueCallerJoin");
  EXPECT_EQ(join.caller.channel, "Local/qsupport@callers-00000004;2");
  EXPECT_EQ(join.caller.uniqueid, "1795340189.9");
  EXPECT_EQ(join.caller.linkedid, "1795340189.8");
  EXPECT_EQ(join.caller.caller_id_num, "+15556090228");
  EXPECT_EQ(join.caller.caller_id_name, "<unknown>");
  EXPECT_EQ(join.queue, "support");
  EXPECT_EQ(join.position, 1);
  EXPECT_EQ(join.count, 1);

  const auto leave = First<QueueCallerLeaveEvent>("QueueCallerLeave");
  EXPECT_EQ(leave.caller.uniqueid, "1795340189.9");
  EXPECT_EQ(leave.queue, "support");
  EXPECT_EQ(leave.position, 1);
  EXPECT_EQ(leave.count, 0);

  const auto abandon = First<QueueCallerAbandonEvent>("QueueCallerAbandon");
  EXPECT_EQ(abandon.caller.channel, "Local/qsales@callers-0000000f;2");
  EXPECT_EQ(abandon.caller.caller_id_num, "+15555935044");
  EXPECT_EQ(abandon.caller.uniqueid, "1795340228.31");
  EXPECT_EQ(abandon.queue, "sales");
  EXPECT_EQ(abandon.position, 1);
  EXPECT_EQ(abandon.original_position, 1);
  EXPECT_EQ(abandon.hold_time, 7);
}

TEST(AmiEvents, AgentCalledConnectCompleteRingNoAnswer) {
  const auto called = First<AgentCalledEvent>("AgentCalled");
  EXPECT_EQ(called.call.caller.channel, "Local/qsupport@callers-00000004;2");
  EXPECT_EQ(called.call.dest_channel, "Local/a1002@agents-00000005;1");
  EXPECT_EQ(called.call.dest_uniqueid, "1795340190.10");
  EXPECT_EQ(called.call.queue, "support");
  EXPECT_EQ(called.call.interface, "Local/a1002@agents/n");
  EXPECT_EQ(called.call.member_name, "Local/a1002@agents/n");

  const auto connect = First<AgentConnectEvent>("AgentConnect");
  EXPECT_EQ(connect.call.caller.uniqueid, "1795340189.9");
  EXPECT_EQ(connect.call.dest_channel, "Local/a1002@agents-00000005;1");
  EXPECT_EQ(connect.hold_time, 6);
  EXPECT_EQ(connect.ring_time, 6);

  const auto complete = First<AgentCompleteEvent>("AgentComplete");
  EXPECT_EQ(complete.call.caller.channel, "Local/qsales@callers-00000000;2");
  EXPECT_EQ(complete.call.dest_channel, "Local/a1003@agents-00000001;1");
  EXPECT_EQ(complete.call.queue, "sales");
  EXPECT_EQ(complete.hold_time, 1);
  EXPECT_EQ(complete.talk_time, 32);
  EXPECT_EQ(complete.reason, "agent");

  const auto rna = First<AgentRingNoAnswerEvent>("AgentRingNoAnswer");
  EXPECT_EQ(rna.call.interface, "Local/a1001@agents/n");
  EXPECT_EQ(rna.call.dest_channel, "Local/a1001@agents-00000014;1");
  EXPECT_EQ(rna.call.caller.caller_id_num, "+15555261324");
  EXPECT_EQ(rna.ring_time, 10000);
}

TEST(AmiEvents, Hangup) {
  const auto e = First<HangupEvent>("Hangup");
  EXPECT_EQ(e.channel.channel, "Local/a1003@agents-00000001;2");
  EXPECT_EQ(e.channel.uniqueid, "1795340171.3");
  EXPECT_EQ(e.channel.linkedid, "1795340171.0");
  EXPECT_EQ(e.cause, 16);
  EXPECT_EQ(e.cause_txt, "Normal Clearing");
}

TEST(AmiEvents, OtherEventsKeepTheirWholeMessage) {
  const auto spy = First<AmiGenericEvent>("ChanSpyStart");
  EXPECT_EQ(spy.name, "ChanSpyStart");
  EXPECT_EQ(spy.message.Value("SpyeeChannel"), "Local/a1001@agents-00000003;1");
  EXPECT_EQ(spy.message.Value("SpyerChannel"), "Local/a9999@agents-00000008;1");
}

TEST(AmiEvents, MalformedNumberNamesTheEventAndField) {
  AmiMessage m;
  m.Add("Event", "QueueCallerJoin");
  m.Add("Queue", "support");
  m.Add("Position", "first");
  Result<AmiEvent> e = ParseAmiEvent(m);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().message(),
            "AMI event QueueCallerJoin: Position is not a whole number: 'first'");
  ASSERT_EQ(e.error().field_errors().size(), 1u);
  EXPECT_EQ(e.error().field_errors()[0].field, "Position");

  AmiMessage no_queue;
  no_queue.Add("Event", "QueueMemberPause");
  no_queue.Add("Interface", "PJSIP/1001");
  Result<AmiEvent> missing = ParseAmiEvent(no_queue);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message(), "AMI event QueueMemberPause: Queue is missing");

  AmiMessage bad_flag;
  bad_flag.Add("Event", "QueueMemberStatus");
  bad_flag.Add("Queue", "support");
  bad_flag.Add("Interface", "PJSIP/1001");
  bad_flag.Add("Paused", "maybe");
  EXPECT_EQ(ParseAmiEvent(bad_flag).error().message(),
            "AMI event QueueMemberStatus: Paused is not 0 or 1: 'maybe'");
}

}  // namespace
}  // namespace callboard
