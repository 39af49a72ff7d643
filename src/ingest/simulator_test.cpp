#include "ingest/simulator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/parser_test_support.h"

namespace callboard {
namespace {

using ::testing::IsEmpty;
using testing::ItemsOf;

std::string Write(const SimulationOptions& options) {
  std::ostringstream out;
  const Status status = WriteSimulation(options, out);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out.str();
}

SimulationOptions Options(SourceFormat format, uint64_t seed = 1) {
  SimulationOptions options;
  options.format = format;
  options.seed = seed;
  return options;
}

testing::ParseOutput Parse(const SimulationOptions& options, const std::string& text) {
  std::unique_ptr<RecordParser> parser =
      testing::NewParser(options.format, {.time_zone = options.time_zone});
  if (parser == nullptr) return {};
  return testing::ParseText(*parser, text);
}

void ExpectSameCall(const CallRecord& got, const CallRecord& want) {
  SCOPED_TRACE(want.pbx_call_id);
  EXPECT_EQ(got.pbx_call_id, want.pbx_call_id);
  EXPECT_EQ(got.direction, want.direction);
  EXPECT_EQ(got.queue, want.queue);
  EXPECT_EQ(got.agent, want.agent);
  EXPECT_EQ(got.caller, want.caller);
  EXPECT_EQ(got.callee, want.callee);
  EXPECT_EQ(got.started_at, want.started_at);
  EXPECT_EQ(got.answered_at, want.answered_at);
  EXPECT_EQ(got.ended_at, want.ended_at);
  EXPECT_EQ(got.wait_ms, want.wait_ms);
  EXPECT_EQ(got.talk_ms, want.talk_ms);
  EXPECT_EQ(got.hold_ms, want.hold_ms);
  EXPECT_EQ(got.acw_ms, want.acw_ms);
  EXPECT_EQ(got.outcome, want.outcome);
  EXPECT_EQ(got.transfer_count, want.transfer_count);
  EXPECT_EQ(got.transferred_to, want.transferred_to);
  EXPECT_EQ(got.disposition, want.disposition);
  EXPECT_EQ(got.call_type, want.call_type);
  EXPECT_EQ(got.fcr, want.fcr);
  EXPECT_EQ(got.csat, want.csat);
}

void ExpectParsedCallsAreTheGroundTruth(const SimulationOptions& options) {
  const std::string text = Write(options);
  const testing::ParseOutput out = Parse(options, text);
  EXPECT_THAT(out.rejects, IsEmpty());
  const std::vector<CallRecord> parsed = ItemsOf<CallRecord>(out.items);
  const std::vector<CallRecord> truth = SimulateCalls(options);
  ASSERT_GT(truth.size(), 300u);
  ASSERT_EQ(parsed.size(), truth.size());
  for (size_t i = 0; i < truth.size(); ++i) ExpectSameCall(parsed[i], truth[i]);
}

TEST(Simulator, SameSeedSameBytesOtherSeedOtherBytes) {
  for (const SourceFormat format :
       {SourceFormat::kAsteriskQueueLog, SourceFormat::k3cxCdr, SourceFormat::kCallsJson}) {
    SCOPED_TRACE(SourceFormatName(format));
    const std::string first = Write(Options(format, 42));
    EXPECT_GT(first.size(), 10000u);
    EXPECT_EQ(Write(Options(format, 42)), first);
    EXPECT_NE(Write(Options(format, 43)), first);
  }
}

TEST(Simulator, QueueLogParsesWithoutRejectsAndMatchesTheGroundTruth) {
  const SimulationOptions options = Options(SourceFormat::kAsteriskQueueLog, 3);
  const testing::ParseOutput out = Parse(options, Write(options));
  EXPECT_THAT(out.rejects, IsEmpty());
  const std::vector<QueueLogEvent> events = ItemsOf<QueueLogEvent>(out.items);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].event, "QUEUESTART");
  EXPECT_EQ(events[0].at, options.start);
  for (size_t i = 1; i < events.size(); ++i) ASSERT_LE(events[i - 1].at, events[i].at) << i;

