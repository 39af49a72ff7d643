#include "ingest/asterisk_cdr_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "ingest/parser_test_support.h"

namespace callboard {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ItemsOf;
using testing::ParseFixture;
using testing::Utc;

constexpr SourceFormat kFormat = SourceFormat::kAsteriskCdr;

std::vector<CallRecord> Calls(const testing::ParseOutput& out) {
  return ItemsOf<CallRecord>(out.items);
}

const CallRecord& Find(const std::vector<CallRecord>& calls, std::string_view id) {
  for (const CallRecord& c : calls) {
    if (c.pbx_call_id == id) return c;
  }
  ADD_FAILURE() << "no call " << id;
  static const CallRecord kNone;
  return kNone;
}

std::vector<std::string> Ids(const std::vector<CallRecord>& calls) {
  std::vector<std::string> ids;
  for (const CallRecord& c : calls) ids.push_back(c.pbx_call_id);
  return ids;
}

TEST(AsteriskCdrParser, JoinsTheRealRun1LegsIntoOneCallPerLinkedid) {
  const testing::ParseOutput out = ParseFixture(kFormat, "asterisk/run1.Master.csv");
  EXPECT_THAT(out.rejects, IsEmpty());
  const std::vector<CallRecord> calls = Calls(out);
  // 34 legs, 12 calls, emitted at Finish in the order of their first line.
  EXPECT_THAT(Ids(calls),
              ElementsAre("1795340067.0", "1795340069.4", "1795340071.14", "1795340071.16",
                          "1795340070.8", "1795340077.28", "1795340077.26", "1795340072.18",
                          "1795340081.36", "1795340071.12", "1795340077.30", "1795340083.40"));

  // Lines 1-3: caller's Wait leg, Queue leg bridged to a1003, a1003's own leg.
  const CallRecord& c = Find(calls, "1795340067.0");
  EXPECT_EQ(c.direction, CallDirection::kInbound);
  EXPECT_EQ(c.queue, "sales");
  EXPECT_EQ(c.agent, "Local/a1003@agents");
  EXPECT_EQ(c.caller, "+15557206817");
  EXPECT_EQ(c.callee, "qsales");
  EXPECT_EQ(c.started_at, Utc("2026-11-22T09:34:27Z"));
  EXPECT_EQ(c.answered_at, Utc("2026-11-22T09:34:28Z"));  // the agent leg's answer
  EXPECT_EQ(c.ended_at, Utc("2026-11-22T09:34:31Z"));
  EXPECT_EQ(c.wait_ms, 1000);
  EXPECT_EQ(c.talk_ms, 3000);  // the agent leg's billsec
  EXPECT_EQ(c.outcome, CallOutcome::kAnswered);
  EXPECT_EQ(c.transfer_count, 0);

  // Lines 7-8: the Queue leg never bridged (queue_log: ABANDON).
  const CallRecord& a = Find(calls, "1795340071.14");
  EXPECT_EQ(a.outcome, CallOutcome::kAbandoned);
  EXPECT_EQ(a.queue, "sales");
  EXPECT_EQ(a.agent, "");
  EXPECT_FALSE(a.answered_at.has_value());
  EXPECT_EQ(a.started_at, Utc("2026-11-22T09:34:31Z"));
  EXPECT_EQ(a.ended_at, Utc("2026-11-22T09:34:35Z"));
  EXPECT_EQ(a.wait_ms, 4000);
  EXPECT_EQ(a.talk_ms, 0);
  EXPECT_EQ(a.caller, "+15559777524");

  // Lines 9-11: the agent answered and the caller hung up at once (billsec 0).
  const CallRecord& z = Find(calls, "1795340071.16");
  EXPECT_EQ(z.queue, "support");
  EXPECT_EQ(z.agent, "Local/a1001@agents");
  EXPECT_EQ(z.answered_at, Utc("2026-11-22T09:34:35Z"));
  EXPECT_EQ(z.wait_ms, 4000);
  EXPECT_EQ(z.talk_ms, 0);

  // Lines 32-34: the agent leg comes first in the file (it ended first).
  const CallRecord& l = Find(calls, "1795340083.40");
  EXPECT_EQ(l.started_at, Utc("2026-11-22T09:34:43Z"));
  EXPECT_EQ(l.answered_at, Utc("2026-11-22T09:35:01Z"));
  EXPECT_EQ(l.ended_at, Utc("2026-11-22T09:35:40Z"));
  EXPECT_EQ(l.wait_ms, 18000);  // queue_log: CONNECT holdtime 18
  EXPECT_EQ(l.talk_ms, 38000);

  // The answering agents agree with run1.queue_log's CONNECT lines.
  std::map<std::string, std::string> agents;
  for (const CallRecord& call : calls) agents[call.pbx_call_id] = call.agent;
  EXPECT_EQ(agents, (std::map<std::string, std::string>{
                        {"1795340067.0", "Local/a1003@agents"},
                        {"1795340069.4", "Local/a2002@agents"},
                        {"1795340071.14", ""},
                        {"1795340071.16", "Local/a1001@agents"},
                        {"1795340070.8", "Local/a2001@agents"},
                        {"1795340077.28", ""},
                        {"1795340077.26", "Local/a1001@agents"},
                        {"1795340072.18", "Local/a1002@agents"},
                        {"1795340081.36", "Local/a2001@agents"},
                        {"1795340071.12", "Local/a1003@agents"},
                        {"1795340077.30", "Local/a2002@agents"},
                        {"1795340083.40", "Local/a1001@agents"},
                    }));
}

TEST(AsteriskCdrParser, Run2CountsMatchAsterisksOwnQueueShow) {
  const testing::ParseOutput out = ParseFixture(kFormat, "asterisk/run2.Master.csv");
  EXPECT_THAT(out.rejects, IsEmpty());
  const std::vector<CallRecord> calls = Calls(out);
  ASSERT_EQ(calls.size(), 40u);
  std::map<std::pair<std::string, CallOutcome>, int> counts;
  for (const CallRecord& c : calls) ++counts[{c.queue, c.outcome}];
  // run2.queue-show.txt: sales C:9 A:6, support C:15 A:10.
  EXPECT_EQ(counts, (std::map<std::pair<std::string, CallOutcome>, int>{
                        {{"sales", CallOutcome::kAnswered}, 9},
                        {{"sales", CallOutcome::kAbandoned}, 6},
                        {{"support", CallOutcome::kAnswered}, 15},
                        {{"support", CallOutcome::kAbandoned}, 10},
                    }));

  // Lines 3-6: a1001 did not answer (NO ANSWER leg), a1002 did.
  const CallRecord& r = Find(calls, "1795342410.0");
  EXPECT_EQ(r.agent, "Local/a1002@agents");
  EXPECT_EQ(r.started_at, Utc("2026-11-22T10:13:30Z"));
  EXPECT_EQ(r.answered_at, Utc("2026-11-22T10:13:46Z"));
  EXPECT_EQ(r.ended_at, Utc("2026-11-22T10:14:04Z"));
  EXPECT_EQ(r.wait_ms, 16000);
  EXPECT_EQ(r.talk_ms, 18000);
  EXPECT_EQ(r.caller, "+15555841861");

  // Lines 11-14: a1003 rang out, a1001 answered; queue_log CONNECT holdtime 15.
  const CallRecord& s = Find(calls, "1795342424.6");
  EXPECT_EQ(s.agent, "Local/a1001@agents");
  EXPECT_EQ(s.wait_ms, 15000);
  EXPECT_EQ(s.talk_ms, 31000);

  // Lines 97-99: rang a2002 twice, nobody answered; the caller left after 30 s.
  const CallRecord& n = Find(calls, "1795342585.136");
  EXPECT_EQ(n.outcome, CallOutcome::kAbandoned);
  EXPECT_EQ(n.queue, "sales");
  EXPECT_EQ(n.agent, "");
  EXPECT_EQ(n.wait_ms, 30000);
  EXPECT_EQ(n.ended_at, Utc("2026-11-22T10:16:55Z"));
}

TEST(AsteriskCdrParser, HoldsTheOldestGroupsFirstLineUntilFinish) {
  const auto parser = testing::NewParser(kFormat);
  const testing::ParseOutput out =
      testing::ParseText(*parser, testing::ReadTestData("asterisk/run1.Master.csv"));
  ASSERT_EQ(out.pending_after_line.size(), 34u);
  for (const int64_t pending : out.pending_after_line) EXPECT_EQ(pending, 1);
  EXPECT_EQ(parser->OldestPendingLine(), 0);  // after Finish
}

TEST(AsteriskCdrParser, FlushesAGroupOnceALineStartsAnHourAfterItsLastEnd) {
  const auto parser = testing::NewParser(kFormat);
  const std::string text = testing::ReadTestData("cdr/flush.Master.csv");
  std::vector<ParsedItem> items;
  std::vector<ParseReject> rejects;
  std::vector<size_t> emitted;
  std::vector<int64_t> pending;
  int64_t line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    const size_t nl = text.find('\n', pos);
    parser->ParseLine(std::string_view(text).substr(pos, nl - pos), ++line_no, items, rejects);
    emitted.push_back(items.size());
    pending.push_back(parser->OldestPendingLine());
    pos = nl + 1;
  }
  EXPECT_THAT(rejects, IsEmpty());
  // Line 4 starts 11:30, more than 1 h after call A's end (10:01): A goes. B ended 10:31 and
  // goes with line 5 (11:31:30).
  EXPECT_THAT(emitted, ElementsAre(0, 0, 0, 1, 2));
  EXPECT_THAT(pending, ElementsAre(1, 1, 1, 3, 4));
  parser->Finish(items, rejects);
  const std::vector<CallRecord> calls = ItemsOf<CallRecord>(items);
  EXPECT_THAT(Ids(calls),
              ElementsAre("1795341600.1", "1795343400.3", "1795347000.4", "1795347090.5"));
  // A SIP agent without a leg of its own: answer and billsec of the queue leg.
  EXPECT_EQ(calls[0].agent, "SIP/2001");
  EXPECT_EQ(calls[0].answered_at, Utc("2026-11-22T10:00:00Z"));
  EXPECT_EQ(calls[0].talk_ms, 60000);
  EXPECT_EQ(calls[1].outcome, CallOutcome::kAbandoned);  // 60 s < Queue() timeout 120
  EXPECT_EQ(calls[1].wait_ms, 60000);
  EXPECT_EQ(calls[3].queue, "sales");  // lastdata without options
  EXPECT_EQ(calls[3].agent, "SIP/2002");
  EXPECT_EQ(parser->OldestPendingLine(), 0);
}

