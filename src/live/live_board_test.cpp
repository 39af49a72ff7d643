#include "live/live_board.h"

#include <gtest/gtest.h>

#include "live/alert_rules.h"

namespace callboard {
namespace {

// 2026-11-22T09:00:00Z
const TimePoint kNine = FromUnixMillis(1795338000000);

TimePoint At(int seconds) { return kNine + std::chrono::seconds(seconds); }

CommittedEvent Event(int at, const std::string& call, const std::string& event,
                     std::optional<int64_t> agent, std::vector<std::string> data = {}) {
  return {At(at), call, event, int64_t{7}, "support", agent, std::move(data)};
}

CommittedState State(int at, int64_t agent, AgentState s, const std::string& reason = "") {
  return {agent, int64_t{7}, {At(at), "SIP/" + std::to_string(agent), s, reason, "support"}};
}

class Board : public ::testing::Test {
 protected:
  void SetUp() override {
    board_.StartDay(FromUnixMillis(1795305600000));  // 2026-11-22T00:00:00Z
    board_.PutQueue(7, "support", QueueSettings{}, 0.8);
    board_.PutAgent(1, "Ann", 10);
    board_.PutAgent(2, "Bob", 10);
  }

  void Apply(CommittedBatch batch, int now) {
    deltas_.clear();
    board_.Apply(batch, At(now), deltas_, closed_);
  }