  struct Seen {
    int enter = 0, connect = 0, terminal = 0;
    TimePoint entered, connected, ended;
    std::string enter_caller, did, connect_agent, terminal_event;
  };
  std::map<std::string, Seen> by_call;
  std::map<std::string, int> counts;
  for (const QueueLogEvent& e : events) {
    ++counts[e.event];
    if (e.call_id == "NONE") continue;
    Seen& s = by_call[e.call_id];
    if (e.event == "DID") s.did = e.data.at(0);
    if (e.event == "ENTERQUEUE") {
      ++s.enter;
      s.entered = e.at;
      ASSERT_EQ(e.data.size(), 3u);
      EXPECT_EQ(e.data[0], "");
      s.enter_caller = e.data[1];
      EXPECT_GE(std::stoi(e.data[2]), 1);
    }
    if (e.event == "CONNECT") {
      ++s.connect;
      s.connected = e.at;
      s.connect_agent = e.agent;
      ASSERT_EQ(e.data.size(), 3u);
      EXPECT_EQ(std::stoll(e.data[0]) * 1000, (e.at - s.entered).count());
    }
    if (e.event == "RINGNOANSWER") {
      EXPECT_GT(std::stoll(e.data.at(0)), 1000);
    }
    if (e.event == "COMPLETECALLER" || e.event == "COMPLETEAGENT" || e.event == "TRANSFER" ||
        e.event == "ABANDON" || e.event == "EXITWITHTIMEOUT") {
      ++s.terminal;
      s.ended = e.at;
      s.terminal_event = e.event;
    }
  }
  EXPECT_GT(counts["RINGNOANSWER"], 0);
  EXPECT_GT(counts["TRANSFER"], 0);
  EXPECT_GT(counts["ABANDON"], 0);
  EXPECT_GT(counts["COMPLETEAGENT"], 0);
  EXPECT_GT(counts["COMPLETECALLER"], 0);
  EXPECT_EQ(counts["ADDMEMBER"], options.agents * options.queues);
  EXPECT_EQ(counts["REMOVEMEMBER"], options.agents * options.queues);
  EXPECT_EQ(counts["PAUSE"], counts["UNPAUSE"]);

  const std::vector<CallRecord> truth = SimulateCalls(options);
  ASSERT_EQ(by_call.size(), truth.size());
  for (const CallRecord& call : truth) {
    SCOPED_TRACE(call.pbx_call_id);
    ASSERT_TRUE(by_call.contains(call.pbx_call_id));
    const Seen& s = by_call[call.pbx_call_id];
    EXPECT_EQ(s.enter, 1);
    EXPECT_EQ(s.terminal, 1);
    EXPECT_EQ(s.connect, call.answered_at ? 1 : 0);
    EXPECT_EQ(s.entered, call.started_at);
    EXPECT_EQ(s.ended, call.ended_at);
    EXPECT_EQ(s.enter_caller, call.caller);
    EXPECT_EQ(s.did, call.callee);
    if (call.answered_at) {
      EXPECT_EQ(s.connected, *call.answered_at);
      EXPECT_EQ(s.connect_agent, call.agent);
      EXPECT_EQ(s.terminal_event == "TRANSFER", call.transfer_count == 1);
    } else {
      EXPECT_EQ(s.terminal_event,
                call.outcome == CallOutcome::kTimeout ? "EXITWITHTIMEOUT" : "ABANDON");
    }
  }
}

// Agents are never on two calls at once and never answer while paused; all of them pause.
TEST(Simulator, QueueLogAgentsPauseAndTakeOneCallAtATime) {
  const SimulationOptions options = Options(SourceFormat::kAsteriskQueueLog, 5);
  const testing::ParseOutput out = Parse(options, Write(options));
  const std::vector<QueueLogEvent> events = ItemsOf<QueueLogEvent>(out.items);
  const std::string first_queue = "sales";
  std::map<std::string, bool> paused, on_call, logged_in;
  std::map<std::string, std::set<std::string>> reasons;
  for (const QueueLogEvent& e : events) {
    if (e.agent == "NONE") continue;
    SCOPED_TRACE(e.agent + " " + e.event);
    if (e.queue == first_queue && e.event == "ADDMEMBER") logged_in[e.agent] = true;
    if (e.queue == first_queue && e.event == "REMOVEMEMBER") {
      EXPECT_FALSE(on_call[e.agent]);
      logged_in[e.agent] = false;
    }
    if (e.queue == first_queue && e.event == "PAUSE") {
      EXPECT_FALSE(on_call[e.agent]);
      paused[e.agent] = true;
      reasons[e.agent].insert(e.data.at(0));
    }
    if (e.queue == first_queue && e.event == "UNPAUSE") paused[e.agent] = false;
    if (e.event == "CONNECT") {
      EXPECT_TRUE(logged_in[e.agent]);
      EXPECT_FALSE(paused[e.agent]);
      EXPECT_FALSE(on_call[e.agent]);
      on_call[e.agent] = true;
    }
    if (e.event == "COMPLETECALLER" || e.event == "COMPLETEAGENT" || e.event == "TRANSFER") {
      EXPECT_TRUE(on_call[e.agent]);
      on_call[e.agent] = false;
    }
  }
  EXPECT_EQ(reasons.size(), static_cast<size_t>(options.agents));
  std::set<std::string> all_reasons;
  for (const auto& [agent, r] : reasons) all_reasons.insert(r.begin(), r.end());
  EXPECT_TRUE(all_reasons.contains("Lunch"));
  EXPECT_TRUE(all_reasons.contains("Bathroom"));
  EXPECT_TRUE(all_reasons.contains("Smoke"));
  for (const auto& [agent, in] : logged_in) EXPECT_FALSE(in) << agent;
}