TEST(AsteriskCdrParser, ClassifiesCallsThatWereNotQueued) {
  const testing::ParseOutput out = ParseFixture(kFormat, "cdr/direct_calls.Master.csv");
  EXPECT_THAT(out.rejects, IsEmpty());
  const std::vector<CallRecord> c = Calls(out);
  ASSERT_THAT(Ids(c), ElementsAre("1795345200.16", "1795345500.18", "1795345800.20",
                                  "1795346400.22", "1795347000.24", "1795347600.26"));
  // Extension dials a phone number: outbound, the extension is the agent.
  EXPECT_EQ(c[0].direction, CallDirection::kOutbound);
  EXPECT_EQ(c[0].outcome, CallOutcome::kAnswered);
  EXPECT_EQ(c[0].agent, "SIP/1001");
  EXPECT_EQ(c[0].caller, "1001");
  EXPECT_EQ(c[0].callee, "02079460000");
  EXPECT_EQ(c[0].answered_at, Utc("2026-11-22T11:00:07Z"));
  EXPECT_EQ(c[0].talk_ms, 127000);
  EXPECT_EQ(c[0].wait_ms, 7000);
  EXPECT_EQ(c[0].queue, "");
  // Extension to extension, not answered (empty unquoted answer).
  EXPECT_EQ(c[1].direction, CallDirection::kInternal);
  EXPECT_EQ(c[1].outcome, CallOutcome::kMissed);
  EXPECT_EQ(c[1].agent, "");
  EXPECT_FALSE(c[1].answered_at.has_value());
  EXPECT_EQ(c[1].wait_ms, 20000);
  // From a trunk context to an extension, answered.
  EXPECT_EQ(c[2].direction, CallDirection::kInbound);
  EXPECT_EQ(c[2].outcome, CallOutcome::kAnswered);
  EXPECT_EQ(c[2].agent, "SIP/1002");
  EXPECT_EQ(c[2].talk_ms, 315000);
  EXPECT_EQ(c[2].wait_ms, 4000);
  // Outbound, BUSY.
  EXPECT_EQ(c[3].direction, CallDirection::kOutbound);
  EXPECT_EQ(c[3].outcome, CallOutcome::kFailed);
  EXPECT_EQ(c[3].agent, "SIP/1003");
  // Dial not answered, then VoiceMail answered: two legs, one call.
  EXPECT_EQ(c[4].direction, CallDirection::kInbound);
  EXPECT_EQ(c[4].outcome, CallOutcome::kVoicemail);
  EXPECT_EQ(c[4].started_at, Utc("2026-11-22T11:30:00Z"));
  EXPECT_EQ(c[4].ended_at, Utc("2026-11-22T11:30:50Z"));
  // Queue("support,t,,,30") left after 30 s without an agent: timeout.
  EXPECT_EQ(c[5].outcome, CallOutcome::kTimeout);
  EXPECT_EQ(c[5].queue, "support");
  EXPECT_EQ(c[5].wait_ms, 30000);
}

