#include "ingest/threecx_cdr_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/parser_test_support.h"

namespace callboard {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::ItemsOf;
using ::testing::Pair;
using testing::ParseFixture;
using ::testing::StartsWith;
using testing::Utc;

constexpr SourceFormat kFormat = SourceFormat::k3cxCdr;

std::vector<CallRecord> Calls(const testing::ParseOutput& out) {
  return ItemsOf<CallRecord>(out.items);
}

// Issue 3, acceptance item 5: four lines in the default field order.
TEST(ThreecxCdrParser, ImportsTheFourAcceptanceLines) {
  const testing::ParseOutput out = ParseFixture(kFormat, "3cx/acceptance.csv");
  EXPECT_THAT(out.rejects, IsEmpty());
  const std::vector<CallRecord> c = Calls(out);
  ASSERT_EQ(c.size(), 4u);

  // Call 512: an unanswered internal call.
  EXPECT_EQ(c[0].pbx_call_id, "00000188AB01C2D3_101");
  EXPECT_EQ(c[0].direction, CallDirection::kInternal);
  EXPECT_EQ(c[0].outcome, CallOutcome::kMissed);
  EXPECT_EQ(c[0].caller, "201");
  EXPECT_EQ(c[0].callee, "305");
  EXPECT_EQ(c[0].queue, "");
  EXPECT_EQ(c[0].agent, "");
  EXPECT_EQ(c[0].started_at, Utc("2026-03-02T09:14:05Z"));
  EXPECT_FALSE(c[0].answered_at.has_value());
  EXPECT_EQ(c[0].ended_at, Utc("2026-03-02T09:14:21Z"));
  EXPECT_EQ(c[0].wait_ms, 16000);
  EXPECT_EQ(c[0].talk_ms, 0);
  EXPECT_EQ(c[0].transfer_count, 0);
  EXPECT_EQ(c[0].transferred_to, "");

  // Call 513: an answered external call transferred from extension 610 to 185, 5 min 15 s.
  EXPECT_EQ(c[1].pbx_call_id, "00000188AB02F0A1_102");
  EXPECT_EQ(c[1].direction, CallDirection::kInbound);
  EXPECT_EQ(c[1].outcome, CallOutcome::kAnswered);
  EXPECT_EQ(c[1].caller, "07700900123");
  EXPECT_EQ(c[1].callee, "610");
  EXPECT_EQ(c[1].agent, "185");
  EXPECT_EQ(c[1].started_at, Utc("2026-03-02T09:20:43Z"));
  EXPECT_EQ(c[1].answered_at, Utc("2026-03-02T09:20:43Z"));
  EXPECT_EQ(c[1].ended_at, Utc("2026-03-02T09:25:58Z"));
  EXPECT_EQ(c[1].talk_ms, 315000);
  EXPECT_EQ(c[1].wait_ms, 0);
  EXPECT_EQ(c[1].transfer_count, 1);
  EXPECT_EQ(c[1].transferred_to, "185");
  EXPECT_EQ(c[1].queue, "");

  // Call 514: an answered outbound call, 2:07 of talk.
  EXPECT_EQ(c[2].pbx_call_id, "00000188AB03AA10_103");
  EXPECT_EQ(c[2].direction, CallDirection::kOutbound);
  EXPECT_EQ(c[2].outcome, CallOutcome::kAnswered);
  EXPECT_EQ(c[2].caller, "114");
  EXPECT_EQ(c[2].callee, "02079460000");
  EXPECT_EQ(c[2].agent, "114");
  EXPECT_EQ(c[2].started_at, Utc("2026-03-02T09:31:58Z"));
  EXPECT_EQ(c[2].answered_at, Utc("2026-03-02T09:32:03Z"));
  EXPECT_EQ(c[2].ended_at, Utc("2026-03-02T09:34:10Z"));
  EXPECT_EQ(c[2].talk_ms, 127000);
  EXPECT_EQ(c[2].wait_ms, 5000);
  EXPECT_EQ(c[2].transfer_count, 0);

  // Call 515: a failed outbound call.
  EXPECT_EQ(c[3].pbx_call_id, "00000188AB04BB20_104");
  EXPECT_EQ(c[3].direction, CallDirection::kOutbound);
  EXPECT_EQ(c[3].outcome, CallOutcome::kFailed);
  EXPECT_EQ(c[3].caller, "195");
  EXPECT_EQ(c[3].callee, "0033144556677");
  EXPECT_EQ(c[3].agent, "195");
  EXPECT_EQ(c[3].started_at, Utc("2026-03-02T09:40:12Z"));
  EXPECT_FALSE(c[3].answered_at.has_value());
  EXPECT_EQ(c[3].ended_at, Utc("2026-03-02T09:40:49Z"));
  EXPECT_EQ(c[3].wait_ms, 37000);
  EXPECT_EQ(c[3].talk_ms, 0);
}

TEST(ThreecxCdrParser, ConvertsLocalTimesAcrossBothDstChangesInNewYork) {
  const testing::ParseOutput out =
      ParseFixture(kFormat, "3cx/dst_new_york.csv", {.time_zone = "America/New_York"});
  const std::vector<CallRecord> c = Calls(out);
  ASSERT_EQ(c.size(), 3u);
  // 01:59 EST to 03:01 EDT: 2 minutes of real time.
  EXPECT_EQ(c[0].started_at, Utc("2026-03-08T06:59:00Z"));
  EXPECT_EQ(c[0].answered_at, Utc("2026-03-08T06:59:10Z"));
  EXPECT_EQ(c[0].ended_at, Utc("2026-03-08T07:01:00Z"));
  EXPECT_EQ(c[0].talk_ms, 110000);
  // 01:50 EDT, answered 01:55 EDT, ended 01:10 EST (the repeated hour, second time round).
  EXPECT_EQ(c[1].started_at, Utc("2026-11-01T05:50:00Z"));
  EXPECT_EQ(c[1].answered_at, Utc("2026-11-01T05:55:00Z"));
  EXPECT_EQ(c[1].ended_at, Utc("2026-11-01T06:10:00Z"));
  EXPECT_EQ(c[1].talk_ms, 900000);
  // Summer: EDT, UTC-4.
  EXPECT_EQ(c[2].started_at, Utc("2026-07-01T16:00:00Z"));
  // 02:30 on 2026-03-08 never happened in New York: rejected, not shifted.
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_EQ(out.rejects[0].line, 2);
  EXPECT_EQ(out.rejects[0].reason,
            "time-start: '2026/03/08 02:30:00' does not exist in America/New_York (skipped by a "
            "DST change)");
}

TEST(ThreecxCdrParser, HandlesHeaderBomCrlfQueuesVoicemailAndATrailingComma) {
  const testing::ParseOutput out = ParseFixture(kFormat, "3cx/quirks.csv");
  const std::vector<CallRecord> c = Calls(out);
  ASSERT_EQ(c.size(), 3u);
  // Line 2: an external caller who left queue 800 unanswered.
  EXPECT_EQ(c[0].pbx_call_id, "00000188AB0700_1");
  EXPECT_EQ(c[0].direction, CallDirection::kInbound);
  EXPECT_EQ(c[0].queue, "800");
  EXPECT_EQ(c[0].outcome, CallOutcome::kAbandoned);
  EXPECT_EQ(c[0].agent, "");
  EXPECT_EQ(c[0].caller, "07700900777");
  EXPECT_EQ(c[0].wait_ms, 42000);
  // Line 3: one comma more than the columns.
  EXPECT_EQ(c[1].pbx_call_id, "00000188AB701_1");
  EXPECT_EQ(c[1].direction, CallDirection::kInternal);
  EXPECT_EQ(c[1].outcome, CallOutcome::kAnswered);
  EXPECT_EQ(c[1].agent, "305");
  EXPECT_EQ(c[1].talk_ms, 60000);
  EXPECT_EQ(c[1].wait_ms, 3000);
  // Line 13: ended in voicemail.
  EXPECT_EQ(c[2].pbx_call_id, "00000188AB711_1");
  EXPECT_EQ(c[2].outcome, CallOutcome::kVoicemail);

  std::vector<std::pair<int64_t, std::string>> got;
  for (const ParseReject& r : out.rejects) got.emplace_back(r.line, r.reason);
  ASSERT_EQ(got.size(), 9u);
  EXPECT_THAT(got[0], Pair(4, "columns: 20 fields, expected 27"));
  EXPECT_THAT(got[1], Pair(5, "time-end: before time-start"));
  EXPECT_THAT(got[2], Pair(6, "duration: over 24 h"));
  EXPECT_THAT(got[3], Pair(7, "time-end: more than 24 h after time-start"));
  EXPECT_THAT(got[4], Pair(8, StartsWith("line: unterminated quote in field 20")));
  EXPECT_THAT(got[5], Pair(9, "time-answered: outside time-start..time-end"));
  EXPECT_THAT(got[6], Pair(10, "time-start: not a date and time: '2026/02/30 10:00:00'"));
  EXPECT_THAT(got[7], Pair(11, "callid: empty"));
  EXPECT_THAT(got[8], Pair(12, "duration: not HH:MM:SS"));
}

TEST(ThreecxCdrParser, FollowsTheAdministratorsColumnList) {
  const auto parser = testing::NewParser(
      kFormat,
      {.columns = {"callid", "time-start", "time-answered", "time-end", "reason-terminated",
                   "from-no", "to-no", "from-type", "to-type", "final-dn"}});
  std::vector<ParsedItem> items;
  std::vector<ParseReject> rejects;
  parser->ParseLine(
      "00000188AB05_105,2026/03/02 10:00:00,2026/03/02 10:00:05,"
      "2026/03/02 10:03:05,TerminatedByDst,07700900999,Ext.300,External,Internal,300",
      1, items, rejects);
  parser->ParseLine(std::string(k3cxDefaultColumns.size() - 1, ','), 2, items, rejects);
  ASSERT_EQ(items.size(), 1u);
  const CallRecord& c = std::get<CallRecord>(items[0]);
  EXPECT_EQ(c.pbx_call_id, "00000188AB05_105");
  EXPECT_EQ(c.direction, CallDirection::kInbound);
  EXPECT_EQ(c.agent, "300");
  EXPECT_EQ(c.callee, "300");
  EXPECT_EQ(c.talk_ms, 180000);  // no duration column: end − answered
  EXPECT_EQ(c.wait_ms, 5000);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].reason, "columns: 27 fields, expected 10");
}

TEST(ThreecxCdrParser, RefusesABadColumnList) {
  for (const std::vector<std::string>& columns :
       {std::vector<std::string>{"callid", "time-start", "time-end", "time-started"},
        std::vector<std::string>{"callid", "time-start", "time-end", "callid"},
        std::vector<std::string>{"historyid", "time-start", "time-end"}}) {
    Result<std::unique_ptr<RecordParser>> parser = MakeParser(kFormat, {.columns = columns});
    ASSERT_FALSE(parser.has_value());
    EXPECT_EQ(parser.error().code(), StatusCode::kInvalidArgument);
    ASSERT_EQ(parser.error().field_errors().size(), 1u);
    EXPECT_EQ(parser.error().field_errors()[0].field, "columns");
  }
  Result<std::unique_ptr<RecordParser>> parser =
      MakeParser(kFormat, {.columns = {"callid", "time-start", "time-end", "time-started"}});
  ASSERT_FALSE(parser.has_value());
  EXPECT_EQ(parser.error().field_errors()[0].message, "unknown 3CX CDR field 'time-started'");
}

}  // namespace
}  // namespace callboard