TEST(Simulator, ThreecxCdrParsesBackToTheGroundTruth) {
  ExpectParsedCallsAreTheGroundTruth(Options(SourceFormat::k3cxCdr, 7));
}

TEST(Simulator, ThreecxCdrInALocalTimeZoneParsesBackToTheGroundTruth) {
  SimulationOptions options = Options(SourceFormat::k3cxCdr, 8);
  options.time_zone = "America/New_York";
  options.start = testing::Utc("2026-07-01T12:00:00Z");  // 08:00 EDT
  ExpectParsedCallsAreTheGroundTruth(options);
  const std::string text = Write(options);
  EXPECT_NE(text.find(",2026/07/01 08:0"), std::string::npos) << text.substr(0, 300);
}

TEST(Simulator, CallsJsonParsesBackToTheGroundTruth) {
  ExpectParsedCallsAreTheGroundTruth(Options(SourceFormat::kCallsJson, 9));
}

TEST(Simulator, FormatsShareTheTrafficAndDifferInIdentities) {
  const std::vector<CallRecord> log = SimulateCalls(Options(SourceFormat::kAsteriskQueueLog));
  const std::vector<CallRecord> cdr = SimulateCalls(Options(SourceFormat::k3cxCdr));
  const std::vector<CallRecord> json = SimulateCalls(Options(SourceFormat::kCallsJson));
  ASSERT_EQ(log.size(), cdr.size());
  ASSERT_EQ(log.size(), json.size());
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].started_at, cdr[i].started_at);
    EXPECT_EQ(log[i].ended_at, json[i].ended_at);
    EXPECT_EQ(log[i].talk_ms, json[i].talk_ms + json[i].hold_ms);
  }
  EXPECT_EQ(log[0].queue.find_first_of("0123456789"), std::string::npos);  // "sales", …
  EXPECT_EQ(cdr[0].queue.substr(0, 2), "80");                              // "800", …
  const auto answered = [](const CallRecord& c) { return c.answered_at.has_value(); };
  const auto it = std::find_if(log.begin(), log.end(), answered);
  ASSERT_NE(it, log.end());
  EXPECT_THAT(it->agent, ::testing::MatchesRegex("Local/a1[0-9]+@agents/n"));
  EXPECT_THAT(it->pbx_call_id, ::testing::MatchesRegex("[0-9]+\\.[0-9]+"));
  EXPECT_THAT(it->caller, ::testing::MatchesRegex("\\+1555[0-9]{7}"));
}

// A seeded 8-hour day with 10 agents looks like a contact center.
TEST(Simulator, EightHourDayHasPlausibleNumbers) {
  for (const uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE(seed);
    SimulationOptions options = Options(SourceFormat::kCallsJson, seed);
    const std::vector<CallRecord> calls = SimulateCalls(options);
    const double expected = DerivedCallsPerHour(options.agents) * options.hours;
    EXPECT_NEAR(static_cast<double>(calls.size()), expected, expected * 0.15);
    int answered = 0, abandoned = 0, short_abandoned = 0, timed_out = 0, transferred = 0;
    double talk_s = 0;
    std::map<std::string, std::vector<std::pair<TimePoint, TimePoint>>> busy;
    for (size_t i = 0; i < calls.size(); ++i) {
      const CallRecord& c = calls[i];
      if (i > 0) {
        ASSERT_LE(calls[i - 1].started_at, c.started_at);
      }
      if (c.outcome == CallOutcome::kAnswered) {
        ++answered;
        talk_s += static_cast<double>(c.talk_ms + c.hold_ms) / 1000;
        busy[c.agent].emplace_back(*c.answered_at, c.ended_at);
        transferred += c.transfer_count;
      } else if (c.outcome == CallOutcome::kAbandoned) {
        ++abandoned;
        if (c.wait_ms < 5000) ++short_abandoned;
      } else if (c.outcome == CallOutcome::kTimeout) {
        ++timed_out;
      }
    }
    const double offered = static_cast<double>(calls.size());
    EXPECT_EQ(answered + abandoned + timed_out, static_cast<int>(calls.size()));
    EXPECT_GE(abandoned / offered, 0.02);
    EXPECT_LE(abandoned / offered, 0.25);
    EXPECT_GT(short_abandoned, 0);
    EXPECT_LT(timed_out / offered, 0.05);
    EXPECT_GT(transferred, 0);
    EXPECT_LT(transferred / offered, 0.07);
    EXPECT_GE(talk_s / answered, 120);
    EXPECT_LE(talk_s / answered, 480);
    EXPECT_EQ(busy.size(), static_cast<size_t>(options.agents));
    for (auto& [agent, spans] : busy) {  // occupancy ≤ 100 %: one call at a time
      std::sort(spans.begin(), spans.end());
      for (size_t i = 1; i < spans.size(); ++i) {
        ASSERT_LE(spans[i - 1].second, spans[i].first) << agent;
      }
    }
  }
}

