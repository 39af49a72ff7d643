#include "ingest/sources/ami_source.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/ami/ami_test_peer.h"
#include "ingest/sources/source_config.h"

namespace callboard {
namespace {

using testing::AmiFixtureMessages;
using testing::ReadAmiFixture;

const TimePoint kNow = FromUnixMillis(1795340200000);

// The first event named `name` of the captured session, mapped at kNow.
AmiLiveItem First(const std::string& name) {
  const std::vector<std::string> raw = AmiFixtureMessages(ReadAmiFixture(), name);
  EXPECT_FALSE(raw.empty()) << name;
  AmiFramer framer(AmiLimits{}, /*expect_banner=*/false);
  std::vector<AmiMessage> messages;
  EXPECT_TRUE(framer.Feed(raw.front(), messages).ok());
  EXPECT_EQ(messages.size(), 1u);
  Result<AmiEvent> event = ParseAmiEvent(messages.front());
  EXPECT_TRUE(event) << event.error().ToString();
  std::optional<AmiLiveItem> item = MapAmiEvent(*event, kNow);
  EXPECT_TRUE(item.has_value()) << name;
  return item.value_or(AmiLiveItem{});
}

TEST(AmiSourceMapping, APausedMemberIsPausedWithItsReasonInItsQueue) {
  const AmiLiveItem item = First("QueueMemberPause");
  ASSERT_TRUE(item.state.has_value());
  EXPECT_FALSE(item.event.has_value());
  EXPECT_EQ(item.queue, "support");
  EXPECT_EQ(item.interface, "Local/a1002@agents/n");
  EXPECT_EQ(item.state->state, AgentState::kPaused);
  EXPECT_EQ(item.state->reason, "Lunch");
  EXPECT_EQ(item.state->queue, "support");
  EXPECT_EQ(item.state->at, kNow);
}

TEST(AmiSourceMapping, QueueStatusMembersGiveTheCurrentState) {
  // The captured session's first QueueMember: Local/a1001@agents/n, InCall 1, Status 2.
  const AmiLiveItem item = First("QueueMember");
  ASSERT_TRUE(item.state.has_value());
  EXPECT_EQ(item.queue, "support");
  EXPECT_EQ(item.interface, "Local/a1001@agents/n");
  EXPECT_EQ(item.state->state, AgentState::kOnCall);
  EXPECT_EQ(item.state->reason, "");
}

TEST(AmiSourceMapping, CallerEventsBecomeQueueLogEvents) {
  const AmiLiveItem join = First("QueueCallerJoin");
  ASSERT_TRUE(join.event.has_value());
  EXPECT_EQ(join.event->event, "ENTERQUEUE");
  EXPECT_EQ(join.event->call_id, "1795340189.9");
  EXPECT_EQ(join.event->queue, "support");
  EXPECT_EQ(join.event->data, (std::vector<std::string>{"", "+15556090228", "1"}));
  EXPECT_EQ(join.event->at, kNow);
  EXPECT_EQ(join.interface, "");

  const AmiLiveItem complete = First("AgentComplete");
  ASSERT_TRUE(complete.event.has_value());
  EXPECT_EQ(complete.event->event, "COMPLETEAGENT");  // Reason: agent
  EXPECT_EQ(complete.event->call_id, "1795340171.1");
  EXPECT_EQ(complete.interface, "Local/a1003@agents/n");
  EXPECT_EQ(complete.event->data, (std::vector<std::string>{"1", "32"}));

  const AmiLiveItem leave = First("QueueCallerLeave");
  ASSERT_TRUE(leave.event.has_value());
  EXPECT_EQ(leave.event->event, "LEAVEQUEUE");

  const AmiLiveItem connect = First("AgentConnect");
  ASSERT_TRUE(connect.event.has_value());
  EXPECT_EQ(connect.event->event, "CONNECT");
  ASSERT_EQ(connect.event->data.size(), 4u);
  EXPECT_FALSE(connect.event->data[1].empty());  // DestUniqueid
  EXPECT_FALSE(connect.interface.empty());
}

TEST(AmiSourceMapping, DeviceStatesMapToAgentStates) {
  struct Case {
    AmiDeviceState status;
    bool in_call;
    AgentState want;
  };
  const Case cases[] = {
      {AmiDeviceState::kNotInUse, false, AgentState::kAvailable},
      {AmiDeviceState::kNotInUse, true, AgentState::kOnCall},
      {AmiDeviceState::kInUse, false, AgentState::kOnCall},
      {AmiDeviceState::kBusy, false, AgentState::kOnCall},
      {AmiDeviceState::kRinging, false, AgentState::kRinging},
      {AmiDeviceState::kRingInUse, true, AgentState::kRinging},
      {AmiDeviceState::kOnHold, true, AgentState::kOnHold},
      {AmiDeviceState::kUnavailable, false, AgentState::kLoggedOut},
      {AmiDeviceState::kInvalid, false, AgentState::kLoggedOut},
  };
  for (const Case& c : cases) {
    AmiQueueMember m;
    m.status = c.status;
    m.in_call = c.in_call;
    EXPECT_EQ(AmiMemberState(m), c.want) << static_cast<int>(c.status);
    m.paused = true;
    EXPECT_EQ(AmiMemberState(m), AgentState::kPaused) << static_cast<int>(c.status);
  }
  QueueMemberRemovedEvent removed;
  removed.member.queue = "sales";
  removed.member.interface = "PJSIP/1001";
  auto item = MapAmiEvent(removed, kNow);
  ASSERT_TRUE(item && item->state);
  EXPECT_EQ(item->state->state, AgentState::kLoggedOut);
  EXPECT_FALSE(MapAmiEvent(HangupEvent{}, kNow).has_value());
}

TEST(AmiSourceConfig, DefaultsAndFieldErrors) {
  SourceConfig c{.name = "asterisk", .kind = SourceKind::kAsteriskAmi, .host = "10.0.4.10"};
  Status s = ValidateSourceConfig(c, SourcePolicy{});
  ASSERT_FALSE(s.ok());
  std::vector<std::string> fields;
  for (const FieldError& f : s.field_errors()) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"username", "secret"}));

  c.username = "callboard";
  c.secret = "s3cret";
  EXPECT_TRUE(ValidateSourceConfig(c, SourcePolicy{}).ok());
  const SourceConfig d = WithKindDefaults(c);
  EXPECT_EQ(d.port, 5038);
  EXPECT_EQ(d.channel_template, "PJSIP/{ext}");

  c.format = SourceFormat::k3cxCdr;
  c.channel_template = "PJSIP/ext";
  s = ValidateSourceConfig(c, SourcePolicy{});
  fields.clear();
  for (const FieldError& f : s.field_errors()) fields.push_back(f.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"format", "channel_template"}));

  SourceConfig tcp{.name = "3cx",
                   .kind = SourceKind::k3cxTcpConnect,
                   .format = SourceFormat::k3cxCdr,
                   .host = "10.0.4.20",
                   .port = 5016};
  tcp.secret = "x";
  s = ValidateSourceConfig(tcp, SourcePolicy{});
  ASSERT_EQ(s.field_errors().size(), 1u);
  EXPECT_EQ(s.field_errors()[0].field, "secret");
  EXPECT_EQ(s.field_errors()[0].code, "not_allowed");
  EXPECT_EQ(ParseSourceKind("asterisk-ami"), SourceKind::kAsteriskAmi);
  EXPECT_EQ(SourceKindName(SourceKind::kAsteriskAmi), "asterisk-ami");
}