  LiveBoard board_;
  std::vector<LiveDelta> deltas_;
  std::vector<StateInterval> closed_;
};

TEST_F(Board, ACallersWaitConnectAndCompletion) {
  Apply({.events = {Event(0, "c1", "ENTERQUEUE", std::nullopt, {"", "+15550001", "1"})}}, 0);
  ASSERT_EQ(board_.queue(7)->waiting.size(), 1u);
  EXPECT_EQ(board_.queue(7)->waiting[0].caller, "+15550001");
  EXPECT_EQ(board_.queue(7)->waiting[0].position, 1);
  ASSERT_EQ(deltas_.size(), 1u);
  EXPECT_EQ(deltas_[0].type, "queue");
  // 12 s later the tile shows a 12 s wait; the agent's view has no caller number.
  const auto tile = board_.QueueJson(*board_.queue(7), At(12), false);
  EXPECT_EQ(tile.at("longest_wait_s").as_double(), 12.0);
  EXPECT_EQ(tile.at("waiting").at(0).at("caller"), "");

  Apply({.events = {Event(12, "c1", "CONNECT", 1, {"12", "c1.2", "3"})},
         .states = {State(12, 1, AgentState::kOnCall)}},
        12);
  EXPECT_TRUE(board_.queue(7)->waiting.empty());
  const LiveAgent& ann = *board_.agent(1);
  EXPECT_EQ(ann.state, AgentState::kOnCall);
  ASSERT_TRUE(ann.call.has_value());
  EXPECT_EQ(ann.call->caller, "+15550001");
  EXPECT_EQ(ann.call->since, At(12));
  const auto by_state = board_.QueueJson(*board_.queue(7), At(12), true).at("agents_by_state");
  EXPECT_EQ(by_state.at("on_call").as_int64(), 1);

  CallRecord call;
  call.pbx_call_id = "c1";
  call.queue = "support";
  call.started_at = At(0);
  call.answered_at = At(12);
  call.ended_at = At(72);
  call.wait_ms = 12000;
  call.talk_ms = 60000;
  Apply({.events = {Event(72, "c1", "COMPLETECALLER", 1, {"12", "60", "1"})},
         .calls = {{call, int64_t{7}, int64_t{1}, QueueSettings{}}},
         .states = {State(72, 1, AgentState::kAvailable)}},
        72);
  EXPECT_FALSE(board_.agent(1)->call.has_value());
  const auto today = TodayJson(board_.queue(7)->today, QueueSettings{});
  EXPECT_EQ(today.at("offered").as_int64(), 1);
  EXPECT_EQ(today.at("answered").as_int64(), 1);
  EXPECT_EQ(today.at("service_level").as_double(), 1.0);  // 12 s ≤ 20 s
  EXPECT_EQ(today.at("aht_s").as_double(), 60.0);
  // The on-call interval 09:00:12–09:01:12 closed.
  ASSERT_FALSE(closed_.empty());
  EXPECT_EQ(closed_.back().state, AgentState::kOnCall);
  EXPECT_EQ(closed_.back().started_at, At(12));
  EXPECT_EQ(closed_.back().ended_at, At(72));
}

TEST_F(Board, AbandonsAndExitsLeaveTheQueueAndOlderStatesAreIgnored) {
  Apply({.events = {Event(0, "c1", "ENTERQUEUE", std::nullopt, {"", "1", "1"}),
                    Event(1, "c2", "ENTERQUEUE", std::nullopt, {"", "2", "2"}),
                    Event(2, "c3", "ENTERQUEUE", std::nullopt, {"", "3", "3"}),
                    Event(30, "c1", "ABANDON", std::nullopt, {"1", "1", "30"}),
                    Event(31, "c2", "EXITWITHTIMEOUT", std::nullopt, {"1", "2", "30"})}},
        31);
  ASSERT_EQ(board_.queue(7)->waiting.size(), 1u);
  EXPECT_EQ(board_.queue(7)->waiting[0].call_id, "c3");
  Apply({.states = {State(40, 2, AgentState::kPaused, "Lunch")}}, 40);
  Apply({.states = {State(35, 2, AgentState::kAvailable)}}, 41);  // older: ignored
  EXPECT_EQ(board_.agent(2)->state, AgentState::kPaused);
  EXPECT_EQ(board_.agent(2)->reason, "Lunch");
  EXPECT_TRUE(deltas_.empty() || deltas_[0].type == "queue");
}

// The AMI order: the caller leaves the queue (QueueCallerLeave) before the member connects,
// and a member's first state may name a queue the board has not seen yet.
TEST_F(Board, ACallerWhoLeftBeforeTheConnectKeepsTheNumberFromTheConnect) {
  Apply({.events = {Event(0, "c1", "ENTERQUEUE", std::nullopt, {"", "+15550001", "1"})}}, 0);
  Apply({.events = {Event(5, "c1", "LEAVEQUEUE", std::nullopt, {"1", "0"})}}, 5);
  EXPECT_TRUE(board_.queue(7)->waiting.empty());
  Apply({.events = {Event(5, "c1", "CONNECT", 1, {"5", "c1.2", "2", "+15550001"})}}, 5);
  ASSERT_TRUE(board_.agent(1)->call.has_value());
  EXPECT_EQ(board_.agent(1)->call->caller, "+15550001");

  CommittedState fresh{2, int64_t{9}, {At(6), "SIP/2", AgentState::kPaused, "Lunch", "sales"}};
  Apply({.states = {fresh}}, 6);
  ASSERT_NE(board_.queue(9), nullptr);
  EXPECT_EQ(board_.queue(9)->name, "sales");
  EXPECT_EQ(board_.agent(2)->state, AgentState::kPaused);
  EXPECT_EQ(board_.agent(2)->reason, "Lunch");
}

TEST_F(Board, AlertConditionsFollowTheRules) {
  std::vector<AlertRule> rules = DefaultAlertRules();  // long_wait 120 s, long_acw 180 s
  std::vector<PauseReason> reasons = {{.name = "Smoke", .max_minutes = 15}};
  std::vector<LiveDelta> ignored;
  board_.SetState(1, AgentState::kPaused, "Smoke", At(0), ignored);
  board_.SetState(2, AgentState::kAcw, "", At(0), ignored);
  Apply({.events = {Event(0, "c1", "ENTERQUEUE", std::nullopt, {"", "1", "1"})}}, 0);

  auto kinds = [&](int now) {
    std::set<std::string> out;
    for (const AlertCondition& c : EvaluateAlerts(board_, rules, reasons, At(now))) {
      out.insert(std::string(AlertKindName(c.kind)) + ":" + std::to_string(c.subject_id));
    }
    return out;
  };
  // Bob's queue membership is unknown, Ann is paused: nobody available for the caller.
  EXPECT_EQ(kinds(120), (std::set<std::string>{"no_agents:7"}));
  EXPECT_EQ(kinds(181), (std::set<std::string>{"no_agents:7", "long_wait:7", "long_acw:2"}));
  EXPECT_EQ(kinds(901),
            (std::set<std::string>{"no_agents:7", "long_wait:7", "long_acw:2", "pause_overrun:1"}));
  rules[1].enabled = false;  // long_wait off
  EXPECT_FALSE(kinds(901).contains("long_wait:7"));
}

TEST_F(Board, ServiceLevelUnderTargetThisIntervalRaisesABreach) {
  auto call = [](int entered, int wait_s, CallOutcome outcome) {
    CallRecord c;
    c.pbx_call_id = "c" + std::to_string(entered);
    c.queue = "support";
    c.started_at = At(entered);
    c.ended_at = At(entered + wait_s + 30);
    c.wait_ms = wait_s * 1000;
    c.outcome = outcome;
    if (outcome == CallOutcome::kAnswered) {
      c.answered_at = At(entered + wait_s);
      c.talk_ms = 30000;
    }
    return CommittedCall{c, int64_t{7}, std::nullopt, QueueSettings{}};
  };
  // 09:00–09:15: 4 calls, 2 answered within 20 s, 1 answered after 40 s, 1 abandoned after
  // 60 s → SL (answered within 20 s / offered) = 2 / 4 = 50 % under the 80 % target.
  Apply({.calls = {call(0, 5, CallOutcome::kAnswered), call(60, 10, CallOutcome::kAnswered),
                   call(120, 40, CallOutcome::kAnswered), call(180, 60, CallOutcome::kAbandoned)}},
        300);
  auto conditions = EvaluateAlerts(board_, DefaultAlertRules(), {}, At(300));
  ASSERT_EQ(conditions.size(), 1u);
  EXPECT_EQ(conditions[0].kind, AlertKind::kServiceLevelBreach);
  EXPECT_EQ(conditions[0].detail, "service level this interval 50 % (target 80 %)");
  // The next interval starts empty: no SL, no breach.
  Apply({}, 15 * 60 + 1);
  EXPECT_TRUE(EvaluateAlerts(board_, DefaultAlertRules(), {}, At(15 * 60 + 1)).empty());
}

}  // namespace
}  // namespace callboard
