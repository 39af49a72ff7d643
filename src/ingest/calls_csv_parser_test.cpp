#include "ingest/calls_csv_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/parser_test_support.h"

namespace callboard {
namespace {

using ::testing::ElementsAre;
using testing::ItemsOf;
using ::testing::Pair;
using testing::ParseFixture;
using testing::Utc;

std::vector<std::pair<int64_t, std::string>> Rejects(const testing::ParseOutput& out) {
  std::vector<std::pair<int64_t, std::string>> got;
  for (const ParseReject& r : out.rejects) got.emplace_back(r.line, r.reason);
  return got;
}

TEST(CallsCsvParser, ReadsRowsByTheHeaderNames) {
  const auto parser = testing::NewParser(SourceFormat::kCallsCsv);
  const testing::ParseOutput out =
      testing::ParseText(*parser, testing::ReadTestData("calls/calls.csv"));
  const std::vector<CallRecord> c = ItemsOf<CallRecord>(out.items);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].pbx_call_id, "c-1");
  EXPECT_EQ(c[0].queue, "sales");
  EXPECT_EQ(c[0].agent, "1001");
  EXPECT_EQ(c[0].started_at, Utc("2026-11-22T10:00:00Z"));
  EXPECT_EQ(c[0].answered_at, Utc("2026-11-22T10:00:12Z"));
  EXPECT_EQ(c[0].ended_at, Utc("2026-11-22T10:04:00Z"));
  EXPECT_EQ(c[0].wait_ms, 12000);
  EXPECT_EQ(c[0].talk_ms, 200500);
  EXPECT_EQ(c[0].hold_ms, 20000);
  EXPECT_EQ(c[0].acw_ms, 30000);
  EXPECT_EQ(c[0].transfer_count, 1);
  EXPECT_EQ(c[0].transferred_to, "1002");
  EXPECT_EQ(c[0].disposition, "Billing, refund");  // a quoted comma
  EXPECT_EQ(c[0].fcr, true);
  EXPECT_EQ(c[0].csat, 5);
  // Empty cells are absent: default direction, derived wait.
  EXPECT_EQ(c[1].pbx_call_id, "c-2");
  EXPECT_EQ(c[1].direction, CallDirection::kInbound);
  EXPECT_EQ(c[1].outcome, CallOutcome::kAbandoned);
  EXPECT_EQ(c[1].agent, "");
  EXPECT_EQ(c[1].wait_ms, 30000);
  EXPECT_FALSE(c[1].csat.has_value());

  EXPECT_THAT(Rejects(out),
              ElementsAre(Pair(4, "direction: unknown value 'sideways'"),
                          Pair(5, "columns: 3 cells, the header has 20"),
                          Pair(6, "hold_s: negative"), Pair(7, "fcr: not true or false")));
  // The header without its BOM and CR, for resuming mid-file.
  EXPECT_TRUE(parser->HeaderLine().starts_with("pbx_call_id,direction,queue,"));
  EXPECT_TRUE(parser->HeaderLine().ends_with(",fcr,csat"));
}

TEST(CallsCsvParser, ReadsTheRecordingColumn) {
  const auto parser = testing::NewParser(SourceFormat::kCallsCsv);
  const std::string too_long = "https://pbx.example/" + std::string(2048, 'x');
  const testing::ParseOutput out = testing::ParseText(
      *parser,
      "pbx_call_id,started_at,ended_at,outcome,recording\n"
      "r-1,2026-11-22T10:00:00Z,2026-11-22T10:01:00Z,answered,https://pbx.example/rec/r-1.wav\n"
      "r-2,2026-11-22T10:02:00Z,2026-11-22T10:03:00Z,abandoned,\n"
      "r-3,2026-11-22T10:04:00Z,2026-11-22T10:05:00Z,answered," +
          too_long + "\n");
  const std::vector<CallRecord> c = ItemsOf<CallRecord>(out.items);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].recording, "https://pbx.example/rec/r-1.wav");
  EXPECT_EQ(c[1].recording, "");
  EXPECT_THAT(Rejects(out), ElementsAre(Pair(4, "recording: longer than 2048 bytes")));
}

TEST(CallsCsvParser, RejectsAnUnknownHeaderNameAndTheRowsAfterIt) {
  const testing::ParseOutput out = ParseFixture(SourceFormat::kCallsCsv, "calls/bad_header.csv");
  EXPECT_THAT(Rejects(out),
              ElementsAre(Pair(1, "header: unknown column 'colour'"),
                          Pair(2, "header: no valid header row (line 1 was rejected)")));
  // Line 3 is a valid header in another order; line 4 follows it.
  const std::vector<CallRecord> c = ItemsOf<CallRecord>(out.items);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].pbx_call_id, "c-2");
  EXPECT_EQ(c[0].outcome, CallOutcome::kMissed);
  EXPECT_EQ(c[0].started_at, Utc("2026-11-22T10:00:00Z"));
  EXPECT_EQ(c[0].ended_at, Utc("2026-11-22T10:01:00Z"));
}

TEST(CallsCsvParser, RejectsAHeaderWithoutARequiredColumn) {
  const auto parser = testing::NewParser(SourceFormat::kCallsCsv);
  std::vector<ParsedItem> items;
  std::vector<ParseReject> rejects;
  parser->ParseLine("pbx_call_id,started_at,outcome", 1, items, rejects);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].reason, "header: no 'ended_at' column");
  EXPECT_EQ(parser->HeaderLine(), "");
}

}  // namespace
}  // namespace callboard