// A member event of `interface` in `queue`, mapped at kNow: added, paused or removed.
AmiLiveItem Member(const std::string& kind, const std::string& queue,
                   const std::string& interface) {
  AmiQueueMember m{.queue = queue, .interface = interface};
  m.status = AmiDeviceState::kNotInUse;
  AmiEvent e = QueueMemberAddedEvent{m};
  if (kind == "removed") e = QueueMemberRemovedEvent{m};
  if (kind == "paused") {
    m.paused = true;
    e = QueueMemberPauseEvent{m};
  }
  return MapAmiEvent(e, kNow).value();
}

TEST(AmiMemberships, ARemovalLogsOutOnlyWhenTheLastQueueIsLeft) {
  AmiMemberships m;
  const std::string ann = "PJSIP/1001";
  EXPECT_TRUE(m.Keep(Member("added", "support", ann)));
  EXPECT_TRUE(m.Keep(Member("paused", "sales", ann)));  // a pause tells membership too
  const AmiLiveItem removed = Member("removed", "support", ann);
  EXPECT_TRUE(removed.removed);
  EXPECT_EQ(removed.state->state, AgentState::kLoggedOut);
  EXPECT_FALSE(m.Keep(removed));  // still in sales
  EXPECT_TRUE(m.Keep(Member("removed", "sales", ann)));
  // Another member's removal is its own; an unknown member's removal logs it out.
  EXPECT_TRUE(m.Keep(Member("removed", "support", "PJSIP/1002")));
  // After a new login the memberships start again from QueueStatus.
  EXPECT_TRUE(m.Keep(Member("added", "support", ann)));
  EXPECT_TRUE(m.Keep(Member("added", "sales", ann)));
  m.Clear();
  EXPECT_TRUE(m.Keep(Member("removed", "support", ann)));
}

}  // namespace
}  // namespace callboard
