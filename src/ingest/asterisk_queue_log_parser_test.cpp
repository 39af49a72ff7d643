#include "ingest/asterisk_queue_log_parser.h"

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
using ::testing::StartsWith;
using testing::Utc;

constexpr SourceFormat kFormat = SourceFormat::kAsteriskQueueLog;

std::vector<QueueLogEvent> Events(const testing::ParseOutput& out) {
  return ItemsOf<QueueLogEvent>(out.items);
}

TEST(AsteriskQueueLogParser, ParsesRealRun1EveryLine) {
  const testing::ParseOutput out = ParseFixture(kFormat, "asterisk/run1.queue_log");
  EXPECT_THAT(out.rejects, IsEmpty());
  const std::vector<QueueLogEvent> events = Events(out);
  ASSERT_EQ(events.size(), 35u);

  EXPECT_EQ(events[0].at, FromUnixMillis(1795340059000));
  EXPECT_EQ(events[0].call_id, "NONE");
  EXPECT_EQ(events[0].queue, "NONE");
  EXPECT_EQ(events[0].agent, "NONE");
  EXPECT_EQ(events[0].event, "QUEUESTART");
  EXPECT_THAT(events[0].data, IsEmpty());

  // 1795340068|1795340067.1|sales|NONE|ENTERQUEUE||+15557206817|1
  EXPECT_EQ(events[1].at, FromUnixMillis(1795340068000));
  EXPECT_EQ(events[1].call_id, "1795340067.1");
  EXPECT_EQ(events[1].queue, "sales");
  EXPECT_EQ(events[1].agent, "NONE");
  EXPECT_EQ(events[1].event, "ENTERQUEUE");
  EXPECT_THAT(events[1].data, ElementsAre("", "+15557206817", "1"));

  // 1795340068|1795340067.1|sales|Local/a1003@agents/n|CONNECT|0|1795340068.2|0
  EXPECT_EQ(events[2].agent, "Local/a1003@agents/n");
  EXPECT_EQ(events[2].event, "CONNECT");
  EXPECT_THAT(events[2].data, ElementsAre("0", "1795340068.2", "0"));

  // 1795340140|1795340083.41|support|Local/a1001@agents/n|COMPLETEAGENT|18|39|1
  EXPECT_EQ(events[34].at, FromUnixMillis(1795340140000));
  EXPECT_EQ(events[34].call_id, "1795340083.41");
  EXPECT_EQ(events[34].event, "COMPLETEAGENT");
  EXPECT_THAT(events[34].data, ElementsAre("18", "39", "1"));
}

TEST(AsteriskQueueLogParser, ParsesRealRun2WithRingTimesInMillisecondsAndPauseReasons) {
  const testing::ParseOutput out = ParseFixture(kFormat, "asterisk/run2.queue_log");
  EXPECT_THAT(out.rejects, IsEmpty());
  const std::vector<QueueLogEvent> events = Events(out);
  ASSERT_EQ(events.size(), 122u);
  std::map<std::string, int> by_event;
  for (const QueueLogEvent& e : events) ++by_event[e.event];
  EXPECT_EQ(by_event, (std::map<std::string, int>{{"ABANDON", 16},
                                                  {"COMPLETEAGENT", 22},
                                                  {"COMPLETECALLER", 2},
                                                  {"CONNECT", 24},
                                                  {"ENTERQUEUE", 40},
                                                  {"PAUSE", 2},
                                                  {"QUEUESTART", 1},
                                                  {"RINGCANCELED", 5},
                                                  {"RINGNOANSWER", 8},
                                                  {"UNPAUSE", 2}}));
  // Line 3: 1795342421|1795342410.1|support|Local/a1001@agents/n|RINGNOANSWER|10000
  EXPECT_EQ(events[2].event, "RINGNOANSWER");
  EXPECT_EQ(events[2].agent, "Local/a1001@agents/n");
  EXPECT_THAT(events[2].data, ElementsAre("10000"));
  // Line 21: 1795342455|1795342425.11|support|Local/a1002@agents/n|RINGCANCELED|7505
  EXPECT_EQ(events[20].event, "RINGCANCELED");
  EXPECT_THAT(events[20].data, ElementsAre("7505"));
  // Line 91: 1795342573|NONE|sales|Local/a2001@agents/n|PAUSE|Bathroom; line 94: UNPAUSE|
  EXPECT_EQ(events[90].event, "PAUSE");
  EXPECT_EQ(events[90].call_id, "NONE");
  EXPECT_EQ(events[90].at, FromUnixMillis(1795342573000));
  EXPECT_THAT(events[90].data, ElementsAre("Bathroom"));
  EXPECT_EQ(events[93].event, "UNPAUSE");
  EXPECT_THAT(events[93].data, IsEmpty());
}