TEST(AsteriskCdrParser, ReadsOlderFilesWithoutLinkedidOneCallPerLine) {
  const testing::ParseOutput out = ParseFixture(kFormat, "cdr/asterisk11.Master.csv");
  EXPECT_THAT(out.rejects, IsEmpty());
  for (const int64_t pending : out.pending_after_line) EXPECT_EQ(pending, 0);
  const std::vector<CallRecord> c = Calls(out);
  ASSERT_THAT(Ids(c), ElementsAre("1367398800.1", "1367399100.3", "SIP/1001-00000005@1367402400"));
  EXPECT_EQ(c[0].outcome, CallOutcome::kMissed);
  EXPECT_EQ(c[0].direction, CallDirection::kInbound);
  EXPECT_EQ(c[0].caller, "07700900123");
  EXPECT_EQ(c[0].started_at, Utc("2013-05-01T09:00:00Z"));
  EXPECT_EQ(c[1].outcome, CallOutcome::kAnswered);
  EXPECT_EQ(c[1].agent, "SIP/1002");
  EXPECT_EQ(c[1].answered_at, Utc("2013-05-01T09:05:05Z"));
  EXPECT_EQ(c[1].talk_ms, 60000);
  EXPECT_EQ(c[2].direction, CallDirection::kInternal);
  EXPECT_EQ(c[2].talk_ms, 30000);
}

