#include "ingest/calls_json_parser.h"

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

TEST(CallsJsonParser, ReadsEveryFieldOfTheCallRecord) {
  const testing::ParseOutput out = ParseFixture(SourceFormat::kCallsJson, "calls/calls.jsonl");
  const std::vector<CallRecord> c = ItemsOf<CallRecord>(out.items);
  ASSERT_EQ(c.size(), 3u);
  // Line 1 (BOM, CRLF): every field, plus an unknown key that is ignored.
  EXPECT_EQ(c[0].pbx_call_id, "c-1");
  EXPECT_EQ(c[0].direction, CallDirection::kInbound);
  EXPECT_EQ(c[0].queue, "sales");
  EXPECT_EQ(c[0].agent, "1001");
  EXPECT_EQ(c[0].caller, "+15550100");
  EXPECT_EQ(c[0].callee, "800");
  EXPECT_EQ(c[0].started_at, Utc("2026-11-22T10:00:00Z"));
  EXPECT_EQ(c[0].answered_at, Utc("2026-11-22T10:00:12Z"));
  EXPECT_EQ(c[0].ended_at, Utc("2026-11-22T10:04:00Z"));
  EXPECT_EQ(c[0].wait_ms, 12000);
  EXPECT_EQ(c[0].talk_ms, 200500);
  EXPECT_EQ(c[0].hold_ms, 20000);
  EXPECT_EQ(c[0].acw_ms, 30000);
  EXPECT_EQ(c[0].outcome, CallOutcome::kAnswered);
  EXPECT_EQ(c[0].transfer_count, 1);
  EXPECT_EQ(c[0].transferred_to, "1002");
  EXPECT_EQ(c[0].disposition, "Billing");
  EXPECT_EQ(c[0].call_type, "support");
  EXPECT_EQ(c[0].fcr, true);
  EXPECT_EQ(c[0].csat, 5);
  // Line 2: only the required fields and an answer; offsets converted, durations derived.
  EXPECT_EQ(c[1].started_at, Utc("2026-11-22T09:05:00Z"));
  EXPECT_EQ(c[1].answered_at, Utc("2026-11-22T09:05:20Z"));
  EXPECT_EQ(c[1].wait_ms, 20000);
  EXPECT_EQ(c[1].talk_ms, 100000);
  EXPECT_EQ(c[1].direction, CallDirection::kInbound);
  EXPECT_FALSE(c[1].fcr.has_value());
  // Line 3: nulls are absent; milliseconds kept.
  EXPECT_EQ(c[2].direction, CallDirection::kOutbound);
  EXPECT_EQ(c[2].outcome, CallOutcome::kFailed);
  EXPECT_FALSE(c[2].answered_at.has_value());
  EXPECT_EQ(c[2].wait_ms, 30500);
  EXPECT_EQ(c[2].talk_ms, 0);
  EXPECT_EQ(c[2].fcr, false);
  EXPECT_FALSE(c[2].csat.has_value());
}

TEST(CallsJsonParser, RejectsBadValuesNamingTheField) {
  const testing::ParseOutput out = ParseFixture(SourceFormat::kCallsJson, "calls/calls.jsonl");
  std::vector<std::pair<int64_t, std::string>> got;
  for (const ParseReject& r : out.rejects) got.emplace_back(r.line, r.reason);
  EXPECT_THAT(
      got,
      ElementsAre(Pair(4, "outcome: unknown value 'hung_up'"),
                  Pair(5, "direction: unknown value 'sideways'"), Pair(6, "started_at: missing"),
                  Pair(7, "talk_s: negative"), Pair(8, "ended_at: before started_at"),
                  Pair(9, "line: not a JSON object"), Pair(10, "csat: not an integer 1..5"),
                  Pair(11, "pbx_call_id: missing"), Pair(12, "queue: not a single value"),
                  Pair(13, "started_at: not an RFC 3339 time"), Pair(14, "wait_s: over 24 h"),
                  Pair(16, "answered_at: outside started_at..ended_at")));
}

TEST(CallsJsonParser, RejectsMalformedJson) {
  const auto parser = testing::NewParser(SourceFormat::kCallsJson);
  std::vector<ParsedItem> items;
  std::vector<ParseReject> rejects;
  parser->ParseLine(R"({"pbx_call_id":"c-1",)", 3, items, rejects);
  ASSERT_EQ(rejects.size(), 1u);
  EXPECT_EQ(rejects[0].line, 3);
  EXPECT_EQ(rejects[0].raw, R"({"pbx_call_id":"c-1",)");
  EXPECT_TRUE(rejects[0].reason.starts_with("line: invalid JSON (")) << rejects[0].reason;
}

}  // namespace
}  // namespace callboard