TEST(AsteriskQueueLogParser, KeepsOldFieldCountsCustomEventsAndSpecialCallIds) {
  const testing::ParseOutput out = ParseFixture(kFormat, "queue_log/quirks.queue_log");
  const std::vector<QueueLogEvent> e = Events(out);
  ASSERT_EQ(e.size(), 19u);
  // Line 1 starts with a BOM and ends in CRLF.
  EXPECT_EQ(e[0].at, FromUnixMillis(1700000000000));
  EXPECT_EQ(e[0].event, "QUEUESTART");
  // Older ENTERQUEUE (url|callerid) and CONNECT (no ringtime), CRLF stripped.
  EXPECT_EQ(e[1].event, "ENTERQUEUE");
  EXPECT_THAT(e[1].data, ElementsAre("", "5551234"));
  EXPECT_EQ(e[2].event, "CONNECT");
  EXPECT_THAT(e[2].data, ElementsAre("5", "1700000010.2"));
  // Custom QueueLog() events are events too.
  EXPECT_EQ(e[3].event, "DID");
  EXPECT_THAT(e[3].data, ElementsAre("5550000"));
  EXPECT_EQ(e[4].event, "INFO");
  EXPECT_THAT(e[4].data, ElementsAre("some", "custom", "data"));
  // CLI, MANAGER and REALTIME call ids.
  EXPECT_EQ(e[6].call_id, "CLI");
  EXPECT_EQ(e[6].event, "ADDMEMBER");
  EXPECT_EQ(e[7].call_id, "MANAGER");
  EXPECT_THAT(e[7].data, ElementsAre("Lunch"));
  EXPECT_EQ(e[8].call_id, "REALTIME");
  EXPECT_EQ(e[8].queue, "NONE");
  EXPECT_EQ(e[8].event, "PAUSEALL");
  EXPECT_EQ(e[11].event, "EXITWITHTIMEOUT");
  EXPECT_THAT(e[11].data, ElementsAre("1", "1", "40"));
  EXPECT_THAT(e[13].data, ElementsAre("5", "1", "1", "5"));            // EXITWITHKEY
  EXPECT_THAT(e[14].data, ElementsAre("2000", "default", "3", "30"));  // older TRANSFER
  EXPECT_THAT(e[15].data, ElementsAre("BRIDGE", "1700000119.10", "2", "40", "1"));
  // Realtime rows (data + data1..data5) normalize to the file form's data.
  EXPECT_EQ(e[16].at, Utc("2026-11-22T09:34:28.123Z"));
  EXPECT_EQ(e[16].call_id, "1795340067.1");
  EXPECT_EQ(e[16].event, "ENTERQUEUE");
  EXPECT_THAT(e[16].data, ElementsAre("", "+15557206817", "1"));
  EXPECT_EQ(e[17].at, Utc("2026-11-22T09:34:29Z"));
  EXPECT_EQ(e[17].agent, "Local/a1003@agents/n");
  EXPECT_THAT(e[17].data, ElementsAre("0", "1795340068.2", "0"));
  // The blank line 19 is skipped; line 24 follows the rejects.
  EXPECT_EQ(e[18].event, "AGENTLOGOFF");
  EXPECT_THAT(e[18].data, ElementsAre("SIP/1001", "3600"));

  ASSERT_EQ(out.rejects.size(), 4u);
  EXPECT_EQ(out.rejects[0].line, 20);
  EXPECT_EQ(out.rejects[0].raw, "1700000200|bad|line");
  EXPECT_THAT(out.rejects[0].reason, StartsWith("field count: 3 fields"));
  EXPECT_EQ(out.rejects[1].line, 21);
  EXPECT_THAT(out.rejects[1].reason, StartsWith("time: "));
  EXPECT_EQ(out.rejects[2].line, 22);
  EXPECT_EQ(out.rejects[2].reason, "event: empty");
  EXPECT_EQ(out.rejects[3].line, 23);
  EXPECT_THAT(out.rejects[3].reason, StartsWith("time: not a date and time"));
}