// Too few agents: callers time out of the queue, which each format says its own way.
TEST(Simulator, OverloadedQueuesTimeOut) {
  SimulationOptions options = Options(SourceFormat::kAsteriskQueueLog, 13);
  options.agents = 3;
  options.calls_per_hour = 60;
  const std::vector<CallRecord> log_truth = SimulateCalls(options);
  const auto timeouts = std::count_if(log_truth.begin(), log_truth.end(), [](const auto& c) {
    return c.outcome == CallOutcome::kTimeout;
  });
  EXPECT_GT(timeouts, 5);
  const testing::ParseOutput out = Parse(options, Write(options));
  EXPECT_THAT(out.rejects, IsEmpty());
  const std::vector<QueueLogEvent> events = ItemsOf<QueueLogEvent>(out.items);
  EXPECT_EQ(std::count_if(events.begin(), events.end(),
                          [](const auto& e) { return e.event == "EXITWITHTIMEOUT"; }),
            timeouts);

  options.format = SourceFormat::k3cxCdr;  // 3CX sends them to voicemail
  ExpectParsedCallsAreTheGroundTruth(options);
  const std::vector<CallRecord> cdr_truth = SimulateCalls(options);
  EXPECT_EQ(std::count_if(cdr_truth.begin(), cdr_truth.end(),
                          [](const auto& c) { return c.outcome == CallOutcome::kVoicemail; }),
            timeouts);
}

TEST(Simulator, ExplicitRateSetsTheVolume) {
  SimulationOptions options = Options(SourceFormat::kCallsJson, 11);
  options.calls_per_hour = 60;
  options.agents = 20;
  options.hours = 24;
  const size_t calls = SimulateCalls(options).size();
  EXPECT_NEAR(static_cast<double>(calls), 1440, 1440 * 0.1);
}

TEST(Simulator, StreamingGivesTheSameCallsInStartOrder) {
  SimulationOptions options = Options(SourceFormat::kAsteriskQueueLog, 4);
  options.agents = 160;  // > 10 000 calls; kept cheap
  const std::vector<CallRecord> calls = SimulateCalls(options);
  EXPECT_GT(calls.size(), 10000u);
  size_t n = 0;
  bool same = true;
  SimulateCallsStreaming(options, [&](const CallRecord& c) {
    same = same && n < calls.size() && c.pbx_call_id == calls[n].pbx_call_id &&
           c.ended_at == calls[n].ended_at;
    ++n;
  });
  EXPECT_TRUE(same);
  EXPECT_EQ(n, calls.size());
}

TEST(Simulator, MultiDayRunKeepsAgentsAndDrainsTheQueue) {
  SimulationOptions options = Options(SourceFormat::k3cxCdr, 12);
  options.hours = 72;
  options.agents = 4;
  options.queues = 3;
  options.time_zone = "Europe/Berlin";
  ExpectParsedCallsAreTheGroundTruth(options);
}

TEST(Simulator, RejectsBadOptions) {
  SimulationOptions options;
  options.format = SourceFormat::kAsteriskCdr;
  options.queues = 0;
  options.agents = -1;
  options.hours = 0;
  options.calls_per_hour = -5;
  options.time_zone = "Mars/Olympus";
  std::ostringstream out;
  const Status status = WriteSimulation(options, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const FieldError& e : status.field_errors()) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"format", "queues", "agents", "hours", "calls_per_hour",
                                           "time_zone"}));
  EXPECT_EQ(out.str(), "");
  EXPECT_THAT(SimulateCalls(options), IsEmpty());
}

TEST(Simulator, ReportsAFailingStream) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  EXPECT_EQ(WriteSimulation(Options(SourceFormat::kCallsJson), out).code(),
            StatusCode::kUnavailable);
}

}  // namespace
}  // namespace callboard