TEST(AsteriskCdrParser, ConvertsLocalTimesWhenUsegmtimeIsOff) {
  const testing::ParseOutput out =
      ParseFixture(kFormat, "cdr/asterisk11.Master.csv", {.time_zone = "Europe/London"});
  const std::vector<CallRecord> c = Calls(out);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].started_at, Utc("2013-05-01T08:00:00Z"));  // BST
  EXPECT_EQ(c[1].answered_at, Utc("2013-05-01T08:05:05Z"));
}

TEST(AsteriskCdrParser, ResolvesTheRepeatedHourAndRejectsTheSkippedOne) {
  const auto parser = testing::NewParser(kFormat, {.time_zone = "Europe/Berlin"});
  std::vector<ParsedItem> items;
  std::vector<ParseReject> rejects;
  // 02:50 CEST (00:50Z) to 02:10 CET (01:10Z) on the night clocks go back.
  parser->ParseLine(
      R"("","1001","1002","from-internal","","SIP/1001-00000001","SIP/1002-00000002","Dial","SIP/1002","2026-10-25 02:50:00","2026-10-25 02:51:00","2026-10-25 02:10:00",1200,1140,"ANSWERED","DOCUMENTATION","1.1")",
      1, items, rejects);
  parser->ParseLine(
      R"("","1001","1002","from-internal","","SIP/1001-00000003","SIP/1002-00000004","Dial","SIP/1002","2026-03-29 02:30:00",,"2026-03-29 03:30:00",10,0,"NO ANSWER","DOCUMENTATION","1.2")",
      2, items, rejects);
  ASSERT_EQ(items.size(), 1u);
  const CallRecord& c = std::get<CallRecord>(items[0]);
  EXPECT_EQ(c.started_at, Utc("2026-10-25T00:50:00Z"));
  EXPECT_EQ(c.answered_at, Utc("2026-10-25T00:51:00Z"));
  EXPECT_EQ(c.ended_at, Utc("2026-10-25T01:10:00Z"));
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].line, 2);
  EXPECT_EQ(rejects[0].reason,
            "start: '2026-03-29 02:30:00' does not exist in Europe/Berlin (skipped by a DST "
            "change)");
}

TEST(AsteriskCdrParser, RejectsBadLinesWithTheColumnAndKeepsTheRest) {
  const testing::ParseOutput out = ParseFixture(kFormat, "cdr/bad.Master.csv");
  const std::vector<CallRecord> calls = Calls(out);
  ASSERT_EQ(calls.size(), 1u);  // line 1: BOM and CRLF
  EXPECT_EQ(calls[0].pbx_call_id, "1795348800.1");
  EXPECT_EQ(calls[0].direction, CallDirection::kInternal);
  EXPECT_EQ(calls[0].agent, "SIP/1002");
  EXPECT_EQ(calls[0].caller, "1001");
  std::vector<std::pair<int64_t, std::string>> got;
  for (const ParseReject& r : out.rejects) got.emplace_back(r.line, r.reason);
  EXPECT_THAT(
      got,
      ElementsAre(
          std::pair<int64_t, std::string>{2, "columns: 15 fields, cdr_csv writes 16 to 21"},
          std::pair<int64_t, std::string>{3, "end: before start"},
          std::pair<int64_t, std::string>{4, "disposition: unknown value 'MAYBE'"},
          std::pair<int64_t, std::string>{5, "start: not a date and time: 'yesterday'"},
          std::pair<int64_t, std::string>{6, "duration: not a number of seconds"},
          std::pair<int64_t, std::string>{7, "line: unterminated quote in field 5 (column 34)"},
          std::pair<int64_t, std::string>{8, "answer: outside start..end"},
          std::pair<int64_t, std::string>{9, "end: more than 24 h after start"}));
  EXPECT_EQ(out.rejects[0].raw.back(), '"');  // the CR is not part of the raw text
}

}  // namespace
}  // namespace callboard
