#include "ingest/call_assembler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "ingest/parser_test_support.h"

namespace callboard {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

using Events = std::vector<std::pair<int64_t, QueueLogEvent>>;  // line, event

// Parses a queue_log fixture into events with their line numbers (offset by first_line - 1).
Events ReadEvents(std::string_view fixture, int64_t first_line = 1) {
  std::unique_ptr<RecordParser> parser = testing::NewParser(SourceFormat::kAsteriskQueueLog);
  const std::string text = testing::ReadTestData(fixture);
  Events events;
  std::vector<ParsedItem> items;
  std::vector<ParseReject> rejects;
  int64_t line = first_line - 1;
  size_t pos = 0;
  while (parser != nullptr && pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    items.clear();
    parser->ParseLine(std::string_view(text).substr(pos, nl - pos), ++line, items, rejects);
    for (ParsedItem& item : items) events.emplace_back(line, std::get<QueueLogEvent>(item));
    pos = nl + 1;
  }
  EXPECT_THAT(rejects, IsEmpty()) << fixture;
  return events;
}

void Feed(CallAssembler& assembler, const Events& events, size_t begin, size_t end,
          AssemblerOutput& out) {
  for (size_t i = begin; i < end; ++i) assembler.Add(events[i].second, events[i].first, out);
}

AssemblerOutput Assemble(std::string_view fixture) {
  CallAssembler assembler;
  AssemblerOutput out;
  const Events events = ReadEvents(fixture);
  Feed(assembler, events, 0, events.size(), out);
  assembler.Finish(out);
  return out;
}

// Epoch seconds, with milliseconds when not whole.
std::string Secs(TimePoint t) {
  const int64_t ms = ToUnixMillis(t);
  std::string s = std::to_string(ms / 1000);
  if (ms % 1000 != 0) s += "." + std::to_string(1000 + ms % 1000).substr(1);
  return s;
}

std::string Describe(const CallRecord& c) {
  std::string s =
      c.pbx_call_id + " " + c.queue + " " + std::string(CallOutcomeName(c.outcome)) +
      " start=" + Secs(c.started_at) + " answer=" + (c.answered_at ? Secs(*c.answered_at) : "-") +
      " end=" + Secs(c.ended_at) + " wait=" + std::to_string(c.wait_ms) +
      " talk=" + std::to_string(c.talk_ms) + " agent=" + c.agent + " caller=" + c.caller;
  if (!c.callee.empty()) s += " callee=" + c.callee;
  if (c.transfer_count != 0) {
    s += " transfers=" + std::to_string(c.transfer_count) + " to=" + c.transferred_to;
  }
  // Never set from queue_log.
  if (c.direction != CallDirection::kInbound) s += " NOT-INBOUND";
  if (c.hold_ms != 0 || c.acw_ms != 0) s += " HOLD/ACW-SET";
  return s;
}

std::string Describe(const AgentStateChange& c) {
  return c.agent + " " + std::string(AgentStateName(c.state)) +
         (c.reason.empty() ? "" : " " + c.reason) + " @" + Secs(c.at) + " q=" + c.queue;
}

std::string Describe(const AssemblyDiagnostic& d) {
  return d.kind + " " + d.call_id + " line=" + std::to_string(d.line);
}

template <typename T>
std::vector<std::string> Describe(const std::vector<T>& items) {
  std::vector<std::string> out;
  for (const T& item : items) out.push_back(Describe(item));
  return out;
}

std::vector<std::string> StatesOf(const AssemblerOutput& out, std::string_view agent) {
  std::vector<std::string> states;
  for (const AgentStateChange& s : out.states) {
    if (s.agent == agent) states.push_back(Describe(s));
  }
  return states;
}

TEST(CallAssembler, RebuildsEveryCallOfRealRun1) {
  const AssemblerOutput out = Assemble("asterisk/run1.queue_log");
  EXPECT_THAT(out.diagnostics, IsEmpty());
  // In order of the terminal events; values read off the file by hand.
  EXPECT_THAT(
      Describe(out.calls),
      ElementsAre(
          "1795340067.1 sales answered start=1795340068 answer=1795340068 end=1795340071 wait=0 "
          "talk=3000 agent=Local/a1003@agents/n caller=+15557206817",
          "1795340069.5 sales answered start=1795340069 answer=1795340070 end=1795340072 "
          "wait=1000 talk=2000 agent=Local/a2002@agents/n caller=+15551220922",
          "1795340071.15 sales abandoned start=1795340072 answer=- end=1795340075 wait=3000 "
          "talk=0 agent= caller=+15559777524",
          "1795340071.17 support answered start=1795340072 answer=1795340075 end=1795340075 "
          "wait=3000 talk=0 agent=Local/a1001@agents/n caller=+15551717880",
          "1795340070.9 sales answered start=1795340070 answer=1795340071 end=1795340078 "
          "wait=1000 talk=7000 agent=Local/a2001@agents/n caller=+15554216932",
          "1795340077.29 support abandoned start=1795340077 answer=- end=1795340080 wait=3000 "
          "talk=0 agent= caller=+15551602077",
          "1795340077.27 support answered start=1795340077 answer=1795340081 end=1795340095 "
          "wait=4000 talk=14000 agent=Local/a1001@agents/n caller=+15558459503",
          "1795340072.19 support answered start=1795340072 answer=1795340079 end=1795340096 "
          "wait=7000 talk=17000 agent=Local/a1002@agents/n caller=+15557502992",
          "1795340081.37 sales answered start=1795340081 answer=1795340081 end=1795340106 "
          "wait=0 talk=25000 agent=Local/a2001@agents/n caller=+15559960762",
          "1795340071.13 sales answered start=1795340072 answer=1795340076 end=1795340109 "
          "wait=4000 talk=33000 agent=Local/a1003@agents/n caller=+15557662812",
          "1795340077.31 sales answered start=1795340078 answer=1795340078 end=1795340120 "
          "wait=0 talk=42000 agent=Local/a2002@agents/n caller=+15556050381",
          "1795340083.41 support answered start=1795340083 answer=1795340101 end=1795340140 "
          "wait=18000 talk=39000 agent=Local/a1001@agents/n caller=+15551480841"));
  // A static member: first seen on its first CONNECT.
  EXPECT_THAT(StatesOf(out, "Local/a1003@agents/n"),
              ElementsAre("Local/a1003@agents/n on_call @1795340068 q=sales",
                          "Local/a1003@agents/n available @1795340071 q=sales",
                          "Local/a1003@agents/n on_call @1795340076 q=sales",
                          "Local/a1003@agents/n available @1795340109 q=sales"));
}

TEST(CallAssembler, Run2AgreesWithAsteriskQueueShowCounters) {
  const AssemblerOutput out = Assemble("asterisk/run2.queue_log");
  EXPECT_THAT(out.diagnostics, IsEmpty());
  struct Counters {
    int completed = 0, abandoned = 0, answered_in_20 = 0, abandoned_in_20 = 0;
  };
  std::map<std::string, Counters> by_queue;
  for (const CallRecord& c : out.calls) {
    Counters& q = by_queue[c.queue];
    if (c.outcome == CallOutcome::kAnswered) {
      ++q.completed;
      q.answered_in_20 += c.wait_ms <= 20000 ? 1 : 0;
    } else {  // Asterisk's A counts EXITWITHTIMEOUT too
      EXPECT_TRUE(c.outcome == CallOutcome::kAbandoned || c.outcome == CallOutcome::kTimeout)
          << Describe(c);
      ++q.abandoned;
      q.abandoned_in_20 += c.wait_ms <= 20000 ? 1 : 0;
    }
  }
  ASSERT_EQ(by_queue.size(), 2u);
  // run2.queue-show.txt: sales C:9, A:6, SL:77.8% (7/9), SL2:73.3% (11/15).
  EXPECT_EQ(by_queue["sales"].completed, 9);
  EXPECT_EQ(by_queue["sales"].abandoned, 6);
  EXPECT_EQ(by_queue["sales"].answered_in_20, 7);
  EXPECT_EQ(by_queue["sales"].answered_in_20 + by_queue["sales"].abandoned_in_20, 11);
  // support C:15, A:10, SL:53.3% (8/15), SL2:60.0% (15/25).
  EXPECT_EQ(by_queue["support"].completed, 15);
  EXPECT_EQ(by_queue["support"].abandoned, 10);
  EXPECT_EQ(by_queue["support"].answered_in_20, 8);
  EXPECT_EQ(by_queue["support"].answered_in_20 + by_queue["support"].abandoned_in_20, 15);

  // queue show: "has taken N calls" per member of each queue.
  std::map<std::string, int> taken;
  for (const CallRecord& c : out.calls) taken[c.queue + " " + c.agent] += c.answered_at ? 1 : 0;
  EXPECT_EQ(taken["sales Local/a2001@agents/n"], 3);
  EXPECT_EQ(taken["sales Local/a2002@agents/n"], 4);
  EXPECT_EQ(taken["sales Local/a1003@agents/n"], 2);
  EXPECT_EQ(taken["support Local/a1001@agents/n"], 5);
  EXPECT_EQ(taken["support Local/a1002@agents/n"], 5);
  EXPECT_EQ(taken["support Local/a1003@agents/n"], 5);

  // a2001 pauses for the bathroom between calls; ring attempts show as ringing (ms).
  EXPECT_THAT(StatesOf(out, "Local/a2001@agents/n"),
              ElementsAre("Local/a2001@agents/n ringing @1795342453 q=sales",
                          "Local/a2001@agents/n available @1795342463 q=sales",
                          "Local/a2001@agents/n on_call @1795342469 q=sales",
                          "Local/a2001@agents/n available @1795342486 q=sales",
                          "Local/a2001@agents/n ringing @1795342489 q=sales",
                          "Local/a2001@agents/n available @1795342499 q=sales",
                          "Local/a2001@agents/n on_call @1795342504 q=sales",
                          "Local/a2001@agents/n available @1795342547 q=sales",
                          "Local/a2001@agents/n paused Bathroom @1795342573 q=sales",
                          "Local/a2001@agents/n available @1795342575 q=sales",
                          "Local/a2001@agents/n on_call @1795342578 q=sales",
                          "Local/a2001@agents/n available @1795342607 q=sales"));
  // a1001 pauses for lunch and unpauses in the same second during a call (591..637): the call
  // shows, the pause does not.
  const std::vector<std::string> a1001 = StatesOf(out, "Local/a1001@agents/n");
  ASSERT_GE(a1001.size(), 2u);
  EXPECT_EQ(a1001[a1001.size() - 2], "Local/a1001@agents/n on_call @1795342591 q=support");
  EXPECT_EQ(a1001.back(), "Local/a1001@agents/n available @1795342637 q=support");
}

TEST(CallAssembler, TransfersEndTheVisitAsAnswered) {
  const AssemblerOutput out = Assemble("assembler/transfers.queue_log");
  EXPECT_THAT(out.diagnostics, IsEmpty());
  EXPECT_THAT(Describe(out.calls),
              ElementsAre("1800000000.1 support answered start=1800000000 answer=1800000004 "
                          "end=1800000064 wait=4000 talk=60000 agent=SIP/1001 caller=+15550001001 "
                          "transfers=1 to=2000",
                          "1800000100.3 support answered start=1800000100 answer=1800000106 "
                          "end=1800000196 wait=6000 talk=90000 agent=SIP/1002 caller=+15550001002 "
                          "transfers=1 to=3001",
                          // calltime 119 s from the data, not the 120 s between the timestamps.
                          "1800000200.5 sales answered start=1800000200 answer=1800000202 "
                          "end=1800000322 wait=2000 talk=119000 agent=SIP/2001 caller=+15550001003 "
                          "transfers=1 to=1800000300.9"));
  EXPECT_THAT(StatesOf(out, "SIP/1002"), ElementsAre("SIP/1002 on_call @1800000106 q=support",
                                                     "SIP/1002 available @1800000196 q=support"));
}

TEST(CallAssembler, ExitsGiveTheirOutcomesAndWaitFromTheData) {
  const AssemblerOutput out = Assemble("assembler/exits.queue_log");
  EXPECT_THAT(out.diagnostics, IsEmpty());
  EXPECT_THAT(Describe(out.calls),
              ElementsAre("1800001000.1 support exit_key start=1800001000 answer=- "
                          "end=1800001012 wait=12000 talk=0 agent= caller=+15550002001",
                          "1800001100.2 support exit_empty start=1800001100 answer=- "
                          "end=1800001100 wait=0 talk=0 agent= caller=+15550002002",
                          // waittime 59 s from the data, not the 60 s between the timestamps.
                          "1800001200.3 sales timeout start=1800001200 answer=- end=1800001260 "
                          "wait=59000 talk=0 agent= caller=+15550002003"));
  // Ring times are in milliseconds.
  EXPECT_THAT(Describe(out.states), ElementsAre("SIP/2001 ringing @1800001215 q=sales",
                                                "SIP/2001 available @1800001230 q=sales",
                                                "SIP/2002 ringing @1800001243.500 q=sales",
                                                "SIP/2002 available @1800001245 q=sales"));
}

TEST(CallAssembler, ToleratesQuirksWithDiagnostics) {
  const AssemblerOutput out = Assemble("assembler/quirks.queue_log");
  EXPECT_THAT(
      Describe(out.calls),
      ElementsAre(
          // The DID event gives the callee; the duplicate COMPLETECALLER adds nothing.
          "1800002000.1 support answered start=1800002000 answer=1800002010 end=1800002040 "
          "wait=10000 talk=30000 agent=SIP/1001 caller=+15550003001 callee=+15559990000",
          // CONNECT without ENTERQUEUE: started = CONNECT time - holdtime 7 s.
          "1800002100.3 support answered start=1800002093 answer=1800002100 end=1800002145 "
          "wait=7000 talk=45000 agent=SIP/1002 caller=",
          // The ENTERQUEUE line after its CONNECT line repairs the visit silently.
          "1800002200.5 sales answered start=1800002197 answer=1800002200 end=1800002230 "
          "wait=3000 talk=30000 agent=SIP/2001 caller=+15550003003",
          // Negative holdtime and absurd calltime: the timestamps' 5 s and 15 s instead.
          "1800002300.7 sales answered start=1800002300 answer=1800002305 end=1800002320 "
          "wait=5000 talk=15000 agent=SIP/2002 caller=+15550003004",
          // ABANDON with no visit: rebuilt, started = event time - waittime.
          "1800002410.9 support abandoned start=1800002390 answer=- end=1800002410 wait=20000 "
          "talk=0 agent= caller="));
  EXPECT_THAT(
      Describe(out.diagnostics),
      ElementsAre("duplicate_terminal 1800002000.1 line=5",
                  "connect_without_enterqueue 1800002100.3 line=6",
                  "negative_duration 1800002300.7 line=12", "absurd_duration 1800002300.7 line=13",
                  "call_event_without_callid  line=14",
                  "terminal_without_enterqueue 1800002410.9 line=16"));
  EXPECT_THAT(out.diagnostics[2].detail, HasSubstr("holdtime '-5' is negative"));
  // The duplicate does not move the agent either.
  EXPECT_THAT(StatesOf(out, "SIP/1001"), ElementsAre("SIP/1001 on_call @1800002010 q=support",
                                                     "SIP/1001 available @1800002040 q=support"));
}

TEST(CallAssembler, ExpireClosesVisitsWithoutTerminalEvent) {
  CallAssembler assembler;
  AssemblerOutput out;
  const Events events = ReadEvents("assembler/open_calls.queue_log");
  Feed(assembler, events, 0, events.size(), out);
  assembler.Finish(out);  // keeps them open
  EXPECT_THAT(out.calls, IsEmpty());
  EXPECT_EQ(assembler.OpenCalls(), 2u);
  EXPECT_EQ(assembler.OldestOpenLine(), 1);

  const TimePoint last_ring = FromUnixMillis(1800003010000);
  assembler.Expire(last_ring + std::chrono::hours(4) - std::chrono::seconds(1), out);
  EXPECT_THAT(out.calls, IsEmpty());
  assembler.Expire(last_ring + std::chrono::hours(4), out);
  EXPECT_THAT(Describe(out.calls),
              ElementsAre("1800003000.1 support abandoned start=1800003000 answer=- "
                          "end=1800003010 wait=10000 talk=0 agent= caller=+15550004001"));
  EXPECT_THAT(Describe(out.diagnostics), ElementsAre("no_terminal_event 1800003000.1 line=1"));
  EXPECT_THAT(out.diagnostics[0].detail, HasSubstr("(1 ring attempts)"));
  EXPECT_EQ(assembler.OpenCalls(), 1u);
  EXPECT_EQ(assembler.OldestOpenLine(), 3);

  out = {};
  assembler.Expire(FromUnixMillis(1800003025000) + std::chrono::hours(4), out);
  // Connected: answered, ending at its last event (talk unknown, so 0).
  EXPECT_THAT(Describe(out.calls),
              ElementsAre("1800003020.2 support answered start=1800003020 answer=1800003025 "
                          "end=1800003025 wait=5000 talk=0 agent=SIP/1002 caller=+15550004002"));
  EXPECT_THAT(Describe(out.states), ElementsAre("SIP/1002 available @1800003025 q=support"));
  EXPECT_EQ(assembler.OpenCalls(), 0u);
  EXPECT_EQ(assembler.OldestOpenLine(), 0);
}

TEST(CallAssembler, ExpireHonoursTheConfiguredTimeout) {
  CallAssembler assembler(std::chrono::minutes(1));
  AssemblerOutput out;
  const Events events = ReadEvents("assembler/open_calls.queue_log");
  Feed(assembler, events, 0, 2, out);
  assembler.Expire(FromUnixMillis(1800003069000), out);
  EXPECT_EQ(assembler.OpenCalls(), 1u);
  assembler.Expire(FromUnixMillis(1800003070000), out);
  EXPECT_EQ(assembler.OpenCalls(), 0u);
  ASSERT_EQ(out.calls.size(), 1u);
  EXPECT_EQ(out.calls[0].outcome, CallOutcome::kAbandoned);
}

TEST(CallAssembler, SameCallIdInTwoQueuesMakesTwoVisits) {
  const AssemblerOutput out = Assemble("assembler/two_queues.queue_log");
  EXPECT_THAT(
      Describe(out.calls),
      ElementsAre(
          "1800004000.1 support timeout start=1800004000 answer=- end=1800004030 wait=30000 "
          "talk=0 agent= caller=+15550005001",
          "1800004000.1 sales answered start=1800004030 answer=1800004035 end=1800004095 "
          "wait=5000 talk=60000 agent=SIP/2001 caller=+15550005001",
          // Connected in support, then entered sales with no event in between: an unlogged
          // transfer ending at the new entry.
          "1800004100.3 support answered start=1800004100 answer=1800004102 end=1800004160 "
          "wait=2000 talk=58000 agent=SIP/1001 caller=+15550005002 transfers=1 to=sales",
          "1800004100.3 sales answered start=1800004160 answer=1800004163 end=1800004200 "
          "wait=3000 talk=37000 agent=SIP/2002 caller=+15550005002",
          // The first callid back in support later: a third visit.
          "1800004000.1 support abandoned start=1800004300 answer=- end=1800004310 wait=10000 "
          "talk=0 agent= caller=+15550005001"));
  EXPECT_THAT(Describe(out.diagnostics), ElementsAre("no_terminal_event 1800004100.3 line=6"));
  EXPECT_THAT(StatesOf(out, "SIP/1001"), ElementsAre("SIP/1001 on_call @1800004102 q=support",
                                                     "SIP/1001 available @1800004160 q=support"));
}

TEST(CallAssembler, TracksDynamicMembersPausesAndLogins) {
  const AssemblerOutput out = Assemble("assembler/agents.queue_log");
  EXPECT_THAT(out.diagnostics, IsEmpty());
  EXPECT_THAT(
      Describe(out.states),
      ElementsAre(
          "SIP/1001 available @1800005000 q=support", "SIP/1001 paused Training @1800005010 q=",
          "SIP/1001 available @1800005020 q=", "SIP/1001 on_call @1800005040 q=support",
          // Paused during the call: paused once the call ends.
          "SIP/1001 paused Lunch @1800005100 q=support", "SIP/1001 available @1800005200 q=support",
          // Still in sales after leaving support.
          "SIP/1001 logged_out @1800005400 q=sales",
          "Agent/1003 available @1800005500 q=", "Agent/1003 logged_out @1800005600 q="));
  ASSERT_EQ(out.calls.size(), 1u);
  EXPECT_EQ(out.calls[0].talk_ms, 60000);
}

// All fixtures in one stream, times increasing: run2, then the hand-written files.
Events AllEvents() {
  Events all;
  for (const char* fixture :
       {"asterisk/run2.queue_log", "assembler/transfers.queue_log", "assembler/exits.queue_log",
        "assembler/quirks.queue_log", "assembler/open_calls.queue_log",
        "assembler/two_queues.queue_log", "assembler/agents.queue_log"}) {
    Events events = ReadEvents(fixture, static_cast<int64_t>(all.size()) + 1);
    all.insert(all.end(), events.begin(), events.end());
  }
  return all;
}

void ExpectSameOutput(const AssemblerOutput& got, const AssemblerOutput& want) {
  EXPECT_EQ(Describe(got.calls), Describe(want.calls));
  EXPECT_EQ(Describe(got.states), Describe(want.states));
  EXPECT_EQ(Describe(got.diagnostics), Describe(want.diagnostics));
  for (size_t i = 0; i < got.calls.size() && i < want.calls.size(); ++i) {
    EXPECT_EQ(got.calls[i].ring_attempts, want.calls[i].ring_attempts);
  }
  for (size_t i = 0; i < got.diagnostics.size() && i < want.diagnostics.size(); ++i) {
    EXPECT_EQ(got.diagnostics[i].detail, want.diagnostics[i].detail);
  }
}

TEST(CallAssembler, KeepsRingNoAnswerAttemptsOnTheCall) {
  const AssemblerOutput out = Assemble("assembler/exits.queue_log");
  ASSERT_EQ(out.calls.size(), 3u);
  EXPECT_THAT(out.calls[0].ring_attempts, IsEmpty());
  // RINGNOANSWER of SIP/2001 after 15000 ms; the RINGCANCELED of SIP/2002 is not an attempt
  // that went unanswered.
  EXPECT_THAT(out.calls[2].ring_attempts,
              ElementsAre(RingAttempt{"SIP/2001", 15000, FromUnixMillis(1800001230000)}));

  // An attempt on a visit still open survives a checkpoint.
  CallAssembler first;
  AssemblerOutput before;
  const Events events = ReadEvents("assembler/open_calls.queue_log");
  Feed(first, events, 0, events.size(), before);
  CallAssembler second;
  ASSERT_TRUE(second.LoadState(first.SaveState()).ok());
  AssemblerOutput after;
  second.Expire(FromUnixMillis(1800003010000) + std::chrono::hours(5), after);
  ASSERT_FALSE(after.calls.empty());
  EXPECT_EQ(after.calls[0].pbx_call_id, "1800003000.1");
  EXPECT_THAT(after.calls[0].ring_attempts,
              ElementsAre(RingAttempt{"SIP/1001", 10000, FromUnixMillis(1800003010000)}));
}

TEST(CallAssembler, ResumingFromSavedStateAtAnyLineGivesTheUninterruptedOutput) {
  const Events events = AllEvents();
  ASSERT_EQ(events.size(), 184u);  // 122 + 9 + 8 + 16 + 4 + 12 + 13 lines
  const TimePoint end = events.back().second.at + std::chrono::hours(5);

  AssemblerOutput want;
  {
    CallAssembler assembler;
    Feed(assembler, events, 0, events.size(), want);
    assembler.Expire(end, want);
  }
  ASSERT_EQ(want.calls.size(), 40u + 3 + 3 + 5 + 2 + 5 + 1);

  size_t resumed_mid_call = 0;
  for (size_t split = 0; split <= events.size(); ++split) {
    SCOPED_TRACE("split after event " + std::to_string(split));
    AssemblerOutput got;
    std::string state;
    {
      CallAssembler first;
      Feed(first, events, 0, split, got);
      state = first.SaveState();
      resumed_mid_call += first.OpenCalls() > 0 ? 1 : 0;
    }
    CallAssembler second;
    ASSERT_TRUE(second.LoadState(state).ok());
    EXPECT_EQ(second.SaveState(), state);
    Feed(second, events, split, events.size(), got);
    second.Expire(end, got);
    ExpectSameOutput(got, want);
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GT(resumed_mid_call, 100u);
}

TEST(CallAssembler, SavedStateHoldsTheOpenVisit) {
  CallAssembler first;
  AssemblerOutput out;
  const Events events = ReadEvents("assembler/open_calls.queue_log");
  Feed(first, events, 0, events.size(), out);
  CallAssembler second;
  ASSERT_TRUE(second.LoadState(first.SaveState()).ok());
  EXPECT_EQ(second.OpenCalls(), 2u);
  EXPECT_EQ(second.OldestOpenLine(), 1);
  // The agent on the call is still on it: completing it makes them available.
  QueueLogEvent complete{FromUnixMillis(1800003090000),
                         "1800003020.2",
                         "support",
                         "SIP/1002",
                         "COMPLETECALLER",
                         {"5", "65", "1"}};
  out = {};
  second.Add(complete, 5, out);
  EXPECT_THAT(Describe(out.calls),
              ElementsAre("1800003020.2 support answered start=1800003020 answer=1800003025 "
                          "end=1800003090 wait=5000 talk=65000 agent=SIP/1002 "
                          "caller=+15550004002"));
  EXPECT_THAT(Describe(out.states), ElementsAre("SIP/1002 available @1800003090 q=support"));
}

TEST(CallAssembler, LoadsVersionOneStateWithoutRingAttempts) {
  CallAssembler first;
  AssemblerOutput out;
  const Events events = ReadEvents("assembler/open_calls.queue_log");
  Feed(first, events, 0, events.size(), out);
  // Version 1 wrote the open visit records without the trailing ring attempt list.
  std::string v1;
  std::istringstream in(first.SaveState());
  for (std::string line; std::getline(in, line);) {
    if (line == "callboard-call-assembler\t2") line = "callboard-call-assembler\t1";
    if (line.starts_with("V\t")) {
      size_t pos = 0;
      for (int tabs = 0; tabs < 14; ++tabs) pos = line.find('\t', pos) + 1;
      line.resize(pos - 1);
    }
    v1 += line + "\n";
  }
  CallAssembler second;
  ASSERT_TRUE(second.LoadState(v1).ok()) << v1;
  EXPECT_EQ(second.OpenCalls(), 2u);
  AssemblerOutput after;
  second.Expire(FromUnixMillis(1800003010000) + std::chrono::hours(5), after);
  ASSERT_FALSE(after.calls.empty());
  EXPECT_THAT(after.calls[0].ring_attempts, IsEmpty());
}

TEST(CallAssembler, LoadStateRejectsBadTextAndKeepsItsState) {
  CallAssembler assembler;
  AssemblerOutput out;
  const Events events = ReadEvents("assembler/open_calls.queue_log");
  Feed(assembler, events, 0, events.size(), out);
  const std::string good = assembler.SaveState();
  const std::string version_three = "callboard-call-assembler\t3" + good.substr(good.find('\n'));

  for (const std::string& bad :
       {std::string(), std::string("hello\n"), version_three, good.substr(0, good.size() / 2),
        good.substr(0, good.rfind("end\t")), good + "V\tx\n",
        good.substr(0, good.find("\nV\t") + 3) + "extra\t" + good.substr(good.find("\nV\t") + 3)}) {
    SCOPED_TRACE(bad);
    const Status status = assembler.LoadState(bad);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(assembler.OpenCalls(), 2u);
    EXPECT_EQ(assembler.SaveState(), good);
  }
  EXPECT_TRUE(assembler.LoadState(good).ok());
}

}  // namespace
}  // namespace callboard
