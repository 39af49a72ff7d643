#include "live/live_feed_codec.h"

#include <gtest/gtest.h>

namespace callboard {
namespace {

CommittedBatch Sample() {
  CommittedBatch b;
  b.events.push_back({FromUnixMillis(1795305600123),
                      "1712.5",
                      "ENTERQUEUE",
                      3,
                      "sales",
                      std::nullopt,
                      {"", "07700900123", "1"}});
  b.events.push_back(
      {FromUnixMillis(1795305605000), "1712.5", "CONNECT", 3, "sales", 9, {"5", "1712.6", "2"}});
  CommittedCall c;
  c.call.pbx_call_id = "1712.5";
  c.call.direction = CallDirection::kInbound;
  c.call.queue = "sales";
  c.call.agent = "PJSIP/1001";
  c.call.caller = "07700900123";
  c.call.callee = "\"quoted\" \\ callee";
  c.call.started_at = FromUnixMillis(1795305600123);
  c.call.answered_at = FromUnixMillis(1795305605000);
  c.call.ended_at = FromUnixMillis(1795305700000);
  c.call.wait_ms = 4877;
  c.call.talk_ms = 95000;
  c.call.hold_ms = 12000;
  c.call.acw_ms = 30000;
  c.call.outcome = CallOutcome::kAnswered;
  c.call.transfer_count = 1;
  c.call.transferred_to = "1002";
  c.call.disposition = "sale";
  c.call.call_type = "billing";
  c.call.fcr = false;
  c.call.csat = 4;
  c.call.recording = "https://rec.example/1712.5.wav";
  c.call.ring_attempts = {{"PJSIP/1003", 15000, FromUnixMillis(1795305603000)}};
  c.queue_id = 3;
  c.agent_id = 9;
  c.settings = {
      .sl_threshold_s = 30, .short_abandon_s = 10, .sl_formula = SlFormula::kLateAbandonsCount};
  b.calls.push_back(c);
  CommittedCall abandoned;
  abandoned.call.pbx_call_id = "1713.1";
  abandoned.call.outcome = CallOutcome::kAbandoned;
  abandoned.call.started_at = abandoned.call.ended_at = FromUnixMillis(1795305609000);
  b.calls.push_back(abandoned);
  b.states.push_back(
      {9, 3, {FromUnixMillis(1795305605000), "PJSIP/1001", AgentState::kOnCall, "", "sales"}});
  b.states.push_back(
      {9,
       std::nullopt,
       {FromUnixMillis(1795305800000), "PJSIP/1001", AgentState::kPaused, "Lunch", ""}});
  return b;
}

TEST(LiveFeedCodec, ABatchRoundTripsFieldForField) {
  const CommittedBatch b = Sample();
  auto back = DecodeCommittedBatch(EncodeCommittedBatch(b));
  ASSERT_TRUE(back) << back.error().ToString();
  ASSERT_EQ(back->events.size(), 2u);
  EXPECT_EQ(back->events[0].at, b.events[0].at);
  EXPECT_EQ(back->events[0].agent_id, std::nullopt);
  EXPECT_EQ(back->events[1].agent_id, std::optional<int64_t>(9));
  EXPECT_EQ(back->events[1].data, (std::vector<std::string>{"5", "1712.6", "2"}));
  ASSERT_EQ(back->calls.size(), 2u);
  const CallRecord& c = back->calls[0].call;
  const CallRecord& want = b.calls[0].call;
  EXPECT_EQ(c.pbx_call_id, want.pbx_call_id);
  EXPECT_EQ(c.callee, want.callee);
  EXPECT_EQ(c.answered_at, want.answered_at);
  EXPECT_EQ(c.ended_at, want.ended_at);
  EXPECT_EQ(c.wait_ms, 4877);
  EXPECT_EQ(c.hold_ms, 12000);
  EXPECT_EQ(c.acw_ms, 30000);
  EXPECT_EQ(c.transfer_count, 1);
  EXPECT_EQ(c.fcr, std::optional<bool>(false));
  EXPECT_EQ(c.csat, std::optional<int>(4));
  EXPECT_EQ(c.recording, want.recording);
  EXPECT_EQ(c.ring_attempts, want.ring_attempts);
  EXPECT_EQ(back->calls[0].queue_id, std::optional<int64_t>(3));
  EXPECT_EQ(back->calls[0].settings, b.calls[0].settings);
  EXPECT_EQ(back->calls[1].call.outcome, CallOutcome::kAbandoned);
  EXPECT_EQ(back->calls[1].call.answered_at, std::nullopt);
  EXPECT_EQ(back->calls[1].call.fcr, std::nullopt);
  ASSERT_EQ(back->states.size(), 2u);
  EXPECT_EQ(back->states[1].change.state, AgentState::kPaused);
  EXPECT_EQ(back->states[1].change.reason, "Lunch");
  EXPECT_EQ(back->states[1].queue_id, std::nullopt);
}

TEST(LiveFeedCodec, AWrongFieldIsNamed) {
  auto bad = DecodeCommittedBatch(R"({"events":[[1,"c","ENTERQUEUE",null,"q",null,[]]],"calls":[],)"
                                  R"("states":[[9,null,5,"SIP/1","dancing","",""]]})");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().ToString().find("states[0]"), std::string::npos) << bad.error().ToString();
  EXPECT_NE(bad.error().ToString().find("an agent state"), std::string::npos);
  EXPECT_FALSE(DecodeCommittedBatch("{\"events\":[]}"));
  EXPECT_FALSE(DecodeCommittedBatch("not json"));
  auto short_event = DecodeCommittedBatch(R"({"events":[[1,"c"]],"calls":[],"states":[]})");
  ASSERT_FALSE(short_event);
  EXPECT_NE(short_event.error().ToString().find("events[0]"), std::string::npos);
}

TEST(LiveFeedCodec, StatusAndAlertIdsRoundTrip) {
  const StatusItem s{42, AgentState::kPaused, "Smoke", FromUnixMillis(1795305600000)};
  auto back = DecodeStatusItem(EncodeStatusItem(s));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
  auto ids = DecodeAlertIds(EncodeAlertIds({7, 9, 1234567890123}));
  ASSERT_TRUE(ids);
  EXPECT_EQ(*ids, (std::vector<int64_t>{7, 9, 1234567890123}));
  EXPECT_FALSE(DecodeAlertIds("[1,\"x\"]"));
  EXPECT_FALSE(DecodeStatusItem("[1,\"paused\"]"));
}

}  // namespace
}  // namespace callboard