TEST(AsteriskQueueLogParser, ReadsARealtimeCsvExportByItsHeader) {
  std::unique_ptr<RecordParser> parser = testing::NewParser(kFormat);
  const std::string text = testing::ReadTestData("queue_log/realtime_adaptive.csv");
  const testing::ParseOutput out = testing::ParseText(*parser, text);
  EXPECT_THAT(out.rejects, IsEmpty());
  const std::vector<QueueLogEvent> e = Events(out);
  ASSERT_EQ(e.size(), 5u);
  EXPECT_EQ(e[0].at, Utc("2026-11-22T09:34:28.123Z"));
  EXPECT_THAT(e[0].data, ElementsAre("", "+15557206817", "1"));
  EXPECT_EQ(e[1].at, Utc("2026-11-22T09:34:28.500Z"));
  EXPECT_EQ(e[1].agent, "Local/a1003@agents/n");
  EXPECT_EQ(e[1].event, "CONNECT");
  EXPECT_THAT(e[1].data, ElementsAre("0", "1795340068.2", "0"));
  EXPECT_THAT(e[2].data, ElementsAre("0", "3", "1"));
  EXPECT_THAT(e[3].data, ElementsAre("Lunch, long"));  // a comma inside a quoted cell
  EXPECT_EQ(e[4].event, "UNPAUSE");
  EXPECT_THAT(e[4].data, IsEmpty());
  EXPECT_EQ(parser->HeaderLine(),
            "time,callid,queuename,agent,event,data1,data2,data3,data4,data5");
}

TEST(AsteriskQueueLogParser, ResumesMidFileAfterReplayingTheHeader) {
  const auto first = testing::NewParser(kFormat);
  const testing::ParseOutput all =
      testing::ParseText(*first, testing::ReadTestData("queue_log/realtime_adaptive.csv"));
  const auto resumed = testing::NewParser(kFormat);
  std::vector<ParsedItem> items;
  std::vector<ParseReject> rejects;
  resumed->ParseLine(first->HeaderLine(), 1, items, rejects);
  resumed->ParseLine(
      "2026-11-22 09:34:31,1795340067.1,sales,Local/a1003@agents/n,"
      "COMPLETECALLER,0,3,1,,",
      4, items, rejects);
  EXPECT_THAT(rejects, IsEmpty());
  ASSERT_EQ(items.size(), 1u);
  const auto& e = std::get<QueueLogEvent>(items[0]);
  EXPECT_EQ(e.event, "COMPLETECALLER");
  EXPECT_THAT(e.data, ElementsAre("0", "3", "1"));
  EXPECT_EQ(e.at, std::get<QueueLogEvent>(all.items[2]).at);
}

TEST(AsteriskQueueLogParser, ReadsTheCombinedDataColumnOfNonAdaptiveTables) {
  const testing::ParseOutput out = ParseFixture(kFormat, "queue_log/realtime_data_column.csv");
  const std::vector<QueueLogEvent> e = Events(out);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].at, Utc("2026-11-22T09:34:28Z"));
  EXPECT_EQ(e[0].call_id, "1795340067.1");
  EXPECT_THAT(e[0].data, ElementsAre("", "+15557206817", "1"));
  EXPECT_EQ(e[1].event, "COMPLETEAGENT");
  EXPECT_THAT(e[1].data, ElementsAre("0", "3", "1"));
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_EQ(out.rejects[0].line, 4);
  EXPECT_EQ(out.rejects[0].reason, "field count: 6 fields, the header has 7");
}

TEST(AsteriskQueueLogParser, ConvertsLocalDatetimesAndRejectsTimesInTheDstGap) {
  const testing::ParseOutput out = ParseFixture(kFormat, "queue_log/realtime_local_time.queue_log",
                                                {.time_zone = "America/New_York"});
  const std::vector<QueueLogEvent> e = Events(out);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].at, Utc("2026-03-08T06:59:59Z"));  // EST, UTC-5
  EXPECT_EQ(e[1].at, Utc("2026-03-08T07:00:00Z"));  // 03:00 EDT, UTC-4
  EXPECT_EQ(e[2].at, Utc("2026-11-01T05:30:00Z"));  // 01:30 twice: the earlier (EDT)
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_EQ(out.rejects[0].line, 2);
  EXPECT_EQ(out.rejects[0].reason,
            "time: '2026-03-08 02:30:00' does not exist in America/New_York (skipped by a DST "
            "change)");
}

TEST(AsteriskQueueLogParser, TreatsDatetimesAsUtcByDefault) {
  const testing::ParseOutput out = ParseFixture(kFormat, "queue_log/realtime_local_time.queue_log");
  EXPECT_THAT(out.rejects, IsEmpty());
  const std::vector<QueueLogEvent> e = Events(out);
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[1].at, Utc("2026-03-08T02:30:00Z"));
}

TEST(AsteriskQueueLogParser, RejectsAnOverLongLineWithoutParsingIt) {
  const auto parser = testing::NewParser(kFormat);
  std::vector<ParsedItem> items;
  std::vector<ParseReject> rejects;
  const std::string prefix = "1700000000|1.1|q|NONE|INFO|";
  const std::string fits = prefix + std::string(kMaxLineBytes - prefix.size(), 'a');
  const std::string too_long = fits + "a";
  parser->ParseLine(fits, 1, items, rejects);
  parser->ParseLine(too_long, 2, items, rejects);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(std::get<QueueLogEvent>(items[0]).data[0].size(), kMaxLineBytes - prefix.size());
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].line, 2);
  EXPECT_EQ(rejects[0].reason, "line: longer than 65536 bytes (65537)");
  EXPECT_EQ(rejects[0].raw, too_long.substr(0, kMaxRejectRawBytes));
}

TEST(AsteriskQueueLogParser, HoldsNothingBack) {
  const testing::ParseOutput out = ParseFixture(kFormat, "asterisk/run1.queue_log");
  for (const int64_t pending : out.pending_after_line) EXPECT_EQ(pending, 0);
}

TEST(MakeParser, RefusesAnUnknownTimeZone) {
  Result<std::unique_ptr<RecordParser>> parser =
      MakeParser(kFormat, {.time_zone = "Mars/Olympus_Mons"});
  ASSERT_FALSE(parser.has_value());
  EXPECT_EQ(parser.error().code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(parser.error().field_errors().size(), 1u);
  EXPECT_EQ(parser.error().field_errors()[0].field, "time_zone");
}

TEST(SourceFormat, NamesRoundTrip) {
  for (const SourceFormat f :
       {SourceFormat::kAsteriskQueueLog, SourceFormat::kAsteriskCdr, SourceFormat::k3cxCdr,
        SourceFormat::kFreeswitchCc, SourceFormat::kCallsJson, SourceFormat::kCallsCsv}) {
    EXPECT_EQ(ParseSourceFormat(SourceFormatName(f)), f);
  }
  EXPECT_EQ(SourceFormatName(SourceFormat::k3cxCdr), "3cx-cdr");
  EXPECT_EQ(SourceFormatName(SourceFormat::kAsteriskQueueLog), "asterisk-queue-log");
  EXPECT_FALSE(ParseSourceFormat("queue_log").has_value());
}

}  // namespace
}  // namespace callboard
